"""Plays the spheres' tones (scenegen.audio) through pyglet.media; silent, without errors, where there is no audio.

pyglet picks its audio driver on first use (OpenAL, PulseAudio, … and finally its 'silent' driver). Any
failure to load or use a driver is caught once, reported in one line at most, and the viewer goes on
quietly: sound is a delight here, never a reason to stop.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import numpy as np

from .. import audio

__all__ = ["SoundPlayer", "Soundtrack"]

log = logging.getLogger(__name__)


class SoundPlayer:
    """Synthesises (and caches) each sphere's tone and the chord of a scene, and plays them.

    `enabled=False` makes it synthesise nothing and play nothing. `played` records what was asked for
    (('sphere', i) or ('chord', None)), whether or not a device made it heard. `notice` receives the one
    line said when audio is unavailable.
    """

    def __init__(self, enabled: bool = True, notice: Callable[[str], None] | None = None) -> None:
        self.enabled = enabled
        self.notice = notice
        self.available: bool | None = None      # unknown until the first play
        self.driver = ""
        self.played: list[tuple[str, int | None]] = []
        self._cache: dict[Any, Any] = {}
        self._spheres: Any = None
        self._players: list[Any] = []

    def set_spheres(self, spheres: Any) -> None:
        """Use this scene's spheres (tones are synthesised again only when they are asked for)."""
        if spheres is not self._spheres:
            self._spheres = spheres
            self._cache.clear()

    # ------------------------------------------------------------------------------------- the device
    def _driver_ok(self) -> bool:
        if self.available is not None:
            return self.available
        try:
            from .offscreen import configure_pyglet
            configure_pyglet()      # pyglet.media imports pyglet.gl: headless where there is no display
            from pyglet.media.drivers import get_audio_driver
            driver = get_audio_driver()
            self.driver = type(driver).__name__
            self.available = driver is not None and "Silent" not in self.driver
            if not self.available:
                self._say("no audio device: the spheres play silently")
        except Exception as err:   # a broken driver library raises anything at all
            self.available = False
            self._say(f"no audio ({type(err).__name__}: {err}): the spheres play silently")
        return self.available

    def _say(self, line: str) -> None:
        log.info(line)
        if self.notice is not None:
            self.notice(line)

    def _source(self, key: Any, samples: Callable[[], np.ndarray]) -> Any:
        src = self._cache.get(key)
        if src is None:
            from pyglet.media.codecs.base import AudioFormat, StaticMemorySource
            pcm = audio.to_pcm16(samples())
            src = StaticMemorySource(pcm, AudioFormat(channels=1, sample_size=16, sample_rate=audio.SAMPLE_RATE))
            self._cache[key] = src
        return src

    def _play(self, key: Any, samples: Callable[[], np.ndarray]) -> bool:
        if not self.enabled or not self._driver_ok():
            return False
        try:
            from pyglet.media import Player
            player = Player()
            player.queue(self._source(key, samples))
            player.play()
            # Keep the players that still sound; forget the finished ones.
            self._players = [p for p in self._players if p.playing] + [player]
            return True
        except Exception as err:
            self.available = False
            self._say(f"audio stopped working ({type(err).__name__}: {err}): going on silently")
            return False

    # ---------------------------------------------------------------------------------------- playing
    def play_sphere(self, i: int) -> bool:
        """Play sphere i's tone; True if it went to an audio device."""
        self.played.append(("sphere", int(i)))
        sph = self._spheres
        if sph is None or not 0 <= i < len(sph.sound_hz_i):
            return False
        return self._play(("sphere", int(i)), lambda: audio.sphere_tone(sph, int(i)))

    def play_chord(self) -> bool:
        """Play every sphere's tone together; True if it went to an audio device."""
        self.played.append(("chord", None))
        sph = self._spheres
        if sph is None or len(sph.sound_hz_i) == 0:
            return False
        return self._play(("chord",), lambda: audio.chord(sph))

    def soundtrack(self, samples: np.ndarray, rate: int) -> Soundtrack | None:
        """A performance's mix (int16 (n, 2) at `rate`) ready to play from any moment, or None where it
        cannot sound (muted, no device): the viewer then runs on the wall clock, silently."""
        if not self.enabled or not self._driver_ok():
            return None
        try:
            from pyglet.media.codecs.base import AudioFormat, StaticMemorySource
            data = np.ascontiguousarray(samples, dtype="<i2").tobytes()
            source = StaticMemorySource(data, AudioFormat(channels=2, sample_size=16, sample_rate=int(rate)))
        except Exception as err:
            self._say(f"the soundtrack cannot play ({type(err).__name__}: {err}): going on silently")
            return None
        track = Soundtrack(source, float(len(samples)) / rate, self)
        self._players.append(track.player)
        return track

    def delete(self) -> None:
        for p in self._players:
            try:
                p.delete()
            except Exception:
                pass
        self._players = []
        self._cache.clear()


class Soundtrack:
    """A performance's soundtrack on the audio device: started at any moment, stopped, and asked where it is
    (the clock a Transport follows). A device failure turns it silent for good, in one line said once."""

    def __init__(self, source: Any, duration: float, owner: SoundPlayer) -> None:
        from pyglet.media import Player
        self.source = source
        self.duration = duration
        self.owner = owner
        self.player = Player()
        self.failed = False

    def start(self, at: float) -> bool:
        if self.failed or at >= self.duration:
            return False
        try:
            p = self.player
            p.pause()
            if p.source is None:
                p.queue(self.source)
            p.seek(max(0.0, float(at)))
            p.play()
            return True
        except Exception as err:
            self.failed = True
            self.owner._say(f"audio stopped working ({type(err).__name__}: {err}): going on silently")
            return False

    def stop(self) -> None:
        try:
            self.player.pause()
        except Exception:
            pass

    def time(self) -> float | None:
        """Seconds into the soundtrack, while it sounds; None when it does not (the caller's clock goes on)."""
        if self.failed or not self.player.playing or self.player.source is None:
            return None
        return float(self.player.time)
