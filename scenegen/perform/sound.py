"""The performance's sound: notes in their voices' timbres, the hum, bursts and shatters, mixed to 16-bit stereo.

Every sample is a closed-form function of its absolute index (no running state but the hum's phase, a
sum from the very first sample), so a stretch mixed alone is the same bytes as that stretch of the whole,
and the same scene gives the same bytes every run. Synthesis is vectorized: each note is computed over
its own span in one go, the hum over the whole window at once.

Levels: notes at NOTE_GAIN·level, the hum at HUM_GAIN·level, and the sum through a soft limiter
(CEILING·tanh(x / CEILING)) whose ceiling lies below −1 dBFS, so the mix never clips and its peak stays
at or below −1 dBFS however many notes pile up.
"""

from __future__ import annotations

import io
import math
import os
import wave
from typing import Any, BinaryIO

import numpy as np

from ..audio import INSTRUMENT_PARTIALS, PARTIALS, voice_at
from ..fileio import write_output
from .model import FlawEvent, HumEvent, NoteEvent, Performance
from .timeline import _const, _field, _hash01, hum_at, track

__all__ = ["RATE", "CEILING", "NOTE_GAIN", "HUM_GAIN", "mix", "mix_float", "write_wav", "wav_bytes",
           "note_sound_hz"]

RATE = 48_000
CEILING = 10.0 ** (-1.05 / 20.0)    # a hair under −1 dBFS, so rounding to 16 bits cannot cross it
NOTE_GAIN = 0.5
HUM_GAIN = 0.22
_INSTRUMENT_DECAY = 2.2            # the instrument rings longer than a struck sphere
_INSTRUMENT_ATTACK = 0.035
_SPARKLES = 8                      # high pings of a burst: its particles catching the light, heard
_SPARKLE_SPAN = 0.7                # seconds over which they fall
_SPARKLE_DECAY = 0.12
_SPARKLE_GAIN = 0.05
_SHATTER_GAIN = 0.55
_SHATTER_RATIOS = (1.0, 2.756, 5.404, 8.933, 13.34)   # the sphere's own modes, breaking apart
_SHATTER_DECAY = 1.1
_SHATTER_NOISE_DECAY = 0.35
_HUM_DECIMATE = 4                  # the hum is synthesised at a quarter of the rate (see _hum)
_HUM_CONTROL = 60                  # low-rate samples between readings of its pitch, level, sourness (5 ms)
_END_FADE = 0.05                   # seconds of fade at the very end of the performance


def _pan(pan: float) -> tuple[float, float]:
    """Equal-power gains (left, right) for a position −1 … 1."""
    a = (pan + 1.0) * math.pi / 4.0
    return math.cos(a), math.sin(a)


def _flaw_at(perf: Performance, scene: Any, sphere: int, c: float) -> tuple[float, float, float]:
    """(buzz, detune cents, warp) of a sphere at performance clock c (0s for a sound sphere)."""
    spheres = scene.props.spheres
    k = int(spheres.flaw_i[sphere])
    if k < 0:
        return 0.0, 0.0, 0.0
    flaw = spheres.flaws[k]
    mine = [ev for ev in perf.cues if isinstance(ev, FlawEvent) and ev.sphere == sphere]
    if not mine:
        return float(flaw.buzz), float(flaw.detune_cents), float(flaw.buzz)
    buzz = float(track(c, _const(0.0), mine, _field("buzz"))[0])
    cents = float(track(c, _const(0.0), mine, _field("detune"))[0])
    return buzz, cents, buzz


def note_sound_hz(scene: Any, note: NoteEvent) -> float:
    """The frequency a note actually sounds: its tone, detuned by its sphere's flaw at the note's start."""
    if note.sphere < 0:
        return note.hz
    _, cents, _ = _flaw_at(scene.performance, scene, note.sphere, note.at)
    return note.hz * 2.0 ** (cents / 1200.0)


def _span(at: float, length: float, n0: int, n1: int, rate: int) -> tuple[int, int, int]:
    """(start sample of the event, first and last+1 sample of it inside the window [n0, n1))."""
    s0 = int(round(at * rate))
    s1 = s0 + int(round(length * rate))
    return s0, max(s0, n0), min(s1, n1)


def _notes(scene: Any, perf: Performance, out: np.ndarray, n0: int, n1: int, rate: int) -> None:
    spheres = scene.props.spheres
    for ev in perf.cues:
        if not isinstance(ev, NoteEvent):
            continue
        s0, a, b = _span(ev.at, ev.length, n0, n1, rate)
        if a < b:
            tt = (np.arange(a, b, dtype=np.float64) - s0) / rate
            if ev.sphere < 0:
                y = voice_at(ev.hz, tt, ev.length, rate, partials=INSTRUMENT_PARTIALS, decay=_INSTRUMENT_DECAY,
                             attack=_INSTRUMENT_ATTACK)
            else:
                buzz, cents, warp = _flaw_at(perf, scene, ev.sphere, ev.at)
                k = int(spheres.flaw_i[ev.sphere])
                buzz_hz = float(spheres.flaws[k].buzz_hz) if k >= 0 else 0.0
                y = voice_at(ev.hz * 2.0 ** (cents / 1200.0), tt, ev.length, rate, partials=PARTIALS,
                             buzz=buzz, buzz_hz=buzz_hz, warp=warp)
            left, right = _pan(ev.pan)
            y *= NOTE_GAIN * ev.level
            out[a - n0:b - n0, 0] += left * y
            out[a - n0:b - n0, 1] += right * y
        if ev.burst_count:
            _sparkles(ev, out, n0, n1, rate)


def _sparkles(ev: NoteEvent, out: np.ndarray, n0: int, n1: int, rate: int) -> None:
    """A burst, heard: a few faint high pings falling after the note, their times and pitches hashed."""
    j = np.arange(_SPARKLES, dtype=np.int64)
    when = ev.at + 0.03 + _SPARKLE_SPAN * _hash01(ev.burst_seed, j, 11)
    ratio = 2.0 + 3.0 * _hash01(ev.burst_seed, j, 12)
    side = 2.0 * _hash01(ev.burst_seed, j, 13) - 1.0
    gain = _SPARKLE_GAIN * ev.level * min(1.0, ev.burst_count / 160.0)
    for i in range(_SPARKLES):
        f = min(ev.hz * float(ratio[i]), 0.4 * rate)
        length = 6.0 * _SPARKLE_DECAY
        s0, a, b = _span(float(when[i]), length, n0, n1, rate)
        if a >= b:
            continue
        tt = (np.arange(a, b, dtype=np.float64) - s0) / rate
        y = gain * np.exp(-tt / _SPARKLE_DECAY) * np.sin(2.0 * np.pi * f * tt) * np.minimum(tt / 0.004, 1.0)
        left, right = _pan(max(-1.0, min(1.0, ev.pan + 0.5 * float(side[i]))))
        out[a - n0:b - n0, 0] += left * y
        out[a - n0:b - n0, 1] += right * y


def _shatters(scene: Any, perf: Performance, out: np.ndarray, n0: int, n1: int, rate: int) -> None:
    """A sphere breaking: its modes torn apart (detuned, decaying) over a crack of hashed noise."""
    spheres = scene.props.spheres
    done: set[int] = set()
    stage = scene.stage
    for ev in perf.cues:
        if not (isinstance(ev, FlawEvent) and ev.shatter) or ev.sphere in done:
            continue
        first = min(e.at + e.length for e in perf.cues
                    if isinstance(e, FlawEvent) and e.shatter and e.sphere == ev.sphere)
        done.add(ev.sphere)
        length = 5.0 * _SHATTER_DECAY
        s0, a, b = _span(first, length, n0, n1, rate)
        if a >= b:
            continue
        idx = np.arange(a, b, dtype=np.int64)
        tt = (idx - s0).astype(np.float64) / rate
        hz = float(spheres.sound_hz_i[ev.sphere])
        seed = 0x5A77E2 + ev.sphere
        y = np.zeros_like(tt)
        for m, ratio in enumerate(_SHATTER_RATIOS):
            f = hz * ratio * (1.0 + 0.03 * (float(_hash01(seed, np.array([m]), 1)[0]) - 0.5))
            if f < 0.45 * rate:
                y += np.exp(-tt * (1.0 + m) / _SHATTER_DECAY) * np.sin(2.0 * np.pi * f * tt) / (1.0 + m)
        noise = 2.0 * _hash01(seed, idx, 2) - 1.0
        y += 0.8 * noise * np.exp(-tt / _SHATTER_NOISE_DECAY)
        y *= _SHATTER_GAIN * np.minimum(tt / 0.002, 1.0) * np.minimum((length - tt) / 0.05, 1.0)
        x = float(spheres.center_i[ev.sphere][0]) - stage.center[0]
        left, right = _pan(max(-1.0, min(1.0, x / max(stage.radius, 1e-6))))
        out[a - n0:b - n0, 0] += left * y
        out[a - n0:b - n0, 1] += right * y


def _ramp(values: np.ndarray, step: int) -> np.ndarray:
    """Straight lines between values taken every `step` points: len(values) − 1 blocks of `step`, flattened
    (values may carry trailing axes, such as stereo channels)."""
    w = (np.arange(step, dtype=np.float64) / step).reshape((1, step) + (1,) * (values.ndim - 1))
    out = np.empty((len(values) - 1, step) + values.shape[1:])
    np.multiply((values[1:] - values[:-1])[:, None], w, out=out)
    out += values[:-1, None]
    return out.reshape((-1,) + values.shape[1:])


def _hum(perf: Performance, n0: int, n1: int, rate: int) -> np.ndarray | None:
    """The drone: three harmonics, a slow swell, a second voice a hair sharp on the right; sourness adds
    a beating, out-of-tune voice and a tritone above.

    It lives far below the notes (its third harmonic of a low pitch stays under a kilohertz), so it is
    synthesised on every _HUM_DECIMATE-th sample and drawn in straight lines between them (the images that
    leaves lie near the low rate's multiples, some 60 dB under the hum). Pitch, level and sourness are
    read from the clock every _HUM_CONTROL low-rate samples, and the phase is summed from sample 0: every
    value depends on absolute sample numbers only, so any window continues the whole exactly.
    """
    levels = [perf.hum_level] + [ev.level for ev in perf.cues if isinstance(ev, HumEvent) and ev.level is not None]
    if max(levels) <= 0.0 or n1 <= n0:
        return None
    q, step = _HUM_DECIMATE, _HUM_CONTROL
    low_rate = rate / q
    m1 = n1 // q + 2                                  # low-rate samples needed up to n1, and one beyond
    blocks = (m1 + step - 1) // step
    tc = np.arange(blocks + 1, dtype=np.float64) * step / low_rate
    d = perf.duration
    clock = np.mod(tc, d) if perf.loop and d > 0 else np.clip(tc, 0.0, d)
    state = hum_at(perf, clock)
    swell = 1.0 + 0.15 * np.sin(2.0 * np.pi * 0.11 * tc)
    pitch = _ramp(state[:, 0], step)[:m1]
    turns = (np.cumsum(pitch) - pitch) / low_rate     # ∫ pitch dt before each low-rate sample, in turns
    m0 = n0 // q
    turns = turns[m0:]
    level = _ramp(state[:, 1] * swell, step)[m0:m1] * (HUM_GAIN / 1.75)
    sour = _ramp(state[:, 2], step)[m0:m1]

    def cycle(x: np.ndarray, offset: float = 0.0) -> np.ndarray:
        return 2.0 * np.pi * (x - np.floor(x)) + offset     # small arguments: sin's exact fast path

    def harmonics(phase: np.ndarray) -> np.ndarray:
        s1, c1 = np.sin(phase), np.cos(phase)   # sin 2φ and sin 3φ from sin φ, cos φ: two calls, not three
        return s1 + 0.5 * (2.0 * s1 * c1) + 0.25 * (s1 * (3.0 - 4.0 * s1 * s1))

    left = harmonics(cycle(turns))
    right = harmonics(cycle(1.0015 * turns, 0.7))
    if float(sour.max()) > 0.0:
        voice = 0.6 * np.sin(cycle(1.0116 * turns)) + 0.35 * np.sin(cycle(math.sqrt(2.0) * turns))
        left += sour * voice
        right += sour * voice
    full = _ramp(np.stack([level * left, level * right], axis=1), q)   # samples m0·q … (m1 − 1)·q
    return full[n0 - m0 * q:n1 - m0 * q]        # a view: the bed the notes are added onto, no copy


def _raw(scene: Any, perf: Performance, n0: int, n1: int, rate: int) -> np.ndarray:
    bed = _hum(perf, n0, n1, rate)
    out = np.zeros((n1 - n0, 2), dtype=np.float64) if bed is None else bed
    _notes(scene, perf, out, n0, n1, rate)
    _shatters(scene, perf, out, n0, n1, rate)
    # The last _END_FADE seconds fade out, so a performance that stops mid-sound ends without a click.
    n_end = int(round(perf.duration * rate))
    fade = max(1, int(round(_END_FADE * rate)))
    a = max(n0, n_end - fade)
    if a < n1:
        out[a - n0:] *= np.clip((n_end - np.arange(a, n1)) / fade, 0.0, 1.0)[:, None]
    return out


def mix_float(scene: Any, start: float = 0.0, end: float | None = None, rate: int = RATE) -> np.ndarray:
    """The mix before limiting, float64 (n, 2). Past the end it is silent, or, looping, starts again."""
    perf: Performance = scene.performance
    stop = perf.duration if end is None else float(end)
    n0 = int(round(max(start, 0.0) * rate))
    n1 = max(n0, int(round(max(stop, 0.0) * rate)))
    n_end = int(round(perf.duration * rate))
    if n1 <= n_end or n_end == 0:
        return _raw(scene, perf, n0, min(n1, n_end), rate) if n1 <= n_end else np.zeros((n1 - n0, 2))
    if perf.loop:
        whole = _raw(scene, perf, 0, n_end, rate)
        return whole[np.arange(n0, n1) % n_end]
    out = np.zeros((n1 - n0, 2))
    if n0 < n_end:
        out[: n_end - n0] = _raw(scene, perf, n0, n_end, rate)
    return out


def mix(scene: Any, start: float = 0.0, end: float | None = None, rate: int = RATE) -> np.ndarray:
    """The performance's sound from `start` to `end` seconds (default: its whole length): int16 (n, 2).

    Deterministic to the byte; a window is exactly that stretch of the whole mix; peak ≤ −1 dBFS.
    """
    x = mix_float(scene, start, end, rate)
    x *= 1.0 / CEILING                 # in place: a two-minute mix is 11 million samples
    np.tanh(x, out=x)
    x *= CEILING * 32767.0
    np.rint(x, out=x)
    return x.astype(np.int16)


def wav_bytes(samples: np.ndarray, rate: int = RATE) -> bytes:
    """A 16-bit PCM WAV file of int16 samples (n, channels)."""
    data = np.ascontiguousarray(np.asarray(samples, dtype=np.int16).astype("<i2"))
    channels = 1 if data.ndim == 1 else data.shape[1]
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(data.tobytes())
    return buf.getvalue()


def write_wav(target: str | os.PathLike | BinaryIO, samples: np.ndarray, rate: int = RATE) -> None:
    """Write samples as a WAV file: a path (atomically; "-" is standard output) or an open binary file."""
    data = wav_bytes(samples, rate)
    if hasattr(target, "write"):
        target.write(data)
    else:
        write_output(target, data)
