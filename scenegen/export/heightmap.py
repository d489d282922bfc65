"""Heightmaps for engines: 16-bit PNG, raw 16-bit, float EXR or .npy, seamless tiles, a side-car JSON, a colour preview.

Layout (every format): row 0 of the image is the terrain's north edge (z = −size_z/2, the scene's forward
direction, −z), rows run south (+z); column 0 is the west edge (x = −size_x/2), columns run east (+x).
Seen as a picture, the map is the terrain from above with −z up and +x right. Pixel (r, c) is terrain
vertex (r, c): the samples lie on the grid corners, so a map of n pixels spans n − 1 cells.

16-bit formats (.png, .r16, .raw) map the terrain's height range [min, max] onto 0…65535:
value = round((h − min) / (max − min) · 65535); h = min + value / 65535 · (max − min); the error is at
most half a step. .exr and .npy hold the heights in metres as float32, exactly as the Scene has them.
The side-car JSON (`<file>.json`, e.g. `out.png.json`) records all of it.
"""

from __future__ import annotations

import io
import json
import os
import struct
import zlib
from pathlib import Path
from typing import Any

import numpy as np

from .. import __version__
from ..fileio import write_together

__all__ = ["HEIGHTMAP_FORMATS", "HeightmapError", "quantize", "encode_png16", "encode_png_rgb8", "encode_png_rgba8",
           "encode_exr", "tile_ranges", "heightmap_outputs", "export_heightmap"]

FORMAT = "scenegen.heightmap/1"
HEIGHTMAP_FORMATS = {".png": "png16", ".r16": "r16", ".raw": "r16", ".exr": "exr", ".npy": "npy"}
_LEVELS = 65535
# Preview hillshade: light from the north-west, 45° up (the cartographers' convention), mixed in gently
# so the terrain's own colours stay readable.
_SUN = np.array([-1.0, 1.414, -1.0]) / 2.0
_SHADE = 0.6


class HeightmapError(ValueError):
    """A heightmap request that cannot be met (unknown suffix, tiles that do not divide the grid)."""


# ------------------------------------------------------------------------------------------ encoding

def quantize(height_zx: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """uint16 values of heights over [lo, hi] → 0…65535 (all 0 when the land is flat)."""
    h = height_zx.astype(np.float64)
    if not hi > lo:
        return np.zeros(h.shape, dtype=np.uint16)
    q = np.rint((h - lo) * (_LEVELS / (hi - lo)))
    return np.clip(q, 0, _LEVELS).astype(np.uint16)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def _stored_zlib(data: bytes) -> bytes:
    """A zlib stream of stored (uncompressed) deflate blocks: the same bytes from every zlib build, where
    compressed output may differ between zlib versions and forks (zlib-ng)."""
    out = [b"\x78\x01"]
    step = 65535
    for i in range(0, max(len(data), 1), step):
        block = data[i:i + step]
        last = i + step >= len(data)
        out.append(struct.pack("<BHH", int(last), len(block), len(block) ^ 0xFFFF) + block)
    out.append(struct.pack(">I", zlib.adler32(data) & 0xFFFFFFFF))
    return b"".join(out)


def _png(raw_rows: np.ndarray, width: int, height: int, bit_depth: int, color_type: int, bpp: int,
         text: dict[str, str] | None = None, compress: bool = True) -> bytes:
    """PNG bytes of rows of big-endian sample bytes (height, width·bpp), every row with filter Up (2):
    the difference to the row above, which smooth land turns into mostly small numbers for zlib.
    compress=False stores the rows uncompressed: bytes that do not depend on the zlib at hand."""
    up = raw_rows.copy()
    up[1:] -= raw_rows[:-1]                      # uint8 arithmetic wraps modulo 256, as PNG wants
    rows = np.empty((height, 1 + width * bpp), dtype=np.uint8)
    rows[:, 0] = 2
    rows[:, 1:] = up
    header = struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 0)
    chunks = [_chunk(b"IHDR", header)]
    for key, value in (text or {}).items():
        chunks.append(_chunk(b"tEXt", key.encode("latin-1") + b"\0" + value.encode("latin-1", "replace")))
    data = rows.tobytes()
    chunks.append(_chunk(b"IDAT", zlib.compress(data, 6) if compress else _stored_zlib(data)))
    chunks.append(_chunk(b"IEND", b""))
    return b"\x89PNG\r\n\x1a\n" + b"".join(chunks)


def encode_png16(values: np.ndarray, text: dict[str, str] | None = None) -> bytes:
    """A 16-bit greyscale PNG of uint16 values (h, w); PNG stores samples big-endian."""
    h, w = values.shape
    be = np.ascontiguousarray(values.astype(">u2")).view(np.uint8).reshape(h, 2 * w)
    return _png(be, w, h, 16, 0, 2, text)


def encode_png_rgb8(image: np.ndarray, text: dict[str, str] | None = None, compress: bool = True) -> bytes:
    """An 8-bit RGB PNG of a uint8 image (h, w, 3); compress=False: stored, the same bytes everywhere."""
    h, w, _ = image.shape
    return _png(np.ascontiguousarray(image, dtype=np.uint8).reshape(h, 3 * w), w, h, 8, 2, 3, text, compress)


def encode_png_rgba8(image: np.ndarray, text: dict[str, str] | None = None) -> bytes:
    """An 8-bit RGBA PNG of a uint8 image (h, w, 4)."""
    h, w, _ = image.shape
    return _png(np.ascontiguousarray(image, dtype=np.uint8).reshape(h, 4 * w), w, h, 8, 6, 4, text)


def _attr(name: str, kind: str, value: bytes) -> bytes:
    return name.encode("ascii") + b"\0" + kind.encode("ascii") + b"\0" + struct.pack("<i", len(value)) + value


def encode_exr(values: np.ndarray, channel: str = "Y") -> bytes:
    """A minimal OpenEXR 2.0 file: one FLOAT channel, no compression, scanlines in increasing y.

    Layout: magic and version, the required header attributes, the end of the header, a table of one
    uint64 offset per scanline, then per scanline its y, its byte count and its little-endian floats.
    """
    h, w = values.shape
    data = np.ascontiguousarray(values, dtype="<f4")
    box = struct.pack("<iiii", 0, 0, w - 1, h - 1)
    chlist = channel.encode("ascii") + b"\0" + struct.pack("<iB3xii", 2, 0, 1, 1) + b"\0"   # 2 = FLOAT
    header = b"".join([
        _attr("channels", "chlist", chlist),
        _attr("compression", "compression", b"\0"),                      # NO_COMPRESSION
        _attr("dataWindow", "box2i", box),
        _attr("displayWindow", "box2i", box),
        _attr("lineOrder", "lineOrder", b"\0"),                          # INCREASING_Y
        _attr("pixelAspectRatio", "float", struct.pack("<f", 1.0)),
        _attr("screenWindowCenter", "v2f", struct.pack("<ff", 0.0, 0.0)),
        _attr("screenWindowWidth", "float", struct.pack("<f", 1.0)),
    ]) + b"\0"
    start = 8 + len(header) + 8 * h
    line = 8 + 4 * w
    offsets = (start + line * np.arange(h, dtype=np.int64)).astype("<u8")
    blocks = np.empty((h, line), dtype=np.uint8)
    blocks[:, :4] = np.arange(h, dtype="<i4").view(np.uint8).reshape(h, 4)
    blocks[:, 4:8] = np.frombuffer(struct.pack("<i", 4 * w), dtype=np.uint8)
    blocks[:, 8:] = data.view(np.uint8).reshape(h, 4 * w)
    return struct.pack("<ii", 20000630, 2) + header + offsets.tobytes() + blocks.tobytes()


def _npy(values: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.save(buf, np.ascontiguousarray(values, dtype="<f4"), allow_pickle=False)
    return buf.getvalue()


def _encode(fmt: str, heights: np.ndarray, q: np.ndarray | None, text: dict[str, str]) -> bytes:
    if fmt == "png16":
        assert q is not None
        return encode_png16(q, text)
    if fmt == "r16":
        assert q is not None
        return np.ascontiguousarray(q, dtype="<u2").tobytes()
    if fmt == "exr":
        return encode_exr(heights)
    return _npy(heights)


# ------------------------------------------------------------------------------------------- preview

def preview_image(terrain: Any, hillshade: bool = True) -> np.ndarray:
    """(n, n, 3) uint8 sRGB of the terrain's colours from above, north up, optionally hillshaded."""
    from ..color import linear_to_srgb

    c = terrain.color_zx.astype(np.float64)
    if hillshade:
        nrm = terrain.normal_zx.astype(np.float64)
        lambert = np.clip(nrm[..., 0] * _SUN[0] + nrm[..., 1] * _SUN[1] + nrm[..., 2] * _SUN[2], 0.0, None)
        flat = _SUN[1]                                    # a level surface keeps its colour
        c = c * ((1.0 - _SHADE) + _SHADE * lambert / flat)[..., None]
    return np.rint(linear_to_srgb(c) * 255.0).astype(np.uint8)


# ------------------------------------------------------------------------------------------- tiling

def tile_ranges(resolution: int, tiles: int) -> list[tuple[int, int]]:
    """First and last sample (inclusive) of each of `tiles` tiles along a side; neighbours share one."""
    if not isinstance(tiles, int) or tiles < 1:
        raise HeightmapError(f"tiles must be a positive integer, not {tiles!r}")
    cells = resolution - 1
    if cells % tiles:
        divisors = [d for d in range(2, cells + 1) if cells % d == 0 and d <= 64]
        hint = f"; use one of {', '.join(map(str, divisors))}" if divisors else ""
        raise HeightmapError(
            f"cannot cut {tiles}×{tiles} seamless tiles from a {resolution}×{resolution} terrain: tiles share "
            f"their edge samples, so {tiles} must divide resolution − 1 = {cells}{hint}")
    step = cells // tiles
    return [(i * step, (i + 1) * step) for i in range(tiles)]


def _tile_name(path: Path, i: int, j: int) -> Path:
    return path.with_name(f"{path.stem}_x{i}_z{j}{path.suffix}")


def heightmap_outputs(path: str | os.PathLike, tiles: int = 1, engine: str | None = None,
                      layers: int = 0) -> list[Path]:
    """The files `export_heightmap(…, path, tiles=tiles, engine=engine)` writes, the preview aside: the map
    (or its N×N tiles), with an engine its normal, colour and splat maps (`layers` splat layers, four a
    file), then the side-car."""
    target = Path(path)
    maps = [target] if tiles == 1 else [_tile_name(target, i, j) for j in range(tiles) for i in range(tiles)]
    if engine is not None:
        stem = target.with_suffix("")
        maps += [stem.with_name(f"{stem.name}_{kind}.png") for kind in ("normal", "color")]
        maps += [stem.with_name(f"{stem.name}_splat{k}.png") for k in range(-(-layers // 4))]
    return [*maps, sidecar_path(target)]


def sidecar_path(path: str | os.PathLike) -> Path:
    """Where the side-car JSON of a heightmap goes: the file's name with `.json` appended."""
    p = Path(path)
    return p.with_name(p.name + ".json")


# ------------------------------------------------------------------------------------------- export

def _splat_pngs(names: list[str], weights: np.ndarray) -> list[tuple[np.ndarray, list[str]]]:
    """RGBA images of four layers each (the last one padded with empty channels) and their layer names."""
    q = np.floor(weights * 255.0 + 0.5).clip(0, 255).astype(np.uint8)
    out = []
    for k in range(0, len(names), 4):
        img = np.zeros(q.shape[:2] + (4,), dtype=np.uint8)
        img[..., :min(4, len(names) - k)] = q[..., k:k + 4]
        out.append((img, names[k:k + 4]))
    return out


def export_heightmap(scene: Any, path: str | os.PathLike, *, tiles: int = 1,
                     preview: str | os.PathLike | None = None, engine: str | None = None) -> list[Path]:
    """Write the terrain's heightmap in the format its suffix names (.png 16-bit greyscale, .r16/.raw
    16-bit little-endian, .exr 32-bit float, .npy float32), its side-car `<path>.json`, and with
    `preview` a colour PNG of the terrain from above. With tiles=N, N×N seamless tiles
    `<stem>_x<i>_z<j><suffix>` (i west → east, j north → south) that share their edge rows and columns;
    N must divide resolution − 1. With engine ("unity" or "unreal", see terrain_maps), the grid is
    resampled to a size that engine accepts and the maps its terrain importer takes are written beside:
    `<stem>_normal.png`, `<stem>_color.png`, `<stem>_splat<k>.png` (four layers each); the side-car gives
    the engine's scale settings. All files are written together or none is. Returns the paths written."""
    from . import terrain_maps

    target = Path(path)
    fmt = HEIGHTMAP_FORMATS.get(target.suffix.lower())
    if fmt is None:
        raise HeightmapError(f"{target}: unknown heightmap format {target.suffix or '(no suffix)'!r}; "
                             f"use one of {', '.join(sorted(HEIGHTMAP_FORMATS))}")
    if engine is not None and engine not in terrain_maps.ENGINES:
        raise HeightmapError(f"engine must be one of {', '.join(terrain_maps.ENGINES)}, not {engine!r}")
    terrain = scene.terrain
    lo, hi = (float(v) for v in terrain.height_range)
    if engine is None:
        n = int(terrain.resolution)
        heights = terrain.height_zx
    else:
        n = terrain_maps.engine_size(engine, int(terrain.resolution))
        # Bilinear between the grid's samples: inside [lo, hi], the one range every value uses.
        fine = terrain_maps.resample_grid(terrain.height_zx, n)
        heights = fine.astype(np.float32)
    ranges = tile_ranges(n, tiles)
    q = quantize(fine if engine is not None else heights, lo, hi) if fmt in ("png16", "r16") else None
    sx, sz = (float(v) for v in terrain.size)
    dx, dz = sx / (n - 1), sz / (n - 1)

    text = {"Software": f"scenegen {__version__}", "Source": f"seed {scene.seed_hex}",
            "Comment": f"heights {lo!r} .. {hi!r} m mapped to 0 .. 65535; row 0 is north (-z)"}
    files: list[tuple[Path, bytes]] = []
    items: list[dict[str, Any]] = []
    for j, (r0, r1) in enumerate(ranges):
        for i, (c0, c1) in enumerate(ranges):
            name = target if tiles == 1 else _tile_name(target, i, j)
            window = (slice(r0, r1 + 1), slice(c0, c1 + 1))
            files.append((name, _encode(fmt, heights[window], q[window] if q is not None else None, text)))
            items.append({
                "file": name.name, "x": i, "z": j, "columns": [c0, c1], "rows": [r0, r1],
                "resolution": [c1 - c0 + 1, r1 - r0 + 1],
                "world_x": [-0.5 * sx + c0 * dx, -0.5 * sx + c1 * dx],
                "world_z": [-0.5 * sz + r0 * dz, -0.5 * sz + r1 * dz]})

    side = sidecar_path(target)
    meta: dict[str, Any] = {
        "format": FORMAT, "file_format": fmt,
        "encoding": {
            "png16": "16-bit greyscale PNG (big-endian samples, as PNG stores them)",
            "r16": "raw unsigned 16-bit little-endian, no header, row-major",
            "exr": "OpenEXR, one FLOAT channel 'Y' in metres, uncompressed scanlines",
            "npy": "NumPy .npy, little-endian float32 metres, shape (rows, columns)"}[fmt],
        "name": scene.name, "seed": scene.seed, "seed_hex": scene.seed_hex,
        "generator": {"name": "scenegen", "version": __version__}, "generator_version": scene.generator_version,
        "spec_hash": scene.spec_hash,
        "resolution": [n, n], "size": [sx, sz], "spacing": [dx, dz],
        "world_x": [-0.5 * sx, 0.5 * sx], "world_z": [-0.5 * sz, 0.5 * sz],
        "units": "metres",
        "height_range": {"min": lo, "max": hi,
                         "applies_to": "every file and every tile: values are encoded with this one range"},
        "values": ("value 0…65535 ↔ height = min + value / 65535 · (max − min); error ≤ (max − min) / 131070"
                   if q is not None else "heights in metres, float32"
                   + (", exactly the scene's" if engine is None else ", resampled bilinearly")),
        "axes": {"up": "+y", "forward": "-z", "handedness": "right",
                 "rows": "row 0 is the north edge (z = world_z[0], the scene's −z, forward); rows run south (+z)",
                 "columns": "column 0 is the west edge (x = world_x[0]); columns run east (+x)",
                 "samples": "pixel (row, column) is terrain vertex (row, column): samples on grid corners"},
        "pad": {"center": list(terrain.pad_center), "radius": terrain.pad_radius, "level": terrain.pad_level},
        "tiles": {"count": [tiles, tiles], "overlap": 1, "tile_resolution": [ranges[0][1] - ranges[0][0] + 1] * 2,
                  "note": "neighbouring tiles share their edge row or column (identical samples); every tile "
                          "is decoded with the one height_range above",
                  "items": items},
        "preview": None,
        "engine": None,
    }
    if engine is not None:
        stem = target.with_suffix("")
        maps: dict[str, Any] = {}
        normal = stem.with_name(f"{stem.name}_normal.png")
        files.append((normal, encode_png_rgb8(terrain_maps.normal_map(scene, n))))
        maps["normal"] = {"file": normal.name, "resolution": [n, n],
                          "what": "unit normals (v + 1)/2 as RGB = (x, −z, y): green points north (up the image), "
                                  "blue up; the OpenGL convention"}
        color = stem.with_name(f"{stem.name}_color.png")
        files.append((color, encode_png_rgb8(terrain_maps.color_map(scene, n))))
        maps["color"] = {"file": color.name, "resolution": [n, n], "what": "the terrain's colours, sRGB, unshaded"}
        splat_n = n - 1 if engine == "unity" else n          # Unity's alphamaps are 2^k, sampled at texel centres
        names, weights = terrain_maps.splat_layers(scene, splat_n, centres=engine == "unity")
        splats = []
        for k, (img, layer_names) in enumerate(_splat_pngs(names, weights)):
            p = stem.with_name(f"{stem.name}_splat{k}.png")
            files.append((p, encode_png_rgba8(img)))
            splats.append({"file": p.name, "channels": dict(zip("RGBA", layer_names))})
        maps["splat"] = {"resolution": [splat_n, splat_n], "files": splats,
                         "samples": "texel centres (i + ½)/size of the extent" if engine == "unity"
                         else "grid corners, as the heights",
                         "what": "layer weights 0…255 summing to 255 per texel (± rounding): the stage pad, the "
                                 "ground the crowd stands on, slopes from 30° to 45°, then the colour ramp's "
                                 "stops by height, each with its share of the ramp's blend"}
        meta["engine"] = {"name": engine, **terrain_maps.engine_settings(engine, n, terrain), "maps": maps,
                          "resampled_from": [int(terrain.resolution)] * 2}
    if preview is not None:
        pv = Path(preview)
        files.append((pv, encode_png_rgb8(preview_image(terrain), {"Software": f"scenegen {__version__}"})))
        meta["preview"] = {"file": pv.name, "what": "terrain colours (sRGB) hillshaded from the north-west, "
                                                   "same orientation as the heightmap"}
    files.append((side, (json.dumps(meta, indent=1, ensure_ascii=False, allow_nan=False) + "\n").encode("utf-8")))
    write_together(files)
    return [p for p, _ in files]
