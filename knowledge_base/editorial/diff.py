"""A readable line diff: added and removed lines with a few lines of context, for screen readers too."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

CONTEXT_LINES = 2


@dataclass(frozen=True)
class DiffLine:
    kind: str  # added | removed | same | gap
    text: str


def readable_diff(before: str, after: str, context: int = CONTEXT_LINES) -> list[DiffLine]:
    lines: list[DiffLine] = []
    diff = difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=context)
    for line in diff:
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("@@"):
            if lines:
                lines.append(DiffLine("gap", ""))
        elif line.startswith("+"):
            lines.append(DiffLine("added", line[1:]))
        elif line.startswith("-"):
            lines.append(DiffLine("removed", line[1:]))
        else:
            lines.append(DiffLine("same", line[1:]))
    return lines
