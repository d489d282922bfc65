"""The sky's look and the fog model, in numpy: what the renderer's uniforms and the glTF bake both read.

`sky_color` is the twin of `sky_color()` in render/shaders/sky_common.glsl (gradient cycling in time,
nebula, watercolour streaks; not the stars), `sky_fog` and `fog_amount` the twins of the horizon colour and
the fog curve that the land fades by. The renderer sets its shaders' uniforms from `sky_uniforms` and
`fog_uniforms`; the glTF export bakes `sky_panorama` into the sky dome's texture and writes the fog's
numbers; tests compare both with rendered pixels. Nothing here imports the renderer or the exporters.

The value noise runs in float32 like the shader's (its hash reads the low bits of float32 products);
everything else runs in float64. Only elementwise IEEE operations feed the noise, so the same sky gives the
same numbers on every machine. Work is skipped only where it provably adds nothing (a nebula below the
horizon, a cloudless patch, a streak's far side), which keeps every value bit for bit what the full
computation gives, and the bake fast.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

__all__ = [
    "MAX_STREAKS", "MAX_NEBULA_COLORS", "sky_uniforms", "sky_blend", "sky_gradient", "sky_color", "sky_fog",
    "fbm2", "fbm3", "equirect_dirs", "sky_panorama",
    "FOG_EXPONENT", "fog_distance", "fog_amount", "fog_uniforms",
]

MAX_STREAKS = 16              # the shaders' uniform arrays hold this many streaks …
MAX_NEBULA_COLORS = 8         # … and this many nebula colours

_F = np.float32
# GLSL's mat3(…) / mat2(…) take columns; these are the rows of the same matrices.
_OCTAVE_TURN = np.array([[0.00, -0.80, -0.60], [0.80, 0.36, -0.48], [0.60, -0.48, 0.64]], dtype=_F)
_TURN2 = np.array([[0.8, 0.6], [-0.6, 0.8]], dtype=_F)
_NEB_FADE = (-0.05, 0.25)     # elevations (rad) over which the nebula fades in above the horizon
_STREAK_FADE = (-0.02, 0.04)  # … and the streaks


# ------------------------------------------------------------------------------------------- uniforms

def _vec3(c: Any) -> tuple[float, float, float]:
    return (float(c[0]), float(c[1]), float(c[2]))


def _rows(a: Any, k: int, width: int) -> np.ndarray:
    """Rows of `a` (n, width) cut or zero-padded to k rows, float32."""
    out = np.zeros((k, width), dtype=np.float32)
    a = np.asarray(a, dtype=np.float32).reshape(-1, width)[:k]
    out[: len(a)] = a
    return out


def sky_uniforms(sky: Any) -> dict[str, Any]:
    """Uniforms of render/shaders/sky_common.glsl for a Sky record."""
    g = sky.gradient
    to = g.to if g.to is not None else g.start
    st = sky.streaks
    s = min(len(st.color_s), MAX_STREAKS)
    geom = np.stack([st.azimuth_s, st.elevation_s, st.width_s, st.length_s], axis=1)
    motion = np.stack([st.tilt_s, st.drift_s, st.phase_s, st.intensity_s], axis=1)
    neb = sky.nebula
    c = min(len(neb.color_c), MAX_NEBULA_COLORS)
    return {
        "u_sky_zenith": [_vec3(g.start.zenith), _vec3(to.zenith)],
        "u_sky_horizon": [_vec3(g.start.horizon), _vec3(to.horizon)],
        "u_sky_glow": [_vec3(g.start.glow), _vec3(to.glow)],
        "u_sky_cycle": float(g.cycle) if g.to is not None else 0.0,
        "u_sky_glow_azimuth": float(g.glow_azimuth),
        "u_streak_count": int(s),
        "u_streak_color": _rows(st.color_s, MAX_STREAKS, 3),
        "u_streak_geom": _rows(geom, MAX_STREAKS, 4),
        "u_streak_motion": _rows(motion, MAX_STREAKS, 4),
        "u_streak_softness": float(st.softness),
        "u_neb_density": float(neb.density) if c else 0.0,
        "u_neb_count": int(c),
        "u_neb_color": _rows(neb.color_c, MAX_NEBULA_COLORS, 3),
        "u_neb_shape": (float(neb.scale), float(neb.swirl), float(neb.brightness), 0.0),
        "u_neb_offset": _vec3(neb.offset),
    }


# -------------------------------------------------------------------------------------------- noise

def _fract(x: np.ndarray) -> np.ndarray:
    return x - np.floor(x)


def _hash13(x: np.ndarray, y: np.ndarray, z: np.ndarray) -> np.ndarray:
    """hash13 of common.glsl, float32 components → float32."""
    k = _F(0.1031)
    x, y, z = _fract(x * k), _fract(y * k), _fract(z * k)
    c = _F(31.32)
    d = x * (z + c) + y * (y + c) + z * (x + c)
    x, y, z = x + d, y + d, z + d
    return _fract((x + y) * z)


def _hash12(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """hash12 of common.glsl (p.xyx), float32 components → float32."""
    k = _F(0.1031)
    x, y, z = _fract(x * k), _fract(y * k), _fract(x * k)
    c = _F(33.33)
    d = x * (y + c) + y * (z + c) + z * (x + c)
    x, y, z = x + d, y + d, z + d
    return _fract((x + y) * z)


def _mix(a: np.ndarray, b: np.ndarray, t: np.ndarray) -> np.ndarray:
    return a + (b - a) * t


def _cells(i: list[np.ndarray], hash_fn: Any) -> tuple[np.ndarray, np.ndarray] | None:
    """The hashes of every cell's corners, packed (cells, 2^k), and each point's cell, for the lattice
    cells `i` (integer-valued float32 arrays, one per axis; the first corner offset is the slowest).

    Where the cells are dense (a sky's worth of directions in a few thousand cells), the lattice points of
    their bounding box are hashed once and each point gathers its cell's corners in one read; the values
    are the same as hashing each corner, as the float32 lattice coordinates are the same exact integers.
    None where the cells are too sparse for that to pay."""
    k = len(i)
    lo = [float(c.min()) for c in i]
    n = [int(c.max() - m) + 2 for c, m in zip(i, lo)]
    if math.prod(n) > 4 * i[0].size:
        return None
    axes = [_F(lo[a]) + np.arange(n[a], dtype=_F) for a in range(k)]
    table = hash_fn(*np.meshgrid(*axes, indexing="ij"))
    m = [s - 1 for s in n]
    # corners[..., c]: the hash at the cell's corner c, c's bits from the last axis up (x fastest).
    corner = [table[tuple(slice(o, o + m[a]) for a, o in enumerate(bits))]
              for bits in _corner_offsets(k)]
    packed = np.stack(corner, axis=-1).reshape(-1, 1 << k)
    cell = np.zeros(i[0].shape, dtype=np.intp)
    for a in range(k):
        cell *= m[a]
        cell += (i[a] - _F(lo[a])).astype(np.intp)
    return packed, cell


def _corner_offsets(k: int) -> list[tuple[int, ...]]:
    """Corner offsets per axis in the order the shaders mix them: x fastest, then y, then z."""
    return [tuple((c >> a) & 1 for a in range(k)) for c in range(1 << k)]


def _corner_values(i: list[np.ndarray], hash_fn: Any) -> list[np.ndarray]:
    """The hash at each corner of each point's lattice cell, in _corner_offsets order."""
    cells = _cells(i, hash_fn)
    if cells is None:
        return [hash_fn(*(c + _F(o) for c, o in zip(i, off))) for off in _corner_offsets(len(i))]
    packed, cell = cells
    g = np.take(packed, cell, axis=0).T.copy()      # one read per point, then one row per corner
    return list(g)


def _smooth(f: np.ndarray) -> np.ndarray:
    return f * f * (_F(3.0) - _F(2.0) * f)


def _vnoise3(x: np.ndarray, y: np.ndarray, z: np.ndarray) -> np.ndarray:
    ix, iy, iz = np.floor(x), np.floor(y), np.floor(z)
    ux, uy, uz = _smooth(x - ix), _smooth(y - iy), _smooth(z - iz)
    c = _corner_values([ix, iy, iz], _hash13)
    near = _mix(_mix(c[0], c[1], ux), _mix(c[2], c[3], ux), uy)
    far = _mix(_mix(c[4], c[5], ux), _mix(c[6], c[7], ux), uy)
    return _mix(near, far, uz)


def _vnoise2(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    ix, iy = np.floor(x), np.floor(y)
    ux, uy = _smooth(x - ix), _smooth(y - iy)
    h = _corner_values([ix, iy], _hash12)
    return _mix(_mix(h[0], h[1], ux), _mix(h[2], h[3], ux), uy)


def _fbm(p: list[np.ndarray], octaves: int, noise: Any, step: Any) -> np.ndarray:
    total, amp, norm = np.zeros(p[0].shape, dtype=_F), _F(0.5), _F(0.0)
    for o in range(octaves):
        total = total + amp * noise(*p)
        norm = norm + amp
        if o + 1 < octaves:
            p = step(p)
        amp = amp * _F(0.5)
    return total / norm


def _turned(m: np.ndarray, p: list[np.ndarray], scale: np.float32, shift: np.float32 | None = None
            ) -> list[np.ndarray]:
    """m @ p · scale (+ shift) for each point, written out as GLSL evaluates it (no BLAS: the same sums on
    every machine)."""
    out = []
    for r in range(m.shape[0]):
        acc = m[r, 0] * p[0]
        for c in range(1, m.shape[1]):
            acc = acc + m[r, c] * p[c]
        acc = acc * scale
        out.append(acc if shift is None else acc + shift)
    return out


def _fbm3(p: list[np.ndarray], octaves: int) -> np.ndarray:
    return _fbm(p, octaves, _vnoise3, lambda q: _turned(_OCTAVE_TURN, q, _F(2.03)))


def _fbm2(p: list[np.ndarray], octaves: int) -> np.ndarray:
    return _fbm(p, octaves, _vnoise2, lambda q: _turned(_TURN2, q, _F(2.02), _F(17.0)))


def _columns(p: Any, k: int) -> list[np.ndarray]:
    p = np.asarray(p, dtype=_F)
    if p.shape[-1] != k:
        raise ValueError(f"want points (…, {k}), got {p.shape}")
    return [np.ascontiguousarray(p[..., a]).reshape(-1) for a in range(k)]


def fbm3(p: Any, octaves: int) -> np.ndarray:
    """fbm3 of common.glsl: value noise in [0, 1] of float32 points (…, 3)."""
    p = np.asarray(p, dtype=_F)
    return _fbm3(_columns(p, 3), octaves).reshape(p.shape[:-1])


def fbm2(p: Any, octaves: int) -> np.ndarray:
    """fbm2 of common.glsl: value noise in [0, 1] of float32 points (…, 2)."""
    p = np.asarray(p, dtype=_F)
    return _fbm2(_columns(p, 2), octaves).reshape(p.shape[:-1])


# ---------------------------------------------------------------------------------------------- sky

def _smoothstep(e0: float, e1: float, x: np.ndarray) -> np.ndarray:
    t = np.clip((x - e0) / (e1 - e0), 0.0, 1.0)
    return t * t * (3.0 - 2.0 * t)


def sky_blend(sky: Any, time: float) -> float:
    """How far the gradient has cycled from its first palette towards its second at `time` (0…1)."""
    cyc = float(sky.gradient.cycle) if sky.gradient.to is not None else 0.0
    return 0.5 - 0.5 * math.cos(2.0 * math.pi * time / cyc) if cyc > 0 else 0.0


def _gradient(u: dict[str, Any], w: float, y: np.ndarray, az: np.ndarray) -> np.ndarray:
    z0, z1 = (np.array(v) for v in u["u_sky_zenith"])
    h0, h1 = (np.array(v) for v in u["u_sky_horizon"])
    g0, g1 = (np.array(v) for v in u["u_sky_glow"])
    zenith, horizon, glow = z0 + (z1 - z0) * w, h0 + (h1 - h0) * w, g0 + (g1 - g0) * w
    s = np.clip(y, 0.0, 1.0)[..., None]
    col = horizon + (zenith - horizon) * np.sqrt(s)
    toward = 0.5 + 0.5 * np.cos(az - u["u_sky_glow_azimuth"])
    g = (np.exp(-np.abs(y) * 7.0) * (0.2 + 0.8 * toward * toward) * 0.75)[..., None]
    return col + (glow - col) * g


def sky_gradient(sky: Any, dirs: np.ndarray, time: float = 0.0) -> np.ndarray:
    """Linear RGB (…, 3) of the bare gradient in unit directions `dirs` (…, 3) at `time`: the twin of
    `sky_gradient()` in render/shaders/sky_common.glsl."""
    d = np.asarray(dirs, dtype=np.float64)
    return _gradient(sky_uniforms(sky), sky_blend(sky, time), d[..., 1], np.arctan2(d[..., 0], -d[..., 2]))


def _nebula(u: dict[str, Any], col: np.ndarray, x: np.ndarray, y: np.ndarray, z: np.ndarray, el: np.ndarray,
            time: float) -> None:
    """Adds the nebula's glow into `col` (n, 3) where it shows (above its horizon fade, under a cloud)."""
    density, count = u["u_neb_density"], u["u_neb_count"]
    if density <= 0.0 or count <= 0:
        return
    seen = np.flatnonzero(el > _NEB_FADE[0])
    if not len(seen):
        return
    x, y, z, el = x[seen], y[seen], z[seen], el[seen]
    scale, swirl, brightness, _ = u["u_neb_shape"]
    scale = max(scale, 0.05)
    turn = time * 0.004
    c, s = math.cos(turn), math.sin(turn)
    off = u["u_neb_offset"]
    k = 2.2 / scale
    p = [(c * x - s * z) * k + off[0], y * k + off[1], (s * x + c * z) * k + off[2]]
    p = [a.astype(_F) for a in p]
    p09 = [a * _F(0.9) for a in p]
    w0 = _fbm3(p09, 3) - _F(0.5)
    w1 = _fbm3([a + _F(b) for a, b in zip(p09, (5.2, 1.3, 2.8))], 3) - _F(0.5)
    sw = _F(swirl * 2.2)
    p = [p[0] + sw * w0, p[1] + sw * w1, p[2] + sw * (w0 - w1)]
    f = _fbm3(p, 5).astype(np.float64)
    cover = _smoothstep(0.62 - 0.32 * density, 0.98 - 0.2 * density, f)
    # Under a cover of nothing the glow is exactly nothing: the dust and the tint are not needed there.
    cloud = np.flatnonzero(cover > 0.0)
    if not len(cloud):
        return
    p = [a[cloud] for a in p]
    cover, el = cover[cloud], el[cloud]
    dust = _fbm3([a * _F(2.7) + _F(11.0) for a in p], 2).astype(np.float64)
    t = _fbm3([a * _F(0.45) + _F(b) for a, b in zip(p, (3.3, 7.1, 1.7))], 2).astype(np.float64) * 1.5 - 0.25
    colors = np.asarray(u["u_neb_color"], dtype=np.float64).reshape(-1, 3)
    xs = np.clip(t, 0.0, 1.0) * max(count - 1, 0)
    kk = np.floor(xs).astype(np.int64)
    a, b = colors[kk], colors[np.minimum(kk + 1, count - 1)]
    neb = a + (b - a) * _smoothstep(0.0, 1.0, xs - kk)[..., None]
    lanes = 1.0 + (_smoothstep(0.25, 0.7, dust) - 1.0) * 0.55
    glow = neb * ((cover * 0.9 + cover ** 3 * 1.6) * lanes * brightness * density)[..., None]
    at = seen[cloud]
    col[at] = col[at] + glow * _smoothstep(*_NEB_FADE, el)[..., None]


def _streaks(u: dict[str, Any], col: np.ndarray, x: np.ndarray, y: np.ndarray, z: np.ndarray, az: np.ndarray,
             el: np.ndarray, time: float) -> None:
    """Lays the watercolour streaks over `col` (n, 3), each only where it reaches (its length, above the
    horizon): elsewhere a band's wash is exactly nothing."""
    count = u["u_streak_count"]
    if count <= 0:
        return
    geom, motion = (np.asarray(u[k], dtype=np.float64) for k in ("u_streak_geom", "u_streak_motion"))
    above = el > _STREAK_FADE[0]
    reach, das = [], []
    anywhere = np.zeros(len(az), dtype=bool)
    for i in range(count):
        da = az - (geom[i, 0] + motion[i, 1] * time)
        da = da - 2.0 * math.pi * np.floor((da + math.pi) / (2.0 * math.pi))
        here = above & (np.abs(da) < 0.5 * geom[i, 3] * 1.3)
        anywhere |= here
        here = np.flatnonzero(here)
        reach.append(here)
        das.append(np.take(da, here))
    union = np.flatnonzero(anywhere)
    if not len(union):
        return
    slot = np.empty(len(az), dtype=np.intp)
    slot[union] = np.arange(len(union))
    # One field of wet edges and one of pigment grain for every band, read where some band reaches.
    yy = np.maximum(np.take(y, union), -0.2) + 0.35
    dome = [(np.take(x, union) / yy).astype(_F), (np.take(z, union) / yy).astype(_F)]
    wet_u = _fbm2([dome[0] * _F(1.6) + _F(time * 0.01), dome[1] * _F(1.6) + _F(0.0)], 4).astype(np.float64) - 0.5
    grain_u = 0.75 + 0.5 * _fbm2([a * _F(9.0) for a in dome], 2).astype(np.float64)
    soft = u["u_streak_softness"]
    colors = np.asarray(u["u_streak_color"], dtype=np.float64)
    for i in range(count):
        here = reach[i]
        if not len(here):
            continue
        at = np.take(slot, here)
        wet, grain, da, e = np.take(wet_u, at), np.take(grain_u, at), das[i], np.take(el, here)
        _, elevation, width, length = geom[i]
        tilt, _, phase, intensity = motion[i]
        dist = (e - (elevation + math.tan(tilt) * da)) / width
        dist = dist + wet * (1.6 + 1.4 * soft) * (2.0 * math.cos(phase) + math.sin(phase * 3.0) * 0.5)
        body = np.exp(-dist * dist * (2.2 + (0.9 - 2.2) * soft))
        rim = _smoothstep(0.35, 0.0, np.abs(np.abs(dist) - 1.0)) * (1.0 - soft) * 0.35
        half = 0.5 * length
        ends = _smoothstep(half * 1.3, half * 0.45, np.abs(da))
        a = (np.clip((body + rim) * ends * grain, 0.0, 1.0) * intensity * _smoothstep(*_STREAK_FADE, e))[..., None]
        c = colors[i]
        old = np.take(col, here, axis=0)
        col[here] = old + (c * 0.85 - old) * (a * 0.65) + c * a * 0.35


def sky_color(sky: Any, dirs: np.ndarray, time: float = 0.0) -> np.ndarray:
    """Linear RGB (…, 3) of the whole sky (gradient, nebula, watercolour streaks; not the stars) in unit
    directions `dirs` (…, 3) at `time`, as render/shaders/sky_common.glsl draws it."""
    u = sky_uniforms(sky)
    d = np.asarray(dirs, dtype=np.float64)
    shape = d.shape[:-1]
    x, y, z = (np.ascontiguousarray(d[..., a]).reshape(-1) for a in range(3))
    el = np.arcsin(np.clip(y, -1.0, 1.0))
    az = np.arctan2(x, -z)
    col = _gradient(u, sky_blend(sky, time), y, az)
    _nebula(u, col, x, y, z, el, time)
    _streaks(u, col, x, y, z, az, el, time)
    return col.reshape(shape + (3,))


def sky_fog(sky: Any, dirs: np.ndarray, time: float = 0.0) -> np.ndarray:
    """Linear RGB (…, 3) of the horizon colour seen along unit directions `dirs`: what distant land fades
    into (`sky_fog()` of render/shaders/sky_common.glsl)."""
    d = np.asarray(dirs, dtype=np.float64)
    low = np.stack([d[..., 0], np.maximum(d[..., 1], 0.0) * 0.3 + 0.02, d[..., 2]], axis=-1)
    return sky_gradient(sky, low / np.linalg.norm(low, axis=-1, keepdims=True), time)


def equirect_dirs(width: int, height: int, lowest_deg: float, highest_deg: float = 90.0) -> np.ndarray:
    """Unit directions (height, width, 3) at the texel centres of an equirectangular panorama: columns along
    the azimuth atan2(x, −z) from −π to π, rows from `highest_deg` down to `lowest_deg` of elevation."""
    az = -math.pi + 2.0 * math.pi * (np.arange(width) + 0.5) / width
    el = np.radians(highest_deg - (highest_deg - lowest_deg) * (np.arange(height) + 0.5) / height)
    # Each sine and cosine once per row or column: the same values as taking them per texel.
    ce, se, ca, sa = np.cos(el)[:, None], np.sin(el)[:, None], np.cos(az)[None, :], np.sin(az)[None, :]
    out = np.empty((height, width, 3))
    out[..., 0] = ce * sa
    out[..., 1] = se
    out[..., 2] = -ce * ca
    return out


def sky_panorama(sky: Any, size: tuple[int, int], lowest_deg: float, time: float = 0.0) -> np.ndarray:
    """Linear RGB (height, width, 3) of the whole sky at `time` over equirect_dirs(width, height, lowest_deg)."""
    return sky_color(sky, equirect_dirs(int(size[0]), int(size[1]), lowest_deg), time)


# ---------------------------------------------------------------------------------------------- fog

FOG_EXPONENT = 1.6           # fog = 1 − exp(−(d / fog_distance)^FOG_EXPONENT), shaders/terrain.glsl


def fog_distance(terrain: Any) -> float:
    """Distance at which the land is mostly sky: about half the terrain's extent."""
    return 0.55 * float(max(terrain.size))


def fog_amount(terrain: Any, distance: np.ndarray) -> np.ndarray:
    """How much of the land at `distance` metres is sky (0…1): the land's colour mixes into `sky_fog`
    by this."""
    d = np.asarray(distance, dtype=np.float64)
    return 1.0 - np.exp(-np.power(d / fog_distance(terrain), FOG_EXPONENT))


def fog_uniforms(terrain: Any) -> dict[str, float]:
    """Uniforms of the fog curve in render/shaders/terrain.glsl."""
    return {"u_fog_distance": fog_distance(terrain), "u_fog_exponent": FOG_EXPONENT}
