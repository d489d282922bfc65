"""One progress line for a whole job on a terminal: its stages, elapsed time and time left; silent elsewhere."""

from __future__ import annotations

import shutil
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TextIO

__all__ = ["JobProgress"]

TICK_S = 0.25     # the line redraws this often while a stage runs, so a long stage never looks stuck


class JobProgress:
    """A job's stages, each with a weight (its expected share of the time), drawn as one line on standard
    error: `█████····  43%  generate: terrain (1/3)  4 s, about 6 s left`.

    Drawn only on a terminal and when not `quiet`; otherwise every call costs next to nothing. A stage is
    entered with `stage(name)` (a context manager) or `begin(name)`; within it, `update(fraction, label)`
    (or calling the object, the form `generate(progress=…)` takes) says how far it is. A stage that
    reports nothing still shows its name and the seconds ticking. The estimate of the time left uses the
    stage's own rate once it reports, and the seconds per unit of weight of the work done so far for the
    stages to come. `close()` clears the line.
    """

    def __init__(self, stages: Sequence[tuple[str, float]] = (("generate", 1.0),), *,
                 stream: TextIO | None = None, quiet: bool = False, enabled: bool | None = None,
                 clock: Callable[[], float] = time.monotonic):
        self.stream = stream or sys.stderr
        if enabled is None:
            enabled = not quiet and _isatty(self.stream)
        self.enabled = enabled
        self.names = [name for name, _ in stages]
        self.weights = {name: max(float(w), 0.0) for name, w in stages}
        self.total = sum(self.weights.values()) or 1.0
        self._now = clock
        self._lock = threading.Lock()
        self._start = self._now()
        self._passed: set[str] = set()
        self._done_weight = 0.0
        self._done_seconds = 0.0
        self._current: str | None = None
        self._stage_start = self._start
        self._fraction = 0.0
        self._label = ""
        self._shown = 0
        self._ticker: threading.Thread | None = None
        self._stop = threading.Event()

    # ------------------------------------------------------------------------------------------ stages

    def begin(self, name: str) -> None:
        """Enter stage `name` (one of those declared; an undeclared one weighs nothing), ending the one before."""
        with self._lock:
            self._finish_current()
            self._current = name
            self._stage_start = self._now()
            self._fraction = 0.0
            self._label = ""
        self._draw()
        self._start_ticker()

    @contextmanager
    def stage(self, name: str) -> Iterator[JobProgress]:
        self.begin(name)
        try:
            yield self
        finally:
            with self._lock:
                self._finish_current()

    def update(self, fraction: float, label: str = "") -> None:
        """How far the current stage is (0 … 1), and what it is doing now."""
        with self._lock:
            self._fraction = min(max(float(fraction), 0.0), 1.0)
            self._label = label
        self._draw()

    __call__ = update

    def close(self) -> None:
        """End the job: clear the line (and stop redrawing it)."""
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join()
            self._ticker = None
        with self._lock:
            self._finish_current()
            if self.enabled and self._shown:
                self.stream.write("\r" + " " * self._shown + "\r")
                self.stream.flush()
                self._shown = 0

    def __enter__(self) -> JobProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -------------------------------------------------------------------------------------- the sums

    def fraction(self) -> float:
        """The job's overall fraction done, by the stages' weights."""
        with self._lock:
            return self._overall()

    def seconds_left(self) -> float | None:
        """An estimate of the seconds left, or None before anything has been measured."""
        with self._lock:
            return self._left()

    def _finish_current(self) -> None:
        if self._current is not None:
            self._passed.add(self._current)
            self._done_weight += self.weights.get(self._current, 0.0)
            self._done_seconds += self._now() - self._stage_start
            self._current = None

    def _weight(self) -> float:
        return self.weights.get(self._current, 0.0) if self._current is not None else 0.0

    def _overall(self) -> float:
        return min(1.0, (self._done_weight + self._weight() * self._fraction) / self.total)

    def _left(self) -> float | None:
        now = self._now()
        in_stage = now - self._stage_start
        # Seconds per unit of weight so far: the running stage counts once it has reported how far it is.
        if self._fraction > 0.0:
            per_weight = (self._done_seconds + in_stage) / (self._done_weight + self._weight() * self._fraction)
        elif self._done_weight > 0.0:
            per_weight = self._done_seconds / self._done_weight
        else:
            return None
        ahead = sum(w for n, w in self.weights.items() if n not in self._passed and n != self._current) * per_weight
        if self._current is None:
            return ahead
        if self._fraction > 0.0:                                 # the stage's own rate, once it reports
            here = in_stage / self._fraction * (1.0 - self._fraction)
        else:
            here = max(0.0, self._weight() * per_weight - in_stage)
        return here + ahead

    # ------------------------------------------------------------------------------------------- drawing

    def _line(self) -> str:
        f = self._overall()
        width = 24
        filled = int(round(f * width))
        bar = "█" * filled + "·" * (width - filled)
        what = self._current or ""
        if self._current in self.names and len(self.names) > 1:
            what += f" ({self.names.index(self._current) + 1}/{len(self.names)})"
        if self._label:
            what += f": {self._label}"
        elapsed = self._now() - self._start
        left = self._left()
        timing = _seconds(elapsed)
        if left is not None and elapsed >= 1.0:
            timing += f", about {_seconds(left)} left" if left >= 1.0 else ", a moment left"
        return f"{bar} {f * 100:3.0f}%  {what}  {timing}"

    def _draw(self) -> None:
        if not self.enabled:
            return
        with self._lock:
            columns = shutil.get_terminal_size((100, 24)).columns
            line = self._line()[:max(columns - 1, 20)]
            pad = max(0, self._shown - len(line))
            self.stream.write("\r" + line + " " * pad)
            self.stream.flush()
            self._shown = len(line)

    def _start_ticker(self) -> None:
        if not self.enabled or self._ticker is not None:
            return

        def tick() -> None:
            while not self._stop.wait(TICK_S):
                self._draw()

        self._ticker = threading.Thread(target=tick, name="scenegen-progress", daemon=True)
        self._ticker.start()


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):      # a closed or odd stream: no terminal
        return False


def _seconds(s: float) -> str:
    if s < 60:
        return f"{s:.0f} s"
    m, s = divmod(int(round(s)), 60)
    return f"{m} min {s:02d} s" if m < 60 else f"{m // 60} h {m % 60:02d} min"
