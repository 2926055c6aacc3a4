"""At most NOTIFY_TEXTS_PER_NUMBER_PER_DAY texts and NOTIFY_EMAILS_PER_ADDRESS_PER_DAY emails to one parent's
number or address in any rolling 24 hours, so scripted stories cannot turn the council's Notify account on
someone.

Why a keyed hash: the counts must not become a list of parents' numbers and addresses, so a row holds only an
HMAC-SHA256 of the recipient under a key derived from SECRET_KEY (nobody holding the table alone can test a
guessed number against it). Rows go once they are a day old (the retention purge), and are ignored after that.

Why take a place, commit, then count: of two messages racing for the last place, the one committed later
always sees the other; at worst both are skipped, never both sent.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
from functools import lru_cache

import phonenumbers
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import delete, func, select

from assistant.handoffs.models import NotificationSend, utcnow
from core.database import session_scope
from core.keys import secret_key
from core.settings import Settings, get_settings

WINDOW = dt.timedelta(hours=24)


def canonical_phone(number: str) -> str:
    """One form for one phone: 07700 900 982, 07700900982 and +44 7700 900982 count as the same number."""
    try:
        parsed = phonenumbers.parse(number, "GB")
    except phonenumbers.NumberParseException:
        return re.sub(r"\D", "", number)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def canonical_email(address: str) -> str:
    """One form for one mailbox: case and a +tag (name+1@example.com) cannot be varied to get more emails."""
    local, _at, domain = address.strip().lower().rpartition("@")
    return f"{local.split('+', 1)[0] or local}@{domain}"


@lru_cache(maxsize=4)
def _hash_key(secret: str) -> bytes:
    # Its own key, so these hashes cannot be compared with any other keyed hash the app stores.
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=b"family-hub-notify-recipients").derive(secret.encode())


def recipient_hash(channel: str, to: str) -> str:
    canonical = canonical_phone(to) if channel == "sms" else canonical_email(to)
    return hmac.new(_hash_key(secret_key()), f"{channel}:{canonical}".encode(), hashlib.sha256).hexdigest()


def daily_limit(channel: str, settings: Settings | None = None) -> int:
    settings = settings or get_settings()
    return settings.notify_texts_per_number_per_day if channel == "sms" else settings.notify_emails_per_address_per_day


def take_place(channel: str, to: str, now: dt.datetime | None = None) -> bool:
    """True (and counted) when this recipient may get one more message of this kind; False leaves no trace."""
    limit = daily_limit(channel)
    if limit <= 0:
        return False
    now, digest = now or utcnow(), recipient_hash(channel, to)
    with session_scope() as session:
        place = NotificationSend(channel=channel, recipient_hash=digest, sent_at=now)
        session.add(place)
        session.flush()
        place_id = place.id
    with session_scope() as session:
        taken = session.scalar(select(func.count()).select_from(NotificationSend).where(
            NotificationSend.recipient_hash == digest, NotificationSend.sent_at > now - WINDOW))
        if taken <= limit:
            return True
        session.execute(delete(NotificationSend).where(NotificationSend.id == place_id))
    return False


def purge_expired(now: dt.datetime | None = None) -> int:
    """Delete counts older than the window; returns how many."""
    with session_scope() as session:
        result = session.execute(delete(NotificationSend).where(NotificationSend.sent_at <= (now or utcnow()) - WINDOW))
        return result.rowcount or 0
