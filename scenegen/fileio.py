"""Atomic output: write to temporary files beside the targets, then rename, so nothing is half-written."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import BinaryIO, Union

__all__ = ["write_output", "write_together"]


# What a file is made of: its bytes, or its bytes in pieces, written one after another (a large export
# streams its arrays this way instead of joining them into one copy of the whole file first).
Data = Union[bytes, bytearray, memoryview, Iterable[Union[bytes, bytearray, memoryview]]]


def _write(fh: BinaryIO, data: Data) -> None:
    if isinstance(data, (bytes, bytearray, memoryview)):
        fh.write(data)
    else:
        for chunk in data:
            fh.write(chunk)


def write_output(path: str | os.PathLike, data: Data) -> None:
    """Write bytes (or pieces of bytes) to a path atomically, or to standard output when path is "-"."""
    if os.fspath(path) == "-":
        _write(sys.stdout.buffer, data)
        sys.stdout.buffer.flush()
        return
    write_together([(Path(path), data)])


def write_together(files: Sequence[tuple[Path, Data]]) -> None:
    """Write several files so that none is ever half-written: every file goes to a temporary beside its
    target first; only when all are complete are they renamed over their targets, in the order given.
    On a failure before the renames (a failing piece of a streamed file included), the temporaries are
    removed and every target is left as it was."""
    temps: list[tuple[str, Path]] = []
    try:
        for path, data in files:
            folder = path.parent if str(path.parent) else Path(".")
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
            temps.append((tmp, path))
            with os.fdopen(fd, "wb") as fh:
                _write(fh, data)
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
