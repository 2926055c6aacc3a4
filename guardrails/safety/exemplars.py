"""Embedding similarity to exemplar sets (data/exemplars.yaml), sharing the packaged MiniLM model."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from core.cache_files import write_replacing
from core.settings import get_settings
from guardrails.safety._data import load
from core.embeddings import embed, embed_query

log = logging.getLogger("guardrails.safety")
CACHE_PREFIX = "safety-vectors-"

ORDINARY = "ordinary"


@dataclass(frozen=True)
class Threshold:
    similarity: float
    margin: float  # over the best "ordinary" exemplar and any route in beat
    beat: tuple[str, ...] = ()


@dataclass(frozen=True)
class ExemplarIndex:
    labels: tuple[str, ...]  # route per row of vectors
    vectors: np.ndarray  # (n, dim), L2-normalised
    thresholds: dict[str, Threshold]
    min_words: int
    far_ordinary_below: float  # see far_from_scope()
    far_margin: float
    clause_words: int  # a message longer than this is also read clause by clause (see classifier)
    clause_boost: float  # extra similarity a single clause needs, since a clause has less context


def index() -> ExemplarIndex:
    """The exemplar index, with the route model built too: the entry point start-up calls, so the first
    parent waits for neither. Both come from one embedding matrix cached on disk (see cached_vectors)."""
    idx = _exemplar_index()
    route_model()
    return idx


def _cache_dir() -> Path:
    return get_settings().model_cache_dir


def cached_vectors(texts: list[str]) -> np.ndarray:
    """embed(texts), cached under VAR_DIR/cache in a file keyed by a hash of the model name and the texts.

    Embedding the ~1,500 labelled lines costs several seconds of CPU at every start; reading the cache
    costs milliseconds. Any edit to the data files (or a different model) changes the key, so a stale
    cache is never read; older cache files are removed when a new one is written. If VAR_DIR is not
    writable the vectors are simply computed each time.
    """
    model = get_settings().embedding_model
    digest = hashlib.sha256("\x1e".join([model, *texts]).encode("utf-8")).hexdigest()[:24]
    path = _cache_dir() / f"{CACHE_PREFIX}{digest}.npy"
    try:
        vectors = np.load(path, allow_pickle=False)
        if vectors.shape[0] == len(texts):
            return vectors.astype(np.float32, copy=False)
    except (OSError, ValueError):
        pass
    vectors = embed(texts) if texts else np.zeros((0, 384), dtype=np.float32)
    write_replacing(path, lambda out: np.save(out, vectors, allow_pickle=False), f"{CACHE_PREFIX}[0-9a-f]*.npy")
    return vectors


def _labelled_texts() -> tuple[list[str], list[str], int]:
    """(labels, texts, n_exemplars): exemplars.yaml routes first, then training.yaml examples."""
    data = load("exemplars.yaml")
    labels: list[str] = []
    texts: list[str] = []
    for route, lines in data["routes"].items():
        bad = [line for line in lines if not isinstance(line, str)]
        if bad:  # an unquoted "word: text" line in YAML becomes a dict
            raise ValueError(f"exemplars.yaml {route}: quote these lines: {bad}")
        labels.extend([route] * len(lines))
        texts.extend(lines)
    n_exemplars = len(texts)
    for route, lines in load("training.yaml")["examples"].items():
        bad = [line for line in lines if not isinstance(line, str)]
        if bad:
            raise ValueError(f"training.yaml {route}: quote these lines: {bad}")
        labels.extend([route] * len(lines))
        texts.extend(lines)
    return labels, texts, n_exemplars


@lru_cache(maxsize=1)
def _all_vectors() -> np.ndarray:
    return cached_vectors(_labelled_texts()[1])


@lru_cache(maxsize=1)
def _exemplar_index() -> ExemplarIndex:
    # Computed once per process; every message then costs one matmul.
    data = load("exemplars.yaml")
    labels, _, n_exemplars = _labelled_texts()
    settings = data["settings"]
    return ExemplarIndex(
        labels=tuple(labels[:n_exemplars]),
        vectors=_all_vectors()[:n_exemplars],
        thresholds={
            route: Threshold(value["similarity"], value["margin"], tuple(value.get("beat", ())))
            for route, value in settings["thresholds"].items()
        },
        min_words=int(settings["min_words"]),
        far_ordinary_below=float(settings.get("far_from_scope", {}).get("ordinary_below", 0.0)),
        far_margin=float(settings.get("far_from_scope", {}).get("margin", 1.0)),
        clause_words=int(settings.get("clause_words", 25)),
        clause_boost=float(settings.get("clause_boost", 0.0)),
    )


def best_similarities(text: str, vector: np.ndarray | None = None) -> dict[str, tuple[float, int]]:
    """Route -> (best cosine similarity, row of that exemplar). Uses the cached query embedding."""
    idx = _exemplar_index()
    query = np.asarray(embed_query(text), dtype=np.float32) if vector is None else vector
    scores = idx.vectors @ query
    best: dict[str, tuple[float, int]] = {}
    for row, (label, score) in enumerate(zip(idx.labels, scores.tolist())):
        if label not in best or score > best[label][0]:
            best[label] = (score, row)
    return best


def routes_above_threshold(text: str, *, in_scope: bool = False) -> dict[str, str]:
    """Route -> reason, for every route whose exemplars are close enough and closer than the rivals.

    in_scope: the message names children or hub things, so out_of_scope is not taken from embeddings.
    """
    idx = _exemplar_index()
    if len(text.split()) < idx.min_words:
        return {}
    return _fired(best_similarities(text), idx.thresholds, in_scope=in_scope)


def _fired(best: dict[str, tuple[float, int]], thresholds: dict[str, Threshold], *, in_scope: bool,
           boost: float = 0.0, label: str = "") -> dict[str, str]:
    fired: dict[str, str] = {}
    for route, threshold in thresholds.items():
        if route == "out_of_scope" and in_scope:
            continue
        score, row = best.get(route, (0.0, -1))
        rival = max(best.get(name, (0.0, -1))[0] for name in (ORDINARY, *threshold.beat))
        if score >= threshold.similarity + boost and score - rival >= threshold.margin:
            fired[route] = f"similar to {route} exemplar {row}{label} ({score:.2f} vs rival {rival:.2f})"
    return fired


def far_from_scope(text: str) -> str | None:
    """Reason if the message is far from every in-scope exemplar and nearer the out-of-scope ones."""
    idx = _exemplar_index()
    if len(text.split()) < idx.min_words:
        return None
    best = best_similarities(text)
    ordinary, _ = best.get(ORDINARY, (0.0, -1))
    other, row = best.get("out_of_scope", (0.0, -1))
    if ordinary < idx.far_ordinary_below and other - ordinary >= idx.far_margin:
        return f"far from in-scope exemplars ({ordinary:.2f}; out_of_scope exemplar {row} {other:.2f})"
    return None


def clause_routes(clauses: list[str], routes: tuple[str, ...]) -> dict[str, str]:
    """Routes (limited to `routes`) that any one clause of a long message fires on its own.

    A disclosure buried in a long, mostly ordinary message is diluted in the whole-message embedding.
    The clauses are embedded in one batch (~10 ms each on CPU), so callers send only long messages.
    """
    idx = _exemplar_index()
    clauses = [c for c in clauses if len(c.split()) >= idx.min_words + 1]
    if not clauses:
        return {}
    wanted = {r: idx.thresholds[r] for r in routes if r in idx.thresholds}
    fired: dict[str, str] = {}
    for n, vector in enumerate(embed(clauses)):
        for route, why in _fired(best_similarities("", vector), wanted, in_scope=True,
                                 boost=idx.clause_boost, label=f" in clause {n + 1}").items():
            fired.setdefault(route, why)
    return fired


@dataclass(frozen=True)
class RouteModel:
    classes: tuple[str, ...]
    weights: np.ndarray  # (classes, dim)
    bias: np.ndarray  # (classes,)
    min_probability: dict[str, float]  # per route: the probability the model needs to add that route
    routes: tuple[str, ...]  # the routes the model may add
    idiom_margin: float = 0.0  # extra probability needed when the message holds a known idiom

    def fires(self, route: str, probability: float, *, idiom: bool = False) -> bool:
        floor = self.min_probability.get(route)
        return floor is not None and probability >= floor + (self.idiom_margin if idiom else 0.0)


@lru_cache(maxsize=1)
def route_model() -> RouteModel:
    """Logistic regression over the exemplars plus data/training.yaml, trained once per process.

    Nearest-exemplar similarity only fires when a message is worded like one exemplar; a linear model over
    all the labelled lines generalises better to new phrasings (measured on a blind set written after
    tuning), so it is used as a recall backstop for the urgent routes, and (at a high probability) for
    injection and out_of_scope. Built by index() at start-up from the cached embeddings (fitting takes
    well under a second); then one small matmul per message.
    """
    settings = load("exemplars.yaml")["settings"]["model"]
    labels, _, _ = _labelled_texts()
    vectors = _all_vectors()
    classes = tuple(sorted(set(labels)))
    weights, bias = _cached_fit(vectors, labels, classes, float(settings["c"]))
    floor = settings["min_probability"]
    routes = tuple(settings["routes"])
    thresholds = ({route: float(floor[route]) for route in routes} if isinstance(floor, dict)
                  else {route: float(floor) for route in routes})
    return RouteModel(classes=classes, weights=weights, bias=bias, min_probability=thresholds, routes=routes,
                      idiom_margin=float(settings.get("idiom_margin", 0.0)))


def _cached_fit(vectors: np.ndarray, labels: list[str], classes: tuple[str, ...],
                c: float) -> tuple[np.ndarray, np.ndarray]:
    """_fit_logistic, cached next to the vectors (fitting is most of the remaining start-up cost, ~1.5 s).

    Keyed by the labelled texts, the model name and C, so any edit to the data refits."""
    texts = _labelled_texts()[1]
    key = "\x1e".join([get_settings().embedding_model, f"c={c}", *labels, *texts])
    path = _cache_dir() / f"{CACHE_PREFIX}fit-{hashlib.sha256(key.encode('utf-8')).hexdigest()[:24]}.npz"
    try:
        with np.load(path, allow_pickle=False) as saved:
            if saved["weights"].shape == (len(classes), vectors.shape[1]):
                return saved["weights"].astype(np.float32), saved["bias"].astype(np.float32)
    except (OSError, ValueError, KeyError):
        pass
    weights, bias = _fit_logistic(vectors, [classes.index(label) for label in labels], len(classes), c)
    write_replacing(path, lambda out: np.savez(out, weights=weights, bias=bias), f"{CACHE_PREFIX}fit-*.npz")
    return weights, bias


def _fit_logistic(x: np.ndarray, y: list[int], n_classes: int, c: float,
                  steps: int = 400) -> tuple[np.ndarray, np.ndarray]:
    """Class-balanced multinomial logistic regression with L2 (sklearn's C), by full-batch gradient descent
    with Nesterov momentum: deterministic, numpy only, well under a second for a thousand rows."""
    n, dim = x.shape
    target = np.zeros((n, n_classes), dtype=np.float32)
    target[np.arange(n), y] = 1.0
    counts = target.sum(axis=0)
    sample_weight = (n / (n_classes * counts))[y].astype(np.float32)[:, None]  # "balanced"
    weights = np.zeros((n_classes, dim), dtype=np.float32)
    bias = np.zeros(n_classes, dtype=np.float32)
    velocity_w, velocity_b = np.zeros_like(weights), np.zeros_like(bias)
    rate, momentum, l2 = 2.0, 0.9, 1.0 / (c * n)
    for _ in range(steps):
        look_w, look_b = weights + momentum * velocity_w, bias + momentum * velocity_b
        logits = x @ look_w.T + look_b
        logits -= logits.max(axis=1, keepdims=True)
        probs = np.exp(logits)
        probs /= probs.sum(axis=1, keepdims=True)
        error = (probs - target) * sample_weight / n
        grad_w = error.T @ x + l2 * look_w
        grad_b = error.sum(axis=0)
        velocity_w = momentum * velocity_w - rate * grad_w
        velocity_b = momentum * velocity_b - rate * grad_b
        weights, bias = weights + velocity_w, bias + velocity_b
    return weights.astype(np.float32), bias.astype(np.float32)


def model_route(text: str) -> tuple[str, float]:
    """(most probable route or 'ordinary', its probability) for the cached query embedding."""
    model = route_model()
    logits = model.weights @ np.asarray(embed_query(text), dtype=np.float32) + model.bias
    probs = np.exp(logits - logits.max())
    probs /= probs.sum()
    best = int(np.argmax(probs))
    return model.classes[best], float(probs[best])


def exemplar_text(row: int) -> str:
    # For debugging reasons in the benchmark; exemplars are our own text, never a parent's.
    data = load("exemplars.yaml")
    return [line for lines in data["routes"].values() for line in lines][row]
