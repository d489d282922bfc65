"""Atomic output: write to temporary files beside the targets, then rename, so nothing is half-written."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

__all__ = ["write_output", "write_together"]


def write_output(path: str | os.PathLike, data: bytes) -> None:
    """Write bytes to a path atomically, or to standard output when path is "-"."""
    if os.fspath(path) == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    write_together([(Path(path), data)])


def write_together(files: list[tuple[Path, bytes]]) -> None:
    """Write several files so that none is ever half-written: every file goes to a temporary beside its
    target first; only when all are complete are they renamed over their targets, in the order given.
    On a failure before the renames, the temporaries are removed and every target is left as it was."""
    temps: list[tuple[str, Path]] = []
    try:
        for path, data in files:
            folder = path.parent if str(path.parent) else Path(".")
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
            temps.append((tmp, path))
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, 0o644)
        while temps:
            tmp, path = temps[0]
            os.replace(tmp, path)
            temps.pop(0)
    except BaseException:
        for tmp, _ in temps:
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
        raise
