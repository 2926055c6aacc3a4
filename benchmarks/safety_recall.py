"""Recall per safety route and near-miss false alarms for guardrails.safety on shared-format JSONL files.

    python benchmarks/safety_recall.py ../shared/eval/safety_dev.jsonl ../shared/eval/dev_questions.jsonl

A line counts as correct when the predicted route is one of its allowed routes; guidance/services/handoff/
greeting are all "ordinary" (None) here, because later stages choose between them.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from guardrails.safety import PRIORITY, classify  # noqa: E402
from core.embeddings import embed_query  # noqa: E402

SAFETY_ROUTES = set(PRIORITY)


def evaluate(path: Path, verbose: bool) -> None:
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    hits: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    ordinary_total = ordinary_flagged = 0
    timings: list[float] = []
    for item in lines:
        allowed = set(item["expect"]["route"])
        embed_query(item["message"])  # warm the shared cache, as retrieval would; time only our own work
        start = time.perf_counter()
        verdict = classify(item["message"])
        timings.append((time.perf_counter() - start) * 1000)
        safety_allowed = allowed & SAFETY_ROUTES
        ok = verdict.route in allowed if verdict.route else not safety_allowed or allowed - SAFETY_ROUTES
        if safety_allowed and not (allowed - SAFETY_ROUTES):
            primary = next(r for r in PRIORITY if r in safety_allowed) if len(safety_allowed) == 1 else "/".join(
                sorted(safety_allowed))
            for route in safety_allowed:
                totals[route] += 1
                hits[route] += verdict.route in allowed
        else:
            ordinary_total += 1
            ordinary_flagged += bool(verdict.route) and verdict.route not in allowed
        if verbose and not ok:
            print(f"  MISS {item['id']} expect={sorted(allowed)} got={verdict.route} ({verdict.reason}): {item['message']}")
    print(f"{path.name}: {len(lines)} lines")
    for route in PRIORITY:
        if totals[route]:
            print(f"  {route:13s} recall {hits[route]}/{totals[route]} = {hits[route] / totals[route]:.0%}")
    if ordinary_total:
        print(f"  ordinary/near-miss lines wrongly flagged: {ordinary_flagged}/{ordinary_total}"
              f" = {ordinary_flagged / ordinary_total:.1%}")
    timings.sort()
    print(f"  classify() p50 {statistics.median(timings):.2f} ms, p95 {timings[int(len(timings) * 0.95) - 1]:.2f} ms"
          " (query embedding cached)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("-q", "--quiet", action="store_true", help="do not list misses")
    args = parser.parse_args()
    classify("warm up")  # build the exemplar index outside the timings
    for path in args.files:
        evaluate(path, verbose=not args.quiet)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
