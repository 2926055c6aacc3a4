"""Calibration evidence for ANSWER_THRESHOLD: top-chunk similarity for answerable questions (the dev
guidance lines) against off-topic questions nobody should get a guidance answer for.

    .venv/bin/python benchmarks/answer_threshold.py [../shared/eval/dev_questions.jsonl]
"""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path

OFF_TOPIC = [
    "what's the weather tomorrow", "how do I change a tyre", "best pizza in leeds", "can you recommend a good film",
    "how do I renew my passport", "what are the bin collection days", "my car insurance renewal is too high",
    "how do I claim council tax reduction", "what's the capital of peru", "recipe for lasagne",
    "is bitcoin a good investment", "how do i get a parking permit", "tips for a job interview",
    "my landlord won't fix the boiler", "how old is the king", "how do I register to vote",
]


def main() -> None:
    from core.settings import get_settings
    from knowledge_base.build import build_index
    from knowledge_base.search import get_searcher

    path = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/eval/dev_questions.jsonl")
    build_index()
    searcher = get_searcher()
    lines = [json.loads(t) for t in path.read_text().splitlines() if t.strip()]
    answerable = [
        searcher.search(d["message"], d.get("area"))[0].similarity for d in lines if d["expect"]["route"][0] == "guidance"
    ]
    off_topic = [searcher.search(m, None)[0].similarity for m in OFF_TOPIC]
    agreed = [r.similarity for m in OFF_TOPIC for r in searcher.search(m, None)[:1] if r.agreed]
    threshold = get_settings().answer_threshold
    for name, values in (("answerable (dev guidance)", answerable), ("off-topic", off_topic)):
        print(f"{name:26} n={len(values):3} min={min(values):.3f} median={statistics.median(values):.3f} max={max(values):.3f}")
    print(f"ANSWER_THRESHOLD={threshold}: answerable below it {sum(v < threshold for v in answerable)}, "
          f"off-topic above it {sum(v >= threshold for v in off_topic)}")
    lower = get_settings().answer_threshold_agreed
    print(f"ANSWER_THRESHOLD_AGREED={lower}: off-topic where keyword and meaning search agree {len(agreed)}, "
          f"of them above it {sum(v >= lower for v in agreed)}")


if __name__ == "__main__":
    main()
