"""A progress bar on a terminal's standard error, and nothing at all when it is not a terminal."""

from __future__ import annotations

import sys
import time
from typing import TextIO

__all__ = ["ProgressBar"]


class ProgressBar:
    """Call with (fraction, label); redraws at most ~20 times a second; `close()` clears the line."""

    def __init__(self, stream: TextIO | None = None, width: int = 28, enabled: bool | None = None):
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.width = width
        self.last = 0.0
        self.shown = False

    def __call__(self, fraction: float, label: str = "") -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.last < 0.05 and fraction < 1.0:
            return
        self.last = now
        fraction = min(max(fraction, 0.0), 1.0)
        filled = int(round(fraction * self.width))
        bar = "█" * filled + "·" * (self.width - filled)
        self.stream.write(f"\r{bar} {fraction * 100:3.0f}% {label:<12}")
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.enabled and self.shown:
            self.stream.write("\r" + " " * (self.width + 20) + "\r")
            self.stream.flush()
            self.shown = False
