"""The whole sky as a function of direction, in numpy: the twin of `sky_color()` in shaders/sky_common.glsl.

The glTF export bakes it into the sky dome's texture, so engines show the same clouds and washes as our
renderer; tests compare it with rendered pixels. The value noise runs in float32 like the shader's (its hash
reads the low bits of float32 products); everything else runs in float64. Only elementwise IEEE operations
feed the noise, so the same sky gives the same numbers on every machine.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .packing import sky_gradient, sky_uniforms

__all__ = ["sky_color", "sky_fog", "fbm2", "fbm3"]

_F = np.float32
# GLSL's mat3(…) / mat2(…) take columns; these are the rows of the same matrices.
_OCTAVE_TURN = np.array([[0.00, -0.80, -0.60], [0.80, 0.36, -0.48], [0.60, -0.48, 0.64]], dtype=_F)
_TURN2 = np.array([[0.8, 0.6], [-0.6, 0.8]], dtype=_F)


def _fract(x: np.ndarray) -> np.ndarray:
    return x - np.floor(x)


def _hash13(p: np.ndarray) -> np.ndarray:
    """hash13 of common.glsl (float32 (…, 3) → (…))."""
    p = _fract(p * _F(0.1031))
    x, y, z = p[..., 0], p[..., 1], p[..., 2]
    d = x * (z + _F(31.32)) + y * (y + _F(31.32)) + z * (x + _F(31.32))
    x, y, z = x + d, y + d, z + d
    return _fract((x + y) * z)


def _hash12(p: np.ndarray) -> np.ndarray:
    """hash12 of common.glsl (float32 (…, 2) → (…))."""
    q = _fract(np.stack([p[..., 0], p[..., 1], p[..., 0]], axis=-1) * _F(0.1031))
    x, y, z = q[..., 0], q[..., 1], q[..., 2]
    d = x * (y + _F(33.33)) + y * (z + _F(33.33)) + z * (x + _F(33.33))
    x, y, z = x + d, y + d, z + d
    return _fract((x + y) * z)


def _mix(a: np.ndarray, b: np.ndarray, t: np.ndarray) -> np.ndarray:
    return a + (b - a) * t


_CORNERS3 = ((0, 0, 0), (1, 0, 0), (0, 1, 0), (1, 1, 0), (0, 0, 1), (1, 0, 1), (0, 1, 1), (1, 1, 1))
_CORNERS2 = ((0, 0), (1, 0), (0, 1), (1, 1))


def _corner_hashes(i: np.ndarray, hash_fn: Any, corners: tuple[tuple[int, ...], ...]) -> list[np.ndarray]:
    """hash_fn(i + corner) for each corner of the lattice cells i (integer-valued float32 (…, k)).

    Where the cells are dense (a sky's worth of directions in a few thousand cells), the lattice points of
    their bounding box are hashed once and looked up; the values are the same either way, as the float32
    lattice coordinates are the same exact integers."""
    k = i.shape[-1]
    cols = [np.ascontiguousarray(i[..., a]) for a in range(k)]
    lo = [c.min() for c in cols]
    n = [int(c.max() - m) + 2 for c, m in zip(cols, lo)]
    if math.prod(n) > 4 * cols[0].size:
        return [hash_fn(i + np.array(c, dtype=_F)) for c in corners]
    axes = [lo[a] + np.arange(n[a], dtype=_F) for a in range(k)]
    table = hash_fn(np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1)).reshape(-1)
    stride = [math.prod(n[a + 1:]) for a in range(k)]
    base = sum((cols[a] - lo[a]).astype(np.int64) * stride[a] for a in range(k))
    return [table[base + sum(o * st for o, st in zip(c, stride))] for c in corners]


def _vnoise3(p: np.ndarray) -> np.ndarray:
    i = np.floor(p)
    f = p - i
    u = f * f * (_F(3.0) - _F(2.0) * f)
    corner = _corner_hashes(i, _hash13, _CORNERS3)
    ux, uy, uz = u[..., 0], u[..., 1], u[..., 2]
    near = _mix(_mix(corner[0], corner[1], ux), _mix(corner[2], corner[3], ux), uy)
    far = _mix(_mix(corner[4], corner[5], ux), _mix(corner[6], corner[7], ux), uy)
    return _mix(near, far, uz)


def _vnoise2(p: np.ndarray) -> np.ndarray:
    i = np.floor(p)
    f = p - i
    u = f * f * (_F(3.0) - _F(2.0) * f)
    h = _corner_hashes(i, _hash12, _CORNERS2)
    return _mix(_mix(h[0], h[1], u[..., 0]), _mix(h[2], h[3], u[..., 0]), u[..., 1])


def _turn(m: np.ndarray, p: np.ndarray) -> np.ndarray:
    """m @ p for each point, written out as GLSL evaluates it (no BLAS: the same sums on every machine)."""
    return np.stack([sum(m[r, c] * p[..., c] for c in range(m.shape[1])) for r in range(m.shape[0])], axis=-1)


def _fbm(p: Any, octaves: int, noise: Any, step: Any) -> np.ndarray:
    p = np.asarray(p, dtype=_F)
    total, amp, norm = np.zeros(p.shape[:-1], dtype=_F), _F(0.5), _F(0.0)
    for _ in range(octaves):
        total = total + amp * noise(p)
        norm = norm + amp
        p = step(p)
        amp = amp * _F(0.5)
    return total / norm


def fbm3(p: Any, octaves: int) -> np.ndarray:
    """fbm3 of common.glsl: value noise in [0, 1] of float32 points (…, 3)."""
    return _fbm(p, octaves, _vnoise3, lambda q: _turn(_OCTAVE_TURN, q) * _F(2.03))


def fbm2(p: Any, octaves: int) -> np.ndarray:
    """fbm2 of common.glsl: value noise in [0, 1] of float32 points (…, 2)."""
    return _fbm(p, octaves, _vnoise2, lambda q: _turn(_TURN2, q) * _F(2.02) + _F(17.0))


def _smoothstep(e0: float, e1: float, x: np.ndarray) -> np.ndarray:
    t = np.clip((x - e0) / (e1 - e0), 0.0, 1.0)
    return t * t * (3.0 - 2.0 * t)


def _nebula(u: dict[str, Any], col: np.ndarray, d: np.ndarray, el: np.ndarray, time: float) -> np.ndarray:
    density, count = u["u_neb_density"], u["u_neb_count"]
    if density <= 0.0 or count <= 0:
        return col
    scale, swirl, brightness, _ = u["u_neb_shape"]
    scale = max(scale, 0.05)
    turn = time * 0.004
    c, s = math.cos(turn), math.sin(turn)
    d = np.stack([c * d[..., 0] - s * d[..., 2], d[..., 1], s * d[..., 0] + c * d[..., 2]], axis=-1)
    p = (d * (2.2 / scale) + np.array(u["u_neb_offset"])).astype(_F)
    p09 = p * _F(0.9)
    warp = np.stack([fbm3(p09, 3), fbm3(p09 + np.array([5.2, 1.3, 2.8], dtype=_F), 3)], axis=-1) - _F(0.5)
    p = p + _F(swirl * 2.2) * np.stack([warp[..., 0], warp[..., 1], warp[..., 0] - warp[..., 1]], axis=-1)
    f = fbm3(p, 5).astype(np.float64)
    dust = fbm3(p * _F(2.7) + _F(11.0), 2).astype(np.float64)
    cover = _smoothstep(0.62 - 0.32 * density, 0.98 - 0.2 * density, f)
    t = fbm3(p * _F(0.45) + np.array([3.3, 7.1, 1.7], dtype=_F), 2).astype(np.float64) * 1.5 - 0.25
    colors = np.asarray(u["u_neb_color"], dtype=np.float64).reshape(-1, 3)
    x = np.clip(t, 0.0, 1.0) * max(count - 1, 0)
    k = np.floor(x).astype(np.int64)
    a, b = colors[k], colors[np.minimum(k + 1, count - 1)]
    neb = a + (b - a) * _smoothstep(0.0, 1.0, x - k)[..., None]
    lanes = 1.0 + (_smoothstep(0.25, 0.7, dust) - 1.0) * 0.55
    glow = neb * ((cover * 0.9 + cover ** 3 * 1.6) * lanes * brightness * density)[..., None]
    return col + glow * _smoothstep(-0.05, 0.25, el)[..., None]


def _streaks(u: dict[str, Any], col: np.ndarray, d: np.ndarray, az: np.ndarray, el: np.ndarray,
             time: float) -> np.ndarray:
    count = u["u_streak_count"]
    if count <= 0:
        return col
    dome = (d[..., [0, 2]] / (np.maximum(d[..., 1], -0.2) + 0.35)[..., None]).astype(_F)
    wet = fbm2(dome * _F(1.6) + np.array([time * 0.01, 0.0], dtype=_F), 4).astype(np.float64) - 0.5
    grain = 0.75 + 0.5 * fbm2(dome * _F(9.0), 2).astype(np.float64)
    soft = u["u_streak_softness"]
    colors, geom, motion = (np.asarray(u[k], dtype=np.float64) for k in
                            ("u_streak_color", "u_streak_geom", "u_streak_motion"))
    above = _smoothstep(-0.02, 0.04, el)
    for i in range(count):
        azimuth, elevation, width, length = geom[i]
        tilt, drift, phase, intensity = motion[i]
        da = az - (azimuth + drift * time)
        da = da - 2.0 * math.pi * np.floor((da + math.pi) / (2.0 * math.pi))
        dist = (el - (elevation + math.tan(tilt) * da)) / width
        dist = dist + wet * (1.6 + 1.4 * soft) * (2.0 * math.cos(phase) + math.sin(phase * 3.0) * 0.5)
        body = np.exp(-dist * dist * (2.2 + (0.9 - 2.2) * soft))
        rim = _smoothstep(0.35, 0.0, np.abs(np.abs(dist) - 1.0)) * (1.0 - soft) * 0.35
        half = 0.5 * length
        ends = _smoothstep(half * 1.3, half * 0.45, np.abs(da))
        a = (np.clip((body + rim) * ends * grain, 0.0, 1.0) * intensity * above)[..., None]
        c = colors[i]
        col = col + (c * 0.85 - col) * (a * 0.65) + c * a * 0.35
    return col


def sky_color(sky: Any, dirs: np.ndarray, time: float = 0.0) -> np.ndarray:
    """Linear RGB (…, 3) of the whole sky (gradient, nebula, watercolour streaks; not the stars) in unit
    directions `dirs` (…, 3) at `time`, as shaders/sky_common.glsl draws it."""
    u = sky_uniforms(sky)
    d = np.asarray(dirs, dtype=np.float64)
    el = np.arcsin(np.clip(d[..., 1], -1.0, 1.0))
    az = np.arctan2(d[..., 0], -d[..., 2])
    col = sky_gradient(sky, d, time)
    col = _nebula(u, col, d, el, time)
    return _streaks(u, col, d, az, el, time)


def sky_fog(sky: Any, dirs: np.ndarray, time: float = 0.0) -> np.ndarray:
    """Linear RGB (…, 3) of the horizon colour seen along unit directions `dirs`: what distant land fades
    into (`sky_fog()` of shaders/sky_common.glsl)."""
    d = np.asarray(dirs, dtype=np.float64)
    low = np.stack([d[..., 0], np.maximum(d[..., 1], 0.0) * 0.3 + 0.02, d[..., 2]], axis=-1)
    return sky_gradient(sky, low / np.linalg.norm(low, axis=-1, keepdims=True), time)
