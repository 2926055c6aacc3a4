"""Staff password rules (NCSC guidance: length over complexity, plus a deny list of common passwords), checked
offline. The rules and their wording are in assistant/handoffs/data/passwords.yaml; the deny list is the public
list of most common passwords that the zxcvbn package ships, so nothing is fetched at run time."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from zxcvbn.frequency_lists import FREQUENCY_LISTS

from core.data_files import load_yaml

RULES_FILE = Path(__file__).resolve().parent.parent / "data" / "passwords.yaml"
# "password123!" is "password" with a suffix people add to pass composition rules: checked without it too.
_DECORATION = re.compile(r"[\d\W_]+$")


def rules() -> dict[str, Any]:
    return load_yaml(RULES_FILE)


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    ranked = FREQUENCY_LISTS["passwords"]
    count = int(rules()["common_passwords_checked"]) or len(ranked)
    return frozenset(word.lower() for word in ranked[:count])


def is_common(password: str) -> bool:
    lowered = password.lower()
    candidates = {lowered, lowered.strip(), _DECORATION.sub("", lowered), "".join(lowered.split())}
    return any(c in common_passwords() for c in candidates if c)


def problem(password: str, username: str = "") -> str | None:
    """Why this password cannot be used, as a sentence for the person choosing it; None when it can."""
    settings, messages = rules(), rules()["messages"]
    if len(password) < settings["min_chars"]:
        return messages["too_short"].format(min_chars=settings["min_chars"])
    if len(password) > settings["max_chars"]:
        return messages["too_long"].format(max_chars=settings["max_chars"])
    if is_common(password):
        return messages["common"]
    name = username.lower().split("@")[0]
    if len(name) >= 3 and name in password.lower():
        return messages["contains_username"]
    return None


def message(name: str) -> str:
    return str(rules()["messages"][name])
