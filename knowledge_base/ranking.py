"""Learned ranking and answerability: which guidance section answers a parent's question, and how sure we are.

Every section carries parents' example questions (the `questions:` front matter, many registers), indexed
as extra vectors that point to their section. For one question, each candidate section gets a handful of
features (meaning similarity of the section, its heading and its closest example questions; BM25; ranks;
topic, age and area fit), and a logistic regression turns them into the probability that this section
answers the question. The features are generic, so a section an editor adds later is ranked too.

Trained from the bundled guidance (`python -m assistant train`, or at first start), seeded, and cached under
MODEL_CACHE_DIR by a digest of its inputs. Training is leave-fold-out: a question is scored against an
example index that does not hold it (nor the rest of its fold), so the model learns from unseen wording,
not from finding itself. Off-topic lines from the safety training data are questions no section answers.
The answer threshold is chosen on out-of-fold probabilities (data/ranking.yaml says how a wrong answer
weighs against no answer); nothing is typed in.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO

import numpy as np
import yaml

from core.cache_files import read_or_build
from core.settings import get_settings
from knowledge_base.directory.query import find_age
from knowledge_base.query_terms import expand, topic_needs

log = logging.getLogger("knowledge_base.ranking")
SETTINGS_FILE = Path(__file__).parent / "data" / "ranking.yaml"
FEATURES = (
    "section", "heading", "meaning", "example_best", "example_top3", "keyword_share", "keyword_log",
    "meaning_gap", "example_gap", "example_top3_gap", "meaning_rank", "keyword_rank", "example_rank",
    "topic_fit", "introduction", "local", "age_fit", "example_votes",
    "adapted_section", "adapted_gap", "adapted_rank",
)
NEIGHBOURS = 10  # example questions whose sections get a vote (a nearest-neighbour classifier's reading)
_train_lock = threading.Lock()


@lru_cache(maxsize=1)
def settings() -> dict:
    return yaml.safe_load(SETTINGS_FILE.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class RankingIndex:
    """The arrays a ranking reads, one row per section (or per example question)."""

    ids: list[str]
    vectors: np.ndarray  # section text (title, heading, text)
    headings: np.ndarray  # heading alone; zeros for an introduction
    examples: np.ndarray  # example questions
    example_owner: np.ndarray  # section row of each example question
    topic_text: list[str]  # title and heading, for the topic fit
    areas: np.ndarray
    ages: np.ndarray  # (rows, 2): the youngest and oldest age (years) a section is for


def index_from(ids: list[str], metadatas: list[dict], vectors: np.ndarray) -> RankingIndex:
    """The ranking arrays for sections with these metadatas (as indexed) and text vectors."""
    from knowledge_base.text_vectors import vectors_of

    owners, questions = [], []
    for row, meta in enumerate(metadatas):
        for question in (q.strip() for q in meta.get("questions", "").splitlines()):
            if question:
                owners.append(row)
                questions.append(question)
    # The last heading in the path is the question itself ("Potty > When to start?" -> "When to start?").
    headings = vectors_of([m.get("heading", "").split(" > ")[-1] for m in metadatas])
    return RankingIndex(
        ids=ids, vectors=vectors, headings=headings, examples=vectors_of(questions),
        example_owner=np.array(owners, dtype=int), topic_text=[f"{m.get('title', '')} {m.get('heading', '')}" for m in metadatas],
        areas=np.array([m.get("area", "") for m in metadatas]),
        ages=np.array([parse_ages(m.get("ages", "0-5")) for m in metadatas]).reshape(len(metadatas), 2),
    )


def parse_ages(text: str) -> tuple[float, float]:
    """"2-5" -> (2, 5.99): a "2-3" section is for a child of 3 and a half too."""
    try:
        low, _, high = str(text).partition("-")
        return float(low), float(high or low) + 0.99
    except ValueError:
        return 0.0, 5.99


def _rank_feature(scores: np.ndarray, allowed: np.ndarray) -> np.ndarray:
    order = np.argsort(-np.where(allowed, scores, -np.inf), kind="stable")
    ranks = np.empty(len(scores))
    ranks[order] = np.arange(len(scores))
    return 1.0 / (1.0 + ranks)


def _per_section_examples(index: RankingIndex, sims: np.ndarray, sections: int) -> tuple[np.ndarray, np.ndarray]:
    """Best and mean-of-best-three example similarity per section (-1 where a section has none)."""
    best = np.full(sections, -1.0)
    top3 = np.full(sections, -1.0)
    if len(sims):
        np.maximum.at(best, index.example_owner, sims)
        order = np.lexsort((-sims, index.example_owner))
        owners = index.example_owner[order]
        starts = np.r_[0, np.flatnonzero(np.diff(owners)) + 1]
        position = np.arange(len(order)) - np.repeat(starts, np.diff(np.r_[starts, len(order)]))
        keep = position < 3
        sums, counts = np.zeros(sections), np.zeros(sections)
        np.add.at(sums, owners[keep], sims[order][keep])
        np.add.at(counts, owners[keep], 1)
        top3 = np.where(counts > 0, sums / np.maximum(counts, 1), -1.0)
    return best, top3


def features(index: RankingIndex, text: str, vector: np.ndarray, adapted: np.ndarray, keyword_scores: np.ndarray,
             allowed: np.ndarray, example_allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(candidate section rows, feature matrix) for one question. Candidates: the best few by meaning, by
    keywords, by example questions and by the adapted question vector, among the sections the parent's area
    may see. `adapted` is the question vector through the learned adapter (Ranker.adapt)."""
    n = len(index.ids)
    fitted = index.vectors @ adapted
    section = index.vectors @ vector
    heading = index.headings @ vector
    has_heading = index.headings.any(axis=1)
    meaning = np.where(has_heading, (section + heading) / 2, section)
    sims = index.examples @ vector
    if example_allowed is not None:
        sims = np.where(example_allowed, sims, -1.0)
    best, top3 = _per_section_examples(index, sims, n)
    votes = np.zeros(n)
    if len(sims):
        nearest = np.argsort(-sims, kind="stable")[:NEIGHBOURS]
        np.add.at(votes, index.example_owner[nearest], 1.0 / NEIGHBOURS)
    # A section with no example questions yet (a new page) is judged on its text and heading alone.
    best = np.where(best > -1, best, meaning)
    top3 = np.where(top3 > -1, top3, meaning)
    keywords = np.where(allowed, keyword_scores, 0.0)
    per_list = int(settings()["candidates_per_list"])
    candidates: list[int] = []
    for scores in (meaning, keywords, best, votes, fitted):
        ranked = np.argsort(-np.where(allowed, scores, -np.inf), kind="stable")[:per_list]
        candidates.extend(int(i) for i in ranked if allowed[i])
    rows = np.array(list(dict.fromkeys(candidates)), dtype=int)
    if not len(rows):
        return rows, np.zeros((0, len(FEATURES)))
    needs = topic_needs(text)
    topic_fit = np.array([all(need.search(index.topic_text[i]) for need in needs) for i in rows], dtype=float)
    age = find_age(expand(text).text)
    if age is None:
        age_fit = np.full(len(rows), 0.5)
    else:
        age_fit = ((index.ages[rows, 0] <= age) & (age <= index.ages[rows, 1])).astype(float)
    top_keyword = keywords.max() if keywords.max() > 0 else 1.0
    matrix = np.column_stack([
        section[rows], heading[rows], meaning[rows], best[rows], top3[rows],
        keywords[rows] / top_keyword, np.log1p(keywords[rows]),
        meaning[rows] - meaning[rows].max(), best[rows] - best[rows].max(), top3[rows] - top3[rows].max(),
        _rank_feature(meaning, allowed)[rows], _rank_feature(keywords, allowed)[rows], _rank_feature(best, allowed)[rows],
        topic_fit, (~has_heading[rows]).astype(float), (index.areas[rows] != "national").astype(float), age_fit,
        votes[rows],
        fitted[rows], fitted[rows] - fitted[rows].max(), _rank_feature(fitted, allowed)[rows],
    ])
    return rows, matrix


@dataclass(frozen=True)
class Ranker:
    adapter: np.ndarray  # (384, 384): turns a parent's question vector towards the sections that answer it
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    bias: float
    answer_threshold: float  # probability of the best section at or above which it answers the question
    closest_floor: float  # below the answer threshold but at or above this: the closest section, said to be so
    red_flag_threshold: float  # a when-to-get-help section this likely joins the answer with its advice
    report: dict = field(default_factory=dict)

    def adapt(self, vector: np.ndarray) -> np.ndarray:
        adapted = vector @ self.adapter
        return adapted / max(float(np.linalg.norm(adapted)), 1e-9)

    def probabilities(self, matrix: np.ndarray) -> np.ndarray:
        if not len(matrix):
            return np.zeros(0)
        logits = ((matrix - self.mean) / self.scale) @ self.weights + self.bias
        return 1.0 / (1.0 + np.exp(-logits))

    def save(self, out: BinaryIO) -> None:
        np.savez(out, adapter=self.adapter, mean=self.mean, scale=self.scale, weights=self.weights,
                 bias=np.array(self.bias), answer_threshold=np.array(self.answer_threshold),
                 closest_floor=np.array(self.closest_floor), red_flag_threshold=np.array(self.red_flag_threshold),
                 features=np.array(json.dumps(list(FEATURES))), report=np.array(json.dumps(self.report)))

    @classmethod
    def load(cls, path: Path) -> Ranker:
        with np.load(path, allow_pickle=False) as data:
            if json.loads(str(data["features"])) != list(FEATURES):
                raise ValueError("ranker file was trained on other features")
            return cls(data["adapter"], data["mean"], data["scale"], data["weights"], float(data["bias"]),
                       float(data["answer_threshold"]), float(data["closest_floor"]),
                       float(data["red_flag_threshold"]), json.loads(str(data["report"])))


def _inputs_digest() -> str:
    from knowledge_base.ranking_training import training_inputs

    blob = json.dumps([training_inputs(), settings(), list(FEATURES), get_settings().embedding_model],
                      sort_keys=True, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:24]


def _train() -> Ranker:
    from knowledge_base.ranking_training import train

    return train()


@lru_cache(maxsize=1)
def model() -> Ranker:
    """The ranker for the bundled guidance: read from the cache, or trained once (under a lock) and cached."""
    with _train_lock:
        path = get_settings().model_cache_dir / f"ranker-{_inputs_digest()}.npz"
        return read_or_build(path, Ranker.load, _train, Ranker.save, "ranker-*.npz")
