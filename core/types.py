"""Types shared across layers: turn routes and statuses (from core/data/routes.yaml) and search results."""

from __future__ import annotations

from dataclasses import dataclass

from core.data_files import CORE_DATA, load_yaml

_ROUTES = load_yaml(CORE_DATA / "routes.yaml")

STATUSES: tuple[str, ...] = tuple(_ROUTES["statuses"])
ORDINARY_ROUTES: tuple[str, ...] = tuple(_ROUTES["routes"]["ordinary"])
PRIORITY: tuple[str, ...] = tuple(_ROUTES["routes"]["priority"])  # safety and scope routes, most urgent first
URGENT_ROUTES: tuple[str, ...] = tuple(_ROUTES["routes"]["urgent"])
SIGNPOSTED_ROUTES: tuple[str, ...] = tuple(_ROUTES["routes"]["signposted"])
SAFETY_ROUTES: tuple[str, ...] = tuple(r for r in PRIORITY if r != "out_of_scope")
ROUTES: tuple[str, ...] = ORDINARY_ROUTES + PRIORITY


@dataclass(frozen=True)
class Source:
    title: str
    url: str


@dataclass(frozen=True)
class RetrievedChunk:
    chunk_id: str
    doc_id: str
    title: str
    heading: str
    text: str
    area: str
    topic: str
    score: float  # fused rank score, for ordering
    similarity: float  # cosine similarity to the query, for the answer threshold
    sources: tuple[Source, ...] = ()
    relevance: float = 0.0  # the learned ranker's probability that this section answers the question
    red_flag: bool = False  # a section that says when to get help (GP, NHS 111, a referral)
