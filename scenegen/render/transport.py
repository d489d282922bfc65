"""The viewer's playhead: play, pause, seek, restart over a performance, led by the audio clock when it sounds (pure).

While the soundtrack plays on a device, the playhead is where the device says it is, so picture and
sound never drift apart; otherwise (no device, muted, a speed other than ×1) it runs on the wall clock.
Nothing here imports pyglet: the audio is any object with `start(at)`, `stop()` and `time()` (seconds
into the soundtrack, or None while it is not sounding), and the clock is a function, so tests drive both.
"""

from __future__ import annotations

import math
import time as _time
from collections.abc import Callable
from typing import Any, Protocol

__all__ = ["AudioClock", "Transport", "timeline_marks", "CUE_COLORS"]


class AudioClock(Protocol):
    def start(self, at: float) -> bool: ...
    def stop(self) -> None: ...
    def time(self) -> float | None: ...


class Transport:
    """Where the performance is (`position`, seconds) and whether it plays.

    duration None (a scene without a performance): time runs on for ever. Past the end the playhead
    holds the last moment and stops, or wraps to the start when `loop`.
    """

    def __init__(self, duration: float | None = None, loop: bool = False, position: float = 0.0,
                 audio: AudioClock | None = None, clock: Callable[[], float] = _time.monotonic) -> None:
        self.duration = None if duration is None else max(0.0, float(duration))
        self.loop = loop
        self.audio = audio
        self.clock = clock
        self.speed = 1.0
        self.playing = False
        self._anchor_pos = self._clamp(float(position))
        self._anchor_wall = clock()
        self._audio_on = False

    # ------------------------------------------------------------------------------------ reading
    def _clamp(self, t: float) -> float:
        t = max(0.0, t)
        if self.duration is None:
            return t
        if self.loop and self.duration > 0:
            return math.fmod(t, self.duration) if t >= self.duration else t
        return min(t, self.duration)

    @property
    def position(self) -> float:
        """The playhead now (no side effect: call tick() once a frame to stop or wrap at the end)."""
        if not self.playing:
            return self._anchor_pos
        if self._audio_on and self.audio is not None:
            heard = self.audio.time()
            if heard is not None:
                return self._clamp(heard)
        return self._clamp(self._anchor_pos + (self.clock() - self._anchor_wall) * self.speed)

    @property
    def led_by_audio(self) -> bool:
        return self.playing and self._audio_on

    def tick(self) -> float:
        """Once a frame: the playhead, after stopping at the end (or wrapping round when looping)."""
        if not self.playing or self.duration is None:
            return self.position
        raw = (self._raw_audio() if self._audio_on else None)
        if raw is None:
            raw = self._anchor_pos + (self.clock() - self._anchor_wall) * self.speed
        if raw >= self.duration:
            if self.loop and self.duration > 0:
                self.seek(math.fmod(raw, self.duration))
            else:
                self.pause()
                self._anchor_pos = self.duration
        return self.position

    def _raw_audio(self) -> float | None:
        return self.audio.time() if self.audio is not None else None

    # ------------------------------------------------------------------------------------ moving
    def _start_audio(self) -> None:
        self._audio_on = False
        if self.audio is not None and self.playing and self.speed == 1.0:
            self._audio_on = bool(self.audio.start(self._anchor_pos))

    def _stop_audio(self) -> None:
        if self._audio_on and self.audio is not None:
            self.audio.stop()
        self._audio_on = False

    def play(self) -> None:
        if self.playing:
            return
        if self.duration is not None and not self.loop and self._anchor_pos >= self.duration:
            self._anchor_pos = 0.0           # play at the end starts again from the top
        self.playing = True
        self._anchor_wall = self.clock()
        self._start_audio()

    def pause(self) -> None:
        if not self.playing:
            return
        self._anchor_pos = self.position
        self.playing = False
        self._stop_audio()

    def toggle(self) -> bool:
        """Play or pause; True if it plays now."""
        if self.playing:
            self.pause()
        else:
            self.play()
        return self.playing

    def seek(self, t: float) -> float:
        """Move the playhead to t seconds (clamped to the performance), playing on if it played."""
        self._stop_audio()
        self._anchor_pos = self._clamp(float(t))
        self._anchor_wall = self.clock()
        self._start_audio()
        return self._anchor_pos

    def step(self, seconds: float) -> float:
        return self.seek(self.position + seconds)

    def restart(self) -> float:
        return self.seek(0.0)

    def set_speed(self, speed: float) -> None:
        """Play at `speed` × real time; the sound plays only at ×1 (the picture runs on the wall clock)."""
        pos = self.position
        self.speed = float(speed)
        self.seek(pos)

    def set_audio(self, audio: AudioClock | None) -> None:
        """A new soundtrack (a reloaded scene's): it takes over at the playhead."""
        pos = self.position
        self._stop_audio()
        self.audio = audio
        self.seek(pos)


# -------------------------------------------------------------------------------------- the strip

# The HUD strip's colour for each kind of cue (RGB 0…255); kinds not listed are grey.
CUE_COLORS: dict[str, tuple[int, int, int]] = {
    "note": (120, 200, 255), "phrase": (120, 200, 255), "audience": (200, 150, 255), "mood": (255, 170, 80),
    "flaw": (255, 90, 90), "sky": (110, 140, 255), "light": (255, 240, 160), "camera": (160, 255, 160),
    "countdown": (240, 240, 240), "hum": (150, 150, 170),
}
STRIP_ROWS = ("note", "audience", "mood", "flaw", "sky", "light", "camera", "countdown", "hum")


def _cue_fields(cue: Any) -> tuple[str, float, float]:
    kind = str(getattr(cue, "kind", "") if not isinstance(cue, dict) else cue.get("kind", ""))
    get = (lambda k, d: cue.get(k, d)) if isinstance(cue, dict) else (lambda k, d: getattr(cue, k, d))
    at = float(get("at", 0.0) or 0.0)
    length = float(get("length", 0.0) or 0.0)
    return kind, at, length


def timeline_marks(performance: Any, width: float, min_width: float = 2.0,
                   rows: tuple[str, ...] = STRIP_ROWS) -> list[tuple[float, float, int, tuple[int, int, int]]]:
    """The strip's cue marks for a performance drawn `width` pixels wide: (x, w, row, colour) each, a
    cue's row by its kind (phrases on the notes' row, unknown kinds on the last), at least `min_width`
    wide so a note's instant still shows."""
    if performance is None:
        return []
    duration = float(getattr(performance, "duration", 0.0) or 0.0)
    if duration <= 0 or width <= 0:
        return []
    marks = []
    for cue in getattr(performance, "cues", ()):
        kind, at, length = _cue_fields(cue)
        row = rows.index(kind) if kind in rows else rows.index("note") if kind == "phrase" else len(rows) - 1
        x = max(0.0, min(at, duration)) / duration * width
        w = max(min_width, min(length, duration - min(at, duration)) / duration * width)
        marks.append((x, min(w, max(width - x, min_width)), row, CUE_COLORS.get(kind, (160, 160, 160))))
    return marks
