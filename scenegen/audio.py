"""The Harmonious Spheres' voices: bell-like crystal tones, the chord, the flawed sphere's detuned buzz (pure numpy).

A tone is a sum of decaying sines at the inharmonic mode ratios of a free crystal bar (1 : 2.756 : 5.404 :
8.933, the glockenspiel's and glass harmonica's spectrum), with a soft raised-cosine attack and an
exponential decay in which the upper partials die first, so the tone opens bright and rings out pure. A
flawed sphere sings at its detuned `sound_hz`, and its amplitude rasps at `buzz_hz`: short pulses of
level, with a little hard-clipped edge in them, like a fly trapped in amber.

Nothing here is random: the same sphere gives the same samples, bit for bit. Samples are float32 in
[−1, 1] at SAMPLE_RATE; `to_pcm16` turns them into the bytes an audio device takes.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["SAMPLE_RATE", "PARTIALS", "INSTRUMENT_PARTIALS", "bell_tone", "sphere_tone", "chord", "to_pcm16",
           "voice_at", "release_at"]

SAMPLE_RATE = 44_100
# (frequency ratio, amplitude, decay-time factor): modes of a free-free bar. The fundamental is the
# loudest and longest, so a tone's pitch is its sphere's tone. Tried a church bell's partials
# (0.5, 1, 1.2, 1.5, 2): the hum below the fundamental made the highest spheres sound an octave low.
PARTIALS: tuple[tuple[float, float, float], ...] = (
    (1.0, 1.0, 1.0),
    (2.756, 0.38, 0.45),
    (5.404, 0.18, 0.25),
    (8.933, 0.08, 0.15),
)
# The crystal instrument: a glass-harmonica voice, nearly harmonic, its overtones dying soon after the
# stroke, so it sings rounder and longer than a struck sphere.
INSTRUMENT_PARTIALS: tuple[tuple[float, float, float], ...] = (
    (1.0, 1.0, 1.0),
    (2.0, 0.32, 0.6),
    (3.01, 0.14, 0.4),
    (4.03, 0.06, 0.3),
)
_SILENT = 11.5                  # time constants after which a partial has decayed by 100 dB
_WARP_HZ = 5.3                  # how fast a warping (flawed) tone wavers
_WARP_CENTS = 18.0              # how far it wavers at full buzz, cents
_NYQUIST_MARGIN = 0.45          # partials above this fraction of the sample rate are left out (no aliasing)
_REFERENCE_HZ = 523.25          # C5: decay times are given for it; higher tones ring a little shorter
_RELEASE = 0.06                 # seconds of fade at the very end, so a cut tone never clicks
_STRUM = 0.045                  # seconds between the spheres' entries in the chord


def _envelope(n: int, sr: int, attack: float) -> np.ndarray:
    """Soft raised-cosine attack over `attack` seconds and a short release at the end."""
    env = np.ones(n, dtype=np.float64)
    a = min(n, max(1, int(round(attack * sr))))
    env[:a] = 0.5 - 0.5 * np.cos(np.pi * np.arange(a) / a)
    r = min(n, max(1, int(round(_RELEASE * sr))))
    env[n - r:] *= 0.5 + 0.5 * np.cos(np.pi * np.arange(1, r + 1) / r)
    return env


def _rasp(t: np.ndarray, buzz_hz: float) -> np.ndarray:
    """Narrow pulses, one per buzz period, 0…1: where the level drops and the edge grates."""
    return (0.5 + 0.5 * np.cos(2.0 * np.pi * buzz_hz * t)) ** 3


def bell_tone(hz: float, duration: float = 3.0, sample_rate: int = SAMPLE_RATE, *, decay: float = 1.4,
              attack: float = 0.015, buzz: float = 0.0, buzz_hz: float = 0.0, level: float = 0.8) -> np.ndarray:
    """One crystal tone at `hz`: float32 samples in [−level, level].

    decay: time constant of the fundamental at C5, seconds (higher tones ring shorter, by (C5/hz)^0.3).
    attack: length of the soft onset, seconds. buzz (0…1) and buzz_hz: the flaw's amplitude rasp.
    """
    if not (np.isfinite(hz) and hz > 0):
        raise ValueError(f"tone frequency must be positive, not {hz!r}")
    n = max(1, int(round(duration * sample_rate)))
    t = np.arange(n, dtype=np.float64) / sample_rate
    tau = decay * (_REFERENCE_HZ / hz) ** 0.3
    out = np.zeros(n, dtype=np.float64)
    total = 0.0
    for ratio, amp, life in PARTIALS:
        f = hz * ratio
        if f >= _NYQUIST_MARGIN * sample_rate:
            continue
        out += amp * np.exp(-t / (tau * life)) * np.sin(2.0 * np.pi * f * t)
        total += amp
    out /= total
    if buzz > 0.0 and buzz_hz > 0.0:
        rasp = _rasp(t, buzz_hz)
        # The level dips by `buzz` between pulses; during each pulse a hard-clipped copy grates.
        grate = np.tanh(6.0 * out) * np.exp(-t / tau) * 0.35
        out = out * (1.0 - buzz * (1.0 - rasp)) + buzz * rasp * grate
    out *= _envelope(n, sample_rate, attack)
    peak = float(np.abs(out).max())
    if peak > 0:
        out *= level / peak
    return np.clip(out, -1.0, 1.0).astype(np.float32)


def release_at(tt: np.ndarray, length: float) -> np.ndarray:
    """The short fade over the last _RELEASE seconds before `length`, so a cut tone never clicks (1 before)."""
    r = min(_RELEASE, 0.5 * length)
    u = np.clip((length - tt) / r, 0.0, 1.0) if r > 0 else np.ones_like(tt)
    return 0.5 - 0.5 * np.cos(np.pi * u)


def voice_at(hz: float, tt: np.ndarray, length: float, sample_rate: int = SAMPLE_RATE, *,
             partials: tuple[tuple[float, float, float], ...] = PARTIALS, decay: float = 1.4,
             attack: float = 0.015, buzz: float = 0.0, buzz_hz: float = 0.0, warp: float = 0.0) -> np.ndarray:
    """A tone at `hz` sampled at times `tt` (seconds since its start, any subset): float64, about ±1.

    The same voice as `bell_tone`, written as a function of time so that a mix can synthesise any stretch
    of a note on its own: a raised-cosine attack, partials decaying (upper ones first), the flaw's rasp,
    and `warp` (0…1): the pitch wavering by up to _WARP_CENTS, as a flawed tone warps.
    """
    tt = np.asarray(tt, dtype=np.float64)
    tau = decay * (_REFERENCE_HZ / hz) ** 0.3
    # Phase of a pitch wavering sinusoidally: 2π∫f = 2π·f·(t + d·(1 − cos(2πwt))/(2πw)), d in octaves·ln2.
    depth = warp * _WARP_CENTS / 1200.0 * np.log(2.0)
    bend = tt + depth * (1.0 - np.cos(2.0 * np.pi * _WARP_HZ * tt)) / (2.0 * np.pi * _WARP_HZ) if warp else tt
    out = np.zeros_like(tt)
    total = 0.0
    for ratio, amp, life in partials:
        f = hz * ratio
        if f >= _NYQUIST_MARGIN * sample_rate:
            continue
        total += amp
        # Past _SILENT time constants a partial is below −100 dB: it is left out there, not computed.
        n = int(np.searchsorted(tt, _SILENT * tau * life)) if tt.size and tt[-1] > _SILENT * tau * life else tt.size
        out[:n] += amp * np.exp(-tt[:n] / (tau * life)) * np.sin(2.0 * np.pi * f * bend[:n])
    if total:
        out /= total
    if buzz > 0.0 and buzz_hz > 0.0:
        rasp = _rasp(tt, buzz_hz)
        grate = np.tanh(6.0 * out) * np.exp(-tt / tau) * 0.35
        out = out * (1.0 - buzz * (1.0 - rasp)) + buzz * rasp * grate
    a = max(attack, 1.0 / sample_rate)
    onset = np.where(tt < a, 0.5 - 0.5 * np.cos(np.pi * np.clip(tt / a, 0.0, 1.0)), 1.0)
    return out * onset * release_at(tt, length)


def _sphere_voice(spheres: Any, i: int) -> dict[str, float]:
    """Frequency and flaw parameters of sphere i, from the scene's records."""
    hz = float(spheres.sound_hz_i[i])
    k = int(spheres.flaw_i[i])
    if k < 0:
        return {"hz": hz, "buzz": 0.0, "buzz_hz": 0.0}
    flaw = spheres.flaws[k]
    return {"hz": hz, "buzz": float(flaw.buzz), "buzz_hz": float(flaw.buzz_hz)}


def sphere_tone(spheres: Any, i: int, duration: float = 3.0, sample_rate: int = SAMPLE_RATE) -> np.ndarray:
    """The tone sphere i sings (its `sound_hz_i`: detuned and buzzing when it is flawed)."""
    if not 0 <= i < len(spheres.sound_hz_i):
        raise IndexError(f"no sphere {i} (the scene has {len(spheres.sound_hz_i)})")
    return bell_tone(duration=duration, sample_rate=sample_rate, **_sphere_voice(spheres, i))


def chord(spheres: Any, duration: float = 4.0, sample_rate: int = SAMPLE_RATE) -> np.ndarray:
    """Every sphere at once, lightly strummed (each enters _STRUM seconds after the one before)."""
    n_total = max(1, int(round(duration * sample_rate)))
    out = np.zeros(n_total, dtype=np.float64)
    count = len(spheres.sound_hz_i)
    for i in range(count):
        start = min(n_total - 1, int(round(i * _STRUM * sample_rate)))
        tone = sphere_tone(spheres, i, duration=(n_total - start) / sample_rate, sample_rate=sample_rate)
        out[start:start + len(tone)] += tone[: n_total - start]
    peak = float(np.abs(out).max())
    if peak > 0:
        out *= 0.8 / peak
    return np.clip(out, -1.0, 1.0).astype(np.float32)


def to_pcm16(samples: np.ndarray) -> bytes:
    """Little-endian signed 16-bit PCM bytes of float samples in [−1, 1] (mono)."""
    s = np.clip(np.asarray(samples, dtype=np.float64), -1.0, 1.0)
    return np.round(s * 32767.0).astype("<i2").tobytes()
