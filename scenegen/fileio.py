"""Every file scenegen reads or writes: bounded reads of regular files, all-or-nothing checked writes.

Reading: only regular files are read (a FIFO, a device or a socket is refused before a byte is read) and
never more than the limit plus one byte, so `/dev/zero` or a growing file cannot exhaust memory.

Writing: each output goes to a temporary beside its target, named `.NAME.PID-XXXXXXXX.scenegen-tmp`, and is
renamed over the target only when complete; a set of files (tiles and their side-car, a .gltf and its .bin)
is committed by a journal `.NAME.PID-XXXXXXXX.scenegen-journal` written before the first rename and removed
after the last. A later write into the same folder removes a dead process's temporaries and finishes the
renames of a journal it left, so a kill at any point leaves the old set or, by the next run, the new one,
never a mix. The rules every output follows:

- a missing parent folder is created; a parent that is not a folder is refused, naming it;
- a symlink at the output path is followed: the file it points to is replaced and the link stays;
- an output path that is a device or a FIFO (`/dev/stdout`, `/dev/null`) is written straight into with
  checked writes: it cannot be replaced, and must never be (as root, a rename would replace the device);
- an existing file keeps its permission bits; a new one gets the usual 0666 less the umask;
- "-" is standard output, written with checked writes: a short write, a closed stream or a reader that went
  away (EPIPE) is an OutputError.
"""

from __future__ import annotations

import errno
import json
import os
import re
import secrets
import signal
import stat
import sys
import threading
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO, Union

__all__ = ["ReadRefused", "OutputError", "read_limited", "OutputSet", "open_output", "write_output",
           "write_together", "prepare_output", "same_file", "remove_stale", "terminate_on_sigterm",
           "writes_in_place", "TEMP_SUFFIX", "JOURNAL_SUFFIX"]

TEMP_SUFFIX = ".scenegen-tmp"
JOURNAL_SUFFIX = ".scenegen-journal"
_OURS = re.compile(r"^\..+\.(\d+)-[0-9a-f]{8}(\.scenegen-tmp|\.scenegen-journal)$")
_STALE_AGE_S = 24 * 3600    # a temporary this old is stale even if its process id was reused since


# ---------------------------------------------------------------------------------------------- reading

class ReadRefused(Exception):
    """A file that was not read: `reason` says why in a few words (the caller names the file)."""

    def __init__(self, reason: str, missing: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.missing = missing


def _os_reason(exc: OSError) -> str:
    if exc.errno == errno.ENAMETOOLONG:
        return "the name is too long for this system"
    if exc.errno == errno.ELOOP:
        return "a symlink loop (a link that leads back to itself)"
    if exc.errno == errno.ENOTDIR:
        return "a part of the path is not a folder"
    return f"cannot read ({exc.strerror or exc})"


def read_limited(path: str | os.PathLike, limit: int, what: str = "file") -> bytes:
    """The bytes of a regular file of at most `limit` bytes; ReadRefused otherwise.

    The file is opened without blocking (a FIFO with no writer would otherwise hang here) and checked to
    be a regular file before anything is read; at most limit + 1 bytes are ever read.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
                     | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise ReadRefused("no such file", missing=True) from None
    except IsADirectoryError:
        raise ReadRefused(f"is a directory, not a {what}") from None
    except ValueError:          # a NUL byte in the name
        raise ReadRefused("the name holds a NUL byte") from None
    except OSError as exc:
        raise ReadRefused(_os_reason(exc)) from None
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise ReadRefused(f"is a directory, not a {what}")
        if not stat.S_ISREG(st.st_mode):
            raise ReadRefused("is not a regular file (a device, pipe or socket is not read)")
        if st.st_size > limit:
            raise ReadRefused(f"is {st.st_size} bytes, above the limit of {limit} bytes")
        chunks: list[bytes] = []
        got = 0
        while got <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - got))
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
        if got > limit:
            raise ReadRefused(f"is above the limit of {limit} bytes")
        return b"".join(chunks)
    except OSError as exc:
        raise ReadRefused(_os_reason(exc)) from None
    finally:
        os.close(fd)


# ---------------------------------------------------------------------------------------------- writing

class OutputError(OSError):
    """An output that cannot be written; str() is one line naming the file or folder."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


def _describe_os(exc: OSError) -> str:
    if exc.errno == errno.ENAMETOOLONG:
        return "the name is too long for this system"
    if exc.errno == errno.ELOOP:
        return "a symlink loop"
    return exc.strerror or str(exc)


def _target(path: str | os.PathLike) -> Path:
    """Where bytes for `path` land: a symlink is followed (the link stays, its file is replaced)."""
    p = Path(os.fspath(path))
    if p.is_symlink():
        return Path(os.path.realpath(p))
    return p


def same_file(a: str | os.PathLike, b: str | os.PathLike) -> bool:
    """Whether two paths name the same existing file (through links too)."""
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):
        return False


def prepare_output(path: str | os.PathLike, inputs: Iterable[str | os.PathLike] = ()) -> None:
    """Check an output path before any work: creates its missing parent folders; OutputError (naming the
    file or folder) when it is an input, a folder, or lies in something that is not a writable folder."""
    shown = os.fspath(path)
    if shown == "-":
        _stdout()       # refused now if standard output is closed
        return
    if "\0" in shown:
        raise OutputError(f"{shown!r}: the name holds a NUL byte")
    for source in inputs:
        if os.fspath(source) != "-" and same_file(path, source):
            raise OutputError(f"{shown}: is the input file; refusing to write the output over it")
    try:
        target = _target(path)
        if target.is_dir():
            raise OutputError(f"{shown}: is a folder (give a file name)")
        parent = target.parent
        if parent.exists() and not parent.is_dir():
            raise OutputError(f"{parent}: is not a folder, so {shown} cannot be written")
        try:
            parent.mkdir(parents=True, exist_ok=True)
        except FileExistsError:
            raise OutputError(f"{parent}: a part of it is not a folder, so {shown} cannot be written") from None
        if not os.access(parent, os.W_OK | os.X_OK):
            raise OutputError(f"{parent}: cannot write in this folder (permission denied)")
        if len(target.name.encode("utf-8", "surrogateescape")) > 200:
            # Temporaries add about 30 bytes to the name; most file systems stop at 255.
            raise OutputError(f"{shown}: the file name is too long (at most 200 bytes)")
    except OutputError:
        raise
    except OSError as exc:
        raise OutputError(f"{shown}: cannot write ({_describe_os(exc)})") from None


_umask_lock = threading.Lock()
_umask: int | None = None


def _new_file_mode() -> int:
    global _umask
    with _umask_lock:
        if _umask is None:
            _umask = os.umask(0o022)
            os.umask(_umask)
    return 0o666 & ~_umask


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:     # someone else's process: alive
        return True
    except OSError:
        return False
    return True


def _roll_forward(journal: Path) -> None:
    """Finish the renames a journal lists (its temporaries were complete when it was written)."""
    try:
        pairs = json.loads(journal.read_text(encoding="utf-8"))["renames"]
        for tmp, target in pairs:
            if os.path.lexists(tmp):
                os.replace(tmp, target)
    except (OSError, ValueError, KeyError, TypeError):
        pass        # an unreadable journal: its temporaries are removed as stale below
    try:
        os.unlink(journal)
    except OSError:
        pass


def remove_stale(folder: str | os.PathLike) -> int:
    """Finish a dead writer's journals in `folder` and remove its temporaries; the number of entries cleaned."""
    base = Path(folder) if os.fspath(folder) else Path(".")
    try:
        names = os.listdir(base)
    except OSError:
        return 0
    now = time.time()
    done = 0
    ours = [(n, m) for n in names if (m := _OURS.match(n))]
    for name, m in sorted(ours, key=lambda nm: nm[1].group(2) != JOURNAL_SUFFIX):   # journals first
        p = base / name
        try:
            old = now - p.lstat().st_mtime > _STALE_AGE_S
        except OSError:
            continue
        if _pid_alive(int(m.group(1))) and not old:
            continue
        if m.group(2) == JOURNAL_SUFFIX:
            _roll_forward(p)
        else:
            try:
                os.unlink(p)
            except OSError:
                continue
        done += 1
    return done


_live_lock = threading.RLock()     # re-entrant: the SIGTERM handler takes it too
_live: set[str] = set()         # temporaries being written by this process (removed on SIGTERM)


def _remove_live() -> None:
    with _live_lock:
        names = list(_live)
        _live.clear()
    for name in names:
        try:
            os.unlink(name)
        except OSError:
            pass


_committing = 0                 # commits between their journal and their last rename (any thread)
_deferred: list[int] = []       # a SIGTERM that came meanwhile: acted on when the last of them ends


def _terminate(signum: int) -> None:
    _remove_live()
    try:
        os.write(2, b"scenegen: terminated\n")
    except OSError:
        pass
    os._exit(128 + signum)


def terminate_on_sigterm() -> None:
    """On SIGTERM, remove the temporaries being written and exit at once with status 143 (128 + 15).

    Exiting from the handler, rather than raising into whatever runs, keeps a traceback from escaping
    half-finished imports. A commit's journal and renames are never cut: a SIGTERM during them waits until
    they are done. (Blocking the signal would not do: the kernel hands it to another thread, numpy's say,
    and Python runs the handler on the main thread all the same.)"""
    def handler(signum: int, frame: Any) -> None:
        if _committing:
            _deferred.append(signum)
            return
        _terminate(signum)

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, handler)


class _Commit:
    """The stretch of a commit that a SIGTERM must not cut."""

    def __enter__(self) -> None:
        global _committing
        with _live_lock:
            _committing += 1

    def __exit__(self, *exc: Any) -> None:
        global _committing
        with _live_lock:
            _committing -= 1
            last = _committing == 0
        if last and _deferred:
            _terminate(_deferred[0])


def writes_in_place(path: str | os.PathLike) -> bool:
    """Whether an output path is a device or a FIFO (through links too): written straight into, never
    replaced, so nothing there is overwritten in the sense of --force."""
    return _is_special(Path(os.fspath(path)))


def _is_special(target: Path) -> bool:
    try:
        mode = os.stat(target).st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


class _FdWriter:
    """Checked writes to a descriptor: every byte written, or OutputError naming `shown`."""

    def __init__(self, fd: int, shown: str, owned: bool = True) -> None:
        self.fd, self.shown, self.owned = fd, shown, owned

    def write(self, data: bytes | bytearray | memoryview) -> int:
        view = memoryview(data).cast("B")
        done = 0
        while done < len(view):
            try:
                n = os.write(self.fd, view[done:done + (1 << 20)])
            except BrokenPipeError:
                raise OutputError(f"{self.shown}: the reader closed the pipe before all was written") from None
            except InterruptedError:
                continue
            except OSError as exc:
                raise OutputError(f"{self.shown}: cannot write ({_describe_os(exc)})") from None
            if n <= 0:
                raise OutputError(f"{self.shown}: a short write (nothing more was accepted)")
            done += n
        return done

    def flush(self) -> None:
        pass

    def close(self) -> None:
        if self.owned and self.fd >= 0:
            fd, self.fd = self.fd, -1
            try:
                os.close(fd)
            except OSError as exc:
                raise OutputError(f"{self.shown}: cannot write ({_describe_os(exc)})") from None

    def discard(self) -> None:
        try:
            self.close()
        except OutputError:
            pass


def _stdout() -> _FdWriter:
    """Standard output with checked writes (what Python buffered for it is flushed first)."""
    stream = sys.stdout
    try:
        if stream is None:
            raise ValueError
        stream.flush()
        fd = stream.fileno()
        os.fstat(fd)
    except (ValueError, OSError, AttributeError):
        raise OutputError("standard output is closed; give -o FILE instead") from None
    return _FdWriter(fd, "standard output", owned=False)


class OutputSet:
    """Files written together: each into a temporary beside its target; `commit()` renames them all (in
    the order opened: put a side-car that names the set last), `abort()` removes them. As a context
    manager it commits on success and aborts on an exception."""

    def __init__(self) -> None:
        self._files: list[tuple[str, Path, _Checked]] = []
        self._done = False
        self._cleaned: set[Path] = set()
        self._special: list[_FdWriter] = []
        self._reserved: set[str] = set()

    def open(self, path: str | os.PathLike) -> BinaryIO:
        """A binary file whose bytes become `path` on commit."""
        shown = os.fspath(path)
        prepare_output(path)
        target = _target(path)
        if _is_special(target):
            return self._open_special(target, shown)
        folder = target.parent
        if folder not in self._cleaned:
            self._cleaned.add(folder)
            remove_stale(folder)
        try:
            mode = stat.S_IMODE(os.stat(target).st_mode)
        except OSError:
            mode = _new_file_mode()
        tmp = str(folder / f".{target.name}.{os.getpid()}-{secrets.token_hex(4)}{TEMP_SUFFIX}")
        try:
            with _live_lock:
                _live.add(tmp)
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o600)
            os.fchmod(fd, mode)
            fh = os.fdopen(fd, "wb")
        except OSError as exc:
            with _live_lock:
                _live.discard(tmp)
            raise OutputError(f"{shown}: cannot write ({_describe_os(exc)})") from None
        checked = _Checked(fh, shown)
        self._files.append((tmp, target, checked))
        return checked  # type: ignore[return-value]

    def reserve(self, path: str | os.PathLike) -> Path:
        """The name of a temporary, for a writer that opens files by name (a video encoder): whatever it
        writes there becomes `path` on commit, like a file from open()."""
        fh = self.open(path)
        fh.close()
        tmp = Path(self._files[-1][0])
        self._reserved.add(str(tmp))
        return tmp

    def _open_special(self, target: Path, shown: str) -> BinaryIO:
        try:
            fd = os.open(target, os.O_WRONLY | getattr(os, "O_CLOEXEC", 0))
        except OSError as exc:
            raise OutputError(f"{shown}: cannot write ({_describe_os(exc)})") from None
        writer = _FdWriter(fd, shown)
        self._special.append(writer)
        return writer  # type: ignore[return-value]

    def commit(self) -> None:
        try:
            for _, _, fh in self._files:
                fh.close()
            for special in self._special:
                special.close()
            for tmp in self._reserved:          # written by name: made durable here
                fd = os.open(tmp, os.O_RDONLY)
                try:
                    os.fsync(fd)
                finally:
                    os.close(fd)
        except OutputError:
            self.abort()
            raise
        except OSError as exc:
            self.abort()
            raise OutputError(f"{self._files[0][1]}: cannot write ({_describe_os(exc)})") from None
        # The journal and the renames run with SIGTERM held back: they take milliseconds, and a signal in
        # their middle would leave a mix until the next run (a SIGKILL does: the journal is for that).
        journal = None
        with _Commit():
            try:
                if len(self._files) > 1:
                    journal = self._journal()
                for tmp, target, _ in self._files:
                    os.replace(tmp, target)
                    with _live_lock:
                        _live.discard(tmp)
                if journal is not None:
                    os.unlink(journal)
            except OutputError:
                raise
            except OSError as exc:
                if journal is not None:
                    _roll_forward(Path(journal))
                self.abort()
                raise OutputError(f"{self._files[0][1]}: cannot write ({_describe_os(exc)})") from None
            finally:
                self._done = True

    def _journal(self) -> str:
        first = self._files[-1][1]
        name = str(first.parent / f".{first.name}.{os.getpid()}-{secrets.token_hex(4)}{JOURNAL_SUFFIX}")
        body = json.dumps({"renames": [[os.path.abspath(tmp), os.path.abspath(target)]
                                       for tmp, target, _ in self._files]}).encode()
        try:
            with _live_lock:
                _live.add(name + ".part")
            with open(name + ".part", "wb") as fh:
                fh.write(body)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(name + ".part", name)
        except OSError as exc:
            self.abort()
            raise OutputError(f"{first}: cannot write ({_describe_os(exc)})") from None
        finally:
            with _live_lock:
                _live.discard(name + ".part")
        return name

    def abort(self) -> None:
        if self._done:
            return
        self._done = True
        for special in self._special:
            special.discard()
        for tmp, _, fh in self._files:
            fh.discard()
            try:
                os.unlink(tmp)
            except OSError:
                pass
            with _live_lock:
                _live.discard(tmp)

    def __enter__(self) -> OutputSet:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if kind is None:
            self.commit()
        else:
            self.abort()


class _Checked:
    """A temporary's file object whose errors name the output (not the hidden temporary). close() makes
    it durable (flush, fsync) so that a set of thousands of files never holds thousands open."""

    def __init__(self, fh: BinaryIO, shown: str) -> None:
        self._fh, self._shown = fh, shown

    def _fail(self, exc: OSError) -> OutputError:
        return OutputError(f"{self._shown}: cannot write ({_describe_os(exc)})")

    def write(self, data: Any) -> int:
        try:
            return self._fh.write(data)
        except OSError as exc:
            raise self._fail(exc) from None

    def flush(self) -> None:
        try:
            self._fh.flush()
        except OSError as exc:
            raise self._fail(exc) from None

    def tell(self) -> int:
        return self._fh.tell()

    def close(self) -> None:
        if self._fh.closed:
            return
        try:
            self._fh.flush()
            os.fsync(self._fh.fileno())
            self._fh.close()
        except OSError as exc:
            self.discard()
            raise self._fail(exc) from None

    def discard(self) -> None:
        try:
            self._fh.close()
        except OSError:
            pass

    @property
    def closed(self) -> bool:
        return self._fh.closed

    def __enter__(self) -> _Checked:
        return self

    def __exit__(self, *exc: Any) -> None:
        if exc[0] is None:
            self.close()


class open_output:
    """`with open_output(path) as fh:` a binary stream that becomes `path` atomically when the block ends
    without an exception ("-": checked standard output)."""

    def __init__(self, path: str | os.PathLike) -> None:
        self._path = path
        self._set: OutputSet | None = None

    def __enter__(self) -> BinaryIO:
        if os.fspath(self._path) == "-":
            return _stdout()  # type: ignore[return-value]
        self._set = OutputSet()
        return self._set.open(self._path)

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._set is not None:
            self._set.__exit__(kind, exc, tb)


# What a file is made of: its bytes, or its bytes in pieces, written one after another (a large export
# streams its arrays this way instead of joining them into one copy of the whole file first).
Data = Union[bytes, bytearray, memoryview, Iterable[Union[bytes, bytearray, memoryview]]]


def _write(fh: Any, data: Data) -> None:
    if isinstance(data, (bytes, bytearray, memoryview)):
        fh.write(data)
    else:
        for chunk in data:
            fh.write(chunk)


def write_output(path: str | os.PathLike, data: Data) -> None:
    """Write bytes (or pieces of bytes) to a path atomically, or to standard output when path is "-"."""
    with open_output(path) as fh:
        _write(fh, data)


def write_together(files: Sequence[tuple[Path, Data]]) -> None:
    """Write several files all together or none: see OutputSet (the last file is renamed last). A failing
    piece of a streamed file leaves every target as it was."""
    with OutputSet() as out:
        for path, data in files:
            fh = out.open(path)
            _write(fh, data)
            fh.close()
