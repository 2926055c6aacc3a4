"""Choose the multilingual answer threshold (data/multilingual.yaml) on a tuning file of questions in other
languages, never evaluation lines: `python -m knowledge_base.multilingual_tuning tests/data/multilingual_tuning.jsonl`.

Each line: {"lang", "text", "docs": [guidance documents that answer it; empty for a question none answers]}.
A threshold scores (right answers) - wrong_answer_cost x (wrong sections or off-topic answers); the figure it
prints for held-out halves chooses on one half of the lines and scores the other."""

from __future__ import annotations

import json
import sys
from itertools import pairwise
from pathlib import Path

import numpy as np

from knowledge_base import multilingual
from knowledge_base.search import get_searcher


def read_lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def best_matches(lines: list[dict]) -> list[tuple[float, bool]]:
    """Per line: the best section's similarity, and whether that section's document answers the line."""
    searcher = get_searcher()
    out = []
    for line in lines:
        found = searcher.search_multilingual(line["text"], None, k=1)
        out.append((found[0].relevance, found[0].doc_id in line["docs"]) if found else (-1.0, False))
    return out


def score(matches: list[tuple[float, bool]], threshold: float, cost: float) -> float:
    answered = [right for similarity, right in matches if similarity >= threshold]
    return sum(answered) - cost * (len(answered) - sum(answered))


def choose(matches: list[tuple[float, bool]], cost: float) -> float:
    # Candidates halfway between neighbouring similarities: the threshold sits in a gap, not on a line.
    values = sorted({round(s, 4) for s, _ in matches})
    candidates = [(a + b) / 2 for a, b in pairwise(values)] or [1.0]
    return max(candidates, key=lambda t: (score(matches, t, cost), t))


def report(lines: list[dict], matches: list[tuple[float, bool]], threshold: float) -> dict:
    per: dict[str, dict[str, int]] = {}
    for line, (similarity, right) in zip(lines, matches):
        row = per.setdefault(line["lang"], {"lines": 0, "right": 0, "wrong": 0, "held_back": 0})
        row["lines"] += 1
        if similarity < threshold:
            row["held_back"] += 1
        elif right:
            row["right"] += 1
        else:
            row["wrong"] += 1
    return per


def main(argv: list[str]) -> int:
    lines = read_lines(Path(argv[0]))
    cost = float(multilingual.settings()["wrong_answer_cost"])
    matches = best_matches(lines)
    answerable = [m for line, m in zip(lines, matches) if line["docs"]]
    print(f"top-1 document right (answerable lines): {sum(r for _, r in answerable)}/{len(answerable)}")
    held_out = []
    for half in (0, 1):
        chosen = choose([m for i, m in enumerate(matches) if i % 2 != half], cost)
        held_out += [(m, chosen) for i, m in enumerate(matches) if i % 2 == half]
    right = sum(1 for (s, r), t in held_out if s >= t and r)
    wrong = sum(1 for (s, r), t in held_out if s >= t and not r)
    print(f"held-out halves: {right} right, {wrong} wrong, {len(held_out) - right - wrong} held back")
    threshold = choose(matches, cost)
    print(f"threshold on all lines: {threshold:.5f} (set answer_threshold in {multilingual.SETTINGS_FILE})")
    found = [similarity for line, (similarity, right) in zip(lines, matches) if line["docs"] and right]
    floor = float(np.quantile(found, float(multilingual.settings()["closest_miss_share"]))) if found else threshold
    print(f"closest floor: {floor:.4f} (set closest_floor)")
    for lang, row in sorted(report(lines, matches, threshold).items()):
        print(f"  {lang}: {row}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
