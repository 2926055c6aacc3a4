"""Embedding similarity to exemplar sets (data/exemplars.yaml), sharing the packaged MiniLM model."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from guardrails.safety._data import load
from knowledge_base.embeddings import embed, embed_query

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


@lru_cache(maxsize=1)
def index() -> ExemplarIndex:
    # Computed once per process (~1 s for a few hundred lines); every message then costs one matmul.
    data = load("exemplars.yaml")
    labels: list[str] = []
    texts: list[str] = []
    for route, lines in data["routes"].items():
        bad = [line for line in lines if not isinstance(line, str)]
        if bad:  # an unquoted "word: text" line in YAML becomes a dict
            raise ValueError(f"exemplars.yaml {route}: quote these lines: {bad}")
        labels.extend([route] * len(lines))
        texts.extend(lines)
    settings = data["settings"]
    return ExemplarIndex(
        labels=tuple(labels),
        vectors=embed(texts),
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
    idx = index()
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
    idx = index()
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
    idx = index()
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
    idx = index()
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
    min_probability: float
    routes: tuple[str, ...]  # the routes the model may add


@lru_cache(maxsize=1)
def route_model() -> RouteModel:
    """Logistic regression over the exemplars plus data/training.yaml, trained once per process.

    Nearest-exemplar similarity only fires when a message is worded like one exemplar; a linear model over
    all the labelled lines generalises better to new phrasings (measured on a blind set written after
    tuning), so it is used as a recall backstop for the urgent routes. Built with the exemplar index on first
    use (embedding training.yaml is most of the cost, ~1-2 s); then one small matmul per message.
    """
    idx = index()
    settings = load("exemplars.yaml")["settings"]["model"]
    extra = load("training.yaml")["examples"]
    texts = [line for lines in extra.values() for line in lines]
    labels = list(idx.labels) + [route for route, lines in extra.items() for _ in lines]
    vectors = np.vstack([idx.vectors, embed(texts)]) if texts else idx.vectors
    classes = tuple(sorted(set(labels)))
    weights, bias = _fit_logistic(vectors, [classes.index(label) for label in labels], len(classes),
                                  float(settings["c"]))
    return RouteModel(
        classes=classes,
        weights=weights,
        bias=bias,
        min_probability=float(settings["min_probability"]),
        routes=tuple(settings["routes"]),
    )


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
