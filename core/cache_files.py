"""Files in the model cache: written whole (atomically), and the older versions of the same kind removed."""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO, TypeVar

T = TypeVar("T")

log = logging.getLogger("core.cache_files")


def write_replacing(path: Path, write: Callable[[BinaryIO], None], older: str) -> None:
    """Write `path` through a temporary file and an atomic rename (a concurrent reader sees the old file or
    the whole new one), then delete the other files matching the glob `older` beside it. A read-only cache
    is logged and skipped: callers carry on with what they computed."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
        with os.fdopen(handle, "wb") as out:
            write(out)
        os.replace(tmp, path)
        for old in path.parent.glob(older):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError as error:
        log.warning("cache file not written name=%s: %s", path.name, error)


def read_or_build(path: Path, read: Callable[[Path], T], build: Callable[[], T],
                  write: Callable[[T, BinaryIO], None], older: str) -> T:
    """The value cached at `path`; when it is missing or unreadable, built now, written whole (pruning the
    files matching `older`) and returned. Trained models use it, cached by a digest of their inputs."""
    try:
        return read(path)
    except (OSError, ValueError, KeyError):
        pass
    value = build()
    write_replacing(path, lambda out: write(value, out), older)
    return value
