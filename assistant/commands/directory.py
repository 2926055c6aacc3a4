"""`python -m assistant directory import PATH_OR_URL --area AREA`."""

from __future__ import annotations

import argparse

from tqdm import tqdm

from core.areas import AREAS
from knowledge_base.directory.fetch import FeedError, load_feed
from knowledge_base.directory.importer import import_records


def run_import(args: argparse.Namespace) -> int:
    try:
        with tqdm(desc="fetching", unit=" services", disable=args.quiet) as bar:
            records = load_feed(args.source, progress=bar.update)
        with tqdm(total=len(records), desc=f"importing {args.area}", unit=" services", disable=args.quiet) as bar:
            report = import_records(records, args.area, progress=bar.update)
    except FeedError as exc:
        # Operators at the command line get the full reason (host, status); editors only a generic sentence.
        print(f"Import failed, nothing was changed: {getattr(exc, 'detail', exc)}")
        return 1
    for record, reason in report.skipped:
        print(f"skipped {record}: {reason}")
    # Imported, but not as the official ORUK v3 schema wants: the council can fix its feed (fields, never values).
    for record, problem in report.problems:
        print(f"ORUK v3 schema problem in {record}: {problem}")
    print(f"imported {report.imported}, updated {report.updated}, unchanged {report.unchanged}, "
          f"skipped {len(report.skipped)}, removed {report.removed}, schema problems {len(report.problems)}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    directory = subparsers.add_parser("directory", help="the family hub service directory (Open Referral UK)")
    commands = directory.add_subparsers(dest="directory_command", required=True)
    importer = commands.add_parser("import", help="import an ORUK v1 or v3 feed (JSON file or API base URL)")
    importer.add_argument("source", metavar="PATH_OR_URL")
    importer.add_argument("--area", required=True, choices=AREAS)
    importer.add_argument("--quiet", action="store_true", help="no progress bar")
    importer.set_defaults(func=run_import)
