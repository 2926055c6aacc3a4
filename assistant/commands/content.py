"""`python -m assistant content export DIR`: the published guidance as Markdown files, plus signposting YAML."""

from __future__ import annotations

import argparse
from pathlib import Path


def export(directory: Path) -> int:
    """Write every published guidance page as <id>.md and the signposting as signposting.yaml."""
    from knowledge_base.editorial.content import fields_of, to_markdown
    from knowledge_base.editorial.signposting import as_text, published_data
    from knowledge_base.editorial.store import published_documents

    documents = published_documents()
    if documents is None:
        raise SystemExit("There is no content in the database yet: start the service once to seed it.")
    directory.mkdir(parents=True, exist_ok=True)
    for document in documents:
        (directory / f"{document.id}.md").write_text(to_markdown(document.id, fields_of(document), document.body),
                                                      encoding="utf-8")
    signposting = published_data()
    if signposting:
        (directory / "signposting.yaml").write_text(as_text(signposting), encoding="utf-8")
    return len(documents)


def _export(args: argparse.Namespace) -> int:
    count = export(Path(args.directory))
    print(f"Wrote {count} published guidance pages to {args.directory}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    content = subparsers.add_parser("content", help="guidance content kept in the database")
    commands = content.add_subparsers(dest="content_command", required=True)
    exporter = commands.add_parser("export", help="write the published guidance as Markdown with front matter")
    exporter.add_argument("directory", metavar="DIR")
    exporter.set_defaults(func=_export)
