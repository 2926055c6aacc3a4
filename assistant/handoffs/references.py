"""Short references a parent can read out on the phone: FH- and 6 characters with no 0/O or 1/I."""

from __future__ import annotations

import re
import secrets

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
PATTERN = re.compile(r"^FH-[2-9A-HJ-NP-Z]{6}$")


def new_reference() -> str:
    return "FH-" + "".join(secrets.choice(ALPHABET) for _ in range(6))


def looks_like_reference(text: str) -> bool:
    return bool(PATTERN.match(text or ""))
