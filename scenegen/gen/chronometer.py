"""The countdown's chronometer prop: an hourglass of particles with a readout of the time left (pure numpy).

Every particle is a fixed record; what the countdown shows at time t (how much has run through, the
swirl, the digits lit) is worked out from the performance's State by the shader, so the prop is drawn
at any moment without simulation. Sand grains are ranked in the order they fall: grain u lies in the
upper bulb while more than 1 − u of the time is left, in the lower one after, and each bulb's grains
are stacked by rank, so the upper heap sinks and the lower one rises as the time runs out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..model import Record, array
from ..rng import stream

__all__ = ["Chronometer", "STYLES", "SWIRL_RATE", "generate_chronometer", "profile", "NECK", "BULB", "SEGMENTS",
           "DIGIT_SEGMENTS"]

KIND_SAND, KIND_STREAM, KIND_GLASS, KIND_DIGIT = 0.0, 1.0, 2.0, 3.0
# Colour (linear), grain size (in half-heights), twinkle depth, mercury shimmer of each style.
STYLES: dict[str, tuple[tuple[float, float, float], float, float, float]] = {
    "stardust": ((1.0, 0.86, 0.62), 0.010, 0.8, 0.0),
    "sand": ((0.95, 0.62, 0.30), 0.008, 0.1, 0.0),
    "mercury": ((0.80, 0.86, 0.95), 0.014, 0.2, 1.0),
}
NECK = 0.06            # the waist's radius, in half-heights
BULB = 0.55            # the bulbs' greatest radius, in half-heights
# Seven-segment strokes in a digit cell 0.5 wide and 1 tall (x right, y up): a, b, c, d, e, f, g.
SEGMENTS = np.array([
    [[0.0, 1.0], [0.5, 1.0]], [[0.5, 1.0], [0.5, 0.5]], [[0.5, 0.5], [0.5, 0.0]], [[0.0, 0.0], [0.5, 0.0]],
    [[0.0, 0.0], [0.0, 0.5]], [[0.0, 0.5], [0.0, 1.0]], [[0.0, 0.5], [0.5, 0.5]]], dtype=np.float64)
# Which segments (bit 0 = a … bit 6 = g) each digit lights: the shader holds the same table.
DIGIT_SEGMENTS = (0x3F, 0x06, 0x5B, 0x4F, 0x66, 0x6D, 0x7D, 0x07, 0x7F, 0x6F)


def profile(a: np.ndarray) -> np.ndarray:
    """The glass's radius at height |y| = a (0 at the waist, 1 at a cap), in half-heights."""
    a = np.clip(np.asarray(a, dtype=np.float64), 0.0, 1.0)
    return NECK + (BULB - NECK) * np.sin(np.pi * a) ** 0.6 * (1.0 - 0.25 * a)


SWIRL_RATE = 0.6        # radians per second of the countdown's own swirl clock (State.countdown_spin)


@dataclass(frozen=True, eq=False)
class Chronometer(Record):
    """Particles of the hourglass in its own frame: half-heights, y up, the waist at 0, +z its face."""
    kind_i: np.ndarray = array("float32", ("i",), "0 sand grain, 1 falling stream, 2 glass, 3 readout dot.")
    param_i: np.ndarray = array("float32", ("i", 4), "sand: rank, angle, radius share, jitter; stream: "
                                "phase, angle, radius share, 0; glass: height, angle, 0, 0; readout: slot, "
                                "segment, place along it, jitter.")
    size_i: np.ndarray = array("float32", ("i",), "Particle size, in grains of its style (STYLES).")
    twinkle_i: np.ndarray = array("float32", ("i", 2), "Twinkle rate (Hz) and phase (radians).")


def generate_chronometer(seed: int | str, grains: int = 6000) -> Chronometer:
    """The hourglass's particles: `grains` grains of sand (or dust, or mercury), the stream, the glass, the
    readout's dots, drawn from the seed's own "chronometer" stream."""
    rng = stream(seed, "chronometer")
    sand = int(grains)
    stream_n = max(64, sand // 25)
    glass = max(400, sand // 6)
    per_segment = 60
    digits = 4 * 7 * per_segment + 2 * 24        # four digits, the colon's two dots
    kinds, params, sizes = [], [], []

    rank = (np.arange(sand) + rng.random(sand)) / sand
    p = np.stack([rank, rng.random(sand) * 2.0 * math.pi, np.sqrt(rng.random(sand)), rng.random(sand)], axis=1)
    kinds.append(np.full(sand, KIND_SAND))
    params.append(p)
    sizes.append(0.6 + 0.8 * rng.random(sand))

    p = np.stack([rng.random(stream_n), rng.random(stream_n) * 2.0 * math.pi, np.sqrt(rng.random(stream_n)),
                  np.zeros(stream_n)], axis=1)
    kinds.append(np.full(stream_n, KIND_STREAM))
    params.append(p)
    sizes.append(0.5 + 0.5 * rng.random(stream_n))

    y = rng.random(glass) * 2.0 - 1.0
    p = np.stack([y, rng.random(glass) * 2.0 * math.pi, np.zeros(glass), np.zeros(glass)], axis=1)
    kinds.append(np.full(glass, KIND_GLASS))
    params.append(p)
    sizes.append(np.full(glass, 0.7))

    slot = np.repeat(np.arange(4), 7 * per_segment)
    seg = np.tile(np.repeat(np.arange(7), per_segment), 4)
    along = np.tile((np.arange(per_segment) + 0.5) / per_segment, 28)
    colon = np.stack([np.full(48, 4.0), np.repeat([0.0, 1.0], 24), rng.random(48), rng.random(48)], axis=1)
    p = np.concatenate([np.stack([slot, seg, along, rng.random(len(slot))], axis=1), colon])
    kinds.append(np.full(digits, KIND_DIGIT))
    params.append(p)
    sizes.append(np.full(digits, 1.3))

    kind = np.concatenate(kinds).astype(np.float32)
    count = len(kind)
    tw = np.stack([0.3 + 2.5 * rng.random(count), rng.random(count) * 2.0 * math.pi], axis=1)
    return Chronometer(kind_i=kind, param_i=np.concatenate(params).astype(np.float32),
                       size_i=np.concatenate(sizes).astype(np.float32), twinkle_i=tw.astype(np.float32))
