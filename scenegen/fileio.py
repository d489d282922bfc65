"""Atomic output: write to a temporary file beside the target, then rename, so nothing is half-written."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Callable, BinaryIO

__all__ = ["atomic_write", "write_output"]


def atomic_write(path: str | os.PathLike, write: Callable[[BinaryIO], None]) -> None:
    """Call write(file) on a temporary file in the target's folder and rename it over the target.

    On any failure the temporary file is removed and the target is left as it was.
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def write_output(path: str | os.PathLike, data: bytes) -> None:
    """Write bytes to a path atomically, or to standard output when path is "-"."""
    if os.fspath(path) == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    atomic_write(path, lambda fh: fh.write(data))
