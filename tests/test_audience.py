"""Audience groups and the Poisson-disc sampler: spacing, stage, terrain, counts, facing, dome, determinism."""

from __future__ import annotations

import dataclasses
import hashlib
import math
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scenegen.color import hex_to_linear
from scenegen.gen import audience, poisson
from scenegen.gen.audience import AudienceGroup, AudienceWarning, generate_audience
from scenegen.gen.poisson import band_area, expected_count, poisson_disc, poisson_disc_sphere
from scenegen.gen.stage import Stage, footprint_radius, generate_stage
from scenegen.gen.terrain import PadSite, Terrain, generate_terrain
from scenegen.model import check_arrays
from scenegen.rng import stream
from scenegen.spec import AudienceGroupSpec, MoodSpec, RimSpec, StageSpec, TerrainSpec

LAYOUTS = ["rows", "ring", "scatter", "sky-dome"]


# --------------------------------------------------------------------------------------------- helpers

def world(size: float = 240.0, resolution: int = 65, stage: StageSpec | None = None,
          seed: int = 3) -> tuple[Terrain, Stage]:
    stage_spec = stage or StageSpec()
    site = PadSite(center=stage_spec.position, radius=footprint_radius(stage_spec))
    terrain = generate_terrain(TerrainSpec(size=(size, size), resolution=resolution, height=25.0), site,
                               stream(seed, "terrain"))
    return terrain, generate_stage(stage_spec, terrain.pad_level, stream(seed, "stage"))


@pytest.fixture(scope="module")
def land() -> tuple[Terrain, Stage]:
    return world()


def make(spec: AudienceGroupSpec, land: tuple[Terrain, Stage], seed: int = 11, index: int = 0) -> AudienceGroup:
    terrain, stage = land
    with warnings.catch_warnings():
        warnings.simplefilter("error", AudienceWarning)   # these regions fit: a warning is a failure
        return generate_audience(spec, index, terrain, stage, stream(seed, f"audience/{index}"))


def nearest(a: np.ndarray, b: np.ndarray, limit: float, same: bool = False) -> np.ndarray:
    """For each point of `a`, the distance to its nearest point of `b` (another point when `same`),
    exact whenever it is under `limit` (else some distance ≥ limit, or inf). A cell grid of side
    ≥ limit over `b`: each point of `a` meets the points of its own and the neighbouring cells, one
    'k-th point of that cell' column at a time. O(n log n), no O(n²) anywhere."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    out = np.full(len(a), np.inf)
    if len(a) == 0 or len(b) == 0:
        return out
    lo = np.minimum(a.min(axis=0), b.min(axis=0))
    span = np.maximum(a.max(axis=0), b.max(axis=0)) - lo
    side = max(limit, float(span.max()) / 2.0 ** 19)          # keeps the cell keys within int64
    dims = tuple(int(v) for v in np.floor(span / side) + 3)

    def key_of(p: np.ndarray) -> np.ndarray:
        return np.ravel_multi_index(tuple((np.floor((p - lo) / side).astype(np.int64) + 1).T), dims)

    kb = key_of(b)
    order = np.argsort(kb, kind="stable")
    kb, pb = kb[order], b[order]
    uniq, start, count = np.unique(kb, return_index=True, return_counts=True)
    ka = key_of(a)
    by_key = np.argsort(ka, kind="stable")             # sorted queries: searchsorted stays in cache
    ka, pa = ka[by_key], a[by_key]
    d = a.shape[1]
    centre = np.ravel_multi_index((1,) * d, dims)
    best = np.full(len(a), np.inf)
    for delta in np.ndindex(*(3,) * d):
        want = ka + (np.ravel_multi_index(delta, dims) - centre)
        pos = np.minimum(np.searchsorted(uniq, want), len(uniq) - 1)
        hit = np.flatnonzero(uniq[pos] == want)
        for k in range(int(count.max())):
            hit = hit[count[pos[hit]] > k]
            j = start[pos[hit]] + k
            i = hit[order[j] != by_key[hit]] if same else hit
            j = start[pos[i]] + k
            if len(i):
                dist = np.sqrt(((pa[i] - pb[j]) ** 2).sum(axis=1))
                best[i] = np.minimum(best[i], dist)     # each i once per pass: no repeats
    out[by_key] = best
    return out


def closest_pair(points: np.ndarray, limit: float) -> float:
    """Smallest distance between two distinct points, exact whenever it is under `limit`."""
    return float(nearest(points, points, limit, same=True).min()) if len(points) > 1 else math.inf


def test_closest_pair_helper_agrees_with_brute_force():
    rng = np.random.default_rng(0)
    for dims in (2, 3):
        p = rng.uniform(0, 10, size=(400, dims))
        brute = np.sqrt(((p[:, None] - p[None]) ** 2).sum(-1))
        np.fill_diagonal(brute, np.inf)
        assert closest_pair(p, 1.0) == pytest.approx(brute.min(), rel=1e-12)
        assert closest_pair(p, 1e-9) == pytest.approx(brute.min(), rel=1e-12) or closest_pair(p, 1e-9) >= 1e-9
    dup = np.array([[1.0, 2.0], [5.0, 5.0], [1.0, 2.0]])
    assert closest_pair(dup, 0.5) == 0.0
    q = rng.uniform(0, 10, size=(300, 2))
    brute = np.sqrt(((q[:, None] - p[None, :, :2]) ** 2).sum(-1)).min(axis=1)
    got = nearest(q, p[:, :2], 2.0)
    assert np.allclose(got[brute < 2.0], brute[brute < 2.0], rtol=1e-12)


def ground_spacing(g: AudienceGroup) -> float:
    xz = g.pos_i[:, [0, 2]].astype(np.float64)
    return closest_pair(xz, g.spacing)


def spec_for(layout: str, **kw) -> AudienceGroupSpec:
    base: dict = {"layout": layout}
    if layout == "sky-dome":
        base.update(figure="eye", dome_radius=90.0, count=1500, spacing=2.0)
    elif layout == "scatter":
        base.update(center=(-60.0, 40.0), extent=(80.0, 60.0), count=1200)
    else:
        base.update(count=1500)
    base.update(kw)
    return AudienceGroupSpec(**base)


# ------------------------------------------------------------------------------------------- the record

@pytest.mark.parametrize("layout", LAYOUTS)
def test_record_shapes_and_group_values(layout, land):
    mood = MoodSpec(to="#c8102e", period=9.0, strength=0.7)
    g = make(spec_for(layout, name="crowd", mood=mood, mist=0.8), land)
    check_arrays(g)
    n = g.placed
    assert n == g.requested == len(g.pos_i) > 0
    for name in ("facing_i", "pitch_i", "height_i", "width_i", "brightness_i", "phase_i",
                 "sway_amplitude_i", "sway_frequency_i", "shimmer_i"):
        arr = getattr(g, name)
        assert arr.shape == (n,) and arr.dtype == np.float32, name
        assert np.isfinite(arr).all(), name
    assert g.pos_i.shape == g.color_i.shape == (n, 3)
    assert g.name == "crowd" and g.layout == layout and g.mist == 0.8
    assert g.mood_color == pytest.approx(tuple(hex_to_linear("#c8102e")))
    assert (g.mood_period, g.mood_strength) == (9.0, 0.7)
    assert 0.0 <= g.breathing_phase < 2 * math.pi
    assert g.breathing_unison is True
    spec = spec_for(layout)
    assert ((g.height_i >= np.float32(spec.height[0])) & (g.height_i <= np.float32(spec.height[1]))).all()
    assert ((g.brightness_i >= np.float32(spec.brightness[0]))
            & (g.brightness_i <= np.float32(spec.brightness[1]))).all()
    assert ((g.phase_i >= 0) & (g.phase_i <= np.float32(2 * math.pi))).all()
    assert ((g.shimmer_i >= 0) & (g.shimmer_i <= 1)).all()
    assert (g.sway_frequency_i > 0).all() and (g.sway_amplitude_i > 0).all()
    if g.figure == "eye":
        assert np.array_equal(g.width_i, g.height_i)       # an iris is round
    # Plain Python values only, so the scene codec round-trips them exactly.
    for f in dataclasses.fields(g):
        v = getattr(g, f.name)
        if not isinstance(v, np.ndarray):
            assert type(v) in (str, int, float, bool, tuple, type(None)), f.name


def test_no_mood_and_empty_group(land):
    g = make(AudienceGroupSpec(count=0), land)
    check_arrays(g)
    assert g.placed == g.requested == 0 and g.pos_i.shape == (0, 3) and g.mood_color is None


# --------------------------------------------------------------------------------- spacing, stage, land

@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("spacing", [0.7, 1.1, 3.0])
def test_no_two_figures_closer_than_the_spacing(layout, spacing, land):
    kw = {"spacing": spacing} if layout != "sky-dome" else {"spacing": spacing * 2}
    count = 200 if spacing == 3.0 else 1500
    g = make(spec_for(layout, count=count, **kw), land)
    assert g.placed == count
    if layout == "sky-dome":
        assert closest_pair(g.pos_i, g.spacing) >= g.spacing        # straight-line, so along the sphere too
    else:
        assert ground_spacing(g) >= g.spacing


@pytest.mark.parametrize("shape", [{"shape": "disc"}, {"shape": "rectangle", "size": (40.0, 14.0), "rotation": 30.0},
                                   {"shape": "polygon", "sides": 5, "radius": 12.0, "position": (10.0, -6.0)}])
@pytest.mark.parametrize("layout", LAYOUTS)
def test_nobody_on_the_stage(shape, layout):
    terrain, stage = world(stage=StageSpec(**shape))
    # Regions that overlap the stage on purpose: the stage must carve them.
    kw = {"rows": {"inner": 2.0}, "ring": {"inner": 0.0, "outer": 40.0},
          "scatter": {"center": (0.0, 0.0), "extent": (70.0, 70.0)},
          "sky-dome": {"dome_radius": 60.0, "elevation": (55.0, 90.0), "spacing": 1.5}}[layout]
    g = make(spec_for(layout, count=300, **kw), (terrain, stage))
    assert g.placed == 300
    x, z = g.pos_i[:, 0].astype(np.float64), g.pos_i[:, 2].astype(np.float64)
    assert not stage.contains(x, z, margin=g.spacing / 2).any()


@pytest.mark.parametrize("layout", ["rows", "ring", "scatter"])
def test_ground_figures_stand_on_the_terrain_inside_its_extent(layout, land):
    terrain, _ = land
    g = make(spec_for(layout, count=1500), land)
    x, y, z = (g.pos_i[:, k].astype(np.float64) for k in range(3))
    assert np.abs(y - terrain.height_at(x, z)).max() <= 0.01
    hx, hz = terrain.size[0] / 2, terrain.size[1] / 2
    assert (np.abs(x) <= hx).all() and (np.abs(z) <= hz).all()
    # The land is hilly here, so standing on it means the heights really vary.
    assert np.ptp(y) > 1.0


def test_regions_are_clipped_to_the_terrain():
    terrain, stage = world(size=80.0)
    g = make(AudienceGroupSpec(layout="scatter", center=(30.0, 30.0), extent=(60.0, 60.0), count=300), (terrain, stage))
    assert g.placed == 300
    assert (np.abs(g.pos_i[:, [0, 2]]) <= 40.0).all()


# ---------------------------------------------------------------------------------------- counts, warning

@pytest.mark.parametrize("layout", LAYOUTS)
def test_counts_as_asked_when_the_region_fits(layout, land):
    for count in (1, 7, 250, 2000):
        g = make(spec_for(layout, count=count), land)
        assert g.placed == g.requested == count == len(g.pos_i)


@pytest.mark.parametrize("spec", [
    AudienceGroupSpec(layout="scatter", center=(60.0, 60.0), extent=(10.0, 10.0), count=1000),
    AudienceGroupSpec(layout="ring", inner=20.0, outer=24.0, count=5000),
    AudienceGroupSpec(layout="rows", rows=3, count=5000),
    AudienceGroupSpec(layout="rows", outer=30.0, count=5000),
    AudienceGroupSpec(layout="ring", count=500_000),                       # more than the whole terrain
    AudienceGroupSpec(layout="sky-dome", dome_radius=30.0, elevation=(40.0, 50.0), count=5000, spacing=2.0),
    AudienceGroupSpec(layout="scatter", center=(900.0, 0.0), extent=(10.0, 10.0), count=10),   # off the land
], ids=["scatter", "ring", "rows-fixed", "rows-outer", "ring-huge", "sky-dome", "off-terrain"])
def test_warns_with_both_numbers_when_the_region_is_too_small(spec, land):
    terrain, stage = land
    with pytest.warns(AudienceWarning) as caught:
        g = generate_audience(spec, 2, terrain, stage, stream(1, "audience/2"))
    assert g.placed < g.requested == spec.count
    text = str(caught[0].message)
    assert f"{spec.count} figures requested" in text and f"placed {g.placed}" in text
    assert g.placed == len(g.pos_i)
    if g.placed > 1:
        pts = g.pos_i if spec.layout == "sky-dome" else g.pos_i[:, [0, 2]]
        assert closest_pair(pts, g.spacing) >= g.spacing


def test_fixed_region_spreads_and_open_region_fills_from_the_front(land):
    _terrain, stage = land
    few = make(AudienceGroupSpec(layout="ring", inner=30.0, outer=80.0, count=300), land)
    r = np.hypot(few.pos_i[:, 0], few.pos_i[:, 2])
    assert r.min() < 36.0 and r.max() > 74.0                # spread over the whole annulus
    assert closest_pair(few.pos_i[:, [0, 2]], 3.0) >= 3.0   # at a wider spacing than asked
    front = make(AudienceGroupSpec(layout="ring", count=300), land)
    r = np.hypot(front.pos_i[:, 0], front.pos_i[:, 2])
    assert front.inner == pytest.approx(stage.radius + stage.rim_width + 1.5)
    assert r.min() >= front.inner - 1e-3 and r.max() <= front.outer + 1e-3
    assert front.outer < 30.0                               # packed near the stage


# -------------------------------------------------------------------------------------------- facing

def yaw_to(g: AudienceGroup) -> np.ndarray:
    ox, _, oz = g.origin
    return np.arctan2(ox - g.pos_i[:, 0].astype(np.float64), oz - g.pos_i[:, 2].astype(np.float64))


def angle_gap(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.abs((a - b + np.pi) % (2 * np.pi) - np.pi)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_facing_the_stage_away_and_random(layout, land):
    toward = make(spec_for(layout, facing="stage"), land)
    assert angle_gap(toward.facing_i.astype(np.float64), yaw_to(toward)).max() < 1e-5
    away = make(spec_for(layout, facing="away"), land)
    assert angle_gap(away.facing_i.astype(np.float64), yaw_to(away) + np.pi).max() < 1e-5
    rand = make(spec_for(layout, facing="random"), land)
    gap = angle_gap(rand.facing_i.astype(np.float64), yaw_to(rand))
    assert gap.mean() == pytest.approx(np.pi / 2, abs=0.15)      # uniform: no preferred direction
    for g in (toward, away, rand):
        assert (np.abs(g.facing_i) <= np.float32(np.pi)).all()


def test_rows_are_arcs_centred_on_plus_z_facing_the_stage(land):
    _, stage = land
    g = make(AudienceGroupSpec(layout="rows", count=2000, arc=120.0), land)
    x, z = g.pos_i[:, 0].astype(np.float64), g.pos_i[:, 2].astype(np.float64)
    theta = np.degrees(np.arctan2(x - stage.center[0], z - stage.center[1]))
    assert np.abs(theta).max() <= 60.0 + 1.0
    assert abs(np.median(theta)) < 5.0
    # Seats on a few concentric arcs: the radii cluster into `rows` bands a row gap apart.
    r = np.hypot(x, z)
    assert g.rows >= 2 and g.inner < r.min() + 0.2 and r.max() < g.outer + 0.2
    band = np.round((r - g.inner) / ((g.outer - g.inner) / (g.rows - 1))).astype(int)
    assert len(np.unique(band)) == g.rows
    # The figures' yaw points at the stage centre.
    assert angle_gap(g.facing_i.astype(np.float64), yaw_to(g)).max() < 1e-5


def test_rows_with_a_fixed_count_of_arcs_share_the_figures(land):
    g = make(AudienceGroupSpec(layout="rows", rows=10, outer=60.0, count=800), land)
    assert g.placed == 800 and g.rows == 10 and g.outer == pytest.approx(60.0)
    r = np.hypot(g.pos_i[:, 0], g.pos_i[:, 2])
    counts = np.histogram(r, bins=10, range=(g.inner - 2, 62.0))[0]
    assert (counts > 0).all()
    assert ground_spacing(g) >= g.spacing


# ---------------------------------------------------------------------------------------------- sky dome

def test_sky_dome_on_the_sphere_band_looking_at_the_stage(land):
    spec = AudienceGroupSpec(layout="sky-dome", figure="eye", count=4000, dome_radius=200.0,
                             elevation=(25.0, 70.0), spacing=3.0)
    g = make(spec, land)
    assert g.placed == 4000 and g.dome_radius == 200.0
    rel = g.pos_i.astype(np.float64) - np.array(g.origin)
    dist = np.linalg.norm(rel, axis=1)
    assert np.abs(dist - 200.0).max() < 1e-3
    elev = np.degrees(np.arcsin(rel[:, 1] / dist))
    assert elev.min() >= 25.0 - 1e-3 and elev.max() <= 70.0 + 1e-3
    assert elev.min() < 27.0 and elev.max() > 68.0                 # the whole band is used
    # Even over the sphere: equal-area bands (equal steps of sin(elevation)) hold equal shares.
    share = np.histogram(np.sin(np.radians(elev)), bins=5)[0] / len(elev)
    assert np.abs(share - 0.2).max() < 0.03
    # Eyes look at the stage: their forward vector is the direction to the origin.
    yaw, pitch = g.facing_i.astype(np.float64), g.pitch_i.astype(np.float64)
    fwd = np.stack([np.sin(yaw) * np.cos(pitch), np.sin(pitch), np.cos(yaw) * np.cos(pitch)], axis=1)
    assert (np.einsum("ij,ij->i", fwd, -rel / dist[:, None]) > 1 - 1e-6).all()
    assert closest_pair(g.pos_i, 3.0) >= 3.0


# ------------------------------------------------------------------------------------------ determinism

@pytest.mark.parametrize("layout", LAYOUTS)
def test_same_seed_same_bytes_other_seed_other_figures(layout, land):
    spec = spec_for(layout, count=800)
    a, b = make(spec, land, seed=5), make(spec, land, seed=5)
    assert a == b
    for f in dataclasses.fields(a):
        va, vb = getattr(a, f.name), getattr(b, f.name)
        if isinstance(va, np.ndarray):
            assert va.tobytes() == vb.tobytes()
    c = make(spec, land, seed=6)
    assert not np.array_equal(a.pos_i, c.pos_i)


def test_changing_one_group_leaves_the_others_alone(land):
    terrain, stage = land
    specs = [spec_for("rows", count=500), spec_for("sky-dome", count=300), spec_for("scatter", count=400)]

    def scene(groups):
        return [generate_audience(g, i, terrain, stage, stream("opera", f"audience/{i}"))
                for i, g in enumerate(groups)]
    before = scene(specs)
    changed = scene([dataclasses.replace(specs[0], count=900, spacing=1.7, facing="random"), *specs[1:]])
    assert before[0] != changed[0]
    assert before[1] == changed[1] and before[2] == changed[2]


def test_golden_digest():
    """Byte-exact output on any machine: a committed digest of one small group (a change in numpy's
    random streams or in the algorithm shows up here first)."""
    # Hand-made land, so that only this module's own work is pinned: a tilted plane and a plain disc.
    n = 9
    ramp = np.linspace(-6.0, 6.0, n, dtype=np.float32)
    height = np.broadcast_to(ramp[None, :] + 0.5 * ramp[:, None], (n, n)).copy()
    zeros3 = np.zeros((n, n, 3), dtype=np.float32)
    terrain = Terrain(size=(120.0, 120.0), resolution=n, height_zx=height, normal_zx=zeros3, color_zx=zeros3,
                      pad_center=(0.0, 0.0), pad_radius=0.0, pad_blend=0.0, pad_level=0.0,
                      height_range=(-9.0, 9.0))
    stage = generate_stage(StageSpec(radius=10.0, rim=RimSpec(width=0.5)), 0.0, stream(1, "stage"))
    g = generate_audience(AudienceGroupSpec(layout="ring", count=200), 0, terrain, stage, stream(1, "audience/0"))
    digest = hashlib.sha256()
    for f in dataclasses.fields(g):
        v = getattr(g, f.name)
        if isinstance(v, np.ndarray):
            digest.update(v.tobytes())
    assert digest.hexdigest()[:16] == GOLDEN


GOLDEN = "701707b144acf25b"


# ------------------------------------------------------------------------------------------------ palette

@pytest.mark.parametrize("palette", [("#ffd76a",), ("#ffd76a", "#ff4d6d", "#9fc8ff", "#2ee59d")])
def test_palette_colours_only(palette, land):
    g = make(AudienceGroupSpec(layout="ring", count=2000, palette=palette), land)
    lin = np.stack([hex_to_linear(c) for c in palette]).astype(np.float32)
    match = (g.color_i[:, None, :] == lin[None, :, :]).all(axis=2)
    assert match.any(axis=1).all()
    assert (match.sum(axis=0) > 0).all()                 # every palette colour is used


# ---------------------------------------------------------------------------------------------- sampler

def test_poisson_disc_spacing_density_and_clipping():
    rng = np.random.default_rng(4)
    inside = lambda x, z: (x - 50) ** 2 + (z - 50) ** 2 <= 40.0 ** 2   # noqa: E731
    p = poisson_disc(rng, (0.0, 0.0, 100.0, 100.0), 1.0, inside)
    assert closest_pair(p, 1.0) >= 1.0
    assert (np.hypot(p[:, 0] - 50, p[:, 1] - 50) <= 40.0).all()
    n = expected_count(math.pi * 40 ** 2, 1.0)
    assert 0.98 * n < len(p) < 1.06 * n
    # No big holes: every probe point of the disc has a sample within 1.5 spacings.
    g = np.stack(np.meshgrid(np.arange(15, 86, 0.25), np.arange(15, 86, 0.25)), -1).reshape(-1, 2)
    g = g[np.hypot(g[:, 0] - 50, g[:, 1] - 50) <= 38]
    assert nearest(g, p, 1.5).max() < 1.5


def test_poisson_disc_is_unbiased_by_the_grid():
    """Serial-order dart throwing by random key: no cell phase fills first, so positions modulo any
    small multiple of the cell are uniform (phase-group samplers fail this at period 3)."""
    rng = np.random.default_rng(9)
    p = poisson_disc(rng, (0.0, 0.0, 300.0, 300.0), 1.0)
    cell = 1.0 * (1 + 2e-6) / math.sqrt(2)
    for period in (1, 2, 3):
        share = np.histogram((p[:, 0] / cell) % period, bins=6 * period)[0] / len(p)
        assert np.abs(share * 6 * period - 1).max() < 0.06, period


def test_crowds_pack_at_maximal_poisson_density():
    # The audience's batches reach >= 0.58 points per spacing² deep inside a region (edges excluded).
    p = poisson_disc(np.random.default_rng(4), (0.0, 0.0, 160.0, 160.0), 1.0, batches=audience._BATCHES)
    inner = (np.abs(p - 80.0) < 60.0).all(axis=1)
    assert inner.sum() / 120.0**2 >= 0.58
    assert closest_pair(p, 1.0) >= 1.0


@pytest.mark.parametrize("batches", [1, 2, 3, 4])
def test_poisson_batches_fill_more_and_keep_the_spacing(batches):
    p = poisson_disc(np.random.default_rng(2), (0.0, 0.0, 60.0, 60.0), 1.0, batches=batches)
    assert closest_pair(p, 1.0) >= 1.0
    assert len(p) == pytest.approx(expected_count(3600, 1.0, batches), rel=0.05)


def test_poisson_disc_bounded_for_any_input(monkeypatch):
    monkeypatch.setattr(poisson, "MAX_CELLS", 40_000)
    p = poisson_disc(np.random.default_rng(1), (0.0, 0.0, 1e6, 1e6), 0.01)   # 1e16 cells asked
    assert 0 < len(p) <= 40_000
    assert closest_pair(p, 0.01) >= 0.01
    thin = poisson_disc(np.random.default_rng(1), (0.0, 0.0, 1e5, 1e-3), 0.5)
    assert len(thin) > 0 and closest_pair(thin, 0.5) >= 0.5
    assert len(poisson_disc(np.random.default_rng(1), (0.0, 0.0, 0.0, 5.0), 1.0)) == 0
    assert len(poisson_disc(np.random.default_rng(1), (0.0, 0.0, 5.0, 5.0), 1.0, lambda x, z: x < -1)) == 0
    one = poisson_disc(np.random.default_rng(1), (0.0, 0.0, 1.0, 1.0), 50.0)
    assert len(one) == 1


@pytest.mark.parametrize("band", [(0.0, 90.0), (20.0, 75.0), (80.0, 90.0), (0.0, 5.0)])
def test_poisson_sphere_band(band):
    radius, spacing = 50.0, 2.0
    p = poisson_disc_sphere(np.random.default_rng(5), radius, band, spacing)
    assert np.abs(np.linalg.norm(p, axis=1) - radius).max() < 1e-9
    elev = np.degrees(np.arcsin(p[:, 1] / radius))
    assert elev.min() >= band[0] - 1e-9 and elev.max() <= band[1] + 1e-9
    assert closest_pair(p, spacing) >= spacing
    n = expected_count(band_area(radius, band), spacing)
    edge = 1.3 if band[1] - band[0] < 10 else 1.1       # a narrow band is mostly edge, and edges hold more
    assert 0.97 * n < len(p) < edge * n


def test_poisson_sphere_tiny_sphere_and_huge_spacing():
    p = poisson_disc_sphere(np.random.default_rng(5), 1.0, (0.0, 90.0), 5.0)
    assert len(p) == 1
    p = poisson_disc_sphere(np.random.default_rng(5), 1.0, (0.0, 90.0), 1.9)
    assert 1 <= len(p) <= 2 and closest_pair(p, 1.9) >= 1.9


# ---------------------------------------------------------------------------------------------- fuzzing

@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(layout=st.sampled_from(LAYOUTS), count=st.integers(0, 400), spacing=st.floats(0.3, 6.0),
       inner=st.one_of(st.none(), st.floats(0.0, 60.0)), depth=st.one_of(st.none(), st.floats(0.5, 60.0)),
       arc=st.floats(5.0, 360.0), rows=st.integers(0, 12), facing=st.sampled_from(["stage", "random", "away"]),
       elevation=st.tuples(st.floats(0.0, 90.0), st.floats(0.0, 90.0)), seed=st.integers(0, 2**32))
def test_invariants_hold_for_any_group(land, layout, count, spacing, inner, depth, arc, rows, facing, elevation, seed):
    terrain, stage = land
    outer = None if depth is None else (inner or 0.0) + depth
    spec = AudienceGroupSpec(layout=layout, count=count, spacing=spacing, inner=inner, outer=outer, arc=arc,
                             rows=rows, facing=facing, elevation=tuple(sorted(elevation)), dome_radius=70.0,
                             center=(10.0, -20.0), extent=(60.0, 40.0))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        g = generate_audience(spec, 0, terrain, stage, stream(seed, "audience/0"))
    check_arrays(g)
    assert g.placed == len(g.pos_i) <= count
    assert (len(caught) > 0) == (g.placed < count)
    if g.placed == 0:
        return
    x, z = g.pos_i[:, 0].astype(np.float64), g.pos_i[:, 2].astype(np.float64)
    assert not stage.contains(x, z, margin=spacing / 2).any()
    if layout == "sky-dome":
        assert closest_pair(g.pos_i, spacing) >= spacing
        rel = g.pos_i.astype(np.float64) - np.array(g.origin)
        assert np.abs(np.linalg.norm(rel, axis=1) - 70.0).max() < 1e-3
    else:
        assert closest_pair(g.pos_i[:, [0, 2]], spacing) >= spacing
        assert np.abs(g.pos_i[:, 1] - terrain.height_at(x, z)).max() <= 0.01
        assert (np.abs(x) <= terrain.size[0] / 2).all() and (np.abs(z) <= terrain.size[1] / 2).all()


# ------------------------------------------------------------------------------------------------ scale

def test_one_million_figures():
    terrain, stage = world(size=2400.0, resolution=65)
    g = generate_audience(AudienceGroupSpec(layout="ring", count=1_000_000, spacing=1.0), 0, terrain, stage,
                          stream(1, "audience/0"))
    assert g.placed == 1_000_000
    assert ground_spacing(g) >= 1.0
    assert not stage.contains(g.pos_i[:, 0].astype(np.float64), g.pos_i[:, 2].astype(np.float64), 0.5).any()
