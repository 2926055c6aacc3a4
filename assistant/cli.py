"""`python -m assistant …`: each feature module registers its own sub-commands."""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Sequence

# Each module defines register(subparsers); a sub-command sets `func(args) -> int`.
COMMAND_MODULES: list[str] = [
    "assistant.commands.serve",
    "assistant.commands.index",
    "assistant.commands.train",
    "assistant.evaluation",
    "assistant.commands.directory",
    "assistant.commands.handoffs",
    "assistant.commands.content",
    "assistant.commands.insights",
    "assistant.commands.keys",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m assistant", description="Family Hub Assistant")
    subparsers = parser.add_subparsers(dest="command", required=True)
    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command != "serve":  # serve upgrades in its start-up, like the app under any other server
        from assistant import schema

        schema.upgrade()
    return int(args.func(args) or 0)
