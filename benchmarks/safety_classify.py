"""p50/p95 milliseconds of safety routing beyond the embeddings (which retrieval computes anyway).

Each message's MiniLM and e5 vectors are computed first (they are cached per text), so the figure is the
cost of the wording patterns, the exemplars, the three learned readers' arithmetic and the character n-grams.

Usage: python benchmarks/safety_classify.py [QUESTIONS_OR_SAFETY_FILE.jsonl] [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))
sys.path.insert(0, str(REPO_ROOT / "benchmarks"))
DEFAULT_FILE = REPO_ROOT / "../shared/eval/safety_dev.jsonl"


def main() -> None:
    from redaction import percentile, time_per_message

    from core.embeddings import embed_multilingual_query, embed_query
    from guardrails.normalise import strip_invisible
    from guardrails.safety import classify

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("file", nargs="?", default=str(DEFAULT_FILE))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    messages = [json.loads(line)["message"] for line in Path(args.file).read_text(encoding="utf-8").splitlines() if line.strip()]
    for message in messages:
        embed_query(strip_invisible(message))
        embed_multilingual_query(strip_invisible(message))
    wall, cpu = time_per_message(classify, messages, args.repeat)
    print(f"classify() beyond cached embeddings, {len(messages)} messages x {args.repeat}:")
    print(f"  wall p50 {percentile(wall, 0.5):.2f} ms, p95 {percentile(wall, 0.95):.2f} ms; "
          f"cpu p50 {percentile(cpu, 0.5):.2f} ms")


if __name__ == "__main__":
    main()
