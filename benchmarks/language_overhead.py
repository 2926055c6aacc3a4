"""What the parent's-language work adds to an English turn, in-process: the chat benchmark's English questions
through the turn pipeline with and without the language stages (detect_language before redaction, the
reply-language check after), the language detector's cache cleared before every turn so neither side is
flattered. Alternating rounds; prints the median per turn of each and the difference.

    .venv/bin/python benchmarks/language_overhead.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from chat_latency import QUESTIONS

from assistant import pipeline, startup
from assistant.context import TurnContext
from assistant.stages import detect_language, reply_language
from guardrails.language import language_of


def turn_times(stages: list, skip_finish: bool) -> list[float]:
    times = []
    finish = reply_language.finish
    if skip_finish:
        reply_language.finish = lambda ctx: None
    try:
        for question, area in QUESTIONS:
            language_of.cache_clear()
            started = time.perf_counter()
            pipeline.run(TurnContext(message=question, conversation_id="0" * 32, area=area), stages)
            times.append((time.perf_counter() - started) * 1000)
    finally:
        reply_language.finish = finish
    return times


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    startup.prepare()
    with_language = pipeline.stages()
    without = [s for s in with_language if s is not detect_language.stage]
    turn_times(with_language, False)  # warm every model and cache except the detector's
    on, off = [], []
    for _ in range(args.rounds):
        on += turn_times(with_language, False)
        off += turn_times(without, True)
    a, b = statistics.median(on), statistics.median(off)
    print(f"English turns ({len(QUESTIONS)} questions x {args.rounds} rounds), median ms per turn:")
    print(f"  with the language stages {a:.1f}   without {b:.1f}   difference {a - b:+.1f} ms ({100 * (a - b) / b:+.1f}%)")
    print(f"  mean: with {statistics.mean(on):.1f}   without {statistics.mean(off):.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
