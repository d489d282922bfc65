"""Vectorized 2-D Perlin noise: `noise`-package compatible, separable on grids, bit-identical on every CPU."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from . import jit

__all__ = ["perlin2", "perlin2_grid", "permutation", "noise_compat_point"]

# How the numbers are made, and why this way
# ------------------------------------------
# The algorithm is `pnoise2` of the C `noise` package (Ken Perlin's improved noise, in 2-D): lattice cell
# (i, j) and its neighbours i+1, j+1 (all & 255); corner gradient GRAD3[h & 15][:2] with
# h = PERM[PERM[PERM[i] + j]]; fade t^3 (t (6t - 15) + 10); bilinear blend of the four corner dot products;
# octaves summed as noise(x*f, y*f) * amp, f *= lacunarity, amp *= persistence, divided by sum(amp).
#
# It is evaluated in float64 in a re-associated but exactly specified form, so that a grid costs a few
# elementwise passes per octave. Within one octave, fix the row cell j (a "band" of rows): the gradients
# of the four corners then depend only on the column. With x, y the fractional parts, u = fade(x),
# v = fade(y), s = v*y and w = amp / sum(amp):
#     bottom(y) = P0 + Q0*y,  P0 = lerp(u, gx00*x, gx10*(x-1)),  Q0 = lerp(u, gy00, gy10)
#     top(y)    = P1 + Q1*(y-1)
#     w*noise   = w*(bottom + v*(top - bottom)) = A + y*B + v*C + s*D
#     A = w*P0,  B = w*Q0,  C = (w*P1 - w*Q1) - A,  D = w*Q1 - B        (per band and column)
# and the result is ((((A_0 + y_0*B_0) + v_0*C_0) + s_0*D_0) + A_1) + ... octave after octave.
# As gx, gy are -1, 0 or 1, w*P and w*Q take one of 9 values per column each: a grid builds those once per
# column and selects them with integer "pair codes" from a 256 x 256 lattice table (integers are exact,
# so the way they are found cannot change a bit). Per element a grid then does 3 multiplies and 4 adds
# per octave, in row blocks that stay in cache.
#
# The point path (`perlin2`) performs the very same float operations, in the same order, on the same
# operands (a column table entry is the point expression with scalar gradients), so a grid equals the
# points bit for bit, and overlapping grids agree exactly where they overlap. Only elementwise IEEE
# operations (+ - * floor fmod) touch values, each correctly rounded on every CPU: no BLAS, no reductions,
# no kernels that may fuse a multiply-add (einsum, complex multiply), as their rounding depends on the CPU.
#
# Two engines run that arithmetic: numpy (always there; the reference), and, where numba is installed, the
# same loops compiled (see "Optional compiled kernels" below; bit-identical, several times faster).
#
# Tried and rejected:
# - Perlin per element (hash, gradients, lerps for every pixel): ~30 passes per octave, several times slower.
# - A rank-4K matrix product of per-row and per-column factors: fast, but BLAS summation order and FMA use
#   differ between CPUs, so bytes would differ between machines.
# - All octaves' fades expanded into one polynomial per finest band: fewer passes per element, but the
#   per-band coefficient work outweighs it unless bands are tens of rows tall.
# - float32 arithmetic: faster, but gives up float64 precision and the margin to `noise` (whose own float32
#   rounding already reaches ~1e-6).
# - In the numpy engine: np.choose for the 9-way selection (~50x slower than an index add + take);
#   np.fmod for the lattice index (several times slower than the exact float identity in _axis); numpy's
#   default ufunc buffer on short rows (a row-sized buffer is set instead); worker threads (no gain on the
#   2-vCPU VMs measured); 3-D (band, row, column) views for blocks of equal-height bands (no faster than
#   row gathers); summing all octaves' A terms first (a few % faster, but the point path must then keep
#   every octave's terms alive).
#
# Compatibility (seed=None) is with `noise.pnoise2(x, y, octaves, persistence, lacunarity)` (base 0,
# repeat 1024): octave frequencies, amplitudes and repeat periods are computed in float32 exactly as the C
# code does, and its repeat wrap (fmodf) is applied where a period is not a whole number of 256-cell table
# cycles (lacunarity 2 never needs it). Coordinates themselves are NOT rounded to float32: cells and
# fractions are found in float64, so large world coordinates keep their resolution where `noise` collapses
# them. For float32 inputs whose scaled coordinates are exact in float32 (always, with lacunarity 2), the
# results differ from `noise` only by its own float32 rounding: <= 2e-7 for inputs on a 2**-10 grid, and
# up to ~1.2e-6 on rare points when all 24 bits of a float32 input are in use (ours is the exact value of
# the formula to ~1e-15).
#
# Seeded noise (seed=int) shuffles the 256-entry permutation itself (numpy PCG64 seeded by a SeedSequence),
# uses float64 octave parameters, and has no repeat wrap: its only period is the 256-cell lattice.

# Ken Perlin's reference permutation, as in the `noise` package's _noise.h.
_PERLIN_PERM = np.array(
    [
        151, 160, 137, 91, 90, 15, 131, 13, 201, 95, 96, 53, 194, 233, 7, 225, 140, 36, 103, 30, 69, 142,
        8, 99, 37, 240, 21, 10, 23, 190, 6, 148, 247, 120, 234, 75, 0, 26, 197, 62, 94, 252, 219, 203, 117,
        35, 11, 32, 57, 177, 33, 88, 237, 149, 56, 87, 174, 20, 125, 136, 171, 168, 68, 175, 74, 165, 71,
        134, 139, 48, 27, 166, 77, 146, 158, 231, 83, 111, 229, 122, 60, 211, 133, 230, 220, 105, 92, 41,
        55, 46, 245, 40, 244, 102, 143, 54, 65, 25, 63, 161, 1, 216, 80, 73, 209, 76, 132, 187, 208, 89,
        18, 169, 200, 196, 135, 130, 116, 188, 159, 86, 164, 100, 109, 198, 173, 186, 3, 64, 52, 217, 226,
        250, 124, 123, 5, 202, 38, 147, 118, 126, 255, 82, 85, 212, 207, 206, 59, 227, 47, 16, 58, 17, 182,
        189, 28, 42, 223, 183, 170, 213, 119, 248, 152, 2, 44, 154, 163, 70, 221, 153, 101, 155, 167, 43,
        172, 9, 129, 22, 39, 253, 19, 98, 108, 110, 79, 113, 224, 232, 178, 185, 112, 104, 218, 246, 97,
        228, 251, 34, 242, 193, 238, 210, 144, 12, 191, 179, 162, 241, 81, 51, 145, 235, 249, 14, 239,
        107, 49, 192, 214, 31, 181, 199, 106, 157, 184, 84, 204, 176, 115, 121, 50, 45, 127, 4, 150, 254,
        138, 236, 205, 93, 222, 114, 67, 29, 24, 72, 243, 141, 128, 195, 78, 66, 215, 61, 156, 180,
    ],
    dtype=np.int64,
)  # fmt: skip

# x and y components of the `noise` package's GRAD3 table (its z column plays no part in 2-D).
_GRAD_X = np.array([1, -1, 1, -1, 1, -1, 1, -1, 0, 0, 0, 0, 1, -1, 0, 0], dtype=np.int64)
_GRAD_Y = np.array([1, 1, -1, -1, 0, 0, 0, 0, 1, -1, 1, -1, 0, 0, -1, 1], dtype=np.int64)

_MAX_SEED = 2**64
# Working sizes, in float64 values. Temporaries are kept this small on purpose: in cache, and recycled by
# the allocator instead of being fresh pages, whose first-touch faults cost as much as the arithmetic.
_POINT_CHUNK = 1 << 13  # points per pass of the point path
_BLOCK_ELEMS = 1 << 15  # elements per row block of the grid
_BAND_VALUES = 1 << 14  # per-(band, column) values per coefficient in one batch of an octave's bands


@dataclass(frozen=True)
class _Lattice:
    """Integer tables derived from one permutation."""

    perm: NDArray[np.int64]  # 512 entries, the 256-entry permutation twice
    grad_x: NDArray[np.int8]  # (256, 256) [j, i] -> gradient x component + 1, in {0, 1, 2}
    grad_y: NDArray[np.int8]  # (256, 256) [j, i] -> gradient y component + 1
    pair_x: NDArray[np.intp]  # (256 * 256,) flat [j, i] -> pair code of gx at corners (i, j), (i+1, j)
    pair_y: NDArray[np.intp]  # (256 * 256,) flat [j, i] -> pair code of gy at corners (i, j), (i+1, j)
    # (256 * 256,) flat [j, i] -> the four gradient components of edge (i, j)-(i+1, j), 2 bits each (+1):
    # gx(i) << 6 | gx(i+1) << 4 | gy(i) << 2 | gy(i+1). The compiled point path reads an edge in one load.
    edge: NDArray[np.uint8]


@dataclass(frozen=True)
class _Octave:
    freq: float
    weight: float  # amp / sum(amp)
    wrap: float | None  # compat repeat period in lattice cells, None where it cannot change an index


# A "pair code" names one gradient component at the two ends of a lattice edge (i, j)-(i+1, j):
# code = 3*(g0 + 1) + (g1 + 1), 0 <= code < 9. These decode it (as floats) for the point path.
_PAIR_G0 = np.repeat(np.array([-1.0, 0.0, 1.0]), 3)
_PAIR_G1 = np.tile(np.array([-1.0, 0.0, 1.0]), 3)


def _check_seed(seed: Any) -> int | None:
    if seed is None:
        return None
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be an int or None, not {type(seed).__name__}")
    seed = int(seed)
    if not 0 <= seed < _MAX_SEED:
        raise ValueError(f"seed must satisfy 0 <= seed < 2**64, got {seed}")
    return seed


@lru_cache(maxsize=32)
def _lattice(seed: int | None) -> _Lattice:
    if seed is None:
        base = _PERLIN_PERM
    else:
        rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed)))
        base = rng.permutation(256).astype(np.int64)
    perm = np.concatenate([base, base])
    ij = np.arange(256)
    # h(i, j) = PERM[PERM[PERM[i] + j]] & 15, laid out [j, i].
    h = perm[perm[perm[ij][None, :] + ij[:, None]]] & 15
    gx = (_GRAD_X[h] + 1).astype(np.int8)  # int8: the kernels' lookups stay in cache
    gy = (_GRAD_Y[h] + 1).astype(np.int8)
    nxt = (ij + 1) & 255
    pair_x = (3 * gx + gx[:, nxt]).astype(np.intp).ravel()
    pair_y = (3 * gy + gy[:, nxt]).astype(np.intp).ravel()
    gxi, gyi = gx.astype(np.intp), gy.astype(np.intp)
    edge = ((gxi << 6) | (gxi[:, nxt] << 4) | (gyi << 2) | gyi[:, nxt]).astype(np.uint8).ravel()
    for a in (perm, gx, gy, pair_x, pair_y, edge):
        a.setflags(write=False)
    return _Lattice(perm, gx, gy, pair_x, pair_y, edge)


def permutation(seed: int | None) -> np.ndarray:
    """The 512-entry doubled permutation table (int64) used for `seed`; None gives Perlin's reference table.

    A seed (0 <= seed < 2**64) shuffles 0..255 with
    ``np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed))).permutation(256)``.
    """
    return _lattice(_check_seed(seed)).perm.copy()


@lru_cache(maxsize=64)
def _octave_plan(octaves: int, persistence: float, lacunarity: float, compat: bool) -> tuple[_Octave, ...]:
    if compat:
        # The C loop runs in float32: freq = 1, amp = 1, max = 0; freq *= lacunarity; amp *= persistence.
        f32 = np.float32
        freq, amp, total = f32(1.0), f32(1.0), f32(0.0)
        lac, pers = f32(lacunarity), f32(persistence)
        steps = []
        for _ in range(octaves):
            steps.append((freq, amp, f32(1024.0) * freq))
            total = f32(total + amp)
            freq = f32(freq * lac)
            amp = f32(amp * pers)
        if total == 0.0:
            raise ValueError("the octave amplitudes sum to 0 (persistence)")
        plan = []
        for freq, amp, rep in steps:
            rep64 = float(rep)
            # A period that is a whole number of 256-cell table cycles cannot change (i & 255).
            wrap = None if rep64 % 256.0 == 0.0 else rep64
            plan.append(_Octave(float(freq), float(amp) / float(total), wrap))
        return tuple(plan)
    freqs, amps = [], []
    freq, amp, total = 1.0, 1.0, 0.0
    for _ in range(octaves):
        freqs.append(freq)
        amps.append(amp)
        total += amp
        freq *= lacunarity
        amp *= persistence
    if total == 0.0:
        raise ValueError("the octave amplitudes sum to 0 (persistence)")
    return tuple(_Octave(f, a / total, None) for f, a in zip(freqs, amps))


def _plan(octaves: Any, persistence: Any, lacunarity: Any, seed: int | None) -> tuple[_Octave, ...]:
    if isinstance(octaves, (bool, np.bool_)) or not isinstance(octaves, (int, np.integer)):
        raise TypeError(f"octaves must be an int, not {type(octaves).__name__}")
    if octaves < 1:
        raise ValueError(f"octaves must be >= 1, got {octaves}")
    persistence, lacunarity = float(persistence), float(lacunarity)
    if not (math.isfinite(persistence) and math.isfinite(lacunarity)):
        raise ValueError("persistence and lacunarity must be finite")
    if lacunarity <= 0.0:
        raise ValueError(f"lacunarity must be > 0, got {lacunarity}")
    plan = _octave_plan(int(octaves), persistence, lacunarity, seed is None)
    if not all(math.isfinite(o.weight) and math.isfinite(o.freq) for o in plan):
        raise ValueError("persistence/lacunarity/octaves give non-finite octave weights or frequencies")
    return plan


def _axis(t: NDArray[np.float64], octave: _Octave) -> tuple[Any, Any, Any, Any]:
    """Lattice indices (lo, hi), fraction and fade of coordinates `t` at one octave (both paths use it).

    hi is None where it is always (lo + 1) & 255, i.e. unless a compat repeat period can wrap an edge.
    """
    scaled = t * octave.freq
    cell = np.floor(scaled)
    hi: Any = None
    if octave.wrap is None:
        # cell mod 256 by an exact float identity (every step is exact for any finite cell, so no int
        # overflow at huge coordinates); several times cheaper than np.fmod.
        lo = np.floor(cell * (1.0 / 256.0))
        lo *= 256.0
        np.subtract(cell, lo, out=lo)
        lo = lo.astype(np.intp)
    else:
        # As the C code: i = (int)floorf(fmodf(x, repeat)); ii = (int)fmodf(i + 1, repeat); both & 255.
        wrapped = np.floor(np.fmod(scaled, octave.wrap))
        lo = np.fmod(wrapped, 256.0).astype(np.intp) & 255
        hi = np.fmod(np.fmod(wrapped + 1.0, octave.wrap), 256.0).astype(np.intp) & 255
    frac = np.subtract(scaled, cell, out=scaled)
    # fade = frac*frac*frac * (frac*(frac*6 - 15) + 10), operation for operation as the C code.
    poly = frac * 6.0
    poly -= 15.0
    poly *= frac
    poly += 10.0
    fade = np.multiply(frac, frac, out=cell)
    fade *= frac
    fade *= poly
    return lo, hi, frac, fade


def _pair_codes(lat: _Lattice, j: Any, lo: Any, hi: Any) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """Pair codes (gx, gy) of the lattice edges (lo, j)-(hi, j); j, lo, hi broadcast (hi None: lo + 1)."""
    flat = j * 256 + lo
    px = np.take(lat.pair_x, flat, mode="clip")
    py = np.take(lat.pair_y, flat, mode="clip")
    if hi is not None:
        odd = np.broadcast_to(hi != ((lo + 1) & 255), px.shape)  # edges a compat repeat wraps
        if np.any(odd):
            jb, lob, hib = (np.broadcast_to(a, px.shape)[odd] for a in (j, lo, hi))
            gx, gy = lat.grad_x.astype(np.intp), lat.grad_y.astype(np.intp)
            px[odd] = 3 * gx[jb, lob] + gx[jb, hib]
            py[odd] = 3 * gy[jb, lob] + gy[jb, hib]
    return px, py


def _blend_x(g0: Any, g1: Any, x: Any, xm: Any, u: Any, w: float) -> Any:
    """w * lerp(u, g0*x, g1*(x-1)) = w*(a + u*(g1*xm - a)), a = g0*x: the x-blend both paths use."""
    a = g0 * x
    r = g1 * xm
    r -= a
    r *= u
    r += a
    r *= w
    return r


def _blend_y(g0: Any, g1: Any, u: Any, w: float) -> Any:
    """w * lerp(u, g0, g1) = w*(g0 + u*(g1 - g0)): the y-slope both paths use."""
    r = (g1 - g0) * u
    r += g0
    r *= w
    return r


def _as_coords(a: ArrayLike, name: str) -> NDArray[np.float64]:
    arr = np.asarray(a, dtype=np.float64)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite")
    return arr


# ----------------------------------------------------------------------------------------------------------
# Point path


def perlin2(
    x: ArrayLike,
    y: ArrayLike,
    octaves: int = 1,
    persistence: float = 0.5,
    lacunarity: float = 2.0,
    seed: int | None = None,
) -> np.ndarray:
    """Perlin noise at points (x, y), broadcast together; float64 array of the broadcast shape.

    seed=None matches ``noise.pnoise2(x, y, octaves, persistence, lacunarity)`` (to ~1e-6, the C code's
    own float32 rounding, for float32 inputs); an int seed shuffles the permutation table (see
    `permutation`). Coordinates are used in float64, so large ones keep their resolution.
    """
    seed = _check_seed(seed)
    plan = _plan(octaves, persistence, lacunarity, seed)
    xa, ya = np.broadcast_arrays(_as_coords(x, "x"), _as_coords(y, "y"))
    shape = xa.shape
    xf = np.ascontiguousarray(xa).ravel()
    yf = np.ascontiguousarray(ya).ravel()
    lat = _lattice(seed)
    out = np.empty(xf.size, dtype=np.float64)
    jit = _maybe_jit(out.size, len(plan))
    if jit is not None:
        freq, weight, wrap = _plan_arrays(plan)
        jit.points(xf, yf, freq, weight, wrap, lat.grad_x, lat.grad_y, lat.edge, out)
        return out.reshape(shape)
    for start in range(0, xf.size, _POINT_CHUNK):
        sl = slice(start, start + _POINT_CHUNK)
        out[sl] = _points(lat, plan, xf[sl], yf[sl])
    return out.reshape(shape)


def _points(lat: _Lattice, plan: tuple[_Octave, ...], x: NDArray[np.float64], y: NDArray[np.float64]) -> Any:
    total: Any = None
    for octave in plan:
        w = octave.weight
        ilo, ihi, fx, u = _axis(x, octave)
        jlo, jhi, fy, v = _axis(y, octave)
        xm = fx - 1.0
        px, py = _pair_codes(lat, jlo, ilo, ihi)
        a = _blend_x(_PAIR_G0[px], _PAIR_G1[px], fx, xm, u, w)
        b = _blend_y(_PAIR_G0[py], _PAIR_G1[py], u, w)
        px, py = _pair_codes(lat, jhi if jhi is not None else (jlo + 1) & 255, ilo, ihi)
        c = _blend_x(_PAIR_G0[px], _PAIR_G1[px], fx, xm, u, w)
        d = _blend_y(_PAIR_G0[py], _PAIR_G1[py], u, w)
        c -= d
        c -= a  # C = (w*P1 - w*Q1) - A
        d -= b  # D = w*Q1 - B
        # The grid's order: total += A; += y*B; += v*C; += (v*y)*D.
        if total is None:
            total = a
        else:
            total += a
        b *= fy
        total += b
        c *= v
        total += c
        v *= fy
        v *= d
        total += v
    return total


# ----------------------------------------------------------------------------------------------------------
# Grid path


def perlin2_grid(
    xs: ArrayLike,
    ys: ArrayLike,
    octaves: int = 1,
    persistence: float = 0.5,
    lacunarity: float = 2.0,
    seed: int | None = None,
) -> np.ndarray:
    """Perlin noise on the grid ys x xs: shape (len(ys), len(xs)), row = y.

    Bit-identical to ``perlin2(xs[None, :], ys[:, None], ...)``; any two grids agree exactly on the points
    they share, so chunked generation has no seams.
    """
    seed = _check_seed(seed)
    plan = _plan(octaves, persistence, lacunarity, seed)
    xa = _as_coords(xs, "xs")
    ya = _as_coords(ys, "ys")
    if xa.ndim != 1 or ya.ndim != 1:
        raise ValueError("xs and ys must be 1-D")
    n_rows, n_cols = ya.size, xa.size
    out = np.empty((n_rows, n_cols), dtype=np.float64)
    if out.size == 0:
        return out
    lat = _lattice(seed)
    block = max(1, _BLOCK_ELEMS // n_cols)
    cols = [_columns(xa, octave) for octave in plan]
    jit = _maybe_jit(out.size, len(plan))
    if jit is not None:
        _grid_jit(jit, lat, cols, [_axis(ya, octave) for octave in plan], out, block)
        return out
    bands = [_OctaveBands(lat, col, _rows(ya, octave), block) for col, octave in zip(cols, plan)]
    g = np.empty((min(block, n_rows), n_cols))
    # numpy's ufunc buffering copies broadcast operands when rows are shorter than its buffer; a buffer no
    # longer than a row avoids that (speed only: buffering never changes a result).
    old_bufsize = np.setbufsize(min(8192, max(16, n_cols // 16 * 16)))
    try:
        for b0 in range(0, n_rows, block):
            b1 = min(b0 + block, n_rows)
            _combine_block(bands, out[b0:b1], g[: b1 - b0], b0, b1)
    finally:
        np.setbufsize(old_bufsize)
    return out


@dataclass(frozen=True)
class _Columns:
    lo: NDArray[np.intp]
    hi: NDArray[np.intp] | None  # None: (lo + 1) & 255
    tab_a: NDArray[np.float64]  # (n_cols, 9) [c, code] -> w * lerp(u, gx0*x, gx1*(x-1))
    tab_b: NDArray[np.float64]  # (n_cols, 9) [c, code] -> w * lerp(u, gy0, gy1)
    base: NDArray[np.intp]  # 9 * column index


def _columns(xs: NDArray[np.float64], octave: _Octave) -> _Columns:
    lo, hi, fx, u = _axis(xs, octave)
    xm = fx - 1.0
    w = octave.weight
    # The 9 values each blend can take per column (gradient components are -1, 0 or 1): the point
    # path's expression, broadcast over the 9 pair codes.
    tab_a = _blend_x(_PAIR_G0, _PAIR_G1, fx[:, None], xm[:, None], u[:, None], w)
    tab_b = _blend_y(_PAIR_G0, _PAIR_G1, u[:, None], w)
    if hi is not None and np.array_equal(hi, (lo + 1) & 255):
        hi = None
    return _Columns(lo, hi, tab_a, tab_b, 9 * np.arange(xs.size, dtype=np.intp))


@dataclass(frozen=True)
class _Rows:
    run: NDArray[np.intp]  # per row: index of its run (maximal stretch of rows with the same lattice rows)
    run_lo: NDArray[np.intp]  # per run: lattice row of the band's bottom edge
    run_hi: NDArray[np.intp]  # per run: lattice row of its top edge
    y: NDArray[np.float64]  # (n_rows, 1) fraction
    v: NDArray[np.float64]  # (n_rows, 1) fade
    s: NDArray[np.float64]  # (n_rows, 1) fade * fraction


def _rows(ys: NDArray[np.float64], octave: _Octave) -> _Rows:
    jlo, jhi, fy, v = _axis(ys, octave)
    if jhi is None:
        jhi = (jlo + 1) & 255
    # Rows of one run share their coefficients. (Sorted ys give one run per band; any order stays correct.)
    starts = np.flatnonzero(np.concatenate(([True], (jlo[1:] != jlo[:-1]) | (jhi[1:] != jhi[:-1]))))
    run = np.zeros(ys.size, dtype=np.intp)
    run[starts[1:]] = 1
    np.cumsum(run, out=run)  # integer prefix count: exact in any order
    return _Rows(run, jlo[starts], jhi[starts], fy[:, None], v[:, None], (v * fy)[:, None])


def _band_coeffs(
    lat: _Lattice, col: _Columns, jlo: NDArray[np.intp], jhi: NDArray[np.intp]
) -> tuple[NDArray[np.float64], ...]:
    """A, B, C, D, each (bands, n_cols), for bands whose bottom / top edges lie on lattice rows jlo / jhi."""
    n = jlo.size
    # Consecutive bands of sorted rows share a lattice row (the top of one is the bottom of the next):
    # then each row's edge values are looked up once.
    shared = n > 1 and bool(np.array_equal(jhi[:-1], jlo[1:]))
    j = np.concatenate((jlo, jhi[-1:])) if shared else np.concatenate((jlo, jhi))
    if col.hi is None:
        py = np.add((j * 256)[:, None], col.lo)
        px = np.take(lat.pair_x, py, mode="clip")
        np.take(lat.pair_y, py, out=py, mode="clip")
    else:
        px, py = _pair_codes(lat, j[:, None], col.lo, col.hi)
    px += col.base
    py += col.base
    p = np.take(col.tab_a.ravel(), px, mode="clip")  # w*P on each lattice row's edge
    q = np.take(col.tab_b.ravel(), py, mode="clip")  # w*Q
    top = slice(1, n + 1) if shared else slice(n, 2 * n)
    c = np.subtract(p[top], q[top])
    c -= p[:n]  # C = (w*P1 - w*Q1) - A
    d = np.subtract(q[top], q[:n])  # D = w*Q1 - B
    return p[:n], q[:n], c, d


class _OctaveBands:
    """One octave of a grid: its row factors, and its band coefficients built a batch at a time.

    A batch holds about _BAND_VALUES values per coefficient (small temporaries), and each band is built
    once however many row blocks it spans.
    """

    def __init__(self, lat: _Lattice, col: _Columns, rows: _Rows, block: int) -> None:
        self.lat, self.col, self.rows = lat, col, rows
        self.batch = max(block + 1, _BAND_VALUES // col.lo.size)
        self.first, self.end = 0, 0
        self.coeffs: tuple[NDArray[np.float64], ...] = ()

    def get(self, b0: int, b1: int) -> tuple[tuple[NDArray[np.float64], ...], NDArray[np.intp]]:
        """Coefficients covering rows b0:b1, and each of those rows' band index into them."""
        run = self.rows.run
        first, last = int(run[b0]), int(run[b1 - 1])
        if first < self.first or last >= self.end:
            self.first = first
            self.end = min(self.rows.run_lo.size, max(last + 1, first + self.batch))
            sel = slice(self.first, self.end)
            self.coeffs = _band_coeffs(self.lat, self.col, self.rows.run_lo[sel], self.rows.run_hi[sel])
        return self.coeffs, run[b0:b1] - self.first


def _combine_block(bands: list[_OctaveBands], tot: NDArray[np.float64], g: Any, b0: int, b1: int) -> None:
    """Rows b0:b1 of the grid into tot, octave by octave: += A; += y*B; += v*C; += s*D (the point order)."""
    for k, octave in enumerate(bands):
        (ca, cb, cc, cd), band = octave.get(b0, b1)
        rows = octave.rows
        one = band[-1] == band[0]  # run indices never decrease: first == last means a single band
        if one:
            # One band: its coefficient rows broadcast over the block's rows.
            if k == 0:
                np.copyto(tot, ca[band[0]])
            else:
                np.add(tot, ca[band[0]], out=tot)
        elif k == 0:
            np.take(ca, band, axis=0, out=tot, mode="clip")
        else:
            # Several bands: gather their coefficient rows (row copies) first.
            np.take(ca, band, axis=0, out=g, mode="clip")
            np.add(tot, g, out=tot)
        for coef, factor in ((cb, rows.y), (cc, rows.v), (cd, rows.s)):
            if one:
                np.multiply(factor[b0:b1], coef[band[0]], out=g)
            else:
                np.take(coef, band, axis=0, out=g, mode="clip")
                np.multiply(g, factor[b0:b1], out=g)
            np.add(tot, g, out=tot)


# ----------------------------------------------------------------------------------------------------------
# Optional compiled kernels
#
# Why: numpy makes one pass over memory per operation, about 7 per octave and element on a grid (~60 per
# point and octave on the point path). On the 2-vCPU VMs this was built on, that held the numpy grid to
# ~15-40x the C per-point loop, depending on load (short of the 40x asked for), and the numpy point path
# to about the loop's speed; compiled, the grid runs at ~50-130x and the point path at ~4-5x.
# Where numba is installed, the loops below run compiled instead: same operations, same order, same
# operands. They are compiled without fast-math, so LLVM neither reorders operations nor contracts a
# multiply and an add into an FMA; each stays a separately rounded IEEE operation, and the bits equal the
# numpy engine's on any CPU (the tests compare the two). numba stays optional: without it, or with
# SCENEGEN_NO_JIT=1 in the environment, everything runs on numpy and gives the same bits.


@dataclass(frozen=True)
class _Kernels:
    points: Callable[..., None]
    grid: Callable[..., None]


def _maybe_jit(size: int, octaves: int) -> _Kernels | None:
    """The compiled kernels if this call should use them (see scenegen.jit), else None."""
    if not jit.use(size, size * octaves):
        return None
    return _Kernels(points=jit.compile_kernel(_points_kernel), grid=jit.compile_kernel(_grid_kernel))


def _plan_arrays(plan: tuple[_Octave, ...]) -> tuple[NDArray[np.float64], ...]:
    freq = np.array([o.freq for o in plan])
    weight = np.array([o.weight for o in plan])
    wrap = np.array([0.0 if o.wrap is None else o.wrap for o in plan])  # 0: no compat wrap
    return freq, weight, wrap


def _grid_jit(
    jit: _Kernels,
    lat: _Lattice,
    cols: list[_Columns],
    rows: list[tuple[Any, ...]],
    out: NDArray[np.float64],
    block: int,
) -> None:
    lo = np.stack([c.lo for c in cols])
    hi = np.stack([(c.lo + 1) & 255 if c.hi is None else c.hi for c in cols])
    jlo = np.stack([r[0] for r in rows])
    jhi = np.stack([(r[0] + 1) & 255 if r[1] is None else r[1] for r in rows])
    fy = np.stack([r[2] for r in rows])
    fv = np.stack([r[3] for r in rows])
    tab_a = np.stack([c.tab_a for c in cols])
    tab_b = np.stack([c.tab_b for c in cols])
    jit.grid(out, lo, hi, tab_a, tab_b, jlo, jhi, fy, fv, fv * fy, lat.grad_x, lat.grad_y, block)


def _grid_kernel(
    out, lo, hi, tab_a, tab_b, jlo, jhi, fy, fv, fs, grad_x, grad_y, block
):
    """The numpy grid path as loops: bands' A, B, C, D per column, then A + y*B + v*C + s*D per octave.

    Rows go in blocks that stay in cache while every octave adds into them; each octave keeps its current
    band's coefficients until its lattice rows change, so a band is built once however tall it is.
    """
    n_oct, n_cols = lo.shape
    n_rows = out.shape[0]
    coef = np.empty((n_oct, 4, n_cols))
    keys = np.full(n_oct, -1)
    for r0 in range(0, n_rows, block):
        r1 = min(r0 + block, n_rows)
        for k in range(n_oct):
            cf = coef[k]
            for r in range(r0, r1):
                j0 = jlo[k, r]
                j1 = jhi[k, r]
                if j0 * 256 + j1 != keys[k]:
                    keys[k] = j0 * 256 + j1
                    for c in range(n_cols):
                        i0 = lo[k, c]
                        i1 = hi[k, c]
                        a = tab_a[k, c, 3 * grad_x[j0, i0] + grad_x[j0, i1]]
                        b = tab_b[k, c, 3 * grad_y[j0, i0] + grad_y[j0, i1]]
                        top_p = tab_a[k, c, 3 * grad_x[j1, i0] + grad_x[j1, i1]]
                        top_q = tab_b[k, c, 3 * grad_y[j1, i0] + grad_y[j1, i1]]
                        cf[0, c] = a
                        cf[1, c] = b
                        cf[2, c] = (top_p - top_q) - a
                        cf[3, c] = top_q - b
                yr = fy[k, r]
                vr = fv[k, r]
                sr = fs[k, r]
                if k == 0:
                    for c in range(n_cols):
                        out[r, c] = ((cf[0, c] + yr * cf[1, c]) + vr * cf[2, c]) + sr * cf[3, c]
                else:
                    for c in range(n_cols):
                        t = out[r, c] + cf[0, c]
                        out[r, c] = ((t + yr * cf[1, c]) + vr * cf[2, c]) + sr * cf[3, c]


def _points_kernel(x, y, freq, weight, wrap, grad_x, grad_y, edge, out):
    """The numpy point path (_axis, _pair_codes, _blend_x/_blend_y, the sum) as loops.

    Points go in chunks that stay in cache, octave by octave, each in three loops without branches (so
    they vectorize): lattice cells and fractions, fades, then the blends, which read each lattice edge's
    four gradient components in one load from `edge`. The lattice index is cell mod 256 by the exact
    float identity of _axis. Octaves with a compat repeat wrap (never with lacunarity 2) run point by
    point as _axis does them. Same operations, same order, same operands as the numpy path.
    """
    chunk = 1024
    fx = np.empty(chunk)
    fy = np.empty(chunk)
    fu = np.empty(chunk)
    fv = np.empty(chunk)
    ci = np.empty(chunk, dtype=np.int64)
    cj = np.empty(chunk, dtype=np.int64)
    for s in range(0, x.size, chunk):
        m = min(chunk, x.size - s)
        for k in range(freq.size):
            f = freq[k]
            w = weight[k]
            rep = wrap[k]
            if rep != 0.0:
                # A compat repeat wrap: point by point, as _axis and _pair_codes do it.
                for n in range(s, s + m):
                    scaled = x[n] * f
                    cell = np.floor(scaled)
                    wrapped = np.floor(np.fmod(scaled, rep))
                    i0 = int(np.fmod(wrapped, 256.0)) & 255
                    i1 = int(np.fmod(np.fmod(wrapped + 1.0, rep), 256.0)) & 255
                    rx = scaled - cell
                    ru = ((rx * rx) * rx) * ((rx * 6.0 - 15.0) * rx + 10.0)
                    scaled = y[n] * f
                    cell = np.floor(scaled)
                    wrapped = np.floor(np.fmod(scaled, rep))
                    j0 = int(np.fmod(wrapped, 256.0)) & 255
                    j1 = int(np.fmod(np.fmod(wrapped + 1.0, rep), 256.0)) & 255
                    ry = scaled - cell
                    rv = ((ry * ry) * ry) * ((ry * 6.0 - 15.0) * ry + 10.0)
                    xm = rx - 1.0
                    # blends, as _blend_x / _blend_y (gradient components are grad - 1: -1, 0 or 1)
                    g0 = grad_x[j0, i0] - 1.0
                    a = g0 * rx
                    a = (((grad_x[j0, i1] - 1.0) * xm - a) * ru + a) * w
                    g0 = grad_y[j0, i0] - 1.0
                    b = (((grad_y[j0, i1] - 1.0) - g0) * ru + g0) * w
                    g0 = grad_x[j1, i0] - 1.0
                    top_p = g0 * rx
                    top_p = (((grad_x[j1, i1] - 1.0) * xm - top_p) * ru + top_p) * w
                    g0 = grad_y[j1, i0] - 1.0
                    top_q = (((grad_y[j1, i1] - 1.0) - g0) * ru + g0) * w
                    c = (top_p - top_q) - a
                    d = top_q - b
                    acc = a if k == 0 else out[n] + a
                    out[n] = ((acc + b * ry) + c * rv) + (rv * ry) * d
                continue
            for t in range(m):
                scaled = x[s + t] * f
                cell = np.floor(scaled)
                fx[t] = scaled - cell
                ci[t] = np.int64(cell - np.floor(cell * (1.0 / 256.0)) * 256.0) & 255
                scaled = y[s + t] * f
                cell = np.floor(scaled)
                fy[t] = scaled - cell
                cj[t] = np.int64(cell - np.floor(cell * (1.0 / 256.0)) * 256.0) & 255
            for t in range(m):
                a = fx[t]
                fu[t] = ((a * a) * a) * ((a * 6.0 - 15.0) * a + 10.0)
                a = fy[t]
                fv[t] = ((a * a) * a) * ((a * 6.0 - 15.0) * a + 10.0)
            for t in range(m):
                px = fx[t]
                py = fy[t]
                u = fu[t]
                v = fv[t]
                xm = px - 1.0
                e = np.int64(edge[cj[t] * 256 + ci[t]])                  # the bottom edge, j
                g0 = np.float64(e >> 6) - 1.0
                a = g0 * px
                a = (((np.float64((e >> 4) & 3) - 1.0) * xm - a) * u + a) * w
                g0 = np.float64((e >> 2) & 3) - 1.0
                b = (((np.float64(e & 3) - 1.0) - g0) * u + g0) * w
                e = np.int64(edge[((cj[t] + 1) & 255) * 256 + ci[t]])    # the top edge, j + 1
                g0 = np.float64(e >> 6) - 1.0
                top_p = g0 * px
                top_p = (((np.float64((e >> 4) & 3) - 1.0) * xm - top_p) * u + top_p) * w
                g0 = np.float64((e >> 2) & 3) - 1.0
                top_q = (((np.float64(e & 3) - 1.0) - g0) * u + g0) * w
                c = (top_p - top_q) - a
                d = top_q - b
                n = s + t
                acc = a if k == 0 else out[n] + a
                out[n] = ((acc + b * py) + c * v) + (v * py) * d


# ----------------------------------------------------------------------------------------------------------
# Legacy


def noise_compat_point(x: float, y: float, octaves: int, persistence: float, lacunarity: float) -> float:
    """One value from the C `noise` package (base 0, repeat 1024): the legacy engine's per-point call."""
    import noise as _cnoise  # the third-party package; only this legacy helper needs it

    # Positional: x, y, octaves, persistence, lacunarity, repeatx, repeaty, base (never >= 2: it would read
    # past the C table).
    args = (float(x), float(y), int(octaves), float(persistence), float(lacunarity), 1024, 1024, 0)
    return float(_cnoise.pnoise2(*args))
