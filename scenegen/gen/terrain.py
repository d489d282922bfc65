"""Terrain: fractal Perlin heights (fbm/ridged/billow), warp, island falloff, terraces, stage pad, normals, colours."""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from .. import color, jit
from ..model import Record, array, check_arrays, value
from ..noise import noise_compat_point, perlin2, perlin2_grid
from ..spec import TerrainSpec

__all__ = ["Terrain", "PadSite", "LandField", "land_field", "grid_coords", "generate_terrain"]

# Perlin's lattice repeats every 256 cells (the table index is taken & 255), whatever the permutation.
# The random window offset is drawn inside one period: more would add nothing but rounding.
_PERIOD = 256.0

# Musgrave's ridged multifractal: each octave's weight is the previous ridge signal times this gain
# (clamped to 1), so fine detail gathers on the crests and the valleys stay smooth.
_RIDGE_GAIN = 2.0

# The warp field is a plain fbm with these fixed octave ratios: only its amount, scale and octaves are
# exposed, the rest would be knobs nobody can see the effect of.
_WARP_PERSISTENCE = 0.5
_WARP_LACUNARITY = 2.0

# Island falloff: the land starts to sink at this fraction of the half-extent and reaches the full
# strength at the edge (d = 1); inside, the land is untouched.
_ISLAND_INNER = 0.4

# Steep slopes are darkened by up to this fraction (colour × (1 − k + k·n_y)), so cliffs read even under
# flat lighting. The flat pad (n_y = 1) keeps its ramp colour exactly.
_SLOPE_DARKEN = 0.2

# A world point this close to a vertex (in grid cells) is taken to be the vertex: the round trip
# vertex → world → grid is off by a few ulps, and height_at must be exact there.
_SNAP = 1e-7

_DEFAULT_BLOCK_ROWS = 256
# Blocks run on threads from this many vertices on (below, thread start-up costs more than it saves).
_THREADS_FROM = 512 * 512
_MAX_WORKERS = 4


@dataclass(frozen=True)
class PadSite:
    """Where the stage stands: the terrain flattens a disc of `radius` (plus the pad margin) there."""
    center: tuple[float, float]
    radius: float


@dataclass(frozen=True, eq=False)
class Terrain(Record):
    """A square heightfield centred on the world origin.

    Vertex (r, c) stands at x = (c / (n−1) − ½)·size_x, z = (r / (n−1) − ½)·size_z, y = height_zx[r, c].
    """
    size: tuple[float, float] = value("Extent along x and z, metres.")
    resolution: int = value("Vertices along each side (n).")
    height_zx: np.ndarray = array("float32", ("n", "n"), "Height of each vertex, metres (row = z, column = x).")
    normal_zx: np.ndarray = array("float32", ("n", "n", 3), "Unit surface normal of each vertex.")
    color_zx: np.ndarray = array("float32", ("n", "n", 3), "Linear RGB colour of each vertex.")
    pad_center: tuple[float, float] = value("Centre (x, z) of the flat stage pad, metres.")
    pad_radius: float = value("Radius of the flat part of the pad, metres (0: no pad).")
    pad_blend: float = value("Width of the blend from the pad into the land, metres.")
    pad_level: float = value("Height of the pad, metres.")
    height_range: tuple[float, float] = value("Lowest and highest vertex, metres.")

    def height_at(self, x: np.ndarray, z: np.ndarray) -> np.ndarray:
        """Bilinear height at world points (x, z) (float64, broadcast shape); clamped at the edges.

        Exact at the vertices (a point within 1e-7 cells of a vertex is snapped onto it, which absorbs
        the rounding of the world ↔ grid round trip) and linear along the grid edges.
        """
        x, z = np.broadcast_arrays(np.asarray(x, dtype=np.float64), np.asarray(z, dtype=np.float64))
        n = self.resolution
        h = self.height_zx
        _c, c0, c1, fx = _cell(x, self.size[0], n)
        _r, r0, r1, fz = _cell(z, self.size[1], n)
        h00 = h[r0, c0].astype(np.float64)
        h01 = h[r0, c1].astype(np.float64)
        h10 = h[r1, c0].astype(np.float64)
        h11 = h[r1, c1].astype(np.float64)
        # a + (b − a)·f is exactly a at f = 0, which keeps vertices exact.
        top = h00 + (h01 - h00) * fx
        bottom = h10 + (h11 - h10) * fx
        return top + (bottom - top) * fz


def _cell(x: np.ndarray, size: float, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Grid coordinate of world coordinates x: (g, lower index, upper index, fraction), clamped."""
    g = np.clip((x / size + 0.5) * (n - 1), 0.0, n - 1.0)
    near = np.rint(g)
    g = np.where(np.abs(g - near) <= _SNAP, near, g)
    i0 = np.floor(g).astype(np.intp)
    i1 = np.minimum(i0 + 1, n - 1)
    return g, i0, i1, g - i0


# ------------------------------------------------------------------------------------------ the samplers

class _Fast:
    """scenegen.noise: separable on grids, vectorized at points, float64 coordinates throughout."""

    def __init__(self, seed: int | None) -> None:
        self.seed = seed

    def fbm(self, x: np.ndarray, y: np.ndarray, grid: bool, octaves: int, persistence: float,
            lacunarity: float) -> np.ndarray:
        if grid:
            return perlin2_grid(x, y, octaves, persistence, lacunarity, seed=self.seed)
        return perlin2(x, y, octaves, persistence, lacunarity, seed=self.seed)


class _Compat:
    """The C `noise` library, one call per point (Perlin's reference table, base 0).

    It is the library's own arithmetic, float32 inside: coordinates far from the origin (beyond some
    thousands of noise cells) lose resolution there, which the fast engine does not.
    """

    def fbm(self, x: np.ndarray, y: np.ndarray, grid: bool, octaves: int, persistence: float,
            lacunarity: float) -> np.ndarray:
        if grid:
            x, y = x[None, :], y[:, None]
        x, y = np.broadcast_arrays(x, y)
        out = np.empty(x.shape, dtype=np.float64)
        flat = out.reshape(-1)
        for k, (px, py) in enumerate(zip(x.reshape(-1).tolist(), y.reshape(-1).tolist())):
            flat[k] = noise_compat_point(px, py, octaves, persistence, lacunarity)
        return out


# ------------------------------------------------------------------------------------------- the field

def _smoothstep(t: np.ndarray) -> np.ndarray:
    """3t² − 2t³ of t clamped to 0…1 (polynomial only: no libm, so every CPU agrees bit for bit)."""
    t = np.clip(t, 0.0, 1.0)
    return t * t * (3.0 - 2.0 * t)


class _Land:
    """The unflattened land: fractal noise, warp, island falloff and terraces, in metres (float64).

    Every step is elementwise arithmetic (+ − × ÷, sqrt, floor, abs, clip), each value computed on its own:
    a vertex's height is the same whether it is computed in a block of 1 row, 256 rows or alone, and on
    every CPU. Sums run over octaves in a fixed order, never through numpy reductions or BLAS.
    """

    def __init__(self, spec: TerrainSpec, sampler: _Fast | _Compat, offset: np.ndarray,
                 warp_offset: np.ndarray) -> None:
        self.spec = spec
        self.sampler = sampler
        self.off_x, self.off_z = float(offset[0]), float(offset[1])
        self.warp_off = [float(v) for v in warp_offset]
        noise = spec.noise
        # Octave frequencies and amplitudes of ridged and billow (fbm leaves its octaves to the sampler).
        self.octaves: list[tuple[float, float]] = []
        freq, amp, self.amp_total = 1.0, 1.0, 0.0
        for _ in range(noise.octaves):
            self.octaves.append((freq, amp))
            self.amp_total += amp
            freq *= noise.lacunarity
            amp *= noise.persistence

    def _noise_coords(self, x: np.ndarray, z: np.ndarray, scale: float, ox: float,
                      oz: float) -> tuple[np.ndarray, np.ndarray]:
        """World → noise coordinates, in float64: (world + noise.offset) / scale + random offset."""
        off = self.spec.noise.offset
        return (x + off[0]) / scale + ox, (z + off[1]) / scale + oz

    def fractal(self, x: np.ndarray, z: np.ndarray, grid: bool) -> np.ndarray:
        """The fractal in −1…1 at world points; with grid, x is a row of columns and z a column of rows."""
        spec = self.spec
        nx, nz = self._noise_coords(x, z, spec.noise.scale, self.off_x, self.off_z)
        warp = spec.warp
        if warp.amount > 0.0:
            # Two independent fbm fields (their own offsets) push the noise coordinates by up to
            # `amount` metres, i.e. amount / scale noise cells.
            o = self.warp_off
            wx, wz = self._noise_coords(x, z, warp.scale, o[0], o[1])
            push_x = self.sampler.fbm(wx, wz, grid, warp.octaves, _WARP_PERSISTENCE, _WARP_LACUNARITY)
            wx, wz = self._noise_coords(x, z, warp.scale, o[2], o[3])
            push_z = self.sampler.fbm(wx, wz, grid, warp.octaves, _WARP_PERSISTENCE, _WARP_LACUNARITY)
            if grid:
                nx, nz = nx[None, :], nz[:, None]
            push = warp.amount / spec.noise.scale
            nx = nx + push_x * push
            nz = nz + push_z * push
            grid = False  # the warped points no longer lie on a separable grid
        kind = spec.noise.type
        if kind == "fbm":
            return self.sampler.fbm(nx, nz, grid, spec.noise.octaves, spec.noise.persistence,
                                    spec.noise.lacunarity)
        total: np.ndarray | None = None
        weight: np.ndarray | None = None
        last = len(self.octaves) - 1
        for k, (freq, amp) in enumerate(self.octaves):
            s = self.sampler.fbm(nx * freq, nz * freq, grid, 1, 0.5, 2.0)
            np.abs(s, out=s)
            if kind == "billow":
                s *= 2.0
                s -= 1.0
            else:  # ridged multifractal (Musgrave, offset 1, gain 2): weighted squared ridges in 0…1
                np.subtract(1.0, s, out=s)
                s *= s
                if weight is not None:
                    s *= weight
                if k < last:
                    if weight is None:
                        weight = np.empty_like(s)
                    np.multiply(s, _RIDGE_GAIN, out=weight)
                    np.minimum(weight, 1.0, out=weight)
            if amp != 1.0:  # (× 1 is exact: skipping it changes no bit)
                s *= amp
            if total is None:
                total = s
            else:
                total += s
        assert total is not None
        total /= self.amp_total
        if kind == "ridged":
            total *= 2.0  # 0…1 → −1…1
            total -= 1.0
        return total

    # shaping ------------------------------------------------------------------------------------------

    def island(self, h: np.ndarray, x: np.ndarray, z: np.ndarray) -> np.ndarray:
        """Sink the land towards −height near the terrain's edges."""
        isl = self.spec.island
        if isl.falloff <= 0.0:
            return h
        u = x / (0.5 * self.spec.size[0])
        v = z / (0.5 * self.spec.size[1])
        if isl.shape == "radial":
            d = np.sqrt(u * u + v * v)
        else:
            d = np.maximum(np.abs(u), np.abs(v))
        m = _smoothstep((d - _ISLAND_INNER) / (1.0 - _ISLAND_INNER)) * isl.falloff
        return h + (-self.spec.height - h) * m

    def terraces(self, h: np.ndarray) -> np.ndarray:
        """Quantise into `steps` bands over the nominal range −height…+height (steps + 1 levels).

        Within a band, the land stays on the band's lower level for the first `sharpness` of it, then
        rises along a smoothstep riser to the next level: sharpness 0 gives S-shaped slopes that pause at
        each level, 1 gives hard steps (floor), so exactly the levels −H + k·2H/steps, k = 0…steps.
        """
        t_spec = self.spec.terraces
        big_h = self.spec.height
        if t_spec.steps <= 0 or big_h <= 0.0:
            return h
        steps = float(t_spec.steps)
        band = 2.0 * big_h / steps
        t = np.clip((h + big_h) / band, 0.0, steps)
        k = np.floor(t)
        f = t - k
        s = t_spec.sharpness
        if s >= 1.0:
            rise = np.zeros_like(f)
        else:
            rise = _smoothstep((f - s) / (1.0 - s))
        return -big_h + (k + rise) * band

    def heights(self, x: np.ndarray, z: np.ndarray, grid: bool) -> np.ndarray:
        """The unflattened land in metres (float64)."""
        h = self.fractal(x, z, grid) * self.spec.height
        if grid:
            x, z = x[None, :], z[:, None]
        h = self.island(h, x, z)
        return self.terraces(h)


# -------------------------------------------------------------------------------------------- generate

def _flatten(h: np.ndarray, xs: np.ndarray, zs: np.ndarray, center: tuple[float, float], radius: float,
             blend: float, level: float) -> None:
    """Flatten h (rows zs × columns xs) in place: `level` exactly on the disc, a smoothstep into the land
    over `blend`, the land untouched from radius + blend on."""
    reach = (radius + blend) * (1.0 + 1e-9) + 1e-9  # a window that surely holds the disc and its blend
    rows = np.flatnonzero(np.abs(zs - center[1]) <= reach)
    cols = np.flatnonzero(np.abs(xs - center[0]) <= reach)
    if rows.size == 0 or cols.size == 0:
        return
    win = (slice(rows[0], rows[-1] + 1), slice(cols[0], cols[-1] + 1))
    land = h[win]
    dx = xs[win[1]][None, :] - center[0]
    dz = zs[win[0]][:, None] - center[1]
    r = np.sqrt(dx * dx + dz * dz)
    out = np.where(r <= radius, level, land)
    if blend > 0.0:
        t = (r - radius) / blend
        ring = (r > radius) & (t < 1.0)
        mixed = level + (land - level) * _smoothstep(t)
        out = np.where(ring, mixed, out)
    h[win] = out


@dataclass(frozen=True)
class LandField:
    """The terrain's heights as a function of world points: the land, flattened under the stage pad.

    `heights(xs, zs)` gives any window of the grid (columns at xs, rows at zs, world metres) as float32:
    every value is computed on its own, so a window equals the same window of the whole grid, bit for bit.
    """
    land: _Land
    pad_enabled: bool
    center: tuple[float, float]
    radius: float
    blend: float
    level: float

    def heights(self, xs: np.ndarray, zs: np.ndarray) -> np.ndarray:
        h = self.land.heights(xs, zs, grid=True)
        if self.pad_enabled:
            _flatten(h, xs, zs, self.center, self.radius, self.blend, self.level)
        return h.astype(np.float32)


def grid_coords(index: np.ndarray, n: int, size: float) -> np.ndarray:
    """World coordinates (float64) of grid indices along a side of n samples spanning `size` metres,
    centred on the origin: the arithmetic of every terrain grid, so any window of indices gives the
    same coordinates as the whole side."""
    return (np.asarray(index, dtype=np.float64) / (n - 1) - 0.5) * size


def land_field(spec: TerrainSpec, site: PadSite, rng: np.random.Generator, *,
               reference_table: bool = False) -> LandField:
    """The LandField of `spec` flattened under `site`, drawing from `rng` exactly as generate_terrain does."""
    # The draws, in this order, always: permutation seed, window offset (x, z), warp offsets (2 × (x, z)).
    perm_seed = int(rng.integers(0, 2**63))
    offset = rng.uniform(0.0, _PERIOD, size=2)
    warp_offset = rng.uniform(0.0, _PERIOD, size=4)

    if spec.engine == "noise":
        sampler: _Fast | _Compat = _Compat()
    else:
        sampler = _Fast(None if reference_table else perm_seed)
    land = _Land(spec, sampler, offset, warp_offset)
    pad = spec.pad
    center = (float(site.center[0]), float(site.center[1]))
    if pad.enabled:
        radius = float(site.radius) + float(pad.margin)
        blend = float(pad.blend)
        if pad.level is None:
            at = land.heights(np.array([center[0]]), np.array([center[1]]), grid=False)
            level = float(np.float32(at[0]))
        else:
            level = float(np.float32(pad.level))
    else:
        radius, blend, level = 0.0, 0.0, 0.0
    return LandField(land, pad.enabled, center, radius, blend, level)


def generate_terrain(spec: TerrainSpec, site: PadSite, rng: np.random.Generator,
                     progress: Callable[[float], None] | None = None, *,
                     block_rows: int = _DEFAULT_BLOCK_ROWS, reference_table: bool = False) -> Terrain:
    """The terrain for `spec`, flattened under `site`. Pure: same inputs, same bytes.

    Heights: the fractal (fbm: normalised octave sum; ridged: Musgrave's ridged multifractal with
    offset 1 and gain 2, normalised by the amplitude sum and mapped to ±1; billow: 2|n| − 1 per octave)
    times `height`, then the island falloff, the terraces and the stage pad. Noise coordinates are
    (world + noise.offset) / noise.scale + a random offset drawn from `rng`; the fast engine also draws
    its permutation seed from `rng` (both are drawn whatever the engine, so the two engines see the same
    window). Engine "noise" calls the C library per point (fbm: one call running the library's own octave
    loop; ridged, billow: one call per octave), float32 inside, about a second per million calls: slow,
    and far from the origin its float32 coordinates lose the fine detail the fast engine keeps.

    Colours follow `spec.colors` over the normalised height; steep slopes are darkened by up to 20 %.
    Work runs in blocks of `block_rows` rows (memory stays bounded); the result does not depend on the
    block size or the threads large grids run on. `progress(fraction)` is called after each block (two
    passes: heights, then normals and colours, which need the height range). `reference_table` makes the
    fast engine use Perlin's reference permutation instead of the seeded one (to compare it with the noise
    engine).
    """
    if block_rows < 1:
        raise ValueError(f"block_rows must be at least 1, not {block_rows}")
    field = land_field(spec, site, rng, reference_table=reference_table)
    center, radius, blend, level = field.center, field.radius, field.blend, field.level

    n = spec.resolution
    # The job's work decides whether the compiled kernels load (the noise calls come in blocks of rows and
    # single octaves, each too small to repay the load on its own); they give the numpy path's bits.
    warp_octaves = 2 * spec.warp.octaves if spec.warp.amount > 0.0 else 0
    jit.prepare(n * n * (spec.noise.octaves + warp_octaves + 1))
    size_x, size_z = float(spec.size[0]), float(spec.size[1])
    index = np.arange(n)
    xs = grid_coords(index, n, size_x)
    zs = grid_coords(index, n, size_z)

    blocks = [(r0, min(r0 + block_rows, n)) for r0 in range(0, n, block_rows)]
    ticks = iter(range(1, 2 * len(blocks) + 1))

    def tick() -> None:
        step = next(ticks)
        if progress is not None:
            progress(step / (2 * len(blocks)))

    height = np.empty((n, n), dtype=np.float32)

    def land_block(r0: int, r1: int) -> None:
        height[r0:r1] = field.heights(xs, zs[r0:r1])

    _each_block(land_block, blocks, tick)

    lo = float(height.min())
    hi = float(height.max())
    span = hi - lo
    normal = np.empty((n, n, 3), dtype=np.float32)
    colour = np.empty((n, n, 3), dtype=np.float32)
    dx = size_x / (n - 1)
    dz = size_z / (n - 1)

    look = _Look(spec, dx, dz, lo, span, jit.loaded())

    def look_block(r0: int, r1: int) -> None:
        look.block(height, r0, r1, normal[r0:r1], colour[r0:r1])

    _each_block(look_block, blocks, tick)

    terrain = Terrain(
        size=(size_x, size_z), resolution=n, height_zx=height, normal_zx=normal, color_zx=colour,
        pad_center=center, pad_radius=radius, pad_blend=blend, pad_level=level, height_range=(lo, hi))
    check_arrays(terrain)
    return terrain


def _each_block(work: Callable[[int, int], None], blocks: list[tuple[int, int]],
                tick: Callable[[], None]) -> None:
    """Run work(r0, r1) for every block, on a few threads when the grid is large, ticking in block order.

    Each block writes only its own rows and every value is computed on its own, so the bytes do not
    depend on the threads; numpy releases the GIL inside its loops, so two or more cores do help.
    """
    rows = blocks[-1][1]
    workers = min(_MAX_WORKERS, os.cpu_count() or 1, len(blocks))
    if workers <= 1 or rows * rows < _THREADS_FROM:
        for r0, r1 in blocks:
            work(r0, r1)
            tick()
        return
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(work, r0, r1) for r0, r1 in blocks]
        for f in futures:
            f.result()
            tick()


def _normals(height: np.ndarray, r0: int, r1: int, dx: float, dz: float, out: np.ndarray) -> None:
    """Unit normals of rows r0…r1 into out (float32): central differences, one-sided at the edges.

    float32 throughout: the heights are float32 already and the normals are stored as float32.
    """
    n = height.shape[0]
    rows = r1 - r0
    h = height[r0:r1]
    gx = np.empty((rows, n), dtype=np.float32)
    gz = np.empty((rows, n), dtype=np.float32)
    inv_x1, inv_x2 = np.float32(1.0 / dx), np.float32(0.5 / dx)
    inv_z1, inv_z2 = np.float32(1.0 / dz), np.float32(0.5 / dz)
    np.subtract(h[:, 2:], h[:, :-2], out=gx[:, 1:-1])
    gx[:, 1:-1] *= inv_x2
    np.subtract(h[:, 1], h[:, 0], out=gx[:, 0])
    np.subtract(h[:, -1], h[:, -2], out=gx[:, -1])
    gx[:, 0] *= inv_x1
    gx[:, -1] *= inv_x1
    # Rows with a neighbour on both sides: central; the first and last row of the grid: one-sided.
    a, b = max(r0, 1), min(r1, n - 1)
    if a < b:
        np.subtract(height[a + 1:b + 1], height[a - 1:b - 1], out=gz[a - r0:b - r0])
        gz[a - r0:b - r0] *= inv_z2
    if r0 == 0:
        np.subtract(height[1], height[0], out=gz[0])
        gz[0] *= inv_z1
    if r1 == n:
        np.subtract(height[n - 1], height[n - 2], out=gz[-1])
        gz[-1] *= inv_z1
    length = gx * gx
    length += gz * gz
    length += np.float32(1.0)
    np.sqrt(length, out=length)
    np.divide(np.float32(1.0), length, out=length)
    np.negative(gx, out=gx)
    np.negative(gz, out=gz)
    np.multiply(gx, length, out=out[..., 0])
    out[..., 1] = length
    np.multiply(gz, length, out=out[..., 2])


class _Look:
    """Normals and colours of a block of rows: numpy passes, or one compiled loop with the same bits."""

    def __init__(self, spec: TerrainSpec, dx: float, dz: float, lo: float, span: float,
                 compiled: bool) -> None:
        self.spec, self.dx, self.dz, self.lo, self.span = spec, dx, dz, lo, span
        self.kernel = jit.compile_kernel(_look_kernel) if compiled else None
        if self.kernel is not None:
            # The ramp's stops and slopes exactly as np.interp forms them (color.ramp runs np.interp).
            self.pos = np.array([p for p, _ in spec.colors], dtype=np.float64)
            self.cols = np.stack([color.hex_to_linear(c) for _, c in spec.colors])
            with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                self.slopes = np.diff(self.cols, axis=0) / np.diff(self.pos)[:, None]
            if not np.all(np.isfinite(self.slopes)):
                self.kernel = None  # repeated stops: np.interp's NaN retries, left to numpy
            if self.slopes.size == 0:
                self.slopes = np.zeros((1, 3))

    def block(self, height: np.ndarray, r0: int, r1: int, nb: np.ndarray, cb: np.ndarray) -> None:
        if self.kernel is not None:
            f32 = np.float32
            self.kernel(height, r0, r1, f32(1.0 / self.dx), f32(0.5 / self.dx), f32(1.0 / self.dz),
                        f32(0.5 / self.dz), self.lo, self.span, self.pos, self.cols, self.slopes,
                        f32(_SLOPE_DARKEN), f32(1.0 - _SLOPE_DARKEN), nb, cb)
            return
        _normals(height, r0, r1, self.dx, self.dz, nb)
        t = height[r0:r1].astype(np.float64)
        if self.span > 0.0:
            t -= self.lo
            t /= self.span
        else:
            t[...] = 0.0
        cb[...] = color.ramp(t, self.spec.colors)
        shade = nb[..., 1] * np.float32(_SLOPE_DARKEN)
        shade += np.float32(1.0 - _SLOPE_DARKEN)
        cb *= shade[..., None]


def _look_kernel(height, r0, r1, inv_x1, inv_x2, inv_z1, inv_z2, lo, span, pos, cols,
                 slopes, dark, keep, nb, cb):
    """_normals, the ramp (np.interp's arithmetic) and the slope shade as loops, a row at a time.

    float32 where the numpy path is float32 (the constants come in as float32), float64 for the ramp.
    The ramp's slopes are finite (the caller checks), so np.interp's NaN retries can never trigger.
    Each row is worked out in planar scratch rows, with no branches in the column loops (so they
    vectorize), then interleaved into the (x, y, z) / (r, g, b) outputs.
    """
    n = height.shape[1]
    last = height.shape[0] - 1
    m = pos.size
    one = np.float32(1.0)
    gx = np.empty(n, dtype=np.float32)
    ln = np.empty(n, dtype=np.float32)
    gz = np.empty(n, dtype=np.float32)
    t = np.empty(n, dtype=np.float64)
    seg = np.empty(n, dtype=np.int64)
    for r in range(r0, r1):
        if r == 0:
            za, zb, zinv = 0, 1, inv_z1
        elif r == last:
            za, zb, zinv = last - 1, last, inv_z1
        else:
            za, zb, zinv = r - 1, r + 1, inv_z2
        row = height[r]
        gx[0] = (row[1] - row[0]) * inv_x1
        gx[n - 1] = (row[n - 1] - row[n - 2]) * inv_x1
        for c in range(1, n - 1):
            gx[c] = (row[c + 1] - row[c - 1]) * inv_x2
        for c in range(n):
            gz[c] = (height[zb, c] - height[za, c]) * zinv
            ln[c] = one / np.sqrt((gx[c] * gx[c] + gz[c] * gz[c]) + one)
        if span > 0.0:
            for c in range(n):
                t[c] = (np.float64(row[c]) - lo) / span
        else:
            t[:] = 0.0
        # np.interp's segment: the last stop at or below t (stops ascend and may repeat), -1 below all.
        seg[:] = -1
        for k in range(m):
            p = pos[k]
            for c in range(n):
                seg[c] += t[c] >= p
        out_n = nb[r - r0]
        out_c = cb[r - r0]
        for c in range(n):
            out_n[c, 0] = -gx[c] * ln[c]
            out_n[c, 1] = ln[c]
            out_n[c, 2] = -gz[c] * ln[c]
        for c in range(n):
            shade = ln[c] * dark + keep
            j = seg[c]
            tc = t[c]
            # Below the first stop, on or beyond the last, or exactly on a stop: that stop's colour.
            exact = j < 0 or j >= m - 1
            jj = min(max(j, 0), m - 1)
            exact = exact or pos[jj] == tc
            js = min(jj, m - 2) if m > 1 else 0
            for k in range(3):
                if exact:
                    v = cols[jj, k]
                else:
                    v = slopes[js, k] * (tc - pos[js]) + cols[js, k]
                out_c[c, k] = np.float32(v) * shade
