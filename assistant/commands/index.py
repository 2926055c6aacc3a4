"""`index`: build or refresh the guidance index, with a progress bar and counts."""

from __future__ import annotations

import argparse
import time

from tqdm import tqdm


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("index", help="index the guidance content (only changed chunks)")
    parser.set_defaults(func=run)


def run(_args: argparse.Namespace) -> int:
    from knowledge_base.build import build_index, current_chunks
    from knowledge_base.search import get_searcher

    started = time.perf_counter()
    total = len(current_chunks())
    with tqdm(total=total, unit="chunk", desc="Indexing") as bar:
        report = build_index(progress=bar.update)
        bar.update(total - bar.n)
    multilingual_started = time.perf_counter()
    get_searcher().corpus().multilingual()  # e5 passages and example questions, only new texts embedded
    multilingual_seconds = time.perf_counter() - multilingual_started
    print(
        f"{total} chunks: {report.added} added, {report.updated} updated, {report.removed} removed, "
        f"{report.unchanged} unchanged in {time.perf_counter() - started:.1f}s "
        f"(multilingual vectors {multilingual_seconds:.1f}s)"
    )
    return 0
