"""Unique fake personal data sent through /api/chat must not reach any log line, database file or the index."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import httpx


def _canaries() -> dict[str, str]:
    number = uuid.uuid4().int
    tag = "".join("bcdfghjklmnprstvz"[(number >> (5 * i)) % 17] for i in range(4))  # name-like: letters only
    digits = str(number % 1000).zfill(3)
    return {
        "name": f"Zor{tag}",
        "phone": f"07700 900{digits}",
        "email": f"canary.{tag}@example.com",
        "postcode": "LS6 2AB",
        "street": f"{int(digits) + 1} Quillfeather Road",
    }


def _all_bytes(root: Path) -> list[tuple[Path, bytes]]:
    return [(path, path.read_bytes()) for path in root.rglob("*") if path.is_file()]


def test_canary_personal_data_is_never_kept(live_server):
    canary = _canaries()
    messages = [
        f"hi my son {canary['name']} is 2 and only says 3 words, my number is {canary['phone']}",
        f"{canary['name']} still won't use the potty. email me at {canary['email']}",
        f"we live at {canary['street']}, {canary['postcode']}, is there a stay and play near us?",
    ]
    conversation_id = None
    for message in messages:
        response = httpx.post(
            f"{live_server}/api/chat",
            json={"message": message, "conversation_id": conversation_id, "area": "leeds"},
            timeout=30,
        )
        assert response.status_code == 200
        body = response.json()
        conversation_id = body["conversation_id"]
        assert body["redactions"], message
        for value in canary.values():
            assert value.lower() not in body["answer"].lower()
    # The no-JavaScript page shows the kept (redacted) transcript.
    page = httpx.get(f"{live_server}/", cookies={"fh_conversation": conversation_id}, timeout=30).text
    assert "[NAME]" in page

    var_dir = Path(os.environ["LIVE_SERVER_VAR_DIR"])
    files = _all_bytes(var_dir)
    assert any(path.suffix == ".log" for path, _ in files) and any("chroma" in str(path) for path, _ in files)
    for path, data in files:
        lowered = data.lower()
        for kind, value in canary.items():
            if kind == "postcode":
                continue  # also in the bundled example directory; checked separately below
            assert value.lower().encode() not in lowered, f"{kind} found in {path}"
            assert value.lower().replace(" ", "").encode() not in lowered.replace(b" ", b""), f"{kind} in {path}"
    log_text = (var_dir / "server.log").read_text(errors="replace")
    assert "LS6 2AB" not in log_text and "stay and play near us" not in log_text  # no message text in logs
