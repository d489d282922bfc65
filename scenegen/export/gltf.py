"""glTF 2.0 export: the Scene as a .glb or .gltf for engines and viewers, built with numpy, same bytes every run.

What goes where (units metres, +y up, −z forward, right-handed: glTF's own frame, so nothing is converted):

  terrain     one mesh: POSITION, NORMAL, COLOR_0 (float, linear), uint32/uint16 triangles
  stage       surface + outer wall (stage material) and the rim (rim material); ripples in node extras
  props       spheres: one unit UV sphere shared by every sphere (node translation = centre, scale = radius);
              the flawed sphere's cracks as LINES and its shards as POINTS (child nodes, unit-sphere space);
              the instrument: a tube along its crystal centreline and a LINE_STRIP for its woven light
  audience    per group, one node with EXT_mesh_gpu_instancing (TRANSLATION, ROTATION, SCALE, and
              _COLOR_0, _BRIGHTNESS, _PHASE, _SWAY, _SHIMMER per figure) over a silhouette card or an eye disc
  sky         an inverted dome glowing with the whole sky at t = 0 (an emissive texture), the stars as
              POINTS, the sky screens as quads
  lights      KHR_lights_punctual: the key light (directional) and the spotlights; ambient in extras
  camera      the opening view
Every generated value that has no glTF home (seed, spec, tones, animation rates and phases) is in `extras`.
"""

from __future__ import annotations

import base64
import json
import math
import os
import struct
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import numpy as np

from .. import __version__
from ..fileio import write_together
from ..perform import RATE as PERFORMANCE_RATE
from ..seedfile import spec_to_data
from ..skylook import FOG_EXPONENT, fog_distance, sky_fog, sky_panorama
from .heightmap import encode_png_rgb8

__all__ = ["GLTF_EXTENSIONS", "INSTANCE_LAYOUTS", "CROWD_MOTIONS", "SILHOUETTE_TARGETS", "EYE_TARGETS",
           "PHASE_GROUPS", "RATE_GROUPS", "phase_groups", "gltf_document", "gltf_bytes", "export_gltf"]

GLTF_EXTENSIONS = ("EXT_mesh_gpu_instancing", "KHR_lights_punctual", "KHR_materials_emissive_strength",
                   "KHR_materials_transmission", "KHR_materials_unlit")

_FLOAT, _UINT32, _UINT16 = 5126, 5125, 5123
_ARRAY_BUFFER, _ELEMENT_ARRAY_BUFFER = 34962, 34963
_POINTS, _LINES, _LINE_STRIP, _TRIANGLES = 0, 1, 3, 4
_TYPES = {1: "SCALAR", 2: "VEC2", 3: "VEC3", 4: "VEC4"}
_COMPONENTS = {np.dtype(np.float32): _FLOAT, np.dtype(np.uint32): _UINT32, np.dtype(np.uint16): _UINT16}

# Unit UV sphere shared by every Harmonious Sphere: 48 × 24 keeps a 1 m globe round at arm's length.
_SPHERE_SLICES, _SPHERE_STACKS = 48, 24
_DOME_SLICES, _DOME_STACKS = 96, 48
# The sky's texture: equirectangular, from the zenith (top row) down to 15° below the horizon (bottom row;
# the dome below it repeats that row). Its lowest elevation falls on a row of dome vertices, so the
# texture coordinates interpolate exactly. 1024 texels round: 0.35° each, finer than the clouds.
_SKY_TEXTURE = (1024, 256)
_SKY_LOWEST_DEG = -15.0
_LINEAR, _LINEAR_MIPMAP_LINEAR, _REPEAT, _CLAMP_TO_EDGE = 9729, 9987, 10497, 33071
_TUBE_SIDES = 8
_EYE_SEGMENTS = 24
_CRACK_LIFT = 1.004          # cracks sit just outside the glass, so they never z-fight with it
_STAR_LIFT = 0.985           # stars just inside the dome
# Crystal: light passes through (KHR_materials_transmission) and the globe glows from inside.
_CRYSTAL_TRANSMISSION = 0.6
_CRYSTAL_ROUGHNESS = 0.05
# Silhouettes are misty: a crisp figure (mist 0) is opaque, pure mist (1) lets half through.
_MIST_ALPHA = 0.5
# The silhouette card is drawn in figure heights with shoulders this many heights wide, then its x is
# divided by it: the model is 1 wide and 1 tall, so an instance's SCALE is (width_i, height_i, width_i).
_CARD_WIDTH = 0.30

# Our renderer lights a surface with albedo × colour × strength (no 1/π, no distance falloff); a glTF
# viewer with physical lights gives albedo/π × illuminance. Hence lux = π·strength for the key light and
# candela = π·strength·d² for a spotlight, d its distance to its target: the target is lit as we light it.
_PI = math.pi

_GLB_MAGIC, _GLB_JSON, _GLB_BIN = 0x46546C67, 0x4E4F534A, 0x004E4942
SOUND_RATE = PERFORMANCE_RATE     # the performance's WAV beside the file: the mix's own rate


# ------------------------------------------------------------------------------------------- helpers

def _vec(v: Iterable[Any]) -> list[float]:
    return [float(x) for x in v]


def _plain(v: Any) -> Any:
    """JSON-able copy of extras: arrays become lists of floats/ints, tuples lists."""
    if isinstance(v, np.ndarray):
        return v.tolist()
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    if isinstance(v, dict):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, np.floating):
        return float(v)
    if isinstance(v, np.integer):
        return int(v)
    return v


def _rgba(rgb: np.ndarray) -> np.ndarray:
    """float32 RGBA (alpha 1) of (n, 3) colours, the values exactly kept: COLOR_0 as float VEC4 is the form
    the common tools process everywhere (trimesh reads colours as RGBA; meshoptimizer's point
    simplification in gltf-transform takes the float component size for the stride)."""
    out = np.ones((len(rgb), 4), dtype=np.float32)
    out[:, :3] = rgb
    return out


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.sqrt((v * v).sum(axis=-1, keepdims=True))


def _quat_from_matrix(m: np.ndarray) -> list[float]:
    """Unit quaternion (x, y, z, w) of a 3×3 rotation matrix (Shepperd's method: stable for every angle)."""
    t = m[0, 0] + m[1, 1] + m[2, 2]
    if t > 0.0:
        s = 2.0 * math.sqrt(1.0 + t)
        q = [(m[2, 1] - m[1, 2]) / s, (m[0, 2] - m[2, 0]) / s, (m[1, 0] - m[0, 1]) / s, 0.25 * s]
    elif m[0, 0] > m[1, 1] and m[0, 0] > m[2, 2]:
        s = 2.0 * math.sqrt(1.0 + m[0, 0] - m[1, 1] - m[2, 2])
        q = [0.25 * s, (m[0, 1] + m[1, 0]) / s, (m[0, 2] + m[2, 0]) / s, (m[2, 1] - m[1, 2]) / s]
    elif m[1, 1] > m[2, 2]:
        s = 2.0 * math.sqrt(1.0 + m[1, 1] - m[0, 0] - m[2, 2])
        q = [(m[0, 1] + m[1, 0]) / s, 0.25 * s, (m[1, 2] + m[2, 1]) / s, (m[0, 2] - m[2, 0]) / s]
    else:
        s = 2.0 * math.sqrt(1.0 + m[2, 2] - m[0, 0] - m[1, 1])
        q = [(m[0, 2] + m[2, 0]) / s, (m[1, 2] + m[2, 1]) / s, 0.25 * s, (m[1, 0] - m[0, 1]) / s]
    n = math.sqrt(sum(c * c for c in q))
    q = [c / n for c in q]
    if q[3] < 0.0:                      # one of the two equal quaternions, always the same one
        q = [-c for c in q]
    return q


def look_rotation(forward: Any, up: Any = (0.0, 1.0, 0.0)) -> list[float]:
    """Quaternion (x, y, z, w) turning a node's −z onto `forward` with its +y as close to `up` as it goes:
    how glTF cameras and lights point (both look down their local −z)."""
    f = np.asarray(forward, dtype=np.float64)
    f = f / math.sqrt(float(f @ f))
    u = np.asarray(up, dtype=np.float64)
    s = np.cross(f, u)
    if float(s @ s) < 1e-12:            # looking along `up`: any right-angle will do, take the world's −z
        s = np.cross(f, np.array([0.0, 0.0, -1.0]))
        if float(s @ s) < 1e-12:
            s = np.cross(f, np.array([1.0, 0.0, 0.0]))
    s = s / math.sqrt(float(s @ s))
    u = np.cross(s, f)
    return _quat_from_matrix(np.stack([s, u, -f], axis=1))


def _yaw_pitch_quats(yaw: np.ndarray, pitch: np.ndarray) -> np.ndarray:
    """(n, 4) float32 quaternions q_y(yaw)·q_x(−pitch): the model's front (+z) turns to
    (cos p·sin yaw, sin p, cos p·cos yaw), as AudienceGroup.facing_i and pitch_i say."""
    hy = 0.5 * yaw.astype(np.float64)
    hp = -0.5 * pitch.astype(np.float64)
    cy, sy, cp, sp = np.cos(hy), np.sin(hy), np.cos(hp), np.sin(hp)
    q = np.empty((len(yaw), 4), dtype=np.float64)
    q[:, 0] = cy * sp
    q[:, 1] = sy * cp
    q[:, 2] = -sy * sp
    q[:, 3] = cy * cp
    return q.astype(np.float32)


# ------------------------------------------------------------------------------------------- the writer

class _Writer:
    """Collects one binary buffer (4-byte aligned views) and the glTF JSON objects that index into it."""

    def __init__(self, scene_name: str = "") -> None:
        self.scene_name = scene_name
        # The buffer in pieces: views over the arrays themselves (no copy), written one after another.
        self.parts: list[bytes | memoryview] = []
        self.size = 0
        self.doc: dict[str, list[Any]] = {k: [] for k in (
            "bufferViews", "accessors", "images", "samplers", "textures", "materials", "meshes", "nodes",
            "cameras")}
        self.lights: list[dict[str, Any]] = []
        self.used: set[str] = set()
        self._materials: dict[str, int] = {}
        self._material_names: set[str] = set()
        # What the animations target, by the builders that made it (node, material, light indices).
        self.refs: dict[str, Any] = {}

    def view(self, data: bytes | memoryview, target: int | None) -> int:
        view: dict[str, Any] = {"buffer": 0, "byteOffset": self.size, "byteLength": len(data)}
        if target is not None:
            view["target"] = target
        self.parts.append(data)
        pad = -len(data) % 4                     # every view starts 4-aligned: any component type fits
        if pad:
            self.parts.append(b"\0" * pad)
        self.size += len(data) + pad
        self.doc["bufferViews"].append(view)
        return len(self.doc["bufferViews"]) - 1

    def accessor(self, arr: np.ndarray, target: int | None = _ARRAY_BUFFER, *, bounds: bool = False,
                 name: str | None = None) -> int:
        """An accessor over its own tightly packed view: (count,) → SCALAR, (count, k) → VECk."""
        arr = np.ascontiguousarray(arr)
        if arr.dtype not in _COMPONENTS:
            raise TypeError(f"no glTF component type for {arr.dtype}")
        if len(arr) == 0:
            raise ValueError("glTF accessors hold at least one element")
        width = 1 if arr.ndim == 1 else arr.shape[1]
        # A byte view, not a copy: every accessor array here is made for the file and never changed after.
        data = arr.astype(arr.dtype.newbyteorder("<"), copy=False).reshape(-1).view(np.uint8).data
        acc: dict[str, Any] = {"bufferView": self.view(data, target), "componentType": _COMPONENTS[arr.dtype],
                               "count": int(len(arr)), "type": _TYPES[width]}
        if bounds:
            flat = arr.reshape(len(arr), width)
            # min and max are exact in any order: these are the stored float32 values themselves.
            acc["min"] = [float(v) for v in flat.min(axis=0)]
            acc["max"] = [float(v) for v in flat.max(axis=0)]
        if name:
            acc["name"] = name
        self.doc["accessors"].append(acc)
        return len(self.doc["accessors"]) - 1

    def indices(self, idx: np.ndarray, vertices: int) -> int:
        """Index accessor: uint16 when every index fits below 65535 (the top value is reserved), else uint32."""
        dtype = np.uint16 if vertices <= 65535 else np.uint32
        return self.accessor(np.asarray(idx).reshape(-1).astype(dtype), _ELEMENT_ARRAY_BUFFER)

    def material(self, mat: dict[str, Any]) -> int:
        """Add a material, or reuse an equal one. Its name becomes "<scene>: <name>", unique in the file:
        engines that key materials by name (Godot's importer) then never merge two materials, of one file
        or of two."""
        key = json.dumps(mat, sort_keys=True)
        if key not in self._materials:
            base = f"{self.scene_name}: {mat['name']}" if self.scene_name else str(mat["name"])
            name, k = base, 2
            while name in self._material_names:
                name, k = f"{base} #{k}", k + 1
            self._material_names.add(name)
            self._materials[key] = len(self.doc["materials"])
            self.doc["materials"].append({**mat, "name": name})
            self.used.update(mat.get("extensions", {}))
        return self._materials[key]

    def mesh(self, name: str, primitives: list[dict[str, Any]], extras: Any = None) -> int:
        mesh: dict[str, Any] = {"name": name, "primitives": primitives}
        if extras is not None:
            mesh["extras"] = _plain(extras)
        self.doc["meshes"].append(mesh)
        return len(self.doc["meshes"]) - 1

    def node(self, name: str, **fields: Any) -> int:
        node: dict[str, Any] = {"name": name}
        for k, v in fields.items():
            if v is not None:
                node[k] = _plain(v)
        self.doc["nodes"].append(node)
        return len(self.doc["nodes"]) - 1

    def texture(self, png: bytes, sampler: dict[str, int], name: str) -> int:
        """A texture over a PNG stored in the buffer (so .glb, embedded and side-car files all carry it)."""
        self.doc["images"].append({"name": name, "bufferView": self.view(png, None), "mimeType": "image/png"})
        self.doc["samplers"].append(sampler)
        self.doc["textures"].append({"name": name, "sampler": len(self.doc["samplers"]) - 1,
                                     "source": len(self.doc["images"]) - 1})
        return len(self.doc["textures"]) - 1

    def light(self, light: dict[str, Any]) -> int:
        self.used.add("KHR_lights_punctual")
        self.lights.append(light)
        return len(self.lights) - 1

    def binary(self) -> bytes:
        return b"".join(self.parts)


def _material(name: str, color: Any, *, alpha: float = 1.0, metallic: float = 0.0, roughness: float = 1.0,
              emissive: Any = None, glow: float = 0.0, transmission: float = 0.0, unlit: bool = False,
              double_sided: bool = False, blend: bool = False, extras: Any = None,
              strength: bool = False) -> dict[str, Any]:
    """A metallic-roughness material; emissive colour × glow beyond 1 goes to KHR_materials_emissive_strength
    (always, with strength=True: an animated emission needs the property there to point at)."""
    pbr: dict[str, Any] = {"baseColorFactor": [*_vec(color), float(alpha)], "metallicFactor": float(metallic),
                           "roughnessFactor": float(roughness)}
    mat: dict[str, Any] = {"name": name, "pbrMetallicRoughness": pbr}
    ext: dict[str, Any] = {}
    # An unlit material shows its base colour as it is: emission would be ignored, and the validator
    # warns that unlit may not combine with other material extensions.
    if emissive is not None and glow > 0.0 and not unlit:
        e = np.asarray(emissive, dtype=np.float64) * float(glow)
        peak = float(e.max())
        if peak > 0.0:
            if peak > 1.0 or strength:
                ext["KHR_materials_emissive_strength"] = {"emissiveStrength": peak}
                e = e / peak
            mat["emissiveFactor"] = [float(min(1.0, v)) for v in e]
    if transmission > 0.0:
        ext["KHR_materials_transmission"] = {"transmissionFactor": float(transmission)}
    if unlit:
        ext["KHR_materials_unlit"] = {}
    if ext:
        mat["extensions"] = ext
    if blend:
        mat["alphaMode"] = "BLEND"
    if double_sided:
        mat["doubleSided"] = True
    if extras is not None:
        mat["extras"] = _plain(extras)
    return mat


def _prim(attributes: dict[str, int], material: int, indices: int | None = None, mode: int = _TRIANGLES,
          extras: Any = None) -> dict[str, Any]:
    p: dict[str, Any] = {"attributes": attributes}
    if indices is not None:
        p["indices"] = indices
    p["material"] = material
    if mode != _TRIANGLES:
        p["mode"] = mode
    if extras is not None:
        p["extras"] = _plain(extras)
    return p


def _orient(pos: np.ndarray, tris: np.ndarray, normal: np.ndarray) -> np.ndarray:
    """Triangles (t, 3) wound counter-clockwise about their vertex normals (glTF's front faces)."""
    p = pos.astype(np.float64)
    a, b, c = p[tris[:, 0]], p[tris[:, 1]], p[tris[:, 2]]
    g = np.cross(b - a, c - a)
    n = normal[tris[:, 0]].astype(np.float64)
    flip = (g * n).sum(axis=1) < 0.0
    out = tris.copy()
    out[flip] = out[flip][:, [0, 2, 1]]
    return out


# ------------------------------------------------------------------------------------------- geometry

def uv_sphere(slices: int, stacks: int) -> tuple[np.ndarray, np.ndarray]:
    """Unit sphere: positions (= normals) (v, 3) float32 and outward CCW triangles (t, 3).

    A pole row holds one vertex per slice, so each pole triangle has its own corner and none is degenerate.
    """
    theta = np.pi * np.arange(stacks + 1) / stacks                  # from +y down to −y
    phi = 2.0 * np.pi * np.arange(slices + 1) / slices              # seam duplicated: room for UVs
    st, ct = np.sin(theta)[:, None], np.cos(theta)[:, None]
    pos = np.stack([st * np.sin(phi)[None, :], np.broadcast_to(ct, (stacks + 1, slices + 1)),
                    st * np.cos(phi)[None, :]], axis=-1).reshape(-1, 3)
    pos[:slices + 1] = (0.0, 1.0, 0.0)
    pos[-(slices + 1):] = (0.0, -1.0, 0.0)
    r, c = np.meshgrid(np.arange(stacks), np.arange(slices), indexing="ij")
    a = r * (slices + 1) + c
    b, d, e = a + 1, a + slices + 1, a + slices + 2
    upper = np.stack([a, d, e], axis=-1)          # skip the degenerate half of each pole quad
    lower = np.stack([a, e, b], axis=-1)
    tris = np.concatenate([upper[:-1].reshape(-1, 3), lower[1:].reshape(-1, 3)])
    pos32 = pos.astype(np.float32)
    return pos32, _orient(pos32, tris, pos32)


def _silhouette_card() -> tuple[np.ndarray, np.ndarray]:
    """A flat humanoid card facing +z: feet at y = 0, 1 tall and 1 wide (shoulders), head, neck, shoulders,
    arms, tapering torso and two legs, as horizontal bands of trapezoids (no overlaps: the card is
    translucent, an overlap would look denser)."""
    def head_half(y: float) -> float:
        return math.sqrt(max(0.0, 0.066 ** 2 - (y - 0.905) ** 2))

    # (y0, y1, spans at y0, spans at y1), x in figure heights.
    bands: list[tuple[float, float, list[tuple[float, float]], list[tuple[float, float]]]] = [
        (0.00, 0.44, [(-0.100, -0.015), (0.015, 0.100)], [(-0.088, -0.003), (0.003, 0.088)]),   # legs
        (0.44, 0.72, [(-0.150, -0.097), (-0.088, 0.088), (0.097, 0.150)],
                     [(-0.150, -0.112), (-0.110, 0.110), (0.112, 0.150)]),                      # arms, torso
        (0.72, 0.78, [(-0.150, 0.150)], [(-0.150, 0.150)]),                                      # shoulders
        (0.78, 0.815, [(-0.150, 0.150)], [(-0.100, 0.100)]),
        (0.815, 0.848, [(-0.032, 0.032)], [(-0.0333, 0.0333)]),                                 # neck
    ]
    ys = 0.848 + (0.971 - 0.848) * np.arange(9) / 8.0                                           # head
    for y0, y1 in zip(ys[:-1], ys[1:]):
        h0, h1 = head_half(float(y0)), max(head_half(float(y1)), 0.004)
        bands.append((float(y0), float(y1), [(-h0, h0)], [(-h1, h1)]))
    pos: list[tuple[float, float, float]] = []
    tris: list[tuple[int, int, int]] = []
    for y0, y1, lo, hi in bands:
        for (a0, b0), (a1, b1) in zip(lo, hi):
            k = len(pos)
            pos += [(a0, y0, 0.0), (b0, y0, 0.0), (a1, y1, 0.0), (b1, y1, 0.0)]
            tris += [(k, k + 1, k + 3), (k, k + 3, k + 2)]
    p = np.array(pos, dtype=np.float64)
    p[:, 0] /= _CARD_WIDTH
    p32 = p.astype(np.float32)
    t = np.array(tris, dtype=np.int64)
    return p32, _orient(p32, t, np.tile(np.array([0.0, 0.0, 1.0], dtype=np.float32), (len(p32), 1)))


def _eye_disc() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """An almond eye 1 wide facing +z: a dark pupil, a bright iris and a dim, half-clear white between the
    lids (|y| ≤ 0.28·(1 − 4x²)), as rings with their own vertices (crisp edges). Returns positions,
    RGBA vertex colours (multiplied by each figure's colour) and triangles."""
    lid = 0.28
    a = 2.0 * np.pi * np.arange(_EYE_SEGMENTS) / _EYE_SEGMENTS
    dx, dy = np.sin(a), np.cos(a)
    # Where the ray at angle a leaves the lids: lid·4·dx²·r² + |dy|·r − lid = 0.
    qa = 4.0 * lid * dx * dx
    safe = np.where(qa > 1e-12, qa, 1.0)
    r_lid = np.where(qa > 1e-12, (-np.abs(dy) + np.sqrt(dy * dy + 4.0 * qa * lid)) / (2.0 * safe), lid)
    ring_radius = [np.full_like(a, 0.09), np.full_like(a, 0.22), r_lid]
    shades = ((0.03, 0.03, 0.03, 1.0), (1.0, 1.0, 1.0, 1.0), (0.3, 0.3, 0.3, 0.45))  # pupil, iris, white
    j = np.arange(_EYE_SEGMENTS)
    jn = (j + 1) % _EYE_SEGMENTS
    n = _EYE_SEGMENTS
    pos, col, tris = [], [], []
    k = 0
    inner = np.zeros_like(a)
    for radius, shade in zip(ring_radius, shades):
        if not inner.any():                       # the pupil: a fan around the centre
            ring = np.concatenate([[[0.0, 0.0, 0.0]], np.stack([radius * dx, radius * dy, 0 * a], axis=1)])
            tris.append(np.stack([np.zeros_like(j), 1 + j, 1 + jn], axis=1) + k)
        else:
            ring = np.concatenate([np.stack([inner * dx, inner * dy, 0 * a], axis=1),
                                   np.stack([radius * dx, radius * dy, 0 * a], axis=1)])
            tris.append(np.stack([j, n + j, n + jn], axis=1) + k)
            tris.append(np.stack([j, n + jn, jn], axis=1) + k)
        pos.append(ring)
        col.append(np.tile(shade, (len(ring), 1)))
        k += len(ring)
        inner = radius
    p = np.concatenate(pos).astype(np.float32)
    t = np.concatenate(tris)
    facing = np.tile(np.array([0.0, 0.0, 1.0], dtype=np.float32), (len(p), 1))
    return p, np.concatenate(col).astype(np.float32), _orient(p, t, facing)


def terrain_arrays(terrain: Any) -> tuple[np.ndarray, np.ndarray]:
    """Terrain vertex positions (n², 3) float32 and CCW-from-above triangles (2(n−1)², 3): vertex (r, c)
    at x = (c/(n−1) − ½)·size_x, y = height_zx[r, c], z = (r/(n−1) − ½)·size_z, row-major."""
    n = int(terrain.resolution)
    sx, sz = terrain.size
    x = ((np.arange(n, dtype=np.float64) / (n - 1) - 0.5) * sx).astype(np.float32)
    z = ((np.arange(n, dtype=np.float64) / (n - 1) - 0.5) * sz).astype(np.float32)
    pos = np.empty((n, n, 3), dtype=np.float32)
    pos[..., 0] = x[None, :]
    pos[..., 1] = terrain.height_zx
    pos[..., 2] = z[:, None]
    r, c = np.meshgrid(np.arange(n - 1, dtype=np.int64), np.arange(n - 1, dtype=np.int64), indexing="ij")
    a = (r * n + c).reshape(-1)
    # a → a+n (+z) → a+1 (+x) turns counter-clockwise seen from above (+y).
    tris = np.stack([a, a + n, a + 1, a + 1, a + n, a + n + 1], axis=1).reshape(-1, 3)
    return pos.reshape(-1, 3), tris


def _stage_arrays(stage: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Body (surface fan + outer wall) and rim (rim top + its inner face): positions, normals, triangles."""
    pts = np.asarray(stage.outline_i, dtype=np.float64)
    k = len(pts)
    c = np.array(stage.center, dtype=np.float64)
    rel = pts - c
    r = np.sqrt((rel ** 2).sum(axis=1))
    safe = np.where(r > 0, r, 1.0)
    outer = c + rel * ((r + stage.rim_width) / safe)[:, None]
    top, rim_top, base = float(stage.top), float(stage.top + stage.rim_height), float(stage.base)
    j = np.arange(k)
    jn = (j + 1) % k

    class Part:
        def __init__(self) -> None:
            self.p: list[np.ndarray] = []
            self.n: list[np.ndarray] = []
            self.t: list[np.ndarray] = []
            self.count = 0

        def add(self, xz: np.ndarray, y: np.ndarray, normal: np.ndarray) -> np.ndarray:
            self.p.append(np.stack([xz[:, 0], y, xz[:, 1]], axis=1))
            self.n.append(np.broadcast_to(normal, (len(xz), 3)))
            idx = np.arange(self.count, self.count + len(xz))
            self.count += len(xz)
            return idx

        def wall(self, xz: np.ndarray, y0: float, y1: float, sign: float) -> None:
            if stage.shape == "disc":               # smooth: one radial normal per outline point
                rad = (xz - c) / np.sqrt(((xz - c) ** 2).sum(axis=1))[:, None]
                n3 = np.stack([rad[:, 0], np.zeros(k), rad[:, 1]], axis=1) * sign
                lo = self.add(xz, np.full(k, y0), n3)
                hi = self.add(xz, np.full(k, y1), n3)
                a, b, cc, d = lo[j], lo[jn], hi[j], hi[jn]
            else:                                   # flat sides: each side its own four corners
                e = xz[jn] - xz[j]
                en = np.stack([e[:, 1], np.zeros(k), -e[:, 0]], axis=1)
                en /= np.sqrt((en ** 2).sum(axis=1))[:, None]
                mid = 0.5 * (xz[j] + xz[jn]) - c
                en *= np.where(en[:, 0] * mid[:, 0] + en[:, 2] * mid[:, 1] < 0, -1.0, 1.0)[:, None] * sign
                quad = np.concatenate([xz[j], xz[jn], xz[j], xz[jn]])
                ys = np.repeat([y0, y0, y1, y1], k)
                idx = self.add(quad, ys, np.tile(en, (4, 1)))
                a, b, cc, d = idx[:k], idx[k:2 * k], idx[2 * k:3 * k], idx[3 * k:]
            self.t.append(np.stack([a, b, cc], axis=1))
            self.t.append(np.stack([cc, b, d], axis=1))

        def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
            p = np.concatenate(self.p).astype(np.float32)
            n = np.concatenate(self.n).astype(np.float32)
            return p, n, _orient(p, np.concatenate(self.t), n)

    up = np.array([0.0, 1.0, 0.0])
    body = Part()
    ctr = body.add(c[None, :], np.array([top]), up)[0]
    ring = body.add(pts, np.full(k, top), up)
    body.t.append(np.stack([np.full(k, ctr), ring[jn], ring[j]], axis=1))
    body.wall(outer, base, rim_top, 1.0)
    rim = Part()
    inner_t = rim.add(pts, np.full(k, rim_top), up)
    outer_t = rim.add(outer, np.full(k, rim_top), up)
    rim.t.append(np.stack([inner_t[j], inner_t[jn], outer_t[j]], axis=1))
    rim.t.append(np.stack([outer_t[j], inner_t[jn], outer_t[jn]], axis=1))
    if stage.rim_height > 0.0:
        rim.wall(pts, top, rim_top, -1.0)
    return (*body.arrays(), *rim.arrays())


def _tube(center: np.ndarray, radius: np.ndarray, sides: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A tube of `sides` around a polyline with a radius per point: positions, outward normals, triangles."""
    c = center.astype(np.float64)
    m = len(c)
    t = np.empty_like(c)
    t[1:-1] = c[2:] - c[:-2]
    t[0], t[-1] = c[1] - c[0], c[-1] - c[-2]
    t = _unit(t)
    ref = np.where(np.abs(t[:, 1:2]) > 0.9, np.array([[1.0, 0.0, 0.0]]), np.array([[0.0, 1.0, 0.0]]))
    s = _unit(np.cross(t, ref))
    u = np.cross(s, t)
    a = 2.0 * np.pi * np.arange(sides) / sides
    normal = np.cos(a)[None, :, None] * s[:, None, :] + np.sin(a)[None, :, None] * u[:, None, :]
    pos = c[:, None, :] + radius.astype(np.float64)[:, None, None] * normal
    i, j = np.meshgrid(np.arange(m - 1), np.arange(sides), indexing="ij")
    v0 = i * sides + j
    v1 = i * sides + (j + 1) % sides
    tris = np.stack([v0, v1, v0 + sides, v0 + sides, v1, v1 + sides], axis=-1).reshape(-1, 3)
    p = pos.reshape(-1, 3).astype(np.float32)
    n = normal.reshape(-1, 3).astype(np.float32)
    return p, n, _orient(p, tris, n)


# ------------------------------------------------------------------------------------------ components

def _terrain(w: _Writer, terrain: Any) -> int:
    pos, tris = terrain_arrays(terrain)
    n = len(pos)
    attrs = {"POSITION": w.accessor(pos, bounds=True),
             "NORMAL": w.accessor(terrain.normal_zx.reshape(-1, 3)),
             "COLOR_0": w.accessor(_rgba(terrain.color_zx.reshape(-1, 3)))}
    mat = w.material(_material("terrain", (1.0, 1.0, 1.0), roughness=0.9))
    mesh = w.mesh("terrain", [_prim(attrs, mat, w.indices(tris, n))])
    return w.node("terrain", mesh=mesh, extras={
        "size": terrain.size, "resolution": terrain.resolution, "height_range": terrain.height_range,
        "pad": {"center": terrain.pad_center, "radius": terrain.pad_radius, "blend": terrain.pad_blend,
                "level": terrain.pad_level},
        "grid": "vertex (r, c) = row-major index r·n + c at x = (c/(n−1) − ½)·size_x, z = (r/(n−1) − ½)·size_z"})


def _stage(w: _Writer, stage: Any) -> int:
    bp, bn, bt, rp, rn, rt = _stage_arrays(stage)
    body = w.material(_material(
        f"stage ({stage.material})", stage.color, metallic=stage.metallic, roughness=stage.roughness,
        emissive=stage.color, glow=stage.glow, transmission=stage.transmission))
    rim = w.material(_material("stage rim", stage.rim_color, metallic=stage.metallic,
                               roughness=stage.roughness, emissive=stage.rim_color, glow=stage.glow))
    prims = [_prim({"POSITION": w.accessor(bp, bounds=True), "NORMAL": w.accessor(bn)}, body,
                   w.indices(bt, len(bp)))]
    if len(rt):
        prims.append(_prim({"POSITION": w.accessor(rp, bounds=True), "NORMAL": w.accessor(rn)}, rim,
                           w.indices(rt, len(rp))))
    mesh = w.mesh("stage", prims)
    return w.node("stage", mesh=mesh, extras={
        "shape": stage.shape, "center": stage.center, "rotation": stage.rotation, "base": stage.base,
        "top": stage.top, "radius": stage.radius, "material": stage.material, "glow": stage.glow,
        "transmission": stage.transmission, "mark": stage.mark,
        "rim": {"width": stage.rim_width, "height": stage.rim_height, "color": stage.rim_color},
        "ripple": {"amplitude": stage.ripple_amplitude, "wavelength": stage.ripple_wavelength,
                   "speed": stage.ripple_speed, "damping": stage.ripple_damping,
                   "origins": stage.ripple_origin_i, "phases": stage.ripple_phase_i}})


def _flaw_children(w: _Writer, flaw: Any, radius: float, color: Any) -> list[int]:
    kids = []
    pts = flaw.crack_point_j
    if len(pts) > 1:
        last = np.zeros(len(pts), dtype=bool)
        last[flaw.crack_start_k + flaw.crack_count_k - 1] = True
        first = np.flatnonzero(~last)
        pairs = np.stack([first, first + 1], axis=1)
        lifted = (pts.astype(np.float64) * _CRACK_LIFT).astype(np.float32)
        mat = w.material(_material("crack", flaw.crack_color, unlit=True, extras={"glow": flaw.crack_glow}))
        mesh = w.mesh("cracks", [_prim({"POSITION": w.accessor(lifted, bounds=True),
                                        "_AGE": w.accessor(flaw.crack_age_j)}, mat,
                                       w.indices(pairs, len(pts)), mode=_LINES)])
        kids.append(w.node("cracks", mesh=mesh, extras={
            "space": "unit sphere (the parent's scale is the radius)", "lift": _CRACK_LIFT,
            "width": flaw.crack_width, "_AGE": "when each point is reached as the cracks spread, 0…1",
            "parent_k": flaw.crack_parent_k}))
    if len(flaw.shard_dir_s):
        # Where each shard is at t = 0 (age = phase), in unit-sphere space; the motion is in attributes.
        age = flaw.shard_phase_s.astype(np.float64) * flaw.shard_life_s
        d = flaw.shard_dir_s.astype(np.float64)
        p = d * ((radius + flaw.shard_speed_s * age) / radius)[:, None]
        p[:, 1] -= 0.5 * flaw.shard_fall * age * age / radius
        mat = w.material(_material("shard", color, unlit=True))
        mesh = w.mesh("shards", [_prim({
            "POSITION": w.accessor(p.astype(np.float32), bounds=True), "_DIRECTION": w.accessor(flaw.shard_dir_s),
            "_SPEED": w.accessor(flaw.shard_speed_s), "_LIFE": w.accessor(flaw.shard_life_s),
            "_PHASE": w.accessor(flaw.shard_phase_s), "_SIZE": w.accessor(flaw.shard_size_s)}, mat,
            mode=_POINTS)])
        kids.append(w.node("shards", mesh=mesh, extras={
            "space": "unit sphere at t = 0", "fall": flaw.shard_fall, "smoke_color": flaw.smoke_color,
            "motion": "age = fract(t / _LIFE + _PHASE); centre + _DIRECTION·(radius + _SPEED·age·_LIFE) "
                      "− (0, ½·fall·(age·_LIFE)², 0), world metres"}))
    return kids


def _spheres(w: _Writer, spheres: Any) -> list[int]:
    n = len(spheres.center_i)
    if n == 0:
        return []
    unit, tris = uv_sphere(_SPHERE_SLICES, _SPHERE_STACKS)
    pos_acc = w.accessor(unit, bounds=True)
    nrm_acc = w.accessor(unit)
    idx_acc = w.indices(tris, len(unit))
    meshes: dict[int, int] = {}
    nodes = []
    for i in range(n):                      # a handful of spheres (64 at most): one node each
        color = spheres.color_i[i]
        mat = w.material(_material(
            f"crystal sphere {i}", color, roughness=_CRYSTAL_ROUGHNESS, emissive=color,
            glow=float(spheres.glow_i[i]), transmission=_CRYSTAL_TRANSMISSION, strength=True))
        if mat not in meshes:
            meshes[mat] = w.mesh(f"sphere {len(meshes)}", [_prim({"POSITION": pos_acc, "NORMAL": nrm_acc}, mat,
                                                                 idx_acc)])
        r = float(spheres.radius_i[i])
        extras: dict[str, Any] = {
            "index": i, "tone_hz": spheres.tone_hz_i[i], "sound_hz": spheres.sound_hz_i[i],
            "glow": spheres.glow_i[i], "pulse": {"rate": spheres.pulse_rate_i[i], "depth": spheres.pulse_depth_i[i],
                                                 "phase": spheres.pulse_phase_i[i]},
            "float_phase": spheres.float_phase_i[i]}
        kids: list[int] = []
        k = int(spheres.flaw_i[i])
        if k >= 0:
            f = spheres.flaws[k]
            extras["flaw"] = {
                "flicker": f.flicker, "flicker_rate": f.flicker_rate, "flicker_seed": f.flicker_seed,
                "flicker_freq_h": f.flicker_freq_h, "flicker_phase_h": f.flicker_phase_h,
                "crack_color": f.crack_color, "crack_glow": f.crack_glow, "detune_cents": f.detune_cents,
                "sound_hz": f.sound_hz, "buzz": f.buzz, "buzz_hz": f.buzz_hz}
            kids = _flaw_children(w, f, r, color)
        nodes.append(w.node(f"sphere {i}", mesh=meshes[mat], children=kids or None,
                            translation=_vec(spheres.center_i[i]), scale=[r, r, r], extras=extras))
        w.refs.setdefault("spheres", []).append({"node": nodes[-1], "material": mat, "children": kids})
    return nodes


def _instrument(w: _Writer, inst: Any) -> int:
    p, nrm, tris = _tube(inst.crystal_j, inst.thickness_j, _TUBE_SIDES)
    crystal = w.material(_material("instrument crystal", inst.color, roughness=_CRYSTAL_ROUGHNESS,
                                   emissive=inst.color, glow=0.5 * inst.glow,
                                   transmission=_CRYSTAL_TRANSMISSION, strength=True))
    w.refs["instrument_material"] = crystal
    light = w.material(_material("instrument light", inst.light_color, unlit=True, extras={"glow": inst.glow}))
    m = len(inst.light_j)
    u = (np.arange(m, dtype=np.float64) / max(m - 1, 1)).astype(np.float32)
    mesh = w.mesh("instrument", [
        _prim({"POSITION": w.accessor(p, bounds=True), "NORMAL": w.accessor(nrm)}, crystal, w.indices(tris, len(p))),
        _prim({"POSITION": w.accessor(inst.light_j, bounds=True), "_U": w.accessor(u)}, light, mode=_LINE_STRIP),
    ])
    return w.node("instrument", mesh=mesh, extras={
        "base": inst.base, "height": inst.height, "turns": inst.turns, "glow": inst.glow,
        "flow_rate": inst.flow_rate, "centreline_j": inst.crystal_j, "thickness_j": inst.thickness_j,
        "flow": "brightness along the light = ½ + ½·sin(2π·(flow_rate·t − _U·turns))"})


INSTANCE_LAYOUTS = ("gpu", "nodes")


def _mean_color(c: np.ndarray) -> list[float]:
    """The mean of (n, 3) colours, clipped to 0…1; exact sums, the same on every machine."""
    c = np.asarray(c, dtype=np.float64)
    return [min(1.0, max(0.0, math.fsum(c[:, k]) / len(c))) for k in range(3)]


# The crowd's motion as morph targets of its figure (model units: 1 wide, 1 tall, front +z), one weight each:
# SILHOUETTE_TARGETS for silhouettes, EYE_TARGETS for eyes. Each group is cut into PHASE_GROUPS sub-groups by
# the figures' sway rate and phase (RATE_GROUPS × PHASE_GROUPS), one node each, whose weights the animations
# drive (per-figure motion has no glTF form).
SILHOUETTE_TARGETS = ("sway", "breathe", "bow", "rise", "turn", "reach", "lean")
EYE_TARGETS = ("breathe",)
PHASE_GROUPS = 4
RATE_GROUPS = 4
_HIP = 0.44
_BOW_DEG = 60.0


def _figure_targets(p: np.ndarray, figure: str, aspect: float) -> list[np.ndarray]:
    """Morph-target displacements (v, 3) of a figure's vertices p; aspect = height / width of its figures.

    sway: a lean of 1 rad about the feet in the figure's plane (first order, as the weight is the angle);
    breathe: height × (1 + w), width × (1 + 0.35·w), as our shader swells a breath (eyes: both × (1 + w));
    bow: the body above the hips bent 60° towards the front; rise: 12 % taller; turn: a quarter turn about
    +y; reach: arms raised by 0.3 heights; lean: the figure sheared a quarter of its height to the front."""
    x, y = p[:, 0].astype(np.float64), p[:, 1].astype(np.float64)
    zero = np.zeros_like(x)
    if figure == "eye":
        return [np.stack([x, y, zero], axis=1).astype(np.float32)]
    upper = np.clip(y - _HIP, 0.0, None)
    a = math.radians(_BOW_DEG)
    arms = (np.abs(x * _CARD_WIDTH) >= 0.097 - 1e-6) & (y >= _HIP - 1e-6) & (y <= 0.72 + 1e-6)
    return [np.stack(v, axis=1).astype(np.float32) for v in (
        (y * aspect, -x / aspect, zero),                                   # sway
        (0.35 * x, y, zero),                                               # breathe
        (zero, -upper * (1.0 - math.cos(a)), upper * math.sin(a) * aspect),  # bow
        (zero, 0.12 * y, zero),                                            # rise
        (-x, zero, -x),                                                    # turn
        (zero, np.where(arms, 0.3, 0.0), zero),                            # reach
        (zero, zero, 0.25 * y * aspect))]                                  # lean


def phase_groups(phase: np.ndarray, frequency: np.ndarray | None = None, count: int = PHASE_GROUPS,
                 rates: int = RATE_GROUPS) -> list[np.ndarray]:
    """Indices of the figures in each motion sub-group: with `frequency`, first `rates` bands of equal
    numbers of figures by sway frequency, then in each `count` equal arcs of 2π by phase (figures far apart in
    rate drift apart in phase, so a sub-group shares both); without, by phase alone."""
    def arcs(ph: np.ndarray) -> np.ndarray:
        k = np.floor(np.mod(ph.astype(np.float64), 2.0 * math.pi) / (2.0 * math.pi) * count).astype(np.int64)
        return np.minimum(k, count - 1)

    if frequency is None or rates <= 1:
        k = arcs(phase)
        return [np.flatnonzero(k == j) for j in range(count)]
    f = frequency.astype(np.float64)
    order = np.argsort(f, kind="stable")
    band = np.empty(len(f), dtype=np.int64)
    band[order] = np.arange(len(f)) * rates // max(len(f), 1)
    k = arcs(phase)
    return [np.flatnonzero((band == b) & (k == j)) for b in range(rates) for j in range(count)]


def _circular_mean(a: np.ndarray) -> float:
    return float(math.atan2(math.fsum(np.sin(a.astype(np.float64))), math.fsum(np.cos(a.astype(np.float64)))))


def _audience(w: _Writer, groups: tuple[Any, ...], instances: str = "gpu",
              dissolving: frozenset[int] = frozenset(), motion: bool = True) -> list[int]:
    """One node per group. "gpu": PHASE_GROUPS child nodes, each drawing its figures with
    EXT_mesh_gpu_instancing and morphing with its own weights. "nodes": a child node per figure sharing the
    group's mesh, for viewers that lack the extension (each figure then takes the group's mean colour: a
    material cannot vary per node; the figures do not move). `dissolving`: groups whose mist a performance
    dissolves (their material blends, so that its alpha can fall). motion=False leaves the morph targets out
    (Blender's importer, 4.2 to 4.5, fails on instanced meshes that have them)."""
    nodes = []
    eye = None
    for g in groups:
        n = len(g.pos_i)
        if n == 0:
            continue
        glow = g.color_i * g.brightness_i[:, None]
        tint = (1.0, 1.0, 1.0) if instances == "gpu" else _mean_color(glow)
        if g.figure == "eye":
            if eye is None:
                p, col, t = _eye_disc()
                eye = ({"POSITION": w.accessor(p, bounds=True), "COLOR_0": w.accessor(col)}, w.indices(t, len(p)),
                       [{"POSITION": w.accessor(d, bounds=True)} for d in _figure_targets(p, "eye", 1.0)]
                       if motion else [])
            attrs, idx, targets = eye
            names: tuple[str, ...] = EYE_TARGETS
            mat = w.material(_material(f"eye ({g.name})", tint, unlit=True, double_sided=True, blend=True))
        else:
            p, t = _silhouette_card()
            aspect = float(np.median(g.height_i.astype(np.float64) / g.width_i.astype(np.float64)))
            attrs, idx = {"POSITION": w.accessor(p, bounds=True)}, w.indices(t, len(p))
            targets = ([{"POSITION": w.accessor(d, bounds=True)} for d in _figure_targets(p, "silhouette", aspect)]
                       if motion else [])
            names = SILHOUETTE_TARGETS
            alpha = 1.0 - _MIST_ALPHA * float(g.mist)
            mat = w.material(_material(f"silhouette ({g.name})", tint, alpha=alpha, unlit=True,
                                       double_sided=True, blend=alpha < 1.0 or g.index in dissolving))
        if not motion:
            names = ()
        prim = _prim(dict(attrs), mat, idx)
        if targets:
            prim["targets"] = targets
        mesh = w.mesh(f"{g.figure} ({g.name})", [prim], extras={"targetNames": list(names)} if names else None)
        # The node stands at the first figure, the instances are relative to it: a viewer without the
        # extension draws the prototype once there, a figure in its place rather than one at the origin.
        anchor = g.pos_i[0].astype(np.float32)
        rel = (g.pos_i.astype(np.float64) - anchor.astype(np.float64)).astype(np.float32)
        scale = np.stack([g.width_i, g.height_i, g.width_i], axis=1)
        quats = _yaw_pitch_quats(g.facing_i, g.pitch_i)
        mood = None if g.mood_color is None else {"color": g.mood_color, "period": g.mood_period,
                                                   "strength": g.mood_strength}
        extras = {
            "index": g.index, "layout": g.layout, "figure": g.figure, "facing": g.facing,
            "requested": g.requested, "placed": g.placed, "spacing": g.spacing, "origin": g.origin,
            "inner": g.inner, "outer": g.outer, "rows": g.rows, "dome_radius": g.dome_radius, "mist": g.mist,
            "shimmer": g.shimmer, "shimmer_rate": g.shimmer_rate,
            "breathing": {"rate": g.breathing_rate, "depth": g.breathing_depth, "unison": g.breathing_unison,
                          "phase": g.breathing_phase},
            "mood": mood}
        ref: dict[str, Any] = {"group": g.index, "material": mat, "targets": names, "subgroups": []}
        w.refs.setdefault("groups", []).append(ref)
        if instances == "nodes":
            kids = [w.node(f"{g.name} {i}", mesh=mesh, translation=t, rotation=q, scale=sc)
                    for i, (t, q, sc) in enumerate(zip(rel.tolist(), quats.tolist(), scale.tolist()))]
            nodes.append(w.node(g.name, translation=_vec(anchor), children=kids, extras={
                **extras, "instances": "one child node per figure: translation relative to this node, rotation "
                                       "turns the model's front (+z) to the facing yaw and pitch, scale = "
                                       "(width, height, width), metres; colour: the group's mean"}))
            continue
        w.used.add("EXT_mesh_gpu_instancing")
        sway = np.stack([g.sway_amplitude_i, g.sway_frequency_i], axis=1)
        kids = []
        cut = phase_groups(g.phase_i, g.sway_frequency_i if g.figure != "eye" else None)
        for j, members in enumerate(cut):
            if not len(members):
                continue
            inst = {"TRANSLATION": w.accessor(rel[members], None), "ROTATION": w.accessor(quats[members], None),
                    "SCALE": w.accessor(scale[members], None), "_COLOR_0": w.accessor(glow[members], None),
                    "_BRIGHTNESS": w.accessor(g.brightness_i[members], None),
                    "_PHASE": w.accessor(g.phase_i[members], None), "_SWAY": w.accessor(sway[members], None),
                    "_SHIMMER": w.accessor(g.shimmer_i[members], None),
                    "_FIGURE": w.accessor(members.astype(np.float32), None)}
            sub = {"phase": _circular_mean(g.phase_i[members]),
                   "sway_amplitude": math.fsum(g.sway_amplitude_i[members].astype(np.float64)) / len(members),
                   "sway_frequency": math.fsum(g.sway_frequency_i[members].astype(np.float64)) / len(members)}
            kids.append(w.node(f"{g.name} · motion {j}", mesh=mesh, weights=[0.0] * len(names) if names else None,
                               extensions={"EXT_mesh_gpu_instancing": {"attributes": inst}},
                               extras={"figures": len(members), **sub}))
            ref["subgroups"].append({"node": kids[-1], **sub, "members": members})
        nodes.append(w.node(g.name, translation=_vec(anchor), children=kids, extras={
            **extras,
            "instances": f"{len(kids)} child nodes, the figures cut by sway rate and phase, each with "
                         "EXT_mesh_gpu_instancing: world position = this node's translation + TRANSLATION; "
                         "ROTATION turns the model's front (+z) to the facing yaw and pitch; SCALE = (width, "
                         "height, width), metres; _COLOR_0 = colour × brightness (linear); _SWAY = (amplitude "
                         "rad, frequency Hz); _FIGURE = the figure's index in the group (scene JSON order)",
            "morph_targets": list(names) or None}))
    return nodes


def _dome_uv() -> np.ndarray:
    """TEXCOORD_0 of uv_sphere(_DOME_SLICES, _DOME_STACKS) for the sky texture: u along the azimuth
    atan2(x, −z) from −π to π, v from the zenith to _SKY_LOWEST_DEG, then held at its last row."""
    lowest = (90.0 - _SKY_LOWEST_DEG) / 180.0 * _DOME_STACKS
    assert lowest == int(lowest), "the texture's lowest elevation must fall on a row of dome vertices"
    v = np.minimum(np.arange(_DOME_STACKS + 1) / lowest, 1.0)
    u = 1.0 - np.arange(_DOME_SLICES + 1) / _DOME_SLICES            # azimuth = π − φ of uv_sphere
    uu, vv = np.meshgrid(u, v)
    return np.stack([uu, vv], axis=-1).reshape(-1, 2).astype(np.float32)


def sky_texture(sky: Any) -> bytes:
    """The whole sky at t = 0 (gradient, nebula, watercolour streaks), as our renderer draws it, in an
    equirectangular 8-bit sRGB PNG laid out as _dome_uv reads it. Colours above 1 are clipped."""
    from ..color import linear_to_srgb

    srgb = linear_to_srgb(np.clip(sky_panorama(sky, _SKY_TEXTURE, _SKY_LOWEST_DEG, 0.0), 0.0, 1.0))
    # Stored, not deflated: compressed bytes may differ between zlib builds, and the file must not.
    return encode_png_rgb8(np.floor(srgb * 255.0 + 0.5).astype(np.uint8), compress=False)


def _sky(w: _Writer, scene: Any) -> int:
    sky = scene.sky
    cam = scene.camera
    origin = np.array([scene.stage.center[0], scene.stage.top, scene.stage.center[1]], dtype=np.float64)
    eye = np.array(cam.position, dtype=np.float64)
    d = math.sqrt(float(((eye - origin) ** 2).sum()))
    # Inside the far plane from the opening view: the far plane already reaches everything the scene holds.
    radius = max(0.98 * (cam.far - d), 10.0 * cam.near)
    unit, tris = uv_sphere(_DOME_SLICES, _DOME_STACKS)
    tris = tris[:, [0, 2, 1]]                                          # seen from inside
    pos = (unit.astype(np.float64) * radius + origin).astype(np.float32)
    # The sky glows by itself (emission, black base colour) rather than being unlit: an unlit surface is
    # seen only by the eye in Blender, where an emitting dome is also what the liquid-silver stage mirrors
    # and what lights the land softly, as the ambient light does in our renderer.
    glow = w.material({**_material("sky", (0.0, 0.0, 0.0), emissive=(1.0, 1.0, 1.0), glow=1.0, strength=True),
                       "emissiveTexture": {"index": w.texture(sky_texture(sky), {
                           "magFilter": _LINEAR, "minFilter": _LINEAR_MIPMAP_LINEAR, "wrapS": _REPEAT,
                           "wrapT": _CLAMP_TO_EDGE}, "sky at t = 0")}})
    prims = [_prim({"POSITION": w.accessor(pos, bounds=True), "TEXCOORD_0": w.accessor(_dome_uv())},
                   glow, w.indices(tris, len(pos)))]
    w.refs["sky_material"] = glow
    st = sky.stars
    if len(st.dir_i):
        unlit = w.material(_material("stars", (1.0, 1.0, 1.0), unlit=True))
        spos = (st.dir_i.astype(np.float64) * (radius * _STAR_LIFT) + origin).astype(np.float32)
        scol = np.clip(st.tint_i * st.brightness_i[:, None], 0.0, 1.0).astype(np.float32)
        prims.append(_prim({"POSITION": w.accessor(spos, bounds=True), "COLOR_0": w.accessor(_rgba(scol)),
                            "_SIZE": w.accessor(st.size_i), "_BRIGHTNESS": w.accessor(st.brightness_i),
                            "_TWINKLE": w.accessor(st.twinkle_i), "_RATE": w.accessor(st.rate_i),
                            "_PHASE": w.accessor(st.phase_i)}, unlit, mode=_POINTS,
                           extras={"stars": "twinkle: _BRIGHTNESS·(1 − _TWINKLE·(½ − ½·sin(2π·_RATE·t + _PHASE))); "
                                            "_SIZE in pixels at 720 lines"}))
    sc = sky.screens
    q = len(sc.center_q)
    if q:
        hw, hh = 0.5 * sc.size[0], 0.5 * sc.size[1]
        c = sc.center_q.astype(np.float64)
        r = sc.right_q.astype(np.float64) * hw
        u = sc.up_q.astype(np.float64) * hh
        corners = np.stack([c - r - u, c + r - u, c - r + u, c + r + u], axis=1).reshape(-1, 3).astype(np.float32)
        k = 4 * np.arange(q)[:, None]
        t = (np.array([[0, 1, 3], [0, 3, 2]])[None] + k[:, :, None]).reshape(-1, 3)
        normals = np.repeat(sc.normal_q, 4, axis=0)
        t = _orient(corners, t, normals)
        screen = w.material(_material("sky screen", sc.color, unlit=True, double_sided=True))
        w.refs["screen_material"] = screen
        prims.append(_prim({"POSITION": w.accessor(corners, bounds=True)}, screen, w.indices(t, len(corners)),
                           extras={"screens": {"flow_rate": sc.flow_rate, "flow_phase_q": sc.flow_phase_q,
                                               "flow_seed_q": sc.flow_seed_q, "follows": sc.follows}}))
    mesh = w.mesh("sky", prims)
    g = sky.gradient

    def pal(p: Any) -> Any:
        return None if p is None else {"name": p.name, "zenith": p.zenith, "horizon": p.horizon, "glow": p.glow}

    s = sky.streaks
    neb = sky.nebula
    return w.node("sky", mesh=mesh, extras={
        "dome_radius": radius, "center": origin,
        "texture": "the whole sky at t = 0 without its stars: equirectangular, u = (azimuth atan2(x, −z) + π) / 2π, "
                   "v from the zenith (0) to 15° below the horizon (1)",
        "gradient": {"from": pal(g.start), "to": pal(g.to), "cycle": g.cycle, "glow_azimuth": g.glow_azimuth,
                     "blend": "w(t) = ½ − ½·cos(2π·t / cycle)"},
        "streaks": {"color_s": s.color_s, "azimuth_s": s.azimuth_s, "elevation_s": s.elevation_s,
                    "width_s": s.width_s, "length_s": s.length_s, "tilt_s": s.tilt_s, "drift_s": s.drift_s,
                    "phase_s": s.phase_s, "intensity_s": s.intensity_s, "softness": s.softness},
        "nebula": {"density": neb.density, "color_c": neb.color_c, "scale": neb.scale, "swirl": neb.swirl,
                   "brightness": neb.brightness, "offset": neb.offset},
        "stars": {"min_elevation": st.min_elevation}})


def _lights(w: _Writer, lights: Any) -> list[int]:
    nodes = []
    key = w.light({"name": "key", "type": "directional", "color": _vec(lights.key_color),
                   "intensity": _PI * float(lights.key_intensity)})
    nodes.append(w.node("key light", rotation=look_rotation(lights.key_direction),
                        extensions={"KHR_lights_punctual": {"light": key}},
                        extras={"strength": lights.key_intensity, "direction": lights.key_direction}))
    for i in range(len(lights.spot_pos_s)):
        pos = lights.spot_pos_s[i].astype(np.float64)
        tgt = lights.spot_target_s[i].astype(np.float64)
        dist = max(math.sqrt(float(((tgt - pos) ** 2).sum())), 1.0)
        outer = float(lights.spot_cone_s[i])
        inner = min(float(lights.spot_inner_s[i]), outer * (1.0 - 1e-6))      # glTF: inner < outer
        spot = w.light({"name": f"spot {i}", "type": "spot", "color": _vec(lights.spot_color_s[i]),
                        "intensity": _PI * float(lights.spot_intensity_s[i]) * dist * dist,
                        "spot": {"innerConeAngle": inner, "outerConeAngle": outer}})
        w.refs.setdefault("spots", []).append({"node": len(w.doc["nodes"]), "light": spot})
        nodes.append(w.node(f"spotlight {i}", translation=_vec(lights.spot_pos_s[i]),
                            rotation=look_rotation(lights.spot_dir_s[i]),
                            extensions={"KHR_lights_punctual": {"light": spot}},
                            extras={"strength": lights.spot_intensity_s[i], "target": lights.spot_target_s[i],
                                    "softness": lights.spot_softness_s[i], "distance_to_target": dist}))
    return nodes


def _camera(w: _Writer, cam: Any) -> int:
    w.doc["cameras"].append({"name": "start", "type": "perspective", "perspective": {
        "yfov": math.radians(cam.fov), "aspectRatio": float(cam.aspect), "znear": float(cam.near),
        "zfar": float(cam.far)}})
    forward = np.array(cam.look_at, dtype=np.float64) - np.array(cam.position, dtype=np.float64)
    w.refs["camera"] = {"node": len(w.doc["nodes"]), "camera": len(w.doc["cameras"]) - 1}
    return w.node("camera", camera=len(w.doc["cameras"]) - 1, translation=_vec(cam.position),
                  rotation=look_rotation(forward, cam.up),
                  extras={"look_at": cam.look_at, "up": cam.up, "fov_degrees": cam.fov})


def _fog_color(scene: Any) -> list[float]:
    cam = scene.camera
    ahead = np.array(cam.look_at, dtype=np.float64) - np.array(cam.position, dtype=np.float64)
    # Rounded: numpy's vectorised cos and exp may differ in the last bit between CPUs; the file must not.
    return [round(float(c), 6) for c in sky_fog(scene.sky, ahead / np.linalg.norm(ahead), 0.0)]


def _dissolving(scene: Any) -> frozenset[int]:
    """Audience groups whose mist the scene's performance dissolves at some point."""
    perf = getattr(scene, "performance", None)
    out: set[int] = set()
    for ev in getattr(perf, "cues", ()):
        if getattr(ev, "action", None) == "dissolve":
            out.update(int(i) for i in ev.groups)
    return frozenset(out)


def _metadata(scene: Any) -> dict[str, Any]:
    return {"name": scene.name, "seed": scene.seed, "seed_hex": scene.seed_hex,
            "generator_version": scene.generator_version, "spec_hash": scene.spec_hash}


# ------------------------------------------------------------------------------------------- document

CROWD_MOTIONS = ("morph", "still")


def gltf_document(scene: Any, instances: str = "gpu", crowd_motion: str = "morph",
                  sound_uri: str | None = None) -> tuple[dict[str, Any], bytes]:
    """The glTF JSON (without `buffers`) and the binary buffer of a Scene. Pure and deterministic.

    instances: "gpu" draws each audience group with EXT_mesh_gpu_instancing; "nodes" gives every figure a
    node of its own, for viewers without the extension (Blender before 4, Godot). crowd_motion: "morph" moves
    the crowd by morph targets of its motion sub-groups; "still" leaves them out, for Blender (its importer
    fails on instanced meshes with morph targets). sound_uri: where the performance's sound lies beside the
    file (a WAV starting with the performance clip), named in the clip's and the scene's extras."""
    doc, w = _document(scene, instances, crowd_motion, sound_uri)
    return doc, w.binary()


def _document(scene: Any, instances: str, crowd_motion: str = "morph",
              sound_uri: str | None = None) -> tuple[dict[str, Any], _Writer]:
    """gltf_document's JSON, and the writer holding its buffer in pieces (for writers that stream them)."""
    if instances not in INSTANCE_LAYOUTS:
        raise ValueError(f"instances must be one of {', '.join(INSTANCE_LAYOUTS)}, not {instances!r}")
    if crowd_motion not in CROWD_MOTIONS:
        raise ValueError(f"crowd_motion must be one of {', '.join(CROWD_MOTIONS)}, not {crowd_motion!r}")
    w = _Writer(scene.name)
    top = [_terrain(w, scene.terrain), _stage(w, scene.stage)]
    props = _spheres(w, scene.props.spheres)
    if scene.props.instrument is not None:
        props.append(_instrument(w, scene.props.instrument))
    sp = scene.props.spheres
    if props:
        top.append(w.node("props", children=props, extras={
            "spheres": {"arrangement": sp.arrangement, "float_height": sp.float_height,
                        "float_rate": sp.float_rate, "spin_center": sp.spin_center, "spin_axis": sp.spin_axis,
                        "spin_rate": sp.spin_rate,
                        "pulse": "glow·(1 − depth·(½ − ½·cos(2π·rate·t + phase)))",
                        "float": "y += float_height·sin(2π·float_rate·t + float_phase)"}}))
    crowd = _audience(w, scene.audience, instances, _dissolving(scene), crowd_motion == "morph")
    if crowd:
        top.append(w.node("audience", children=crowd))
    top.append(_sky(w, scene))
    top += _lights(w, scene.lights)
    top.append(_camera(w, scene.camera))
    from .gltf_animation import animations

    sound = None
    if sound_uri is not None:
        sound = {"uri": sound_uri, "start": 0.0, "format": "WAV, 16-bit stereo", "rate": SOUND_RATE,
                 "what": "the performance's sound; sample 0 plays at the performance clip's time `start` (seconds)"}
    clips = animations(w, scene, sound)

    meta = _metadata(scene)
    lights = scene.lights
    scene_extras = {
        **meta, "units": "metres", "axes": {"up": "+y", "forward": "-z", "handedness": "right"},
        "colors": "linear RGB", "bounds_min": scene.bounds_min, "bounds_max": scene.bounds_max,
        "height_range": scene.terrain.height_range,
        "ambient": {"color": lights.ambient_color, "intensity": lights.ambient_intensity},
        "fog": {"distance": fog_distance(scene.terrain), "exponent": FOG_EXPONENT, "color": _fog_color(scene),
                "formula": "the land at distance d from the eye is mixed with the sky's horizon colour seen "
                           "past it by 1 − exp(−(d / distance)^exponent); color: that horizon colour along "
                           "the opening view at t = 0, for a viewer whose fog has one colour"},
        "sphere_tones": [{"sphere": i, "tone_hz": float(sp.tone_hz_i[i]), "sound_hz": float(sp.sound_hz_i[i])}
                         for i in range(len(sp.tone_hz_i))],
        "lights": "directional lux = π·strength, spot candela = π·strength·(distance to target)²: a "
                  "Lambert surface at the target is lit as scenegen's renderer lights it",
        "spec": spec_to_data(scene.spec)}
    if sound is not None:
        scene_extras["sound"] = sound
    doc: dict[str, Any] = {
        "asset": {"version": "2.0", "generator": f"scenegen {__version__}", "extras": _plain(meta)},
        "extensionsUsed": sorted(w.used),
        "scene": 0,
        "scenes": [{"name": scene.name, "nodes": top, "extras": _plain(scene_extras)}],
    }
    if w.lights:
        doc["extensions"] = {"KHR_lights_punctual": {"lights": w.lights}}
    if clips:
        doc["animations"] = clips
    for key in ("nodes", "meshes", "materials", "textures", "images", "samplers", "cameras", "accessors",
                "bufferViews"):
        if w.doc[key]:
            doc[key] = w.doc[key]
    return doc, w


def _json_bytes(doc: dict[str, Any]) -> bytes:
    return json.dumps(doc, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode("utf-8")


def gltf_bytes(scene: Any, binary: bool = True, bin_uri: str | None = None,
               instances: str = "gpu", crowd_motion: str = "morph",
               sound_uri: str | None = None) -> tuple[bytes, bytes | None]:
    """The file bytes: (glb, None) when binary; else (gltf JSON, None) with the buffer as a data: URI, or
    (gltf JSON, bin) with the buffer referring to `bin_uri`."""
    main, side = _file_pieces(scene, binary, bin_uri, instances, crowd_motion, sound_uri)
    return b"".join(main), (None if side is None else b"".join(side))


def _file_pieces(scene: Any, binary: bool, bin_uri: str | None, instances: str, crowd_motion: str = "morph",
                 sound_uri: str | None = None) -> tuple[list[bytes | memoryview], list[bytes | memoryview] | None]:
    """gltf_bytes's files as lists of pieces, the buffer's pieces as the writer made them: a .glb or a
    side-car .bin is written piece by piece, never joined into one copy of the whole file."""
    doc, w = _document(scene, instances, crowd_motion, sound_uri)
    buffer: dict[str, Any] = {"byteLength": w.size}
    if binary:
        doc["buffers"] = [buffer]
        js = _json_bytes(doc)
        js += b" " * (-len(js) % 4)
        pad = b"\0" * (-w.size % 4)
        total = 12 + 8 + len(js) + 8 + w.size + len(pad)
        head = [struct.pack("<III", _GLB_MAGIC, 2, total), struct.pack("<II", len(js), _GLB_JSON), js,
                struct.pack("<II", w.size + len(pad), _GLB_BIN)]
        return [*head, *w.parts, pad], None
    if bin_uri is None:
        buffer["uri"] = "data:application/octet-stream;base64," + base64.b64encode(w.binary()).decode("ascii")
        doc["buffers"] = [buffer]
        return [_json_bytes(doc) + b"\n"], None
    buffer["uri"] = quote(bin_uri)
    doc["buffers"] = [buffer]
    return [_json_bytes(doc) + b"\n"], w.parts


def export_gltf(scene: Any, path: str | os.PathLike, *, binary: bool | None = None, embed: bool = True,
                instances: str = "gpu", crowd_motion: str = "morph", sound: bool = True) -> list[Path]:
    """Write the scene as glTF 2.0: `.glb` (binary) or `.gltf` (JSON; the buffer embedded as a data: URI,
    or with embed=False in a side-car `<stem>.bin`). `binary` overrides the suffix; `instances` and
    `crowd_motion` are the crowd's layout and motion (see gltf_document). A scene with a performance also
    gets its sound beside it, `<stem>.wav` (sound=False leaves it out). Atomic (all files together).
    Returns the paths written."""
    target = Path(path)
    suffix = target.suffix.lower()
    if binary is None:
        if suffix not in (".glb", ".gltf"):
            raise ValueError(f"{target}: cannot tell glTF binary from JSON by the suffix {suffix or '(none)'!r}; "
                             "use .glb or .gltf")
        binary = suffix == ".glb"
    extra: list[tuple[Path, Any]] = []
    sound_uri = None
    perf = getattr(scene, "performance", None)
    if sound and perf is not None and perf.duration > 0.0:
        from ..perform import mix, wav_bytes

        wav = target.with_suffix(".wav")
        extra.append((wav, wav_bytes(mix(scene), SOUND_RATE)))
        sound_uri = quote(wav.name)
    if binary or embed:
        main, _ = _file_pieces(scene, binary, None, instances, crowd_motion, sound_uri)
        write_together([*extra, (target, main)])
        return [target, *[p for p, _ in extra]]
    side = target.with_suffix(".bin")
    main, blob = _file_pieces(scene, False, side.name, instances, crowd_motion, sound_uri)
    assert blob is not None
    write_together([*extra, (side, blob), (target, main)])
    return [target, side, *[p for p, _ in extra]]
