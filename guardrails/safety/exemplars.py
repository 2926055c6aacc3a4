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


def exemplar_text(row: int) -> str:
    # For debugging reasons in the benchmark; exemplars are our own text, never a parent's.
    data = load("exemplars.yaml")
    return [line for lines in data["routes"].values() for line in lines][row]
