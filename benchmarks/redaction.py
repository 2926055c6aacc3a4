"""p50/p95 milliseconds per message: redact() against vanilla Presidio, over the pii dev messages.

Usage: python benchmarks/redaction.py [PII_FILE.jsonl] [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))
DEFAULT_FILE = REPO_ROOT / "../shared/eval/pii_dev.jsonl"


def time_per_message(
    function: Callable[[str], object], messages: list[str], repeat: int
) -> tuple[list[float], list[float]]:
    """Wall-clock and this thread's CPU milliseconds per call (CPU time shows the cost on a busy machine)."""
    for message in messages[:10]:  # warm-up: engines load lazily
        function(message)
    wall, cpu = [], []
    for _ in range(repeat):
        for message in messages:
            wall_start, cpu_start = time.perf_counter(), time.thread_time()
            function(message)
            wall.append((time.perf_counter() - wall_start) * 1000)
            cpu.append((time.thread_time() - cpu_start) * 1000)
    return wall, cpu


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("file", nargs="?", type=Path, default=DEFAULT_FILE)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from guardrails import redact
    from guardrails.pii.vanilla import vanilla_redact

    messages = [json.loads(line)["message"] for line in args.file.read_text(encoding="utf-8").splitlines() if line]
    print(f"{len(messages)} messages x {args.repeat} from {args.file.resolve()}")
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    print(f"{'':10}{'p50 ms':>9}{'p95 ms':>9}{'mean ms':>9}{'CPU p50':>9}{'CPU p95':>9}")
    for label, function in (("ours", redact), ("vanilla", vanilla_redact)):
        wall, cpu = time_per_message(function, messages, args.repeat)
        print(f"{label:10}{statistics.median(wall):>9.2f}{percentile(wall, 0.95):>9.2f}"
              f"{statistics.fmean(wall):>9.2f}{statistics.median(cpu):>9.2f}{percentile(cpu, 0.95):>9.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
