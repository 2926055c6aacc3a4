"""`python -m assistant keys rotate`: re-encrypt every stored record with the newest key.

Rotation: put the new key first in HANDOFF_ENCRYPTION_KEY (comma-separated, the old one after it), run this,
then remove the old key. MultiFernet.rotate keeps each record's original timestamp."""

from __future__ import annotations

import argparse


def rotate_records() -> int:
    from sqlalchemy import select

    from assistant.handoffs.models import Handoff, HandoffNote
    from core.database import session_scope
    from core.encryption import rotate

    changed = 0
    with session_scope() as session:
        for handoff in session.scalars(select(Handoff).where(Handoff.personal_encrypted.is_not(None))):
            handoff.personal_encrypted = rotate(handoff.personal_encrypted)
            changed += 1
        for note in session.scalars(select(HandoffNote)):
            note.body_encrypted = rotate(note.body_encrypted)
            changed += 1
    return changed


def _rotate(_args: argparse.Namespace) -> int:
    print(f"Re-encrypted {rotate_records()} stored records with the newest key. You can now remove the old key.")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    keys = subparsers.add_parser("keys", help="encryption keys").add_subparsers(dest="keys_command", required=True)
    keys.add_parser("rotate", help="re-encrypt every stored record with the first HANDOFF_ENCRYPTION_KEY").set_defaults(func=_rotate)
