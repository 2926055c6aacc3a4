"""python -m guardrails eval-pii FILE.jsonl [--report out.json] [--synth PATH | --no-synth]"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

DEFAULT_SYNTH = Path(__file__).resolve().parents[1].parent / "shared/fixtures/presidio-research/synth_dataset_v2.json"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m guardrails")
    commands = parser.add_subparsers(dest="command", required=True)
    eval_pii = commands.add_parser("eval-pii", help="leak rate, keep-word loss and synth P/R/F2, ours vs vanilla")
    eval_pii.add_argument("file", type=Path)
    eval_pii.add_argument("--report", type=Path, help="write the figures as JSON here")
    eval_pii.add_argument("--synth", type=Path, default=DEFAULT_SYNTH, help="presidio-research synth dataset")
    eval_pii.add_argument("--no-synth", action="store_true", help="skip the external benchmark")
    args = parser.parse_args(argv)

    from guardrails.pii.evaluation import format_report, run_evaluation  # heavy imports only when used

    report = run_evaluation(args.file, None if args.no_synth else args.synth)
    print(format_report(report))
    if args.report:
        args.report.write_text(json.dumps(report, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
