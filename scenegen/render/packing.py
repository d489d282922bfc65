"""Scene → flat GPU arrays and uniform values: pure numpy, shapes and dtypes asserted at this border.

Nothing here touches GL, so all of it is tested without a context. Every number the shaders use comes
from the Scene; the shaders only animate it with a `u_time` uniform.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

# The sky's look and the fog live below the renderer (the glTF export reads them too); the layers reach
# them through here.
from ..skylook import FOG_EXPONENT, MAX_NEBULA_COLORS, MAX_STREAKS, fog_distance, sky_gradient, sky_uniforms

__all__ = [
    "MAX_STREAKS", "MAX_NEBULA_COLORS", "MAX_RIPPLES", "MAX_SPOTS", "MAX_SPHERES",
    "sky_uniforms", "sky_gradient", "STAR_DTYPE", "pack_stars",
    "TERRAIN_DTYPE", "pack_terrain", "FOG_EXPONENT", "fog_distance", "light_defines", "sky_defines",
    "sphere_defines", "light_uniforms", "stage_light_uniforms",
    "STAGE_DTYPE", "pack_stage", "stage_uniforms", "sphere_uniforms",
    "AUDIENCE_DTYPE", "FIGURE_IDS", "AUDIENCE_CLUSTER", "CLUSTER_DTYPE", "audience_scales",
    "audience_order", "pack_audience", "audience_clusters", "cluster_sizes", "cluster_ranges", "audience_uniforms",
    "eye_glint",
    "SPHERE_DTYPE", "pack_spheres", "RIBBON_DTYPE", "pack_ribbons", "SHARD_DTYPE", "pack_shards",
    "CONE_DTYPE", "pack_cones", "spot_volume_uniforms", "SCREEN_DTYPE", "pack_screens", "screen_uniforms",
    "tone_curve", "display_srgb8",
]

MAX_RIPPLES = 16
MAX_SPOTS = 4
MAX_SPHERES = 16


def _check(arr: np.ndarray, dtype: Any, shape: tuple[int | None, ...], name: str) -> np.ndarray:
    """The border check: what goes to the GPU has exactly the layout its attribute pointers assume."""
    if arr.dtype != np.dtype(dtype):
        raise TypeError(f"{name}: dtype {arr.dtype}, expected {np.dtype(dtype)}")
    if arr.ndim != len(shape) or any(w is not None and g != w for g, w in zip(arr.shape, shape)):
        raise ValueError(f"{name}: shape {arr.shape}, expected {shape}")
    if not arr.flags.c_contiguous:
        raise ValueError(f"{name}: not C-contiguous")
    return arr


def _vec3(c: Any) -> tuple[float, float, float]:
    return (float(c[0]), float(c[1]), float(c[2]))


def _rows(a: np.ndarray, k: int, width: int) -> np.ndarray:
    """Rows of `a` (n, width) cut or zero-padded to k rows, float32."""
    out = np.zeros((k, width), dtype=np.float32)
    a = np.asarray(a, dtype=np.float32).reshape(-1, width)[:k]
    out[: len(a)] = a
    return out


# ------------------------------------------------------------------------------------------------- sky

STAR_DTYPE = np.dtype([("a_dir", np.float32, 3), ("a_tint", np.float32, 3), ("a_size", np.float32),
                       ("a_brightness", np.float32), ("a_twinkle", np.float32), ("a_rate", np.float32),
                       ("a_phase", np.float32)])


def pack_stars(stars: Any) -> np.ndarray:
    """One STAR_DTYPE record per star (point sprites at infinity)."""
    n = len(stars.dir_i)
    out = np.empty(n, dtype=STAR_DTYPE)
    out["a_dir"] = stars.dir_i
    out["a_tint"] = stars.tint_i
    out["a_size"] = stars.size_i
    out["a_brightness"] = stars.brightness_i
    out["a_twinkle"] = stars.twinkle_i
    out["a_rate"] = stars.rate_i
    out["a_phase"] = stars.phase_i
    return _check(out, STAR_DTYPE, (n,), "stars")


# --------------------------------------------------------------------------------------------- terrain

TERRAIN_DTYPE = np.dtype([("a_position", np.float32, 3), ("a_normal", np.float32, 3), ("a_color", np.float32, 3)])


def pack_terrain(terrain: Any) -> tuple[np.ndarray, np.ndarray]:
    """Vertices (n², TERRAIN_DTYPE) and triangle indices (6(n−1)², uint32) of the heightfield grid."""
    n = int(terrain.resolution)
    sx, sz = terrain.size
    x = ((np.arange(n, dtype=np.float64) / (n - 1) - 0.5) * sx).astype(np.float32)
    z = ((np.arange(n, dtype=np.float64) / (n - 1) - 0.5) * sz).astype(np.float32)
    v = np.empty((n, n), dtype=TERRAIN_DTYPE)
    pos = v["a_position"]
    pos[..., 0] = x[None, :]
    pos[..., 1] = terrain.height_zx
    pos[..., 2] = z[:, None]
    v["a_normal"] = terrain.normal_zx
    v["a_color"] = terrain.color_zx
    r, c = np.meshgrid(np.arange(n - 1, dtype=np.uint32), np.arange(n - 1, dtype=np.uint32), indexing="ij")
    a = (r * n + c).reshape(-1)
    b, cc, d = a + 1, a + n, a + n + 1
    # Counter-clockwise seen from above (+y): a → c(+z) → b(+x) … with x right and z towards the viewer.
    idx = np.stack([a, cc, b, b, cc, d], axis=1).reshape(-1)
    return (_check(v.reshape(-1), TERRAIN_DTYPE, (n * n,), "terrain vertices"),
            _check(idx.astype(np.uint32), np.uint32, (6 * (n - 1) ** 2,), "terrain indices"))


# ---------------------------------------------------------------------------------------------- lights

def light_defines(lights: Any) -> dict[str, Any]:
    """Defines of lit.glsl: the spotlight loop's bound is the scene's count (fixed per scene)."""
    return {"MAX_SPOTS": MAX_SPOTS, "SPOT_LOOP": min(len(lights.spot_pos_s), MAX_SPOTS)}


def sky_defines(sky: Any) -> dict[str, Any]:
    """Defines of sky_common.glsl: array sizes, and the streak loop's bound (the sky's count)."""
    return {"MAX_STREAKS": MAX_STREAKS, "MAX_NEBULA_COLORS": MAX_NEBULA_COLORS,
            "STREAK_LOOP": min(len(sky.streaks.color_s), MAX_STREAKS)}


def light_uniforms(lights: Any) -> dict[str, Any]:
    """Ambient, key and up to MAX_SPOTS spotlights, for every lit program."""
    k = min(len(lights.spot_pos_s), MAX_SPOTS)
    cone = np.stack([np.cos(lights.spot_cone_s), np.cos(lights.spot_inner_s),
                     lights.spot_intensity_s, lights.spot_softness_s], axis=1)
    return {
        "u_ambient": tuple(float(lights.ambient_intensity) * np.array(lights.ambient_color)),
        "u_key_dir": _vec3(lights.key_direction),
        "u_key_color": tuple(float(lights.key_intensity) * np.array(lights.key_color)),
        "u_spot_count": int(k),
        "u_spot_pos": _rows(lights.spot_pos_s, MAX_SPOTS, 3),
        "u_spot_dir": _rows(lights.spot_dir_s, MAX_SPOTS, 3),
        "u_spot_color": _rows(lights.spot_color_s, MAX_SPOTS, 3),
        "u_spot_cone": _rows(cone, MAX_SPOTS, 4),
    }


def stage_light_uniforms(stage: Any) -> dict[str, Any]:
    """The stage as a broad light on its surroundings: centre, radius, colour × glow."""
    return {
        "u_stage_light": (float(stage.center[0]), float(stage.top), float(stage.center[1]), float(stage.radius)),
        "u_stage_glow": tuple(float(stage.glow) * np.array(stage.color, dtype=np.float64)),
    }


# ----------------------------------------------------------------------------------------------- stage

STAGE_DTYPE = np.dtype([("a_position", np.float32, 3), ("a_normal", np.float32, 3), ("a_part", np.float32)])
STAGE_SURFACE, STAGE_RIM_TOP, STAGE_RIM_INNER, STAGE_WALL = 0.0, 1.0, 2.0, 3.0


def pack_stage(stage: Any) -> tuple[np.ndarray, np.ndarray]:
    """The stage as triangles: its surface (a fan), the rim's top and inner face, the outer wall.

    `a_part` tells the shader which: STAGE_SURFACE, STAGE_RIM_TOP, STAGE_RIM_INNER, STAGE_WALL. A disc
    gets smooth radial wall normals; a polygon flat ones (vertices repeated per side).
    """
    pts = np.asarray(stage.outline_i, dtype=np.float64)
    k = len(pts)
    c = np.array(stage.center, dtype=np.float64)
    rel = pts - c
    r = np.sqrt((rel ** 2).sum(axis=1))
    radial = rel / np.where(r > 0, r, 1.0)[:, None]
    outer = c + rel * ((r + stage.rim_width) / np.where(r > 0, r, 1.0))[:, None]
    top, rim_top, base = float(stage.top), float(stage.top + stage.rim_height), float(stage.base)
    verts: list[np.ndarray] = []
    tris: list[np.ndarray] = []
    count = 0

    def add(xz: np.ndarray, y: np.ndarray, normal: np.ndarray, part: float) -> np.ndarray:
        nonlocal count
        v = np.empty(len(xz), dtype=STAGE_DTYPE)
        v["a_position"][:, 0], v["a_position"][:, 1], v["a_position"][:, 2] = xz[:, 0], y, xz[:, 1]
        v["a_normal"] = normal
        v["a_part"] = part
        verts.append(v)
        idx = np.arange(count, count + len(xz), dtype=np.int64)
        count += len(xz)
        return idx

    up = np.tile([0.0, 1.0, 0.0], (k, 1))
    j = np.arange(k)
    jn = (j + 1) % k
    # Surface: a fan around the centre. The outline runs counter-clockwise seen from above, so
    # (centre, p[j+1], p[j]) faces +y … whichever way a caller wound it, we orient by the normal below.
    ctr = add(c[None, :], np.array([top]), np.array([[0.0, 1.0, 0.0]]), STAGE_SURFACE)[0]
    ring = add(pts, np.full(k, top), up, STAGE_SURFACE)
    tris.append(np.stack([np.full(k, ctr), ring[jn], ring[j]], axis=1))
    # Rim top: a band between the outline and the outer outline.
    inner_t = add(pts, np.full(k, rim_top), up, STAGE_RIM_TOP)
    outer_t = add(outer, np.full(k, rim_top), up, STAGE_RIM_TOP)
    tris.append(np.stack([inner_t[j], inner_t[jn], outer_t[j]], axis=1))
    tris.append(np.stack([outer_t[j], inner_t[jn], outer_t[jn]], axis=1))

    def wall(xz: np.ndarray, y0: float, y1: float, sign: float, part: float) -> None:
        if stage.shape == "disc":
            n3 = np.stack([radial[:, 0], np.zeros(k), radial[:, 1]], axis=1) * sign
            lo = add(xz, np.full(k, y0), n3, part)
            hi = add(xz, np.full(k, y1), n3, part)
            a, b, cc, d = lo[j], lo[jn], hi[j], hi[jn]
        else:
            e = xz[jn] - xz[j]
            en = np.stack([e[:, 1], np.zeros(k), -e[:, 0]], axis=1)
            en /= np.sqrt((en ** 2).sum(axis=1))[:, None]
            mid = 0.5 * (xz[j] + xz[jn]) - c
            en *= np.where(en[:, 0] * mid[:, 0] + en[:, 2] * mid[:, 1] < 0, -1.0, 1.0)[:, None] * sign
            quad = np.concatenate([xz[j], xz[jn], xz[j], xz[jn]])
            ys = np.concatenate([np.full(k, y0), np.full(k, y0), np.full(k, y1), np.full(k, y1)])
            idx = add(quad, ys, np.tile(en, (4, 1)), part)
            a, b, cc, d = idx[:k], idx[k:2 * k], idx[2 * k:3 * k], idx[3 * k:]
        tris.append(np.stack([a, b, cc], axis=1))
        tris.append(np.stack([cc, b, d], axis=1))

    wall(pts, top, rim_top, -1.0, STAGE_RIM_INNER)
    wall(outer, base, rim_top, 1.0, STAGE_WALL)
    v = np.concatenate(verts)
    t = np.concatenate(tris)
    # Orient every triangle so its geometric normal agrees with its vertex normal (no culling
    # surprises, whatever the outline's winding).
    p = v["a_position"].astype(np.float64)
    g = np.cross(p[t[:, 1]] - p[t[:, 0]], p[t[:, 2]] - p[t[:, 0]])
    flip = (g * v["a_normal"][t[:, 0]]).sum(axis=1) < 0
    t[flip] = t[flip][:, [0, 2, 1]]
    return (_check(v, STAGE_DTYPE, (count,), "stage vertices"),
            _check(t.reshape(-1).astype(np.uint32), np.uint32, (len(t) * 3,), "stage indices"))


MATERIAL_IDS = {"liquid-silver": 0, "moonlight": 1, "crystal": 2}


def stage_uniforms(stage: Any) -> dict[str, Any]:
    """Material, rim and ripple rings of the stage."""
    o = min(len(stage.ripple_origin_i), MAX_RIPPLES)
    origins = np.zeros((MAX_RIPPLES, 4), dtype=np.float32)
    origins[:o, 0:2] = stage.ripple_origin_i[:o]
    origins[:o, 2] = stage.ripple_phase_i[:o]
    return {
        "u_material": int(MATERIAL_IDS.get(stage.material, 1)),
        "u_stage_color": _vec3(stage.color),
        "u_rim_color": _vec3(stage.rim_color),
        "u_stage_mat": (float(stage.glow), float(stage.metallic), float(stage.roughness), float(stage.transmission)),
        "u_ripple": (float(stage.ripple_amplitude), float(stage.ripple_wavelength), float(stage.ripple_speed),
                     float(stage.ripple_damping)),
        "u_ripple_count": int(o),
        "u_ripple_origin": origins,
        "u_stage_center": (float(stage.center[0]), float(stage.top), float(stage.center[1])),
        "u_stage_radius": float(stage.radius),
        **stage_light_uniforms(stage),
    }


def sphere_defines(spheres: Any) -> dict[str, Any]:
    """Defines of spheres_common.glsl: the array size and the loop's bound (the scene's spheres)."""
    return {"MAX_SPHERES": MAX_SPHERES, "SPHERE_LOOP": min(len(spheres.center_i), MAX_SPHERES)}


def sphere_uniforms(spheres: Any) -> dict[str, Any]:
    """The spheres as lights other surfaces reflect (the mirror stage): centre/radius, colour, glow, pulse."""
    n = min(len(spheres.center_i), MAX_SPHERES)
    geom = np.zeros((MAX_SPHERES, 4), dtype=np.float32)
    geom[:n, :3] = spheres.center_i[:n]
    geom[:n, 3] = spheres.radius_i[:n]
    pulse = np.zeros((MAX_SPHERES, 4), dtype=np.float32)
    pulse[:n, 0] = spheres.pulse_rate_i[:n]
    pulse[:n, 1] = spheres.pulse_depth_i[:n]
    pulse[:n, 2] = spheres.pulse_phase_i[:n]
    pulse[:n, 3] = spheres.float_phase_i[:n]
    color = np.zeros((MAX_SPHERES, 3), dtype=np.float32)
    color[:n] = spheres.color_i[:n] * spheres.glow_i[:n, None]
    return {
        "u_sphere_count": int(n),
        "u_sphere_geom": geom,
        "u_sphere_pulse": pulse,
        "u_sphere_light": color,
        "u_sphere_float": (float(spheres.float_height), float(spheres.float_rate)),
        "u_spin_center": _vec3(spheres.spin_center),
        "u_spin_axis": (*_vec3(spheres.spin_axis), float(spheres.spin_rate)),
    }


# -------------------------------------------------------------------------------------------- audience
# One 36-byte record per figure (was 60 as float32): 1,000,000 figures are 36 MB to copy, and a copy that
# size is mostly the first touch of fresh pages. Positions stay float32; the rest is unsigned 16-bit, each
# field 65535 × a fraction of a per-group scale (u_scale) or of a fixed range (the vertex shader divides):
# 1/65535 of the range is far below anything a figure's glow can show.

AUDIENCE_DTYPE = np.dtype([
    ("a_pos", np.float32, 3),        # feet (silhouettes) or centre (eyes), metres
    ("a_size", np.uint16, 2),        # width, height ÷ u_scale.x
    ("a_color", np.uint16, 4),       # glow colour (linear, 0…1), brightness ÷ u_scale.y
    ("a_gaze", np.uint16, 2),        # facing yaw, pitch: (radians + π) ÷ 2π
    ("a_motion", np.uint16, 4),      # phase ÷ 2π, sway amplitude ÷ u_scale.z, sway frequency ÷ u_scale.w, shimmer
])
FIGURE_IDS = {"silhouette": 0, "eye": 1}

# Figures are stored cluster by cluster: AUDIENCE_CLUSTER neighbours in a row of the buffer, so that a frame
# can skip, in one numpy test per cluster, the clusters out of view or out of a pass's size range (and the
# vertex shader never runs for them). Neighbours come from a Morton (Z-order) curve over the group's two
# widest axes, 256 cells along each (crowds stand on the ground; a dome's band has one point per ground
# spot): a 16-bit key, which numpy sorts by radix, stably, in a few milliseconds per million.
AUDIENCE_CLUSTER = 256
_MORTON_BITS = 8
CLUSTER_DTYPE = np.dtype([
    ("centre", np.float32, 3),       # bounding sphere of the cluster's figures' anchors, metres
    ("radius", np.float32),
    ("height", np.float32, 2),       # the least and greatest figure height in the cluster, metres
    ("first", np.int32),             # its first figure in the packed buffer, and how many follow
    ("count", np.int32),
])


def _unorm16(x: np.ndarray, scale: float = 1.0) -> np.ndarray:
    """65535 × x / scale, rounded and clipped to 0…65535, as uint16 (float32 maths: 1M values in a few ms)."""
    y = np.multiply(x, np.float32(65535.0 / scale), dtype=np.float32)
    np.clip(y, 0.0, 65535.0, out=y)
    return np.rint(y, out=y).astype(np.uint16)


def _turn(angle: np.ndarray, start: float = -math.pi) -> np.ndarray:
    """Radians → the fraction of a turn from `start`, 0…1 (wrapped)."""
    a = np.subtract(angle, np.float32(start), dtype=np.float32)
    a *= np.float32(1.0 / (2.0 * math.pi))
    a -= np.floor(a)
    return a


def audience_scales(group: Any) -> tuple[float, float, float, float]:
    """u_scale: what a_size, the brightness in a_color, and the sway in a_motion are fractions of (the
    group's largest value, never 0)."""
    def top(a: np.ndarray) -> float:
        return max(float(np.max(a)) if len(a) else 0.0, 1e-6)
    return (top(np.maximum(group.width_i, group.height_i)), top(group.brightness_i),
            top(group.sway_amplitude_i), top(group.sway_frequency_i))


# Bit k of a cell index moved to bit 2k: the Morton key of cell (a, b) is SPREAD[a] | SPREAD[b] << 1.
_SPREAD = np.array([sum(((i >> k) & 1) << (2 * k) for k in range(_MORTON_BITS)) for i in range(1 << _MORTON_BITS)],
                   dtype=np.uint16)


def audience_order(group: Any) -> np.ndarray:
    """The order figures are packed in: figure k of the buffer is the group's figure order[k]. Neighbours
    in space are neighbours in the buffer, so any AUDIENCE_CLUSTER in a row are a compact patch."""
    pos = np.asarray(group.pos_i, dtype=np.float32).reshape(-1, 3)
    n = len(pos)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    lo = np.array([pos[:, k].min() for k in range(3)])     # per column: ~8× faster than along axis 0
    hi = np.array([pos[:, k].max() for k in range(3)])
    a, b = np.argsort(hi - lo)[::-1][:2]                   # the two widest axes
    cells = 1 << _MORTON_BITS
    step = np.float32(cells / max(float((hi - lo)[a]), 1e-6))   # square cells, 256 along the widest axis
    ca = np.minimum(((pos[:, a] - lo[a]) * step).astype(np.int32), cells - 1)
    cb = np.minimum(((pos[:, b] - lo[b]) * step).astype(np.int32), cells - 1)
    return np.argsort(_SPREAD[ca] | (_SPREAD[cb] << 1), kind="stable")


def pack_audience(group: Any, order: np.ndarray | None = None) -> np.ndarray:
    """One AUDIENCE_DTYPE record (36 bytes) per figure of an AudienceGroup, in `order` (default
    audience_order(group)), ready for one glBufferData."""
    n = len(group.pos_i)
    if order is None:
        order = audience_order(group)
    if len(order) != n:
        raise ValueError(f"order has {len(order)} entries for {n} figures")
    size_scale, bright_scale, amp_scale, freq_scale = audience_scales(group)
    out = np.empty(n, dtype=AUDIENCE_DTYPE)             # filled in the generator's order, reordered once
    out["a_pos"] = group.pos_i
    size = out["a_size"]
    size[:, 0] = _unorm16(group.width_i, size_scale)
    size[:, 1] = _unorm16(group.height_i, size_scale)
    color = out["a_color"]
    color[:, :3] = _unorm16(group.color_i)
    color[:, 3] = _unorm16(group.brightness_i, bright_scale)
    gaze = out["a_gaze"]
    gaze[:, 0] = _unorm16(_turn(group.facing_i))
    gaze[:, 1] = _unorm16(_turn(group.pitch_i))
    motion = out["a_motion"]
    motion[:, 0] = _unorm16(_turn(group.phase_i, 0.0))
    motion[:, 1] = _unorm16(group.sway_amplitude_i, amp_scale)
    motion[:, 2] = _unorm16(group.sway_frequency_i, freq_scale)
    motion[:, 3] = _unorm16(group.shimmer_i)
    # Reordered as rows of 32-bit words: numpy gathers those ~10× faster than structured records.
    words = out.view(np.uint32).reshape(n, AUDIENCE_DTYPE.itemsize // 4)
    out = np.take(words, order, axis=0).view(AUDIENCE_DTYPE).reshape(n)
    return _check(out, AUDIENCE_DTYPE, (n,), f"audience group {getattr(group, 'index', '?')}")


def audience_clusters(figures: np.ndarray, size_scale: float, reach: float) -> np.ndarray:
    """One CLUSTER_DTYPE record per AUDIENCE_CLUSTER packed figures (the last may hold fewer). Its sphere
    holds every pixel a figure's sprite can cover: the figure's anchor and `reach` × its height around it.
    `size_scale` is the group's u_scale.x, what a_size is a fraction of."""
    n = len(figures)
    first = np.arange(0, n, AUDIENCE_CLUSTER, dtype=np.int64)
    out = np.zeros(len(first), dtype=CLUSTER_DTYPE)
    if n == 0:
        return out
    pos = np.ascontiguousarray(figures["a_pos"])
    height = figures["a_size"][:, 1].astype(np.float32) * np.float32(size_scale / 65535.0)
    lo, hi = np.minimum.reduceat(pos, first, axis=0), np.maximum.reduceat(pos, first, axis=0)
    h_lo, h_hi = np.minimum.reduceat(height, first), np.maximum.reduceat(height, first)
    out["centre"] = 0.5 * (lo.astype(np.float64) + hi)
    # + a hair for the float32 rounding of the centre and the 16-bit heights
    out["radius"] = 0.5 * np.sqrt(((hi.astype(np.float64) - lo) ** 2).sum(axis=1)) + reach * h_hi * 1.001 + 1e-3
    out["height"] = np.stack([h_lo * 0.999, h_hi * 1.001], axis=1)
    out["first"] = first
    out["count"] = np.diff(np.append(first, n))
    return _check(out, CLUSTER_DTYPE, (len(first),), "audience clusters")


def cluster_sizes(clusters: np.ndarray, view: np.ndarray, projection: np.ndarray, size: tuple[int, int],
                  margin_px: float = 2.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(in view, least, greatest) per cluster: whether its sphere meets the view frustum (widened by
    `margin_px` on screen), and the fewest and most pixels one metre of its figures can span on screen
    (the vertex shader's own measure: projection[1, 1] · ½ viewport height ÷ depth), bounds of every
    figure's. Behind or through the eye the greatest is inf."""
    c = clusters["centre"].astype(np.float64)
    r = clusters["radius"].astype(np.float64)
    v = c @ view[:3, :3].T + view[:3, 3]                       # eye space
    p = np.asarray(projection, dtype=np.float64)
    ex, ey = 2.0 * margin_px / max(size[0], 1), 2.0 * margin_px / max(size[1], 1)
    rows = [p[3] * (1 + ex) + p[0], p[3] * (1 + ex) - p[0], p[3] * (1 + ey) + p[1], p[3] * (1 + ey) - p[1],
            p[3] + p[2], p[3] - p[2]]
    seen = np.ones(len(c), dtype=bool)
    for plane in rows:
        norm = float(np.linalg.norm(plane[:3]))
        if norm > 0.0:
            seen &= (v @ plane[:3] + plane[3]) / norm >= -r
    depth = v @ p[3, :3] + p[3, 3]                             # clip w: −z for a perspective
    scale = float(p[1, 1]) * 0.5 * size[1]
    near, far = depth - r, depth + r
    most = np.where(near > 1e-4, scale / np.maximum(near, 1e-4), np.inf)
    least = np.where(far > 1e-4, scale / np.maximum(far, 1e-4), np.inf)
    return seen, least, most


def cluster_ranges(clusters: np.ndarray, keep: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(first, count) int32 arrays for glMultiDrawArrays: the kept clusters, neighbours merged into one range."""
    keep = np.asarray(keep, dtype=bool)
    if not keep.any():
        return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int32)
    edges = np.diff(np.concatenate([[0], keep.astype(np.int8), [0]]))
    start, stop = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1
    first = clusters["first"][start].astype(np.int64)
    end = clusters["first"][stop].astype(np.int64) + clusters["count"][stop]
    return first.astype(np.int32), (end - first).astype(np.int32)


def audience_uniforms(group: Any) -> dict[str, Any]:
    """What a group's figures share: mist, shimmer rate, breathing, mood, and the scales of its packed fields."""
    mood = group.mood_color
    return {
        "u_mist": float(group.mist),
        "u_shimmer_rate": float(group.shimmer_rate),
        "u_breathing": (float(group.breathing_rate), float(group.breathing_depth),
                        float(group.breathing_phase), 1.0 if group.breathing_unison else 0.0),
        "u_mood_color": _vec3(mood) if mood is not None else (0.0, 0.0, 0.0),
        "u_mood": (float(group.mood_period), float(group.mood_strength) if mood is not None else 0.0),
        "u_origin": _vec3(group.origin),
        "u_scale": audience_scales(group),
    }


def eye_glint(stage: Any, lights: Any = None) -> tuple[float, float, float]:
    """What an eye's cornea reflects of the stage: its glowing surface, plus the spotlights' colour."""
    c = np.array(stage.color, dtype=np.float64) * (0.5 + float(stage.glow))
    if lights is not None and len(lights.spot_color_s):
        c = c + (lights.spot_color_s.astype(np.float64) * lights.spot_intensity_s[:, None]).sum(axis=0) * 0.15
    return _vec3(c)


# ----------------------------------------------------------------------------------------------- props

SPHERE_DTYPE = np.dtype([
    ("a_center", np.float32, 3), ("a_radius", np.float32), ("a_color", np.float32, 3), ("a_glow", np.float32),
    ("a_pulse", np.float32, 4),          # rate, depth, phase, float phase
    ("a_flicker_freq", np.float32, 4),   # Hz, up to 4 components (0: unused)
    ("a_flicker_phase", np.float32, 4),  # radians
    ("a_flicker", np.float32, 4),        # amount (0: a sound sphere), rate, seed, unused
])


def pack_spheres(spheres: Any) -> np.ndarray:
    """One SPHERE_DTYPE record per sphere; a flawed sphere carries its flicker."""
    n = len(spheres.center_i)
    out = np.zeros(n, dtype=SPHERE_DTYPE)
    out["a_center"] = spheres.center_i
    out["a_radius"] = spheres.radius_i
    out["a_color"] = spheres.color_i
    out["a_glow"] = spheres.glow_i
    pulse = out["a_pulse"]
    pulse[:, 0] = spheres.pulse_rate_i
    pulse[:, 1] = spheres.pulse_depth_i
    pulse[:, 2] = spheres.pulse_phase_i
    pulse[:, 3] = spheres.float_phase_i
    for flaw in spheres.flaws:
        i = int(flaw.sphere)
        h = min(4, len(flaw.flicker_freq_h))
        out["a_flicker_freq"][i, :h] = flaw.flicker_freq_h[:h]
        out["a_flicker_phase"][i, :h] = flaw.flicker_phase_h[:h]
        # The seed is below 2^24, so it survives float32 exactly; the shader folds it into its hash.
        out["a_flicker"][i] = (flaw.flicker, flaw.flicker_rate, float(flaw.flicker_seed % 65536), float(h))
    return _check(out, SPHERE_DTYPE, (n,), "spheres")


RIBBON_DTYPE = np.dtype([
    ("a_p0", np.float32, 3), ("a_p1", np.float32, 3),   # segment ends: world, or unit sphere for cracks
    ("a_sphere", np.float32, 4),                        # centre, radius (radius 0: ends are world points)
    ("a_float_phase", np.float32),                      # the sphere's bob phase
    ("a_width", np.float32, 2),                         # half-widths at p0 and p1, metres
    ("a_color", np.float32, 3),                         # colour × glow, linear
    ("a_flow", np.float32, 4),                          # u0, u1 along the strand; rate; turns
    ("a_kind", np.float32),                             # RIBBON_CRYSTAL, RIBBON_LIGHT, RIBBON_CRACK
])
RIBBON_CRYSTAL, RIBBON_LIGHT, RIBBON_CRACK = 0.0, 1.0, 2.0


def _segments(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return points[:-1], points[1:]


def pack_ribbons(props: Any) -> np.ndarray:
    """Line work as camera-facing ribbons, one record per segment: the instrument's crystal spiral and
    its woven light, and the hairline cracks of every flawed sphere."""
    parts: list[np.ndarray] = []
    inst = props.instrument
    if inst is not None and len(inst.crystal_j) > 1:
        m = len(inst.crystal_j)
        u = np.arange(m, dtype=np.float32) / np.float32(m - 1)
        for kind, pts, width, color in (
                (RIBBON_CRYSTAL, inst.crystal_j, inst.thickness_j, np.array(inst.color) * (0.35 + 0.25 * inst.glow)),
                (RIBBON_LIGHT, inst.light_j, inst.thickness_j * 0.35, np.array(inst.light_color) * inst.glow)):
            r = np.zeros(m - 1, dtype=RIBBON_DTYPE)
            r["a_p0"], r["a_p1"] = _segments(np.asarray(pts, dtype=np.float32))
            r["a_width"][:, 0], r["a_width"][:, 1] = width[:-1], width[1:]
            r["a_color"] = color.astype(np.float32)
            r["a_flow"][:, 0], r["a_flow"][:, 1] = u[:-1], u[1:]
            r["a_flow"][:, 2], r["a_flow"][:, 3] = inst.flow_rate, inst.turns
            r["a_kind"] = kind
            parts.append(r)
    sph = props.spheres
    for flaw in sph.flaws:
        i = int(flaw.sphere)
        pts = np.asarray(flaw.crack_point_j, dtype=np.float32)
        age = np.asarray(flaw.crack_age_j, dtype=np.float32)
        for start, count in zip(flaw.crack_start_k, flaw.crack_count_k):
            if count < 2:
                continue
            s = slice(int(start), int(start + count))
            r = np.zeros(int(count) - 1, dtype=RIBBON_DTYPE)
            r["a_p0"], r["a_p1"] = _segments(pts[s])
            r["a_sphere"][:, :3] = sph.center_i[i]
            r["a_sphere"][:, 3] = sph.radius_i[i]
            r["a_float_phase"] = sph.float_phase_i[i]
            r["a_width"] = 0.5 * flaw.crack_width * float(sph.radius_i[i])
            r["a_color"] = np.array(flaw.crack_color, dtype=np.float32) * np.float32(flaw.crack_glow)
            r["a_flow"][:, 0], r["a_flow"][:, 1] = _segments(age[s])
            r["a_kind"] = RIBBON_CRACK
            parts.append(r)
    out = np.concatenate(parts) if parts else np.zeros(0, dtype=RIBBON_DTYPE)
    return _check(np.ascontiguousarray(out), RIBBON_DTYPE, (len(out),), "ribbons")


SHARD_DTYPE = np.dtype([
    ("a_sphere", np.float32, 4), ("a_float_phase", np.float32),
    ("a_dir", np.float32, 3), ("a_motion", np.float32, 4),      # speed, life, phase, fall
    ("a_size", np.float32), ("a_color", np.float32, 3), ("a_smoke", np.float32, 3),
])


def pack_shards(spheres: Any) -> np.ndarray:
    """Every flawed sphere's flaking splinters, one SHARD_DTYPE record each (Flaw documents the motion)."""
    parts = []
    for flaw in spheres.flaws:
        i = int(flaw.sphere)
        s = len(flaw.shard_dir_s)
        r = np.zeros(s, dtype=SHARD_DTYPE)
        r["a_sphere"][:, :3] = spheres.center_i[i]
        r["a_sphere"][:, 3] = spheres.radius_i[i]
        r["a_float_phase"] = spheres.float_phase_i[i]
        r["a_dir"] = flaw.shard_dir_s
        m = r["a_motion"]
        m[:, 0], m[:, 1], m[:, 2], m[:, 3] = flaw.shard_speed_s, flaw.shard_life_s, flaw.shard_phase_s, flaw.shard_fall
        r["a_size"] = flaw.shard_size_s
        r["a_color"] = spheres.color_i[i] * spheres.glow_i[i]
        r["a_smoke"] = np.array(flaw.smoke_color, dtype=np.float32)
        parts.append(r)
    out = np.concatenate(parts) if parts else np.zeros(0, dtype=SHARD_DTYPE)
    return _check(np.ascontiguousarray(out), SHARD_DTYPE, (len(out),), "shards")


# ------------------------------------------------------------------------------------- spotlight cones

CONE_DTYPE = np.dtype([("a_position", np.float32, 3), ("a_spot", np.float32)])
CONE_SEGMENTS = 48
CONE_MAX_REACH = 4.0   # beams that run nearly level stop this many target distances from the lamp
CONE_LIFT = 0.02       # the cap floats this far above the stage plane, clear of the stage's own depth


def pack_cones(lights: Any) -> tuple[np.ndarray, np.ndarray]:
    """Closed meshes (apex, side, cap) around each spotlight's beam, for the volumetric pass.

    Each beam is cut by the horizontal plane through its target (the stage it lights): the cap lies on
    that plane, so the mesh's far side is never buried under the stage, where the depth test would
    hide it. The mesh only bounds the beam; the fragment shader integrates the light along each eye
    ray inside the exact cone.
    """
    k = min(len(lights.spot_pos_s), MAX_SPOTS)
    verts, tris = [], []
    base = 0
    ang = 2.0 * np.pi * np.arange(CONE_SEGMENTS) / CONE_SEGMENTS
    for s in range(k):
        apex = lights.spot_pos_s[s].astype(np.float64)
        axis = lights.spot_dir_s[s].astype(np.float64)
        target = lights.spot_target_s[s].astype(np.float64)
        reach = float(np.linalg.norm(target - apex))
        # Slightly wider than the cone, so the soft edge is never cut by the mesh.
        half = min(float(lights.spot_cone_s[s]) * 1.08, math.radians(85.0))
        helper = np.array([0.0, 1.0, 0.0]) if abs(axis[1]) < 0.9 else np.array([1.0, 0.0, 0.0])
        u = np.cross(axis, helper)
        u /= np.linalg.norm(u)
        w = np.cross(axis, u)
        edge = axis * math.cos(half) + math.sin(half) * (np.cos(ang)[:, None] * u + np.sin(ang)[:, None] * w)
        plane = target[1] + CONE_LIFT
        with np.errstate(divide="ignore", invalid="ignore"):
            t = np.where(edge[:, 1] < -1e-6, (plane - apex[1]) / edge[:, 1], np.inf)
        t = np.clip(t, 0.0, CONE_MAX_REACH * reach)
        ring = apex + edge * t[:, None]
        cap = ring.mean(axis=0)
        v = np.zeros(CONE_SEGMENTS + 2, dtype=CONE_DTYPE)
        v["a_position"][0] = apex
        v["a_position"][1:-1] = ring
        v["a_position"][-1] = cap
        v["a_spot"] = s
        j = np.arange(CONE_SEGMENTS)
        jn = (j + 1) % CONE_SEGMENTS
        side = np.stack([np.zeros(CONE_SEGMENTS, np.int64), 1 + j, 1 + jn], axis=1)
        bottom = np.stack([np.full(CONE_SEGMENTS, CONE_SEGMENTS + 1), 1 + jn, 1 + j], axis=1)
        tri = np.concatenate([side, bottom])
        # Wind every triangle counter-clockwise seen from outside (its normal away from the beam's
        # middle), so culling the front faces leaves exactly the far side.
        p = v["a_position"].astype(np.float64)
        mid = (apex + cap) / 2.0
        g = np.cross(p[tri[:, 1]] - p[tri[:, 0]], p[tri[:, 2]] - p[tri[:, 0]])
        out = p[tri].mean(axis=1) - mid
        flip = (g * out).sum(axis=1) < 0
        tri[flip] = tri[flip][:, [0, 2, 1]]
        verts.append(v)
        tris.append(tri + base)
        base += len(v)
    vv = np.concatenate(verts) if verts else np.zeros(0, dtype=CONE_DTYPE)
    tt = (np.concatenate(tris).reshape(-1) if tris else np.zeros(0, np.int64)).astype(np.uint32)
    return _check(vv, CONE_DTYPE, (len(vv),), "cone vertices"), _check(tt, np.uint32, (len(tt),), "cone indices")


def spot_volume_uniforms(lights: Any) -> dict[str, Any]:
    """The beams' targets (where each stops: the stage plane through its target) and reach."""
    k = min(len(lights.spot_pos_s), MAX_SPOTS)
    tgt = np.zeros((MAX_SPOTS, 4), dtype=np.float32)
    tgt[:k, :3] = lights.spot_target_s[:k]
    tgt[:k, 3] = np.linalg.norm(lights.spot_target_s[:k] - lights.spot_pos_s[:k], axis=1)
    return {"u_spot_target": tgt}


# ----------------------------------------------------------------------------------------- sky screens

SCREEN_DTYPE = np.dtype([("a_center", np.float32, 3), ("a_right", np.float32, 3), ("a_up", np.float32, 3),
                         ("a_flow", np.float32, 3)])   # phase, seed x, seed y


def pack_screens(screens: Any) -> np.ndarray:
    """One SCREEN_DTYPE record per colossal screen (an instanced quad)."""
    q = len(screens.center_q)
    out = np.zeros(q, dtype=SCREEN_DTYPE)
    out["a_center"] = screens.center_q
    out["a_right"] = screens.right_q
    out["a_up"] = screens.up_q
    out["a_flow"][:, 0] = screens.flow_phase_q
    out["a_flow"][:, 1:] = screens.flow_seed_q
    return _check(out, SCREEN_DTYPE, (q,), "screens")


def screen_uniforms(screens: Any, audience: Any = ()) -> dict[str, Any]:
    """Size, colour and flow of the screens; the mood of the audience group they follow (if any)."""
    mood_color, mood = (0.0, 0.0, 0.0), (1.0, 0.0)
    groups = list(audience or ())
    if screens.follows is not None and 0 <= screens.follows < len(groups):
        g = groups[screens.follows]
        if g.mood_color is not None:
            mood_color, mood = _vec3(g.mood_color), (float(g.mood_period), float(g.mood_strength))
    return {
        "u_screen_size": (float(screens.size[0]), float(screens.size[1])),
        "u_screen_color": _vec3(screens.color),
        "u_screen_flow": float(screens.flow_rate),
        "u_mood_color": mood_color,
        "u_mood": mood,
    }


# -------------------------------------------------------------------------------------------- display

TONE_KNEE = 0.7


def tone_curve(c: np.ndarray) -> np.ndarray:
    """The numpy twin of `tone()` in shaders/post.glsl: identity below the knee, a soft shoulder above."""
    c = np.asarray(c, dtype=np.float64)
    over = np.maximum(c - TONE_KNEE, 0.0)
    soft = TONE_KNEE + (1.0 - TONE_KNEE) * (1.0 - np.exp(-over / (1.0 - TONE_KNEE)))
    return np.where(c >= TONE_KNEE, soft, c)


def display_srgb8(c: np.ndarray) -> np.ndarray:
    """Linear scene colour → the 0…255 sRGB value the final pass writes (before its ½-step dither)."""
    from ..color import linear_to_srgb
    return linear_to_srgb(tone_curve(c)) * 255.0


# ------------------------------------------------------------------------------------ figure outline
# The silhouette's outline as a signed distance field in numpy: the twin of figure_sdf() in
# shaders/audience.glsl, for tests and tools. (Sampling it from a 3-D texture instead of evaluating it per
# pixel was measured on llvmpipe: a third dearer than the exact field, so the shader evaluates it.)


def _capsule(px: np.ndarray, py: np.ndarray, a: tuple[float, float], b: tuple[float, float],
             ra: float, rb: float | None = None) -> np.ndarray:
    bax, bay = b[0] - a[0], b[1] - a[1]
    pax, pay = px - a[0], py - a[1]
    h = np.clip((pax * bax + pay * bay) / (bax * bax + bay * bay), 0.0, 1.0)
    r = ra if rb is None else ra + (rb - ra) * h
    return np.hypot(pax - bax * h, pay - bay * h) - r


def _smin(a: np.ndarray, b: np.ndarray, k: float) -> np.ndarray:
    h = np.clip(0.5 + 0.5 * (b - a) / k, 0.0, 1.0)
    return b + (a - b) * h - k * h * (1.0 - h)


def silhouette_sdf(x: np.ndarray, y: np.ndarray, wr: float) -> np.ndarray:
    """Signed distance (in heights, negative inside) to a standing figure's outline: head, neck,
    shoulders, tapering torso, arms, legs, smoothly joined. Feet at y = 0, head top near y = 0.97,
    shoulders `wr` heights wide."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    sh = 0.5 * wr
    head = np.hypot(x, y - 0.905) - 0.066
    neck = _capsule(x, y, (0.0, 0.80), (0.0, 0.87), 0.032)
    shoulders = _capsule(x, y, (-sh + 0.05, 0.775), (sh - 0.05, 0.775), 0.048)
    torso = _capsule(x, y, (0.0, 0.72), (0.0, 0.42), sh * 0.78, sh * 0.55)
    arms = np.minimum(_capsule(x, y, (-sh + 0.045, 0.765), (-sh + 0.02, 0.44), 0.034),
                      _capsule(x, y, (sh - 0.045, 0.765), (sh - 0.02, 0.44), 0.034))
    legs = np.minimum(_capsule(x, y, (-0.055, 0.44), (-0.065, 0.03), 0.05),
                      _capsule(x, y, (0.055, 0.44), (0.065, 0.03), 0.05))
    d = _smin(head, neck, 0.02)
    d = _smin(d, shoulders, 0.03)
    d = _smin(d, torso, 0.05)
    d = _smin(d, arms, 0.02)
    return _smin(d, legs, 0.06)
