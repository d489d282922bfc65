"""Hot reload: watch a seed file and the files it extends, and regenerate its scene off the drawing thread.

No GL and no pyglet here: the viewer polls a SeedWatcher on its clock every ~0.25 s, hands changes to a
Regenerator, and swaps the finished scene in on its own thread (GL resources are made there). A poll on the
drawing thread only stats the watched files and hashes one that changed (a regular file, at most the seed
file size limit); parsing, to learn what a file extends, happens on a worker thread.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
import threading
import time
import warnings
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..dream import DreamError
from ..fileio import ReadRefused, read_limited
from ..inputs import is_dream, load_input
from ..rng import seed_to_int
from ..seedfile import SeedError, seed_sources, spec_to_data
from ..spec import LIMITS

__all__ = ["seed_dependencies", "SeedWatcher", "Loaded", "load_scene", "Regenerator", "first_line",
           "seed_file_text", "saved_seed_path"]

POLL_S = 0.25


def first_line(err: BaseException) -> str:
    """The first line of an error, as the HUD shows it (a SeedError's first located problem)."""
    text = str(err).strip()
    line = text.splitlines()[0] if text else type(err).__name__
    return line if isinstance(err, (SeedError, DreamError)) else f"{type(err).__name__}: {line}"


def seed_dependencies(path: str | os.PathLike) -> list[Path]:
    """The seed file and every file its `extends` graph reads (presets included), each once, in order,
    read by the seed loader's own rules (regular files only, bounded); a dream text stands alone."""
    if is_dream(path):
        return [Path(path)]
    return seed_sources(path)


def _signature(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size


def _digest(path: Path) -> str | None:
    """The content's hash; a FIFO, a device or an oversized file is never read (its refusal is the
    "content", so turning a file into one still counts as a change)."""
    try:
        return hashlib.sha256(read_limited(path, LIMITS["file.bytes"])).hexdigest()
    except ReadRefused as refused:
        return None if refused.missing else f"refused: {refused.reason}"


class SeedWatcher:
    """Tells when a seed file, or a file it extends, has new content.

    Each poll stats every watched file; only a file whose (mtime, size) moved is read and hashed, and only a
    changed hash counts: saving without an edit (or `touch`) does not regenerate anything. Which files are
    watched (what the seed file extends) is worked out on a worker thread after each change, so a poll
    never parses anything.
    """

    def __init__(self, path: str | os.PathLike, background: bool = True) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._files: dict[Path, tuple[tuple[int, int] | None, str | None]] = {
            self.path: (_signature(self.path), _digest(self.path))}
        self._found: list[Path] | None = None     # a finished scan, not yet installed
        self._scanning: threading.Thread | None = None
        self._busy = False        # a scan is running
        self._again = False       # and a change came in since it started
        self._background = background
        self._rescan()

    def _rescan(self) -> None:
        def scan() -> None:
            while True:
                found = seed_dependencies(self.path)
                with self._lock:
                    if self._again:         # changed again while this scan read the files: once more
                        self._again = False
                        continue
                    self._found = found
                    self._busy = False
                    return

        if not self._background:
            scan()
            self._install()
            return
        with self._lock:
            if self._busy:
                self._again = True
                return
            self._busy = True
        self._scanning = threading.Thread(target=scan, name="scenegen-seed-scan", daemon=True)
        self._scanning.start()

    def _install(self) -> None:
        with self._lock:
            found, self._found = self._found, None
        if found is None:
            return
        old = self._files
        self._files = {p: old.get(p) or (_signature(p), _digest(p)) for p in found}

    def wait(self, timeout: float = 10.0) -> None:
        """Until the files a seed file extends are known (tests and scripts)."""
        if self._scanning is not None:
            self._scanning.join(timeout)
        self._install()

    @property
    def files(self) -> list[Path]:
        return list(self._files)

    def poll(self) -> bool:
        """True once after any watched file's content changed (or it appeared or vanished)."""
        self._install()
        changed = False
        for p, (sig, digest) in list(self._files.items()):
            now = _signature(p)
            if now == sig:
                continue
            new_digest = _digest(p) if now is not None else None
            self._files[p] = (now, new_digest)
            if new_digest != digest:
                changed = True
        if changed:
            self._rescan()          # an edit may have changed what the file extends
        return changed


@dataclass
class Loaded:
    """A seed file loaded and generated: what the file says, what was generated (its seed may be
    overridden by a re-roll), the generator's warnings, and how long it took."""
    file_spec: Any
    spec: Any
    scene: Any
    warnings: list[str]
    seconds: float


def load_scene(path: str | os.PathLike, seed: int | str | None = None, spec: Any = None,
               overrides: Sequence[Any] = ()) -> Loaded:
    """Load (or take `spec`) with `overrides` (`--set`), apply a seed override, generate. Raises SeedError
    for a bad file."""
    from ..gen.scene import generate
    t0 = time.perf_counter()
    file_spec = spec if spec is not None else load_input(path, overrides)
    use = file_spec if seed is None else dataclasses.replace(file_spec, seed=seed)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        scene = generate(use)
    return Loaded(file_spec, use, scene, [str(w.message) for w in caught], time.perf_counter() - t0)


class Regenerator:
    """Generates scenes on one worker thread; a request made while one runs replaces any waiting one,
    so a burst of saves costs at most one generation more than the last save needs."""

    def __init__(self, overrides: Sequence[Any] = ()) -> None:
        self._overrides = tuple(overrides)     # `--set` values, kept across every reload
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="scenegen-regenerate")
        self._lock = threading.Lock()
        self._running: Future | None = None
        self._waiting: tuple[Any, ...] | None = None

    @property
    def busy(self) -> bool:
        return self._running is not None or self._waiting is not None

    def request(self, path: str | os.PathLike, seed: int | str | None = None) -> None:
        with self._lock:
            if self._running is None:
                self._running = self._pool.submit(self._job, path, seed, self._overrides)
            else:
                self._waiting = (path, seed)

    @staticmethod
    def _job(path: str | os.PathLike, seed: int | str | None, overrides: Sequence[Any]) -> Loaded | BaseException:
        try:
            return load_scene(path, seed, overrides=overrides)
        except Exception as err:   # a broken edit, or a generator failure: reported, never raised here
            return err

    def poll(self) -> Loaded | BaseException | None:
        """The finished result (a Loaded, or the error it raised), or None when nothing new is done."""
        with self._lock:
            fut = self._running
            if fut is None or not fut.done():
                return None
            self._running = None
            if self._waiting is not None:
                # A newer request came in: its result supersedes this one.
                path, seed = self._waiting
                self._waiting = None
                self._running = self._pool.submit(self._job, path, seed, self._overrides)
                return None
        return fut.result()

    def wait(self, timeout: float | None = 60.0) -> Loaded | BaseException | None:
        """Block until the newest request is done and return its result (tests and scripted use)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            with self._lock:
                fut = self._running
            if fut is None:
                return None
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            fut.result(timeout=left)
            result = self.poll()
            if result is not None:
                return result

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


# --------------------------------------------------------------------------------------- saving seeds

_SAVED = re.compile(r"\.seed-[0-9a-f]{8}$")


def saved_seed_path(path: str | os.PathLike, spec: Any) -> Path:
    """Where a viewer saves `spec` beside the seed file `path`: NAME.seed-XXXXXXXX.yaml, the first 8 hex
    digits of its 64-bit seed (a file saved from a saved file keeps one suffix, not two)."""
    p = Path(path)
    stem = _SAVED.sub("", p.stem)
    hex8 = f"{seed_to_int(spec.seed):016x}"[:8]
    return p.with_name(f"{stem}.seed-{hex8}.yaml")


def _drop_none(data: Any) -> Any:
    # None is every optional field's default ("derived"): leaving it out means the same, and reads better.
    if isinstance(data, dict):
        return {k: _drop_none(v) for k, v in data.items() if v is not None}
    if isinstance(data, list):
        return [_drop_none(v) for v in data]
    return data


def seed_file_text(spec: Any, origin: str | os.PathLike | None = None) -> str:
    """A self-contained seed file for `spec`: every field resolved (no `extends`), loading back to an equal
    spec, so it regenerates the very same scene."""
    from ..starter import MODELINE
    body = yaml.safe_dump(_drop_none(spec_to_data(spec)), sort_keys=False, allow_unicode=True,
                          default_flow_style=None, width=110)
    head = [MODELINE]
    if origin is not None:
        head.append(f"# Saved by `scenegen view` from {Path(origin).name}, seed {spec.seed!r}: every field resolved.")
    return "\n".join(head) + "\n" + body
