"""A learned name tagger: which words of a message are people's names, judged from the words around them.

Why: the wording cues in config.yaml are precise but only catch the phrasings someone thought to write
down ("my son X"), while parents name people in endless ways ("lo is X", "kids are X and Y", "X n me").
This model learns the contexts from ~2,000 messages written for it (data/name_training/*.jsonl, names in
[[double brackets]]), each seen again with its names swapped for others from the name lists, so it learns
contexts rather than particular names. It is a recall layer beside the cues, spaCy and the name lists; the
usual tidying (characters, places and services are never people) still applies to what it finds.

Token features: the word's shape and case, whether it is a listed name, a dictionary word or a title,
and the words on either side. A logistic regression (sklearn), trained at install time, seeded, held-out
validated by message, cached under MODEL_CACHE_DIR by a digest of the lines and settings.
"""

from __future__ import annotations

import hashlib
import json
import random
import threading
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np
import regex

from core.cache_files import read_or_build
from core.settings import get_settings
from guardrails.pii.lexicon import Lexicon, load_lexicon
from guardrails.pii.recognizers.name_words import NAME_PATTERN, without_possessive
from guardrails.pii.settings import load_config

TRAINING_DIR = Path(__file__).parent / "data" / "name_training"
_TOKEN = regex.compile(rf"{NAME_PATTERN}|\d+|[^\w\s]")
_MARKED = regex.compile(r"\[\[(.+?)\]\]")
_lock = threading.Lock()


def tokens(text: str) -> list[tuple[int, int]]:
    """(start, end) of each word, number and punctuation mark; a possessive 's is left off the word."""
    return [(match.start(), without_possessive(text, match.start(), match.end())) for match in _TOKEN.finditer(text)]


def _shape(word: str) -> str:
    if not word[:1].isalpha():
        return "digit" if word[:1].isdigit() else "punct"
    if word.isupper() and len(word) > 1:
        return "upper"
    if word[:1].isupper():
        return "title"
    return "lower"


def _describe(word: str, lexicon: Lexicon) -> list[str]:
    """What the word is, independent of its place in the message."""
    lowered = word.lower()
    facts = [f"shape={_shape(word)}"]
    if not word[:1].isalpha():
        return facts
    facts += [f"suffix={lowered[-3:]}", f"len={min(len(lowered), 9)}"]
    if "-" in word:
        facts.append("hyphen")
    if "'" in word or "’" in word:
        facts.append("apostrophe")
    lists = (("first_name", lexicon.first_names), ("surname", lexicon.surnames), ("word_name", lexicon.word_names),
             ("title", lexicon.titles), ("not_name", lexicon.not_names), ("calendar", lexicon.weekdays_months))
    facts += [fact for fact, words in lists if lowered in words]
    tests = (("never_person", lexicon.is_never_person), ("dictionary", lexicon.is_english_word),
             ("everyday", lexicon.is_everyday_word))
    facts += [fact for fact, test in tests if test(lowered)]
    return facts


def features(text: str, spans: list[tuple[int, int]], lexicon: Lexicon, window: int) -> list[list[str]]:
    words = [text[s:e] for s, e in spans]
    lowered = [w.lower() for w in words]
    described = [_describe(w, lexicon) for w in words]
    out = []
    for i, word in enumerate(words):
        row = ["bias", f"w={lowered[i]}", *described[i]]
        previous = text[: spans[i][0]].rstrip()
        if not previous or previous[-1] in ".!?\n":
            row.append("sentence_start")
        if i == len(words) - 1 or all(not w[:1].isalnum() for w in words[i + 1:]):
            row.append("last_word")
        for offset in range(1, window + 1):
            for side, j in (("-", i - offset), ("+", i + offset)):
                if 0 <= j < len(words):
                    row.append(f"w{side}{offset}={lowered[j]}")
                    row += [f"{side}{offset}:{fact}" for fact in described[j] if not fact.startswith(("suffix", "len"))]
                else:
                    row.append(f"w{side}{offset}=<edge>")
        if i >= 2:
            row.append(f"w-2-1={lowered[i - 2]}_{lowered[i - 1]}")
        if i + 2 < len(words):
            row.append(f"w+1+2={lowered[i + 1]}_{lowered[i + 2]}")
        out.append(row)
    return out


def parse_marked(marked: str) -> tuple[str, list[tuple[int, int]]]:
    """'my son [[Cooper]] is 2' -> ('my son Cooper is 2', [(7, 13)])."""
    text, names, last = [], [], 0
    length = 0
    for match in _MARKED.finditer(marked):
        before = marked[last: match.start()]
        text.append(before)
        length += len(before)
        names.append((length, length + len(match.group(1))))
        text.append(match.group(1))
        length += len(match.group(1))
        last = match.end()
    text.append(marked[last:])
    return "".join(text), names


def training_messages() -> list[str]:
    lines = []
    for path in sorted(TRAINING_DIR.glob("*.jsonl")):
        lines += [json.loads(raw)["text"] for raw in path.read_text(encoding="utf-8").splitlines() if raw.strip()]
    return lines


def _swap_names(marked: str, pool: list[str], rng: random.Random) -> str:
    """The same message with each distinct name replaced (consistently) by another, in the same case."""
    chosen: dict[str, str] = {}

    def replace(match: regex.Match[str]) -> str:
        original = match.group(1)
        parts = original.split()
        new_parts = []
        for part in parts:
            key = part.lower()
            if key not in chosen:
                chosen[key] = rng.choice(pool)
            new = chosen[key]
            new = new.lower() if part.islower() else new.upper() if part.isupper() and len(part) > 1 else new.title()
            new_parts.append(new)
        return f"[[{' '.join(new_parts)}]]"

    return _MARKED.sub(replace, marked)


def _labelled(marked: str, lexicon: Lexicon, window: int) -> tuple[list[list[str]], list[int]]:
    text, names = parse_marked(marked)
    spans = tokens(text)
    labels = [int(any(s < e2 and s2 < e for s2, e2 in names)) for s, e in spans]
    return features(text, spans, lexicon, window), labels


@dataclass(frozen=True)
class NameTagger:
    vocabulary: dict[str, int]
    weights: np.ndarray
    bias: float
    thresholds: dict[str, float]  # word group (see word_group) -> probability at which a word is a name
    window: int
    report: dict

    @cached_property
    def _weight_of(self) -> dict[str, float]:
        # Plain floats by feature: summing these is several times faster than indexing a numpy array per feature.
        return {feature: float(self.weights[index]) for feature, index in self.vocabulary.items()}

    def probabilities(self, text: str, spans: list[tuple[int, int]], lexicon: Lexicon) -> np.ndarray:
        weight_of = self._weight_of
        rows = features(text, spans, lexicon, self.window)
        scores = np.array([sum(weight_of.get(f, 0.0) for f in row) for row in rows], dtype=np.float32) + self.bias
        return 1.0 / (1.0 + np.exp(-scores))

    def names(self, text: str, lexicon: Lexicon) -> list[tuple[int, int, float]]:
        """(start, end, probability) of each run of words the model calls a name."""
        spans = tokens(text)
        if not spans:
            return []
        probs = self.probabilities(text, spans, lexicon)
        found: list[tuple[int, int, float]] = []
        for (start, end), prob in zip(spans, probs):
            if not text[start:start + 1].isalpha() or prob < self.thresholds[word_group(text[start:end], lexicon)]:
                continue
            if found and text[found[-1][1]:start].strip() == "":
                found[-1] = (found[-1][0], end, max(found[-1][2], float(prob)))  # "Tolu Adebayo-Jones"
            else:
                found.append((start, end, float(prob)))
        return found


def word_group(word: str, lexicon: Lexicon) -> str:
    """"lowercase_word": a lowercase dictionary word ("faith", "bill"), where taking a word that was not a
    name costs the parent the meaning of their message; "other": everything else. Each has its own budget."""
    return "lowercase_word" if word.islower() and lexicon.is_english_word(word) else "other"


def _looks_like_a_name(word: str, lexicon: Lexicon) -> bool:
    return word[:1].isalpha() and (word[:1].isupper() or lexicon.is_known_name_word(word))


def _settings() -> dict:
    return load_config()["learned_names"]


def _examples(messages: list[str], lexicon: Lexicon, settings: dict, rng: random.Random,
              pool: list[str]) -> tuple[list[list[str]], list[int]]:
    rows, labels = [], []
    for marked in messages:
        variants = [marked] + [_swap_names(marked, pool, rng) for _ in range(int(settings["name_swaps"]))
                               if "[[" in marked]
        for variant in variants:
            r, l = _labelled(variant, lexicon, int(settings["window"]))
            rows += r
            labels += l
    return rows, labels


def _fit(rows: list[list[str]], labels: list[int], c: float, seed: int):
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vectoriser = DictVectorizer(dtype=np.float32)
    x = vectoriser.fit_transform([{f: 1.0 for f in row} for row in rows])
    model = LogisticRegression(C=c, max_iter=3000, random_state=seed, class_weight="balanced")
    model.fit(x, np.array(labels))
    return vectoriser, model


def train() -> NameTagger:
    settings = _settings()
    lexicon = load_lexicon()
    seed = int(settings["seed"])
    pool = sorted(lexicon.first_names | lexicon.word_names | lexicon.surnames)
    messages = training_messages()
    order = list(range(len(messages)))
    random.Random(seed).shuffle(order)
    folds = int(settings["folds"])
    held_probs, held_labels, held_groups, held_lookalike = [], [], [], []
    for fold in range(folds):
        held = [messages[i] for n, i in enumerate(order) if n % folds == fold]
        kept = [messages[i] for n, i in enumerate(order) if n % folds != fold]
        rows, labels = _examples(kept, lexicon, settings, random.Random(seed + fold), pool)
        vectoriser, model = _fit(rows, labels, float(settings["c"]), seed)
        for marked in held:  # held-out messages as written: no swapped names
            r, l = _labelled(marked, lexicon, int(settings["window"]))
            if not r:
                continue
            text, _ = parse_marked(marked)
            words = [text[a:b] for a, b in tokens(text)]
            held_probs += model.predict_proba(vectoriser.transform([{f: 1.0 for f in row} for row in r]))[:, 1].tolist()
            held_labels += l
            held_groups += [word_group(word, lexicon) for word in words]
            held_lookalike += [_looks_like_a_name(word, lexicon) for word in words]
    probs, y, groups = np.array(held_probs), np.array(held_labels), np.array(held_groups)
    lookalike = np.array(held_lookalike)
    # Per word group, the lowest probability at which at most its `false_alarm` share of held-out words that
    # look like names but are not (a listed name word or a capitalised word: the hard cases) would be taken.
    thresholds, report = {}, {"messages": len(messages), "held_out_name_words": int(y.sum())}
    for group, budget in settings["false_alarm"].items():
        non_names = np.sort(probs[(groups == group) & lookalike & (y == 0)])[::-1]
        allowed = int(float(budget) * len(non_names))
        thresholds[group] = float(max(float(settings["min_probability"]), non_names[allowed]))
    taken = probs >= np.array([thresholds[g] for g in groups])
    report |= {"thresholds": {g: round(t, 3) for g, t in thresholds.items()},
               "held_out_recall": round(float(taken[y == 1].mean()), 3),
               "held_out_precision": round(float(y[taken].mean()), 3) if taken.any() else 0.0,
               **{f"held_out_{g}_lookalike_false_alarm": round(float(taken[(groups == g) & lookalike & (y == 0)].mean()), 4)
                  for g in thresholds}}
    rows, labels = _examples(messages, lexicon, settings, random.Random(seed), pool)
    vectoriser, model = _fit(rows, labels, float(settings["c"]), seed)
    vocabulary = {name: i for i, name in enumerate(vectoriser.get_feature_names_out())}
    return NameTagger(vocabulary, model.coef_[0].astype(np.float32), float(model.intercept_[0]), thresholds,
                      int(settings["window"]), report)


def _digest() -> str:
    lexicon = load_lexicon()
    parts = [json.dumps(_settings(), sort_keys=True), *training_messages(),
             *sorted(lexicon.first_names), *sorted(lexicon.surnames), *sorted(lexicon.word_names),
             *sorted(lexicon.not_people), *sorted(lexicon.never_people)]  # features read these lists too
    return hashlib.sha256("\x1e".join(parts).encode("utf-8")).hexdigest()[:24]


def _read(path: Path) -> NameTagger:
    with np.load(path, allow_pickle=False) as saved:
        meta = json.loads(str(saved["meta"]))
        names = saved["features"].tolist()
        return NameTagger({name: i for i, name in enumerate(names)}, saved["weights"], float(meta["bias"]),
                          meta["thresholds"], int(meta["window"]), meta["report"])


def _write(tagger: NameTagger, out) -> None:
    names = sorted(tagger.vocabulary, key=tagger.vocabulary.get)
    meta = json.dumps({"bias": tagger.bias, "thresholds": tagger.thresholds, "window": tagger.window,
                       "report": tagger.report})
    np.savez(out, meta=np.array(meta), features=np.array(names, dtype=str), weights=tagger.weights)


@lru_cache(maxsize=1)
def tagger() -> NameTagger:
    path = get_settings().model_cache_dir / f"name-tagger-{_digest()}.npz"
    with _lock:
        return read_or_build(path, _read, train, _write, "name-tagger-*.npz")
