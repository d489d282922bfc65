"""Musical tones: note names (C5, F#4, Bb3; A4 = 440 Hz, equal temperament) and Hz, detuning in cents."""

from __future__ import annotations

import math
import re

__all__ = ["A4_HZ", "MIN_HZ", "MAX_HZ", "note_to_hz", "tone_to_hz", "tone_error", "detune",
           "cents_between", "pentatonic"]

A4_HZ = 440.0
# The range a tone may take: C-1 (MIDI 0, 8.18 Hz) up to the edge of hearing.
MIN_HZ = 8.0
MAX_HZ = 20_000.0

_LETTER = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}
_ACCIDENTAL = {"#": 1, "♯": 1, "b": -1, "♭": -1}
# Letter, up to two accidentals of one kind, octave (scientific pitch notation, C4 = middle C).
_NOTE = re.compile(r"^([A-Ga-g])(#{0,2}|♯{0,2}|b{0,2}|♭{0,2})(-?\d{1,2})$")
# Plain frequencies written as text: "440", "261.6 Hz", "440hz".
_HZ = re.compile(r"^(\d+(?:\.\d*)?|\.\d+)\s*(?:[Hh][Zz])?$")
# Degrees of the major pentatonic scale, semitones above its root.
_PENTATONIC = (0, 2, 4, 7, 9)
# Default scales climb three octaves (fifteen notes) and then start again at the root, so that a
# crowd of 64 spheres still sings inside the range of hearing rather than at 2 MHz.
_PENTATONIC_SPAN = 3


def _midi(name: str) -> int:
    m = _NOTE.match(name.strip())
    if m is None:
        raise ValueError(f"{name!r} is not a note name (expected a letter A–G, an optional # or b, "
                         f"and an octave, like C5, F#4 or Bb3)")
    letter, acc, octave = m.groups()
    shift = sum(_ACCIDENTAL[a] for a in acc)
    return 12 * (int(octave) + 1) + _LETTER[letter.upper()] + shift


def note_to_hz(name: str) -> float:
    """Frequency of a note name in twelve-tone equal temperament with A4 = 440 Hz (C5 ≈ 523.25 Hz)."""
    hz = A4_HZ * 2.0 ** ((_midi(name) - 69) / 12.0)
    if not MIN_HZ <= hz <= MAX_HZ:
        raise ValueError(f"note {name} ({hz:.2f} Hz) is outside {MIN_HZ:g} … {MAX_HZ:g} Hz")
    return hz


def tone_to_hz(tone: str | float | int) -> float:
    """A tone as the seed file writes it (a note name, a number of Hz, or text like "440 Hz") → Hz."""
    if isinstance(tone, bool):
        raise ValueError(f"{tone!r} is not a tone (expected a note name like C5 or a frequency in Hz)")
    if isinstance(tone, (int, float)):
        hz = float(tone)
        if not (math.isfinite(hz) and MIN_HZ <= hz <= MAX_HZ):
            raise ValueError(f"frequency {tone!r} Hz is outside {MIN_HZ:g} … {MAX_HZ:g} Hz")
        return hz
    if isinstance(tone, str):
        m = _HZ.match(tone.strip())
        if m is not None:
            return tone_to_hz(float(m.group(1)))
        return note_to_hz(tone)
    raise ValueError(f"{tone!r} is not a tone (expected a note name like C5 or a frequency in Hz)")


def tone_error(tone: object) -> str | None:
    """Why `tone` is not a usable tone, as one line for a seed-file error; None when it is fine."""
    try:
        tone_to_hz(tone)  # type: ignore[arg-type]
    except ValueError as exc:
        return str(exc)
    return None


def detune(hz: float, cents: float) -> float:
    """`hz` moved by `cents` (100 cents = one semitone; positive is sharp)."""
    return hz * 2.0 ** (cents / 1200.0)


def cents_between(reference_hz: float, hz: float) -> float:
    """How many cents `hz` lies above `reference_hz`."""
    return 1200.0 * math.log2(hz / reference_hz)


def pentatonic(count: int, root: str = "C5") -> tuple[float, ...]:
    """`count` tones of the major pentatonic scale rising from `root` (C5 D5 E5 G5 A5 C6 …), Hz."""
    base = _midi(root)
    out = []
    for i in range(count):
        step = i % (len(_PENTATONIC) * _PENTATONIC_SPAN)
        midi = base + 12 * (step // len(_PENTATONIC)) + _PENTATONIC[step % len(_PENTATONIC)]
        out.append(A4_HZ * 2.0 ** ((midi - 69) / 12.0))
    return tuple(out)
