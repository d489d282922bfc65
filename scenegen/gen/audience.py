"""Audience: groups of luminous figures (misty silhouettes or floating eyes) placed at a least spacing.

Layouts: `rows` (amphitheatre arcs facing the stage), `ring` (an annulus around it), `scatter` (a
rectangle) and `sky-dome` (a band of the sphere above). Ground figures stand on the terrain; nobody
stands on the stage. Each group draws only from its own stream, in a fixed order: group-wide values,
then placement, then per-figure looks, then facing. Changing one group never moves another.

Sizing: where the seed file leaves the region open (rows and ring without `outer`), the region grows
from the stage until it holds `count` at `spacing`, and the figures fill it from the front. Where the
region is fixed (scatter, sky-dome, or an explicit `outer`), the figures spread evenly over all of it:
they are placed at the largest spacing that still fits the count (never below `spacing`), then a few
extra are thinned out at random. A region that cannot hold `count` gets as many as fit, and a warning.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..color import hex_to_linear
from ..model import Record, array, check_arrays, value
from ..spec import AudienceGroupSpec
from .poisson import DENSITY, band_area, poisson_disc, poisson_disc_sphere
from .stage import Stage
from .terrain import Terrain

__all__ = ["AudienceGroup", "AudienceWarning", "generate_audience"]

_BATCHES = 4            # Poisson batches: 0.586 points per spacing² (one batch: 0.509), at ~3x the time
_STAGE_GAP = 1.5        # free ground between the stage's rim and the nearest figures, metres (at least)
_ROW_GAP = 1.25         # row depth in spacings: a little deeper than the seat pitch, like real tiers
_SEAT_PITCH = 1.15      # slot pitch along a row in spacings: the rest of each slot is angular jitter
_ROW_JITTER = 0.1       # radial jitter, ± this many spacings: rows are not ruled lines
_BLOCK = 65_536         # points per call of the elementwise passes (heights, masks): stays in cache
_ATTEMPTS = 3           # region grows or spacing shrinks at most this many times: bounded work
_AREA_PROBE = 256       # the clipped area of a fixed region is measured on this many × this many points
_SLOT_BUDGET = 4        # rows: at most this many seat slots per requested figure (plus a fixed reserve)
_SWAY_SPREAD = 0.25     # each figure's sway amplitude is the group's × (1 ± this)
_FREQ_SPREAD = 0.2      # … its sway frequency × (1 ± this)
_SHIMMER_SPREAD = 0.4   # … its shimmer × (1 ± this), clipped to 0…1
SHIMMER_RATE = 0.35     # dissolve/re-form cycles per second of the mist (the renderer's time scale)

Mask = Callable[[np.ndarray, np.ndarray], np.ndarray]


class AudienceWarning(UserWarning):
    """A group's region could not hold all the figures asked for."""


@dataclass(frozen=True, eq=False)
class AudienceGroup(Record):
    """One audience group: per-figure arrays (suffix _i) and the values the whole group shares."""
    name: str = value("The group's label.")
    index: int = value("Position of the group in the seed file.")
    layout: str = value("rows, ring, scatter or sky-dome.")
    figure: str = value("silhouette (a misty humanoid outline) or eye (a floating iris).")
    facing: str = value("stage, random or away: how facing_i was chosen.")
    requested: int = value("Figures the seed file asked for.")
    placed: int = value("Figures placed (fewer than requested when the region could not hold them).")
    spacing: float = value("Least distance between two figures, metres (on the ground: across x, z).")
    origin: tuple[float, float, float] = value("The point the layout is arranged around and faces: the "
                                               "stage centre at its surface height.")
    inner: float | None = value("rows: radius of the first row holding figures; ring: the annulus's inner "
                                "radius; metres; else none.")
    outer: float | None = value("rows: radius of the last row holding figures; ring: the annulus's outer "
                                "radius (open rings: the farthest figure); metres; else none.")
    rows: int = value("rows: number of arcs holding figures; else 0.")
    dome_radius: float | None = value("sky-dome: distance of the figures from the origin, metres; else none.")
    mist: float = value("How soft and smoky the figures are: 0 crisp, 1 pure mist.")
    shimmer: float = value("The group's shimmer amount (each figure varies around it in shimmer_i).")
    shimmer_rate: float = value("Dissolve/re-form cycles per second of the mist.")
    breathing_rate: float = value("Breaths per second.")
    breathing_depth: float = value("Swell of a breath, as a fraction of a figure's size.")
    breathing_unison: bool = value("All figures breathe with breathing_phase (else each with phase_i).")
    breathing_phase: float = value("The shared breathing phase, radians.")
    mood_color: tuple[float, float, float] | None = value("Linear RGB the glow drifts towards and back; "
                                                           "none: no mood transition.")
    mood_period: float = value("Seconds for a full there-and-back of the mood colour.")
    mood_strength: float = value("How far the colours move towards the mood colour, 0…1.")
    pos_i: np.ndarray = array("float32", ("n", 3), "Position, metres: silhouettes' feet on the terrain; "
                                                    "eyes' centres in the sky.")
    facing_i: np.ndarray = array("float32", ("n",), "Yaw about +y, radians: the figure's front (+z in "
                                                     "model space) turns to (sin yaw, 0, cos yaw).")
    pitch_i: np.ndarray = array("float32", ("n",), "Tilt of the front, radians, positive up (eyes look "
                                                    "down at the stage; silhouettes stand upright: 0).")
    height_i: np.ndarray = array("float32", ("n",), "Height, metres (eyes: diameter).")
    width_i: np.ndarray = array("float32", ("n",), "Width, metres (eyes: diameter, as height_i).")
    color_i: np.ndarray = array("float32", ("n", 3), "Glow colour, linear RGB, one of the palette's.")
    brightness_i: np.ndarray = array("float32", ("n",), "Glow brightness.")
    phase_i: np.ndarray = array("float32", ("n",), "Animation phase of sway, shimmer and (when not in "
                                                    "unison) breathing, radians.")
    sway_amplitude_i: np.ndarray = array("float32", ("n",), "Sway angle, radians.")
    sway_frequency_i: np.ndarray = array("float32", ("n",), "Sways per second.")
    shimmer_i: np.ndarray = array("float32", ("n",), "How much the figure's mist dissolves and re-forms, "
                                                      "0…1.")


def _fill(count: int) -> float:
    """How much more than `count` to sample before trimming: the density is known to a fraction of a
    percent over large areas, small crowds fluctuate more (and a short sample costs a second one)."""
    return 1.02 + 2.0 / math.sqrt(max(count, 1))


# ----------------------------------------------------------------------------------------- regions

def _ground_mask(spec: AudienceGroupSpec, terrain: Terrain, stage: Stage) -> Mask:
    """On the terrain, off the stage (with half a spacing to spare). Kept a hair inside both borders
    so that the float32 positions, rounded, still pass."""
    hx, hz = terrain.size[0] / 2.0, terrain.size[1] / 2.0
    eps = 1e-6 * max(hx, hz, 1.0)
    lim_x, lim_z = hx - eps, hz - eps
    margin = spec.spacing / 2.0 + eps
    cx, cz = stage.center
    # Only points near the stage can be on it: its outline pushed out by g = rim + margin moves a
    # corner by g / sin(half the corner's angle), at most 2g for corners of 60° or more (any regular
    # polygon, a rectangle), so the circumcircle grown by 2g holds it all.
    near2 = (stage.radius + 2.0 * (stage.rim_width + margin)) ** 2 * (1.0 + 1e-9)

    def mask(x: np.ndarray, z: np.ndarray) -> np.ndarray:
        ok = (np.abs(x) <= lim_x) & (np.abs(z) <= lim_z)
        near = np.flatnonzero(((x - cx) ** 2 + (z - cz) ** 2 <= near2) & ok)
        if len(near):
            flat = ok.reshape(-1)
            flat[near] = ~stage.contains(x.reshape(-1)[near], z.reshape(-1)[near], margin=margin)
        return ok
    return mask


def _annulus(cx: float, cz: float, inner: float, outer: float, base: Mask) -> Mask:
    lo2, hi2 = inner * inner, outer * outer

    def mask(x: np.ndarray, z: np.ndarray) -> np.ndarray:
        d2 = (x - cx) ** 2 + (z - cz) ** 2
        return (d2 >= lo2) & (d2 <= hi2) & base(x, z)
    return mask


def _area(mask: Mask, bounds: tuple[float, float, float, float]) -> float:
    """Area of the region where `mask` holds within bounds, from a regular grid of probes (no rng)."""
    x0, z0, x1, z1 = bounds
    if not (x1 > x0 and z1 > z0):
        return 0.0
    t = (np.arange(_AREA_PROBE, dtype=np.float64) + 0.5) / _AREA_PROBE
    x = (x0 + t * (x1 - x0))[None, :]
    z = (z0 + t * (z1 - z0))[:, None]
    inside = np.broadcast_to(mask(*np.broadcast_arrays(x, z)), (_AREA_PROBE, _AREA_PROBE))
    return float(np.count_nonzero(inside)) / _AREA_PROBE ** 2 * (x1 - x0) * (z1 - z0)


def _clip(bounds: tuple[float, float, float, float], terrain: Terrain) -> tuple[float, float, float, float]:
    hx, hz = terrain.size[0] / 2.0, terrain.size[1] / 2.0
    x0, z0, x1, z1 = bounds
    return max(x0, -hx), max(z0, -hz), min(x1, hx), min(z1, hz)


def _float32_safe(spacing: float, magnitude: float) -> float:
    """The spacing to sample at so that positions rounded to float32 are still `spacing` apart:
    each coordinate moves by at most half an ulp (≤ magnitude·2⁻²⁴)."""
    return spacing * (1.0 + 1e-6) + 4.0 * magnitude * 2.0 ** -24 + 1e-12


def _default_inner(spec: AudienceGroupSpec, stage: Stage) -> float:
    return stage.radius + stage.rim_width + max(_STAGE_GAP, spec.spacing)


# ------------------------------------------------------------------------------------------ layouts

def _spread(rng: np.random.Generator, count: int, spacing: float, area: float,
            sample: Callable[[float], np.ndarray]) -> np.ndarray:
    """A fixed region: sample at the widest spacing that still yields `count` (never below `spacing`),
    then thin the surplus out at random. Bounded: at most _ATTEMPTS samplings."""
    density = DENSITY[_BATCHES]
    r = max(spacing, math.sqrt(density * area / (count * _fill(count)))) if area > 0 else spacing
    pts = sample(r)
    for _ in range(_ATTEMPTS - 1):
        if len(pts) >= count or r <= spacing:
            break
        r = max(spacing, r * math.sqrt(max(len(pts), 1) / (count * _fill(count))))
        pts = sample(r)
    if len(pts) > count:
        keep = np.sort(rng.permutation(len(pts))[:count])
        pts = pts[keep]
    return pts


def _nearest(pts: np.ndarray, cx: float, cz: float, count: int) -> np.ndarray:
    """The `count` points nearest (cx, cz), in their original order; ties go to the earlier point."""
    if len(pts) <= count:
        return pts
    d2 = (pts[:, 0] - cx) ** 2 + (pts[:, 1] - cz) ** 2
    cut = np.partition(d2, count - 1)[count - 1]
    keep = d2 < cut
    need = count - int(np.count_nonzero(keep))
    keep[np.flatnonzero(d2 == cut)[:need]] = True
    return pts[keep]


def _place_ring(spec: AudienceGroupSpec, terrain: Terrain, stage: Stage, rng: np.random.Generator,
                r: float, base: Mask) -> tuple[np.ndarray, float, float]:
    cx, cz = stage.center
    inner = spec.inner if spec.inner is not None else _default_inner(spec, stage)
    count = spec.count

    def sample(outer: float, rr: float) -> np.ndarray:
        bounds = _clip((cx - outer, cz - outer, cx + outer, cz + outer), terrain)
        # Work bounded by the count: a region far larger than `count` figures need is sampled coarser.
        return poisson_disc(rng, bounds, rr, _annulus(cx, cz, inner, outer, base), batches=_BATCHES,
                            max_cells=max(1 << 16, 64 * count))

    if spec.outer is not None:
        outer = spec.outer
        bounds = _clip((cx - outer, cz - outer, cx + outer, cz + outer), terrain)
        area = _area(_annulus(cx, cz, inner, outer, base), bounds)
        return _spread(rng, count, r, area, lambda rr: sample(outer, rr)), inner, outer
    # Open region: grow the annulus from the stage until it holds the count, fill from the front.
    hx, hz = terrain.size[0] / 2.0, terrain.size[1] / 2.0
    far = math.hypot(abs(cx) + hx, abs(cz) + hz)       # beyond this the terrain has no more ground
    need = count / (DENSITY[_BATCHES] / (r * r)) * _fill(count)
    outer = min(math.sqrt(inner * inner + need / math.pi) + r, far)
    pts = sample(outer, r)
    for _ in range(_ATTEMPTS - 1):
        if len(pts) >= count or outer >= far:
            break
        # What the clipped annulus lacked, in area, added outside (at most doubling the radius).
        grow = count / max(len(pts), 1) * _fill(count)
        outer = min(math.sqrt(inner * inner + (outer * outer - inner * inner) * grow), 2 * outer, far)
        pts = sample(outer, r)
    pts = _nearest(pts, cx, cz, count)
    if len(pts):
        outer = min(outer, float(np.sqrt(((pts[:, 0] - cx) ** 2 + (pts[:, 1] - cz) ** 2).max())))
    return pts, inner, outer


def _place_scatter(spec: AudienceGroupSpec, terrain: Terrain, rng: np.random.Generator, r: float,
                   base: Mask) -> np.ndarray:
    (cx, cz), (ex, ez) = spec.center, spec.extent
    x0, z0, x1, z1 = cx - ex / 2.0, cz - ez / 2.0, cx + ex / 2.0, cz + ez / 2.0
    bounds = _clip((x0, z0, x1, z1), terrain)
    area = _area(base, bounds)
    return _spread(rng, spec.count, r, area,
                   lambda rr: poisson_disc(rng, bounds, rr, base, batches=_BATCHES))


def _place_dome(spec: AudienceGroupSpec, stage: Stage, origin: tuple[float, float, float],
                rng: np.random.Generator, r: float) -> np.ndarray:
    ox, _oy, oz = origin
    radius = spec.dome_radius
    margin = spec.spacing / 2.0 + 1e-6 * max(radius, 1.0)
    near = (stage.radius + 2.0 * (stage.rim_width + margin)) / radius    # see _ground_mask

    def off_stage(x: np.ndarray, y: np.ndarray, z: np.ndarray) -> np.ndarray:
        ok = np.ones(x.shape, dtype=bool)
        idx = np.flatnonzero(x * x + z * z <= near * near * (1.0 + 1e-9))   # over the stage, or close
        if len(idx):
            xs, zs = x.reshape(-1)[idx], z.reshape(-1)[idx]
            ok.reshape(-1)[idx] = ~stage.contains(ox + xs * radius, oz + zs * radius, margin=margin)
        return ok

    area = band_area(radius, spec.elevation)
    unit = _spread(rng, spec.count, r, area,
                   lambda rr: poisson_disc_sphere(rng, radius, spec.elevation, rr, off_stage,
                                                  batches=_BATCHES))
    return unit + np.array(origin)


def _rows_geometry(spec: AudienceGroupSpec, stage: Stage, s: float) -> tuple[float, float, int | None]:
    """Inner radius, row gap and row count (None: as many as the count needs)."""
    inner = spec.inner if spec.inner is not None else _default_inner(spec, stage) + _ROW_JITTER * s
    gap_min = s * (1.0 + 2.0 * _ROW_JITTER)        # jittered rows still keep a spacing apart
    gap = s * _ROW_GAP
    if spec.outer is None:
        return inner, gap, (spec.rows or None)
    depth = spec.outer - inner
    if depth < 0:                                  # the outer radius is inside the first row
        return inner, gap, 0
    rows = spec.rows or int(depth // gap) + 1
    if rows > 1:
        gap = depth / (rows - 1)
        if gap < gap_min:
            rows = int(depth // gap_min) + 1
            gap = depth / (rows - 1) if rows > 1 else gap_min
    return inner, gap, max(rows, 1)


def _row_slots(radius: np.ndarray, arc: float, s: float, coarse: float
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per row: slot count, slot angle step and angular jitter half-range.

    Adjacent slots, each jittered by at most the half-range, stay a spacing apart even on the row's
    innermost radius (radius − radial jitter): the chord there spans at least `s`.
    """
    low = np.maximum(radius - _ROW_JITTER * s, 1e-9)
    least = 2.0 * np.arcsin(np.minimum(s / (2.0 * low), 1.0))
    step = np.minimum(2.0 * np.arcsin(np.minimum(_SEAT_PITCH * s / (2.0 * low), 1.0)) * coarse, 2 * np.pi)
    full = arc >= 2.0 * np.pi - 1e-9
    if full:
        n = np.maximum(np.floor(2.0 * np.pi / step + 1e-9), 1.0)
        step = 2.0 * np.pi / n
        # A lone seat on a full circle has no neighbour to keep clear of.
        jitter = np.where(n > 1, (step - least) / 2.0, np.pi)
    else:
        # One slot per step of the arc: each row's slots are then shifted by up to half a step either
        # way (seats staggered like real tiers, no radial spokes) and still stay within the arc.
        n = np.maximum(np.floor(arc / step + 1e-9), 1.0)
        jitter = np.maximum((step - least) / 2.0, 0.0)
    # A row so tight that even opposite seats would be closer than s seats one.
    n = np.where(s >= 2.0 * low, 1.0, n)
    jitter = np.maximum(jitter, 0.0)
    return n.astype(np.int64), step, jitter


def _place_rows(spec: AudienceGroupSpec, terrain: Terrain, stage: Stage, rng: np.random.Generator,
                s: float, base: Mask) -> tuple[np.ndarray, float, float, int]:
    """Seats on concentric arcs facing the stage. Rows are filled from the front when the region is
    open, or share the count in proportion to their length when the rows or the outer radius are set."""
    cx, cz = stage.center
    count = spec.count
    arc = math.radians(spec.arc)
    inner, gap, fixed_rows = _rows_geometry(spec, stage, s)
    hx, hz = terrain.size[0] / 2.0, terrain.size[1] / 2.0
    far = math.hypot(abs(cx) + hx, abs(cz) + hz)
    reach = int(max(far - inner, 0.0) // gap) + 1      # rows beyond this have no ground under them
    budget = _SLOT_BUDGET * count + 4096
    jr = _ROW_JITTER * s

    if fixed_rows is not None:
        n_rows = min(fixed_rows, reach)
        radius = inner + gap * np.arange(n_rows, dtype=np.float64)
        slots, _, _ = _row_slots(radius, arc, s, 1.0)
        total = int(slots.sum())
        coarse = max(1.0, total / budget)               # far more room than asked: coarser slots
    else:
        # Rows needed, ignoring clipping: the first whose cumulative slot count reaches the count.
        probe = min(reach, 100_000)
        radius = inner + gap * np.arange(probe, dtype=np.float64)
        slots, _, _ = _row_slots(radius, arc, s, 1.0)
        n_rows = int(np.searchsorted(np.cumsum(slots), count)) + 1 if count else 0
        n_rows = min(n_rows, probe)
        # A first row far longer than the count needs (a tiny spacing on a wide circle): coarser slots,
        # so that the slots drawn stay within the budget whatever the numbers.
        coarse = max(1.0, float(slots[:n_rows].sum()) / budget)

    xs: list[np.ndarray] = []
    zs: list[np.ndarray] = []
    row_of: list[np.ndarray] = []
    made = 0          # rows whose slots are drawn
    valid = 0
    generated = 0
    for _ in range(_ATTEMPTS + 3):
        if made >= n_rows:
            break
        radius = inner + gap * np.arange(made, n_rows, dtype=np.float64)
        n, step, jit = _row_slots(radius, arc, s, coarse)
        total = int(n.sum())
        row = np.repeat(np.arange(made, n_rows, dtype=np.int64), n)
        first = np.cumsum(n) - n
        k = np.arange(total, dtype=np.int64) - np.repeat(first, n)
        local = row - made
        stagger = rng.uniform(-0.5, 0.5, len(radius))
        theta = (k - (n[local] - 1) / 2.0 + stagger[local]) * step[local]
        # Jitter drawn for every slot, used or not, so the draws do not depend on the clipping.
        theta = theta + rng.uniform(-1.0, 1.0, total) * jit[local]
        rad = radius[local] + rng.uniform(-1.0, 1.0, total) * jr
        x = cx + rad * np.sin(theta)
        z = cz + rad * np.cos(theta)
        ok = base(x, z)
        xs.append(x[ok])
        zs.append(z[ok])
        row_of.append(row[ok])
        valid += int(np.count_nonzero(ok))
        generated += total
        made = n_rows
        if fixed_rows is not None or valid >= count or n_rows >= reach or generated >= budget:
            break
        # Clipped by the terrain: add rows for what is missing, at the rate the last rows held.
        per_row = max(valid / max(made, 1), 1.0)
        n_rows = min(reach, made + max(1, math.ceil((count - valid) / per_row * _fill(count))),
                     made + max(1, int((budget - generated) // max(total / max(len(radius), 1), 1))))
    x = np.concatenate(xs) if xs else np.zeros(0)
    z = np.concatenate(zs) if zs else np.zeros(0)
    row = np.concatenate(row_of) if row_of else np.zeros(0, dtype=np.int64)
    if len(row) == 0:
        return np.zeros((0, 2)), inner, inner, 0
    per = np.bincount(row)
    if fixed_rows is None:
        # Only the front rows that together hold the count.
        last = int(np.searchsorted(np.cumsum(per), count))
        per = per[:last + 1]
        keep = row <= last
        x, z, row = x[keep], z[keep], row[keep]
    take = _share(per, count)
    pick = _even_pick(per, take, rng.random(len(per)))
    x, z, row = x[pick], z[pick], row[pick]
    used = np.flatnonzero(take)
    if len(used) == 0:
        return np.zeros((0, 2)), inner, inner, 0
    first, last_row = float(inner + gap * used[0]), float(inner + gap * used[-1])
    return np.stack([x, z], axis=1), first, last_row, int(len(used))


def _share(per: np.ndarray, count: int) -> np.ndarray:
    """`count` split over rows in proportion to their seats (largest remainder; ties to the front)."""
    total = int(per.sum())
    if total <= count:
        return per.copy()
    q, rem = np.divmod(per.astype(np.int64) * count, total)
    left = count - int(q.sum())
    order = np.argsort(-rem, kind="stable")[:left]
    q[order] += 1
    return q


def _even_pick(per: np.ndarray, take: np.ndarray, shift: np.ndarray) -> np.ndarray:
    """Indices into the row-grouped seat list choosing take[k] of row k's per[k] seats, evenly.

    The skipped seats start at a random point of each row (shift in 0…1): with the same start in
    every row, the gaps line up from row to row into radial aisles.
    """
    start = np.cumsum(per) - per
    row = np.repeat(np.arange(len(per)), take)
    j = np.arange(int(take.sum()), dtype=np.int64) - np.repeat(np.cumsum(take) - take, take)
    return start[row] + np.floor((j + shift[row]) * per[row] / take[row]).astype(np.int64)


# ------------------------------------------------------------------------------------------- looks

def _uniform(rng: np.random.Generator, lo: float, hi: float, n: int) -> np.ndarray:
    """float32 uniform in [lo, hi] (drawn in float32: half the work of float64 for a million)."""
    a, b = np.float32(lo), np.float32(hi)
    if not b > a:
        return np.full(n, a, dtype=np.float32)
    out = rng.random(n, dtype=np.float32)
    out *= b - a
    out += a
    return np.clip(out, a, b, out=out)


def _facing(spec: AudienceGroupSpec, pos: np.ndarray, origin: tuple[float, float, float],
            rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    n = len(pos)
    dx = origin[0] - pos[:, 0]
    dy = origin[1] - pos[:, 1]
    dz = origin[2] - pos[:, 2]
    eye = spec.figure == "eye"
    if spec.facing == "random":
        yaw = rng.uniform(-np.pi, np.pi, n)
        pitch = np.arcsin(rng.uniform(-1.0, 1.0, n)) if eye else np.zeros(n)
        return yaw, pitch
    yaw = np.arctan2(dx, dz)
    pitch = np.arctan2(dy, np.hypot(dx, dz)) if eye else np.zeros(n)
    if spec.facing == "away":
        yaw = np.where(yaw > 0.0, yaw - np.pi, yaw + np.pi)
        pitch = -pitch
    return yaw, pitch


# -------------------------------------------------------------------------------------------- entry

def generate_audience(spec: AudienceGroupSpec, index: int, terrain: Terrain, stage: Stage,
                      rng: np.random.Generator) -> AudienceGroup:
    """Group `index` of the seed file, on `terrain` around `stage`, drawn from `rng` (its own stream)."""
    count = spec.count
    cx, cz = stage.center
    origin = (float(cx), float(stage.top), float(cz))
    breathing_phase = float(rng.uniform(0.0, 2.0 * np.pi))       # group-wide draws first
    inner: float | None = None
    outer: float | None = None
    rows = 0
    dome: float | None = None
    if spec.layout == "sky-dome":
        dome = float(spec.dome_radius)
        s = _float32_safe(spec.spacing, max(abs(cx), abs(cz), abs(stage.top)) + dome)
        xyz = _place_dome(spec, stage, origin, rng, s) if count else np.zeros((0, 3))
    else:
        hx, hz = terrain.size[0] / 2.0, terrain.size[1] / 2.0
        s = _float32_safe(spec.spacing, max(hx, hz))
        base = _ground_mask(spec, terrain, stage)
        if count == 0:
            xz = np.zeros((0, 2))
        elif spec.layout == "rows":
            xz, inner, outer, rows = _place_rows(spec, terrain, stage, rng, s, base)
        elif spec.layout == "ring":
            xz, inner, outer = _place_ring(spec, terrain, stage, rng, s, base)
        elif spec.layout == "scatter":
            xz = _place_scatter(spec, terrain, rng, s, base)
        else:
            raise ValueError(f"unknown audience layout {spec.layout!r}")
        # Rounded to float32 as stored, then re-checked: the masks keep a margin, so this drops
        # nothing in practice, but no figure may stand on the stage or off the terrain.
        xz32 = xz.astype(np.float32).astype(np.float64)
        ok = base(xz32[:, 0], xz32[:, 1]) if len(xz) else np.zeros(0, dtype=bool)
        xz32 = xz32[ok]
        xyz = np.empty((len(xz32), 3))
        xyz[:, 0], xyz[:, 2] = xz32[:, 0], xz32[:, 1]
        for a in range(0, len(xz32), _BLOCK):
            xyz[a:a + _BLOCK, 1] = terrain.height_at(xz32[a:a + _BLOCK, 0], xz32[a:a + _BLOCK, 1])
    pos = xyz.astype(np.float32)
    n = len(pos)
    if n < count:
        warnings.warn(f"audience group {index} ({spec.layout}): {count} figures requested but only {n} "
                      f"fit at spacing {spec.spacing:g} m; placed {n}", AudienceWarning, stacklevel=2)

    # Per-figure looks, in a fixed order.
    height = _uniform(rng, *spec.height, n)
    width = height.copy() if spec.figure == "eye" else _uniform(rng, *spec.width, n)
    palette = np.stack([hex_to_linear(c) for c in spec.palette]).astype(np.float32)
    color = palette[rng.integers(0, len(palette), n, dtype=np.uint8)]
    brightness = _uniform(rng, *spec.brightness, n)
    phase = _uniform(rng, 0.0, 2.0 * np.pi, n)
    amp, freq = spec.sway.amplitude, spec.sway.frequency
    sway_amp = _uniform(rng, amp * (1.0 - _SWAY_SPREAD), amp * (1.0 + _SWAY_SPREAD), n)
    sway_freq = _uniform(rng, freq * (1.0 - _FREQ_SPREAD), freq * (1.0 + _FREQ_SPREAD), n)
    shimmer = _uniform(rng, spec.shimmer * (1.0 - _SHIMMER_SPREAD), spec.shimmer * (1.0 + _SHIMMER_SPREAD), n)
    np.clip(shimmer, 0.0, 1.0, out=shimmer)
    yaw, pitch = _facing(spec, xyz, origin, rng)

    mood = spec.mood
    mood_color = None
    if mood.to is not None:
        c = hex_to_linear(mood.to)
        mood_color = (float(c[0]), float(c[1]), float(c[2]))
    f32 = np.float32
    group = AudienceGroup(
        name=spec.name if spec.name is not None else f"audience {index}", index=int(index),
        layout=spec.layout, figure=spec.figure, facing=spec.facing, requested=int(count), placed=int(n),
        spacing=float(spec.spacing), origin=origin,
        inner=None if inner is None else float(inner), outer=None if outer is None else float(outer),
        rows=int(rows), dome_radius=dome, mist=float(spec.mist), shimmer=float(spec.shimmer),
        shimmer_rate=SHIMMER_RATE, breathing_rate=float(spec.breathing.rate),
        breathing_depth=float(spec.breathing.depth), breathing_unison=bool(spec.breathing.unison),
        breathing_phase=breathing_phase, mood_color=mood_color, mood_period=float(mood.period),
        mood_strength=float(mood.strength),
        pos_i=pos, facing_i=yaw.astype(f32), pitch_i=pitch.astype(f32), height_i=height, width_i=width,
        color_i=np.ascontiguousarray(color, dtype=f32), brightness_i=brightness, phase_i=phase,
        sway_amplitude_i=sway_amp, sway_frequency_i=sway_freq, shimmer_i=shimmer,
    )
    check_arrays(group)
    return group
