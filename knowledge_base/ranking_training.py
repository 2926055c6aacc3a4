"""Training the section ranker (see knowledge_base.ranking) from the bundled guidance's example questions."""

from __future__ import annotations

import logging
import time

import numpy as np

from core.areas import AREAS
from knowledge_base.chunking import chunk_documents
from knowledge_base.documents import bundled_documents
from knowledge_base.query_terms import expand
from knowledge_base.ranking import FEATURES, Ranker, features, index_from, settings
from knowledge_base.text_vectors import vectors_of

log = logging.getLogger("knowledge_base.ranking_training")


def _off_topic_lines() -> list[str]:
    # Lines the safety data labels out of scope ("write me a poem", "tax return help"): no section answers them.
    from guardrails.safety.learned import labelled_lines

    lines = labelled_lines()
    return sorted(t for t, label, lang in zip(lines.texts, lines.labels, lines.languages)
                  if label == "out_of_scope" and lang == "en")


def training_inputs() -> dict:
    chunks = chunk_documents(bundled_documents())
    return {"chunks": [[c.chunk_id, c.embedding_text, c.metadata] for c in chunks], "off_topic": _off_topic_lines()}


def _scope(area: str) -> list[str]:
    return ["national", area]


def train_adapter(questions: np.ndarray, owners: np.ndarray, sections: np.ndarray, config: dict) -> np.ndarray:
    """A linear map of question vectors, learned so that a question's nearest section is the one that answers
    it (softmax over every section, kept near the identity). It runs on MiniLM vectors already computed, so
    training takes seconds and a turn pays one small matrix product."""
    import torch

    settings_ = config["adapter"]
    torch.manual_seed(int(config["seed"]))
    generator = torch.Generator().manual_seed(int(config["seed"]))
    dim = sections.shape[1]
    weights = torch.nn.Parameter(torch.eye(dim))
    q, o, s = torch.tensor(questions), torch.tensor(owners), torch.tensor(sections)
    optimiser = torch.optim.Adam([weights], lr=float(settings_["learning_rate"]))
    batch, temperature, pull = int(settings_["batch"]), float(settings_["temperature"]), float(settings_["identity_pull"])
    for _ in range(int(settings_["epochs"])):
        order = torch.randperm(len(q), generator=generator)
        for start in range(0, len(q), batch):
            chosen = order[start:start + batch]
            adapted = torch.nn.functional.normalize(q[chosen] @ weights, dim=1)
            loss = torch.nn.functional.cross_entropy(temperature * adapted @ s.T, o[chosen])
            loss = loss + pull * ((weights - torch.eye(dim)) ** 2).sum()
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
    return weights.detach().numpy().astype(np.float32)


def _adapted(vectors: np.ndarray, adapter: np.ndarray) -> np.ndarray:
    out = vectors @ adapter
    return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)


def _fit(x: np.ndarray, y: np.ndarray, c: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    from sklearn.linear_model import LogisticRegression

    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=c, max_iter=2000)
    model.fit((x - mean) / scale, y)
    return mean, scale, model.coef_[0], float(model.intercept_[0])


def _choose_threshold(top: np.ndarray, correct: np.ndarray, wrong_cost: float) -> float:
    """The probability above which answering pays best: +1 for a right section, -wrong_cost for a wrong one
    (a confident wrong answer from a council is worse than "we have no guidance on that")."""
    best_t, best_gain = 1.0, 0.0
    for t in np.unique(top):
        answered = top >= t
        gain = correct[answered].sum() - wrong_cost * (~correct[answered]).sum()
        if gain > best_gain:
            best_t, best_gain = float(t), float(gain)
    return best_t


def train() -> Ranker:
    started = time.perf_counter()
    config = settings()
    rows = training_rows(config)
    return fit_ranker(rows, config, started)


def training_rows(config: dict) -> dict:
    rng = np.random.default_rng(int(config["seed"]))
    chunks = chunk_documents(bundled_documents())
    ids = [c.chunk_id for c in chunks]
    metadatas = [{**c.metadata, "text": c.text} for c in chunks]
    index = index_from(ids, metadatas, vectors_of([c.embedding_text for c in chunks]))
    from knowledge_base.search import keyword_index, keyword_scores

    bm25 = keyword_index([c.embedding_text for c in chunks])
    folds = int(config["folds"])
    example_fold = rng.permutation(len(index.example_owner)) % folds
    question_texts = [q for m in metadatas for q in m.get("questions", "").splitlines() if q.strip()]
    assert len(question_texts) == len(index.example_owner)
    off_topic = _off_topic_lines()
    off_vectors = vectors_of(off_topic)
    rows_x, rows_y, rows_group, query_owner = [], [], [], []
    pilot = list(AREAS)
    # One adapter per fold, trained without that fold's questions: the features a question gets in training
    # are the ones an unseen question gets at run time.
    adapters = [train_adapter(index.examples[example_fold != f], index.example_owner[example_fold != f], index.vectors, config)
                for f in range(folds)]
    adapted_questions = np.zeros_like(index.examples)
    for f in range(folds):
        adapted_questions[example_fold == f] = _adapted(index.examples[example_fold == f], adapters[f])
    off_fold = rng.permutation(len(off_topic)) % folds
    adapted_off = np.vstack([_adapted(off_vectors[i:i + 1], adapters[off_fold[i]]) for i in range(len(off_topic))]) \
        if off_topic else np.zeros((0, index.vectors.shape[1]))

    def add(text: str, vector: np.ndarray, adapted: np.ndarray, owner: int, area: str,
            example_allowed: np.ndarray | None) -> None:
        allowed = np.isin(index.areas, _scope(area))
        rows, matrix = features(index, text, vector, adapted, keyword_scores(bm25, expand(text).text, len(ids)),
                                allowed, example_allowed)
        rows_x.append(matrix)
        rows_y.append(rows == owner)
        rows_group.append(np.full(len(rows), len(query_owner)))
        query_owner.append((owner, rows))

    for j, text in enumerate(question_texts):
        owner = int(index.example_owner[j])
        area = index.areas[owner] if index.areas[owner] != "national" else pilot[int(rng.integers(len(pilot)))]
        # Leave the question's fold out of the example index: it must be found by what others wrote.
        add(text, index.examples[j], adapted_questions[j], owner, area, example_fold != example_fold[j])
    for text, vector, adapted in zip(off_topic, off_vectors, adapted_off):
        add(text, vector, adapted, -1, pilot[int(rng.integers(len(pilot)))], None)
    x, y, groups = np.vstack(rows_x), np.concatenate(rows_y).astype(int), np.concatenate(rows_group)
    return {"x": x, "y": y, "groups": groups, "query_owner": query_owner, "metadatas": metadatas,
            "sections": len(ids), "off_topic": len(off_topic),
            "adapter": train_adapter(index.examples, index.example_owner, index.vectors, config)}


def fit_ranker(data: dict, config: dict, started: float) -> Ranker:
    x, y, groups, query_owner, metadatas = data["x"], data["y"], data["groups"], data["query_owner"], data["metadatas"]
    rng = np.random.default_rng(int(config["seed"]) + 1)
    # Out-of-fold probabilities, folded by question, choose the threshold and give the held-out figures.
    folds = int(config["folds"])
    query_fold = rng.permutation(len(query_owner)) % folds
    held = np.zeros(len(y))
    c = float(config["c"])
    for fold in range(folds):
        train_rows = query_fold[groups] != fold
        mean, scale, weights, bias = _fit(x[train_rows], y[train_rows], c)
        held[~train_rows] = 1 / (1 + np.exp(-(((x[~train_rows] - mean) / scale) @ weights + bias)))
    top, correct, ranks, topics = [], [], [], []
    for q, (owner, rows) in enumerate(query_owner):
        probs = held[groups == q]
        order = rows[np.argsort(-probs, kind="stable")] if len(rows) else rows
        top.append(probs.max() if len(probs) else 0.0)
        correct.append(owner >= 0 and len(order) > 0 and order[0] == owner)
        if owner >= 0:
            hits = np.flatnonzero(order == owner)
            ranks.append(int(hits[0]) + 1 if len(hits) else 0)
            topics.append(metadatas[owner].get("topic", ""))
    red_flag_rows = np.array([m.get("red_flag") == "yes" for m in metadatas])
    red_flag_top, red_flag_owner = [], []
    for q, (owner, rows) in enumerate(query_owner):
        probs = held[groups == q]
        flagged = probs[red_flag_rows[rows]] if len(rows) else probs[:0]
        red_flag_top.append(flagged.max() if len(flagged) else 0.0)
        red_flag_owner.append(owner >= 0 and bool(red_flag_rows[owner]))
    red_flag_top_a, red_flag_owner_a = np.array(red_flag_top), np.array(red_flag_owner)
    # The red-flag threshold: held out, questions written for a when-to-get-help section bring its advice
    # into the answer at least this often (data/ranking.yaml).
    flagged_questions = red_flag_top_a[red_flag_owner_a]
    red_flag_threshold = float(np.quantile(flagged_questions, 1 - float(config["red_flag_recall"]))) if len(flagged_questions) else 1.0
    top_a, correct_a = np.array(top), np.array(correct)
    n_questions = sum(owner >= 0 for owner, _ in query_owner)
    threshold = _choose_threshold(top_a, correct_a, float(config["wrong_answer_cost"]))
    # The floor: all but a small share of held-out parents' questions reach it. Off-topic messages are the
    # safety layer's to refuse (it is trained on them); what gets here is about young children.
    floor = float(min(threshold, np.quantile(top_a[:n_questions], float(config["closest_miss_share"]))))
    mean, scale, weights, bias = _fit(x, y, c)
    ranks_a = np.array(ranks)
    report = {
        "sections": data["sections"], "example_questions": n_questions, "off_topic_lines": data["off_topic"],
        "held_out_recall_at_1": round(float((ranks_a == 1).mean()), 3),
        "held_out_recall_at_5": round(float(((ranks_a >= 1) & (ranks_a <= 5)).mean()), 3),
        "held_out_mrr": round(float(np.where(ranks_a > 0, 1 / np.maximum(ranks_a, 1), 0).mean()), 3),
        "answer_threshold": round(threshold, 3), "closest_floor": round(floor, 3),
        "held_out_questions_below_floor": round(float((top_a[:n_questions] < floor).mean()), 3),
        "held_out_answered_right": round(float((correct_a[:n_questions] & (top_a[:n_questions] >= threshold)).mean()), 3),
        "held_out_answered_wrong": round(float((~correct_a[:n_questions] & (top_a[:n_questions] >= threshold)).mean()), 3),
        "off_topic_answered": round(float((top_a[n_questions:] >= threshold).mean()), 3) if data["off_topic"] else None,
        "red_flag_threshold": round(red_flag_threshold, 3),
        "held_out_red_flag_advice_added_when_asked": round(float((flagged_questions >= red_flag_threshold).mean()), 3) if len(flagged_questions) else None,
        "held_out_red_flag_advice_added_to_other_questions": round(float((red_flag_top_a[:n_questions][~red_flag_owner_a[:n_questions]] >= red_flag_threshold).mean()), 3),
        "by_topic_recall_at_1": {t: round(float((ranks_a[np.array(topics) == t] == 1).mean()), 3) for t in sorted(set(topics))},
        "weights": dict(zip(FEATURES, np.round(weights, 3).tolist())),
        "seconds": round(time.perf_counter() - started, 1),
    }
    log.info("ranker trained %s", report)
    return Ranker(data["adapter"], mean, scale, weights, bias, threshold, floor, red_flag_threshold, report)
