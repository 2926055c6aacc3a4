"""`python -m assistant insights export DIR [--since WEEK] [--until WEEK]`: the open figures as a Frictionless
Data Package (datapackage.json, CSV files, methodology.md)."""

from __future__ import annotations

import argparse
from pathlib import Path


def _export(args: argparse.Namespace) -> int:
    from assistant.insights import export, figures
    from assistant.insights.weeks import BadWeek, week_start

    try:
        for week in (args.since, args.until):
            if week:
                week_start(week)
    except BadWeek as exc:
        raise SystemExit(f"--since/--until: {exc}") from None
    built = figures.build(args.since, args.until)
    written = export.write_package(built, Path(args.directory))
    weeks = built.weeks
    span = f"{weeks[0]} to {weeks[-1]}" if weeks else "no weeks with data yet"
    print(f"Wrote {len(written)} files to {args.directory} ({span}); counts from 1 to 9 are suppressed")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    insights = subparsers.add_parser("insights", help="aggregate, non-personal open figures")
    commands = insights.add_subparsers(dest="insights_command", required=True)
    exporter = commands.add_parser("export", help="write a Frictionless Data Package of the suppressed weekly figures")
    exporter.add_argument("directory", metavar="DIR")
    exporter.add_argument("--since", metavar="WEEK", help="first ISO week, e.g. 2026-W01")
    exporter.add_argument("--until", metavar="WEEK", help="last ISO week, e.g. 2026-W52")
    exporter.set_defaults(func=_export)
