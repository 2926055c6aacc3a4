"""`python -m assistant directory import PATH_OR_URL --area AREA`: an operator's direct import.

Editors' imports wait for a second person to publish them (knowledge_base/editorial/imports.py). This command is
for whoever runs the service (first set-up, recovery): it publishes at once, says so, and is audited as an
operator action with the account that ran it."""

from __future__ import annotations

import argparse
import getpass
from urllib.parse import urlsplit

from tqdm import tqdm

from core import audit
from core.areas import AREAS
from core.database import session_scope
from knowledge_base.directory.fetch import FeedError, load_feed
from knowledge_base.directory.importer import import_records


def operator() -> str:
    try:
        return f"operator:{getpass.getuser()}"
    except (KeyError, OSError):  # no name for this uid (e.g. a bare container)
        return "operator:unknown"


def run_import(args: argparse.Namespace) -> int:
    # The trail names a feed by host and path (a query may hold an API key); a local file just as "file".
    parts = urlsplit(args.source)
    source = f"{parts.netloc}{parts.path}"[:100] if parts.scheme in ("http", "https") else "file"
    print("Operator import: this publishes the feed at once, without an editor's review, and is audited.")
    try:
        with tqdm(desc="fetching", unit=" services", disable=args.quiet) as bar:
            records = load_feed(args.source, progress=bar.update)
        with tqdm(total=len(records), desc=f"importing {args.area}", unit=" services", disable=args.quiet) as bar:
            report = import_records(records, args.area, progress=bar.update)
    except FeedError as exc:
        # Operators at the command line get the full reason (host, status); editors only a generic sentence.
        print(f"Import failed, nothing was changed: {getattr(exc, 'detail', exc)}")
        with session_scope() as session:
            audit.record(session, operator(), "directory_import_failed",
                         detail=f"area={args.area} direct=operator reason={getattr(exc, 'reason', 'feed')}")
        return 1
    with session_scope() as session:
        audit.record(session, operator(), "directory_imported", detail=(
            f"area={args.area} direct=operator imported={report.imported} updated={report.updated} "
            f"unchanged={report.unchanged} skipped={len(report.skipped)} removed={report.removed} "
            f"source={source}"))
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
    importer = commands.add_parser("import", help="operator action: import an ORUK v1 or v3 feed (JSON file or API "
                                   "base URL) and publish it at once, without an editor's review (audited)")
    importer.add_argument("source", metavar="PATH_OR_URL")
    importer.add_argument("--area", required=True, choices=AREAS)
    importer.add_argument("--quiet", action="store_true", help="no progress bar")
    importer.set_defaults(func=run_import)
