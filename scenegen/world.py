"""Endless worlds: the scene's land grown outward as a chunked Dask array, stored in Zarr, cut into LOD tiles.

A world of N × N samples is the terrain a seed file would generate at `terrain.resolution: N` with the
same sample spacing: the extent grows to spacing · (N − 1) metres, centred on the origin where the stage
stands. The land itself (noise, warp, terraces) is a function of world points and is the scene's at every
point they share. Two things are tied to the extent and grow with it:

- the island falloff: the coast runs along the world's edge, as the scene's runs along its own (within
  40 % of the half-extent from the origin the land is untouched, so the middle of a big world is open
  land, not the scene's island repeated);
- nothing else: the stage pad stays where the stage stands, at the scene's position, radius and level.

So with N equal to `terrain.resolution` level 0 is the scene's terrain heights bit for bit, and any
window of a world equals the same window of `generate_terrain` run whole on `grown_terrain(spec, N)`.
Level k of the pyramid takes every 2^k-th sample of level 0 (computed directly at those points, which is
the same bits as decimating level 0), so a level-k tile covers 2^k times the ground of a level-0 tile.
Tiles hold `tile` samples per side and share their edge samples with their neighbours: seamless.

The noise's lattice repeats every 256 noise cells (Perlin's table), i.e. every 256 · noise.scale metres
along each axis: a world wider than that shows the same land again beyond it.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from . import __version__
from .export.heightmap import encode_png16, quantize
from .fileio import write_together
from .gen.stage import footprint_radius
from .gen.terrain import LandField, PadSite, grid_coords, land_field
from .rng import seed_to_int, stream
from .seedfile import spec_hash
from .spec import SeedSpec, TerrainSpec

__all__ = ["FORMAT", "TILE_FORMATS", "WorldError", "WorldSpec", "world_spec", "grown_terrain", "window",
           "heights", "tile", "tile_values", "tile_path", "write_world"]

FORMAT = "scenegen.world/1"
TILE_FORMATS = {"png": ".png", "r16": ".r16"}
DEFAULT_TILE = 257
DEFAULT_CHUNK = 1024
MAX_SIZE = 1 << 24       # 16 M samples a side: 2^48 samples, far beyond any disk, still exact in float64
_LEVELS = 65535


class WorldError(ValueError):
    """A world that cannot be made as asked (sizes that do not tile, a size below the tile)."""


@dataclass(frozen=True)
class WorldSpec:
    """What a world is: a resolved seed file, its size in samples, its tiles, chunks and LOD levels."""
    seed: SeedSpec
    size: int            # samples per side of level 0
    tile: int            # samples per side of a tile (neighbours share one)
    chunk: int           # samples per side of a Dask/Zarr chunk
    levels: int          # LOD levels 0 … levels − 1

    @property
    def terrain(self) -> TerrainSpec:
        return grown_terrain(self.seed, self.size)

    @property
    def spacing(self) -> tuple[float, float]:
        t = self.terrain
        return t.size[0] / (self.size - 1), t.size[1] / (self.size - 1)

    def level_size(self, lod: int) -> int:
        """Samples per side of level `lod`."""
        return (self.size - 1) // (1 << lod) + 1

    def tiles(self, lod: int) -> int:
        """Tiles per side at level `lod`."""
        return (self.size - 1) // ((self.tile - 1) << lod)

    def height_range(self) -> tuple[float, float]:
        """The heights the 16-bit tiles span: the nominal ±height (the noise's ±1), widened to hold the pad.
        Fixed before anything is generated, so a tile made on demand has the same values as the stored one."""
        h = float(self.seed.terrain.height)
        level = _field(self).level
        return min(-h, level), max(h, level)


def grown_terrain(spec: SeedSpec, size: int) -> TerrainSpec:
    """The seed's terrain grown to `size` samples a side at the same sample spacing (the whole world as one
    terrain spec; generate_terrain on it gives what the world's windows give)."""
    t = spec.terrain
    if size == t.resolution:
        return t
    cells = t.resolution - 1
    grown = (t.size[0] * (size - 1) / cells, t.size[1] * (size - 1) / cells)
    return dataclasses.replace(t, resolution=size, size=grown)


def world_spec(spec: SeedSpec, size: int, *, tile: int | None = None, chunk: int = DEFAULT_CHUNK,
               levels: int | None = None) -> WorldSpec:
    """A checked WorldSpec. `tile` defaults to 257 samples (256 cells), or the whole world when smaller;
    size − 1 must be a multiple of tile − 1. `levels` defaults to every level down to a single tile."""
    if not 2 <= size <= MAX_SIZE:
        raise WorldError(f"--size {size}: expected 2 … {MAX_SIZE} samples a side")
    if tile is None:
        tile = DEFAULT_TILE if size >= DEFAULT_TILE else size
    if not 2 <= tile <= size:
        raise WorldError(f"--tile {tile}: expected 2 … {size} (the world's size) samples a side")
    if (size - 1) % (tile - 1):
        cells = tile - 1
        near = [(size - 1) // cells * cells + 1, ((size - 1) // cells + 1) * cells + 1]
        raise WorldError(f"--size {size} does not cut into tiles of {tile} samples: tiles share their edge "
                         f"samples, so size − 1 must be a multiple of {cells} (e.g. "
                         f"{' or '.join(str(n) for n in near if n >= tile)})")
    if not 16 <= chunk <= 16384:
        raise WorldError(f"--chunk {chunk}: expected 16 … 16384 samples a side")
    most = 1
    count = (size - 1) // (tile - 1)
    while count % 2 == 0:
        count //= 2
        most += 1
    if levels is None:
        levels = most
    if not 1 <= levels <= most:
        raise WorldError(f"--levels {levels}: this world has 1 … {most} levels (each halves the samples, "
                         "down to a whole number of tiles)")
    return WorldSpec(seed=spec, size=size, tile=tile, chunk=chunk, levels=levels)


@functools.lru_cache(maxsize=8)
def _field(ws: WorldSpec) -> LandField:
    """The world's land, set up once per process (a few random draws and one height at the stage)."""
    spec = ws.seed
    site = PadSite(center=spec.stage.position, radius=footprint_radius(spec.stage))
    return land_field(ws.terrain, site, stream(spec.seed, "terrain"))


def window(ws: WorldSpec, rows: tuple[int, int], cols: tuple[int, int], lod: int = 0) -> np.ndarray:
    """Heights (float32 metres) of rows r0 … r1 − 1 and columns c0 … c1 − 1 of level `lod`; row 0 is the
    north edge (−z), column 0 the west edge (−x), as in heightmaps."""
    n = ws.level_size(lod)
    (r0, r1), (c0, c1) = rows, cols
    if not (0 <= r0 < r1 <= n and 0 <= c0 < c1 <= n):
        raise WorldError(f"window rows {rows}, columns {cols} is outside level {lod}'s {n}×{n} samples")
    t = ws.terrain
    step = 1 << lod
    xs = grid_coords(np.arange(c0, c1) * step, ws.size, float(t.size[0]))
    zs = grid_coords(np.arange(r0, r1) * step, ws.size, float(t.size[1]))
    return _field(ws).heights(xs, zs)


def _bounds(total: int, chunk: int) -> list[tuple[int, int]]:
    return [(a, min(a + chunk, total)) for a in range(0, total, chunk)]


def heights(ws: WorldSpec, lod: int = 0) -> Any:
    """Level `lod` as a lazy dask array (float32, chunks of ws.chunk samples): nothing is computed until
    asked, and each chunk is computed on its own, in memory bounded by the chunk size."""
    import dask.array as da
    from dask.highlevelgraph import HighLevelGraph

    n = ws.level_size(lod)
    spans = _bounds(n, ws.chunk)
    name = f"scenegen-world-{spec_hash(ws.seed)[7:19]}-{ws.size}-{ws.chunk}-{lod}"
    graph: dict[Any, Any] = {(name, i, j): (window, ws, rows, cols, lod)
             for i, rows in enumerate(spans) for j, cols in enumerate(spans)}
    chunks = (tuple(b - a for a, b in spans),) * 2
    return da.Array(HighLevelGraph.from_collections(name, graph, dependencies=[]), name, chunks, np.float32)


def tile(ws: WorldSpec, i: int, j: int, lod: int = 0) -> np.ndarray:
    """Tile (i, j) of level `lod` on demand: (tile, tile) float32 heights; i runs west → east, j north →
    south. Equal to the stored tile, and to the same window of the whole level."""
    count = ws.tiles(lod) if 0 <= lod < ws.levels else 0
    if not (0 <= i < count and 0 <= j < count):
        raise WorldError(f"no tile ({i}, {j}) at level {lod} (the world has {ws.levels} levels; this one "
                         f"{count}×{count} tiles)")
    cells = ws.tile - 1
    return window(ws, (j * cells, j * cells + ws.tile), (i * cells, i * cells + ws.tile), lod)


def tile_values(ws: WorldSpec, h: np.ndarray) -> np.ndarray:
    """The 16-bit values of heights as the tiles store them: height_range() mapped onto 0 … 65535."""
    lo, hi = ws.height_range()
    return quantize(h, lo, hi)


def tile_path(lod: int, i: int, j: int, fmt: str = "png") -> str:
    """Where tile (i, j) of level `lod` lies inside a world folder."""
    return f"tiles/{lod}/x{i}_z{j}{TILE_FORMATS[fmt]}"


# ------------------------------------------------------------------------------------------- writing

def _store_chunk(ws: WorldSpec, store: str, lod: int, rows: tuple[int, int], cols: tuple[int, int]) -> list[float]:
    import zarr

    h = window(ws, rows, cols, lod)
    target = zarr.open_array(store=store, path=str(lod), mode="r+")
    target[rows[0]:rows[1], cols[0]:cols[1]] = h
    return [float(h.min()), float(h.max())]


def _write_tiles(ws: WorldSpec, store: str, out: str, lod: int, items: list[tuple[int, int]],
                 formats: tuple[str, ...]) -> int:
    """Cut tiles from the stored level and write them. The tiles of one task lie in one chunk's square, read
    (and decompressed) once for all of them, not once per tile."""
    import zarr

    level = zarr.open_array(store=store, path=str(lod), mode="r")
    cells = ws.tile - 1
    r0, c0 = min(j for _, j in items) * cells, min(i for i, _ in items) * cells
    r1, c1 = max(j for _, j in items) * cells + ws.tile, max(i for i, _ in items) * cells + ws.tile
    region = np.asarray(level[r0:r1, c0:c1])
    text = {"Software": f"scenegen {__version__}", "Source": f"seed {seed_to_int(ws.seed.seed):016x}"}
    files: list[tuple[Path, bytes]] = []
    for i, j in items:
        a, b = j * cells - r0, i * cells - c0
        values = tile_values(ws, region[a:a + ws.tile, b:b + ws.tile])
        for fmt in formats:
            data = encode_png16(values, text) if fmt == "png" else np.ascontiguousarray(values, "<u2").tobytes()
            files.append((Path(out) / tile_path(lod, i, j, fmt), data))
    write_together(files)
    return len(items)


def _sidecar(ws: WorldSpec, formats: tuple[str, ...], height_range: tuple[float, float]) -> dict[str, Any]:
    t = ws.terrain
    sx, sz = (float(v) for v in t.size)
    dx, dz = ws.spacing
    lo, hi = ws.height_range()
    field = _field(ws)
    spec = ws.seed
    return {
        "format": FORMAT,
        "name": spec.name, "seed": spec.seed, "seed_hex": f"{seed_to_int(spec.seed):016x}",
        "spec_hash": spec_hash(spec), "generator": {"name": "scenegen", "version": __version__},
        "size": [ws.size, ws.size], "extent": [sx, sz], "spacing": [dx, dz], "units": "metres",
        "world_x": [-0.5 * sx, 0.5 * sx], "world_z": [-0.5 * sz, 0.5 * sz],
        "scene": {"resolution": spec.terrain.resolution, "size": list(spec.terrain.size),
                  "note": "the scene's terrain is the world's middle when size = resolution (then it is "
                          "the same heights bit for bit); the island's coast runs along the world's edge"},
        "height_range": {"min": height_range[0], "max": height_range[1]},
        "zarr": {"path": "heights.zarr", "arrays": [str(k) for k in range(ws.levels)],
                 "dtype": "float32", "chunks": [ws.chunk, ws.chunk],
                 "what": "array k is level k: heights in metres, row = z (north first), column = x (west first)"},
        "tiles": {
            "formats": {fmt: {"png": "16-bit greyscale PNG", "r16": "raw unsigned 16-bit little-endian, "
                              "no header, row-major"}[fmt] for fmt in formats},
            "path": "tiles/{level}/x{i}_z{j}.{ext}", "samples": [ws.tile, ws.tile], "overlap": 1,
            "values": f"value 0…65535 ↔ height = {lo!r} + value / 65535 · ({hi!r} − {lo!r}) metres "
                      "(the nominal ±height, the same for every tile and level; values beyond are clipped)",
            "mapping": {"min": lo, "max": hi},
            "note": "i runs west → east, j north → south; neighbouring tiles share their edge row or column",
        },
        "levels": [{"level": k, "samples": [ws.level_size(k)] * 2, "stride": 1 << k,
                    "spacing": [dx * (1 << k), dz * (1 << k)], "tiles": [ws.tiles(k)] * 2,
                    "tile_extent": [dx * (ws.tile - 1) * (1 << k), dz * (ws.tile - 1) * (1 << k)]}
                   for k in range(ws.levels)],
        "axes": {"up": "+y", "forward": "-z", "handedness": "right",
                 "samples": "sample (row, column) of level k stands at x = world_x[0] + column · 2^k · spacing_x, "
                            "z = world_z[0] + row · 2^k · spacing_z"},
        "pad": {"center": list(field.center), "radius": field.radius, "blend": field.blend,
                "level": field.level if field.pad_enabled else None},
    }


def write_world(ws: WorldSpec, out: str | os.PathLike, client: Any, *, formats: tuple[str, ...] = ("png",),
                progress: Callable[[float, str], None] | None = None) -> dict[str, Any]:
    """Generate the world on `client`'s cluster into folder `out`: heights.zarr (a level per array), the
    tiles of every level, and world.json (written last: a world without it is unfinished). Returns the
    side-car. The folder must be reachable by every worker at the same path (one machine, or a shared disk)."""
    import zarr

    from .cluster import run_with_progress

    out = Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    final = out / "heights.zarr"
    store = out / ".heights.zarr.partial"
    if store.exists():
        shutil.rmtree(store)
    group = zarr.open_group(store=str(store), mode="w")
    for k in range(ws.levels):
        n = ws.level_size(k)
        make = getattr(group, "create_array", None) or group.create   # zarr 3, zarr 2
        make(name=str(k), shape=(n, n), chunks=(ws.chunk, ws.chunk), dtype="float32", fill_value=np.float32("nan"))
    jobs = [(k, rows, cols) for k in range(ws.levels)
            for rows in _bounds(ws.level_size(k), ws.chunk) for cols in _bounds(ws.level_size(k), ws.chunk)]
    futures = [client.submit(_store_chunk, ws, str(store), k, rows, cols, pure=False, retries=2)
               for k, rows, cols in jobs]
    ranges = [f.result() for f in run_with_progress(futures, progress, "heights")]
    lo, hi = min(r[0] for r in ranges), max(r[1] for r in ranges)
    meta = _sidecar(ws, formats, (lo, hi))
    group.attrs.update({"scenegen": {k: meta[k] for k in ("format", "seed", "spec_hash", "size", "spacing",
                                                           "world_x", "world_z", "levels")}})
    if final.exists():
        shutil.rmtree(final)
    os.replace(store, final)

    # One task per chunk square of tiles (a tile belongs to the chunk its first sample lies in).
    batches: list[tuple[int, list[tuple[int, int]]]] = []
    for k in range(ws.levels):
        count = ws.tiles(k)
        (out / "tiles" / str(k)).mkdir(parents=True, exist_ok=True)
        groups: dict[tuple[int, int], list[tuple[int, int]]] = {}
        for j in range(count):
            for i in range(count):
                key = (j * (ws.tile - 1) // ws.chunk, i * (ws.tile - 1) // ws.chunk)
                groups.setdefault(key, []).append((i, j))
        batches += [(k, group) for group in groups.values()]
    futures = [client.submit(_write_tiles, ws, str(final), str(out), k, items, formats, pure=False, retries=2)
               for k, items in batches]
    for f in run_with_progress(futures, progress, "tiles"):
        f.result()
    write_together([(out / "world.json",
                     (json.dumps(meta, indent=1, ensure_ascii=False, allow_nan=False) + "\n").encode("utf-8"))])
    return meta
