"""Terrain for engines: sizes Unity and Unreal accept, normal, splat and colour maps, each engine's scale settings.

Every map has the heightmap's layout (row 0 north, −z; column 0 west, −x; samples on the grid corners) and
covers the same world extent. Unity wants heightmaps of 2^k + 1 samples a side and alphamaps (splat masks) of
2^k; Unreal wants one of its recommended landscape sizes for the heights and the same size for its weight
maps. The splat layers come from the terrain's own classification, in priority order: the stage pad, the
ground the crowd stands on, steep slopes, then the colour ramp's stops by height (each stop's weight is its
share in the ramp's linear blend). Per texel the layers sum to 1 (to 255 in the PNG, give or take the rounding).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..color import linear_to_srgb

__all__ = ["ENGINES", "UNITY_SIZES", "UNREAL_SIZES", "engine_size", "resample_grid", "splat_layers",
           "normal_map", "color_map", "engine_settings",
           "splat_layer_count"]

ENGINES = ("unity", "unreal")
UNITY_SIZES = tuple(2 ** k + 1 for k in range(5, 13))                # 33 … 4097
# Unreal's recommended landscape sizes (its "Landscape Technical Guide": overall vertex counts a side).
UNREAL_SIZES = (127, 253, 505, 1009, 2017, 4033, 8129)
# A slope layer starts where the ground tilts by this much and is full at the second (degrees).
_SLOPE_DEG = (30.0, 45.0)
# Unreal: a 16-bit landscape value spans 512 m at Z scale 100 (1/128 cm per unit at scale 1).
_UNREAL_UNITS_PER_CM = 128.0


def engine_size(engine: str, resolution: int) -> int:
    """The smallest size the engine accepts that holds the terrain's resolution (the largest when none does)."""
    sizes = UNITY_SIZES if engine == "unity" else UNREAL_SIZES
    for s in sizes:
        if s >= resolution:
            return s
    return sizes[-1]


def resample_grid(grid: np.ndarray, size: int, centres: bool = False) -> np.ndarray:
    """Bilinear resampling of an (n, n, …) corner-sampled grid to (size, size, …) over the same extent,
    float64. centres=True samples at texel centres (i + ½)/size, as a 2^k alphamap covers the extent."""
    n = grid.shape[0]
    if centres:
        g = (np.arange(size, dtype=np.float64) + 0.5) / size * (n - 1)
    else:
        g = np.arange(size, dtype=np.float64) * ((n - 1) / (size - 1)) if size > 1 else np.zeros(1)
    i0 = np.clip(np.floor(g).astype(np.intp), 0, n - 1)
    i1 = np.minimum(i0 + 1, n - 1)
    f = g - i0
    a = grid.astype(np.float64)
    shape = (-1,) + (1,) * (a.ndim - 1)
    rows = a[i0] * (1.0 - f).reshape(shape) + a[i1] * f.reshape(shape)
    shape2 = (1, -1) + (1,) * (a.ndim - 2)
    return rows[:, i0] * (1.0 - f).reshape(shape2) + rows[:, i1] * f.reshape(shape2)


def _smoothstep(e0: float, e1: float, x: np.ndarray) -> np.ndarray:
    t = np.clip((x - e0) / (e1 - e0), 0.0, 1.0)
    return t * t * (3.0 - 2.0 * t)


def _crowd_cover(scene: Any, xs: np.ndarray, zs: np.ndarray) -> np.ndarray:
    """0…1 over the grid: where figures stand on the ground (their feet within 0.5 m of the land), each
    figure covering a disc of its group's spacing, counted into cells and softened over one cell."""
    t = scene.terrain
    size = len(xs)
    sx, sz = float(t.size[0]), float(t.size[1])
    cover = np.zeros((size, size), dtype=np.float64)
    cell = (sx / (size - 1)) * (sz / (size - 1))
    for g in scene.audience:
        if not len(g.pos_i):
            continue
        p = g.pos_i.astype(np.float64)
        ground = np.abs(p[:, 1] - t.height_at(p[:, 0], p[:, 2])) <= 0.5
        if not ground.any():
            continue
        c = np.rint((p[ground, 0] / sx + 0.5) * (size - 1)).astype(np.intp)
        r = np.rint((p[ground, 2] / sz + 0.5) * (size - 1)).astype(np.intp)
        ok = (c >= 0) & (c < size) & (r >= 0) & (r < size)
        area = math.pi * (0.5 * float(g.spacing)) ** 2
        np.add.at(cover, (r[ok], c[ok]), area / cell)
    pad = np.pad(cover, 1, mode="edge")                     # a 3×3 box: a figure's ground reaches its neighbours
    soft = sum(pad[i:i + size, j:j + size] for i in range(3) for j in range(3)) / 9.0
    return np.clip(np.maximum(cover, soft), 0.0, 1.0)


def splat_layers(scene: Any, size: int, centres: bool = False) -> tuple[list[str], np.ndarray]:
    """The layer names and (size, size, L) float64 weights summing to 1 per texel (see the module text)."""
    t = scene.terrain
    h = resample_grid(t.height_zx, size, centres)
    ny = np.clip(resample_grid(t.normal_zx[..., 1], size, centres), -1.0, 1.0)
    sx, sz = float(t.size[0]), float(t.size[1])
    if centres:
        u = (np.arange(size) + 0.5) / size
    else:
        u = np.arange(size) / (size - 1)
    xs, zs = (u - 0.5) * sx, (u - 0.5) * sz
    # The pad: full on its flat part, fading across its blend ring.
    cx, cz = t.pad_center
    d = np.sqrt((xs[None, :] - cx) ** 2 + (zs[:, None] - cz) ** 2)
    if t.pad_radius > 0.0:
        pad = 1.0 - _smoothstep(float(t.pad_radius), float(t.pad_radius + max(t.pad_blend, 1e-9)), d)
    else:
        pad = np.zeros_like(d)
    crowd = _crowd_cover(scene, xs, zs)
    slope_deg = np.degrees(np.arccos(ny))
    steep = _smoothstep(_SLOPE_DEG[0], _SLOPE_DEG[1], slope_deg)
    lo, hi = t.height_range
    tt = (h - lo) / (hi - lo) if hi > lo else np.zeros_like(h)
    stops = np.array([p for p, _ in scene.spec.terrain.colors], dtype=np.float64)
    bands = []
    for k in range(len(stops)):                             # the hat function of stop k: np.interp's weights
        one = np.zeros(len(stops))
        one[k] = 1.0
        bands.append(np.interp(tt, stops, one))
    rest = np.ones_like(h)
    layers, names = [], []
    for name, m in (("stage pad", pad), ("crowd", crowd), ("slope", steep)):
        layers.append(rest * m)
        names.append(name)
        rest = rest * (1.0 - m)
    for k, b in enumerate(bands):
        layers.append(rest * b)
        names.append(f"ramp stop {k} ({scene.spec.terrain.colors[k][1]} at {stops[k]:g})")
    return names, np.stack(layers, axis=-1)


def splat_layer_count(spec: Any) -> int:
    """How many splat layers a seed file's terrain gets: pad, crowd, slope and one per colour-ramp stop."""
    return 3 + len(spec.terrain.colors)


def normal_map(scene: Any, size: int) -> np.ndarray:
    """(size, size, 3) uint8: the unit normals, world axes x → R, −z (north, up the image) → G, y → B,
    each (v + 1)/2: a tangent-space normal map of the land seen from above (OpenGL convention, green up)."""
    nrm = resample_grid(scene.terrain.normal_zx, size)
    nrm /= np.sqrt((nrm * nrm).sum(axis=-1, keepdims=True))
    rgb = np.stack([nrm[..., 0], -nrm[..., 2], nrm[..., 1]], axis=-1)
    return np.floor((rgb + 1.0) * 127.5 + 0.5).clip(0, 255).astype(np.uint8)


def color_map(scene: Any, size: int) -> np.ndarray:
    """(size, size, 3) uint8 sRGB of the terrain's own vertex colours (unshaded)."""
    c = resample_grid(scene.terrain.color_zx, size)
    return np.floor(linear_to_srgb(np.clip(c, 0.0, 1.0)) * 255.0 + 0.5).astype(np.uint8)


def engine_settings(engine: str, size: int, terrain: Any) -> dict[str, Any]:
    """What to type into the engine's terrain importer so that the 16-bit map lands at our heights."""
    lo, hi = (float(v) for v in terrain.height_range)
    span = hi - lo
    sx, sz = (float(v) for v in terrain.size)
    if engine == "unity":
        return {
            "heightmap_resolution": size, "alphamap_resolution": size - 1,
            "terrain_size": [sx, span, sz], "terrain_height": span, "position": [-0.5 * sx, lo, -0.5 * sz],
            "axes": "Unity (X, Y, Z) = (x, y, −z): our last row is Unity's z-min edge, so import the .raw with "
                    "\"Flip Vertically\" on, or call TerrainData.SetHeights with heights[size − 1 − row, column] "
                    "= value / 65535",
            "byte_order": "little-endian (Windows) for .raw/.r16"}
    z_scale = span * 100.0 * _UNREAL_UNITS_PER_CM / 65535.0
    return {
        "landscape_size": size, "scale": [100.0 * sx / (size - 1), 100.0 * sz / (size - 1), z_scale],
        "z_scale": z_scale, "location": [-50.0 * sx, -50.0 * sz, 100.0 * lo + 32768.0 * z_scale / _UNREAL_UNITS_PER_CM],
        "units": "centimetres",
        "axes": "Unreal (X, Y, Z) = 100·(x, z, y): image columns run along +X, rows along +Y; both are "
                "left-handed with Z up, so nothing is mirrored",
        "formula": "height_cm = location.z + (value − 32768) · z_scale / 128"}
