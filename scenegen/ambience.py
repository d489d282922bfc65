"""The scene's own loops as pure numpy functions of time: the twins of what the shaders animate from u_time.

The renderer moves these on the GPU (spheres_common.glsl, audience.glsl); whatever samples time on the CPU
(the glTF animations) reads them here, so there is one statement of each loop besides the shader's, and the
tests hold the two together. A performance's cues (scenegen.perform.state_at) come on top of these loops.

Every function takes times t as an array (any shape T) and returns float64 with T in front.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

__all__ = ["sphere_centers", "sphere_pulse", "sphere_flicker", "sphere_light", "breath", "sway", "mood",
           "STUTTER_SHARE"]

_TAU = 2.0 * math.pi
# The flicker's stutter: in this share of its base-rate slots the light drops (spheres_common.glsl).
STUTTER_SHARE = 0.22
_DIP_GAIN, _STUTTER_GAIN = 1.8, 0.7


def sphere_centers(spheres: Any, t: Any) -> np.ndarray:
    """(T…, n, 3) centres: each turned about spin_axis through spin_center by spin_rate·t, then bobbed by
    float_height·sin(2π·float_rate·t + float_phase_i) along +y."""
    t = np.asarray(t, dtype=np.float64)
    c = spheres.center_i.astype(np.float64)
    a = spheres.spin_rate * t[..., None, None]
    k = np.asarray(spheres.spin_axis, dtype=np.float64)
    o = np.asarray(spheres.spin_center, dtype=np.float64)
    v = c - o
    cos, sin = np.cos(a), np.sin(a)
    turned = o + v * cos + np.cross(k, v) * sin + k * (v @ k)[:, None] * (1.0 - cos)
    bob = spheres.float_height * np.sin(_TAU * spheres.float_rate * t[..., None]
                                        + spheres.float_phase_i.astype(np.float64))
    out = np.array(turned, dtype=np.float64)
    out[..., 1] += bob
    return out


def sphere_pulse(spheres: Any, t: Any) -> np.ndarray:
    """(T…, n): 1 − depth_i·(½ − ½·cos(2π·rate_i·t + phase_i)), the glow's breathing."""
    t = np.asarray(t, dtype=np.float64)[..., None]
    rate = spheres.pulse_rate_i.astype(np.float64)
    depth = spheres.pulse_depth_i.astype(np.float64)
    phase = spheres.pulse_phase_i.astype(np.float64)
    return 1.0 - depth * (0.5 - 0.5 * np.cos(_TAU * rate * t + phase))


def _hash12(x: np.ndarray, y: float) -> np.ndarray:
    """The shader's hash12 (Dave Hoskins' hash without sine) in float32, as the GPU computes it."""
    f = np.float32
    px, py = x.astype(f), f(y)
    p3 = np.stack([px, np.broadcast_to(py, px.shape), px], axis=-1) * f(0.1031)
    p3 = p3 - np.floor(p3)
    p3 = p3 + (p3 * (p3[..., [1, 2, 0]] + f(33.33))).sum(axis=-1, keepdims=True, dtype=f)
    v = (p3[..., 0] + p3[..., 1]) * p3[..., 2]
    return (v - np.floor(v)).astype(np.float64)


def sphere_flicker(flaw: Any, t: Any, amount: float | None = None) -> np.ndarray:
    """(T…): a flawed sphere's light factor, 1 − amount·clamp(1.8·max(−mean of its sines, 0) + 0.7·stutter);
    `amount` overrides the flaw's own depth (a performance's flicker_k)."""
    t = np.asarray(t, dtype=np.float64)
    depth = float(flaw.flicker if amount is None else amount)
    if depth <= 0.0:
        return np.ones(t.shape)
    h = min(4, len(flaw.flicker_freq_h))
    freq = flaw.flicker_freq_h[:h].astype(np.float64)
    phase = flaw.flicker_phase_h[:h].astype(np.float64)
    mean = np.sin(_TAU * freq * t[..., None] + phase).sum(axis=-1) / max(h, 1)
    stutter = (_hash12(np.floor(t * flaw.flicker_rate), float(flaw.flicker_seed % 65536)) <= STUTTER_SHARE)
    return 1.0 - depth * np.clip(np.maximum(-mean, 0.0) * _DIP_GAIN + stutter * _STUTTER_GAIN, 0.0, 1.0)


def sphere_light(spheres: Any, t: Any, flicker_k: np.ndarray | None = None) -> np.ndarray:
    """(T…, n): each sphere's glow multiplier, pulse × flicker (flicker_k: per-sphere depths instead of the
    flaws' own, shape (T…, n))."""
    t = np.asarray(t, dtype=np.float64)
    out = sphere_pulse(spheres, t)
    for i, k in enumerate(spheres.flaw_i):
        if k >= 0:
            flaw = spheres.flaws[int(k)]
            if flicker_k is None:
                out[..., i] *= sphere_flicker(flaw, t)
            else:
                depth = np.asarray(flicker_k, dtype=np.float64)[..., i]
                unit = sphere_flicker(flaw, t, 1.0)          # the full-depth dip, then scaled per time
                out[..., i] *= 1.0 - depth * (1.0 - unit)
    return out


def breath(group: Any, t: Any, phase: Any = None) -> np.ndarray:
    """(T…) or (T…, m): depth·sin(2π·rate·t + phase): the group's shared phase when it breathes in unison,
    else the phases given (a figure's phase_i)."""
    t = np.asarray(t, dtype=np.float64)
    if phase is None or group.breathing_unison:
        return group.breathing_depth * np.sin(_TAU * group.breathing_rate * t + group.breathing_phase)
    ph = np.asarray(phase, dtype=np.float64)
    return group.breathing_depth * np.sin(_TAU * group.breathing_rate * t[..., None] + ph)


def sway(amplitude: Any, frequency: Any, phase: Any, t: Any) -> np.ndarray:
    """(T…, m): the lean of figures about their feet, radians: amplitude·sin(2π·frequency·t + phase)."""
    t = np.asarray(t, dtype=np.float64)[..., None]
    return np.asarray(amplitude, dtype=np.float64) * np.sin(
        _TAU * np.asarray(frequency, dtype=np.float64) * t + np.asarray(phase, dtype=np.float64))


def mood(group: Any, t: Any) -> np.ndarray:
    """(T…): how far the group's glow has drifted to its mood colour, strength·(½ − ½·cos(2π·t / period))."""
    t = np.asarray(t, dtype=np.float64)
    if group.mood_color is None:
        return np.zeros(t.shape)
    return group.mood_strength * (0.5 - 0.5 * np.cos(_TAU * t / max(group.mood_period, 1e-3)))
