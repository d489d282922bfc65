"""Sky: palettes by name, streaks, stars on the dome, nebula, screens facing the stage, determinism."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scenegen.color import hex_to_linear
from scenegen.gen.sky import Sky, generate_sky, sky_direction
from scenegen.rng import stream
from scenegen.spec import SKY_PALETTES, GradientSpec, NebulaSpec, ScreensSpec, SkySpec, StarsSpec, StreaksSpec


def sky(seed: int = 1, origin: tuple[float, float, float] = (0.0, 0.0, 0.0), **parts) -> Sky:
    return generate_sky(SkySpec(**parts), stream(seed, "sky"), origin=origin)


# ----------------------------------------------------------------------------------------------- gradient

@pytest.mark.parametrize("name", sorted(SKY_PALETTES))
def test_palettes_from_names(name: str) -> None:
    g = sky(gradient=GradientSpec(from_=name, to="dawn", cycle=12.0)).gradient
    zenith, horizon, glow = SKY_PALETTES[name]
    assert g.start.name == name
    assert g.start.zenith == pytest.approx(tuple(hex_to_linear(zenith)))
    assert g.start.horizon == pytest.approx(tuple(hex_to_linear(horizon)))
    assert g.start.glow == pytest.approx(tuple(hex_to_linear(glow)))
    assert g.to is not None and g.to.name == "dawn"
    assert g.to.horizon == pytest.approx(tuple(hex_to_linear(SKY_PALETTES["dawn"][1])))
    assert g.cycle == 12.0


def test_still_sky() -> None:
    g = sky(gradient=GradientSpec(from_="night")).gradient
    assert g.to is None and g.start.name == "night"


# ------------------------------------------------------------------------------------------------ streaks

def test_streaks() -> None:
    colors = ("#8f3fd1", "#f2b33d", "#2040ff")
    s = sky(streaks=StreaksSpec(count=7, colors=colors, intensity=0.6, softness=0.25)).streaks
    assert len(s.color_s) == len(s.azimuth_s) == len(s.drift_s) == 7
    for i in range(7):
        assert s.color_s[i] == pytest.approx(hex_to_linear(colors[i % 3]))
    assert np.all((s.intensity_s > 0) & (s.intensity_s <= np.float32(0.6)))
    assert np.all((s.elevation_s > 0) & (s.elevation_s < np.pi / 2))
    assert np.all(s.width_s > 0) and np.all(s.length_s > 0)
    assert np.all(np.abs(s.drift_s) > 0)
    assert np.all((s.phase_s >= 0) & (s.phase_s < 2 * np.pi))
    assert s.softness == 0.25
    assert sky().streaks.color_s.shape == (0, 3)


# -------------------------------------------------------------------------------------------------- stars

def test_stars_on_the_dome() -> None:
    spec = StarsSpec(count=5000, size=(0.5, 2.0), brightness=(0.2, 0.9), twinkle=0.8, pulse=1.5,
                     min_elevation=10.0)
    s = sky(stars=spec).stars
    assert s.dir_i.shape == (5000, 3) and s.dir_i.dtype == np.float32
    assert np.allclose(np.linalg.norm(s.dir_i.astype(np.float64), axis=1), 1.0, atol=1e-6)
    assert np.all(s.dir_i[:, 1] >= math.sin(math.radians(10.0)) - 1e-6)
    assert s.min_elevation == pytest.approx(math.radians(10.0))
    assert np.all((s.size_i >= np.float32(0.5)) & (s.size_i <= np.float32(2.0)))
    assert np.all((s.brightness_i >= np.float32(0.2)) & (s.brightness_i <= np.float32(0.9)))
    assert np.all((s.twinkle_i >= np.float32(0.4)) & (s.twinkle_i <= np.float32(0.8)))
    assert np.all((s.rate_i >= np.float32(0.9)) & (s.rate_i <= np.float32(2.1)))
    assert np.all((s.phase_i >= 0) & (s.phase_i < 2 * np.pi))
    assert np.all((s.tint_i > 0.5) & (s.tint_i <= 1.0))           # a slight tint, never a colour


def test_stars_uniform_over_the_band() -> None:
    # Uniform on the sphere band: height uniform (Archimedes), azimuth uniform.
    s = sky(stars=StarsSpec(count=40000, min_elevation=0.0)).stars
    y = s.dir_i[:, 1].astype(np.float64)
    assert y.mean() == pytest.approx(0.5, abs=0.01)
    assert np.histogram(y, bins=4, range=(0, 1))[0] / len(y) == pytest.approx([0.25] * 4, abs=0.01)
    az = np.arctan2(s.dir_i[:, 0], s.dir_i[:, 2])
    assert np.histogram(az, bins=4, range=(-np.pi, np.pi))[0] / len(y) == pytest.approx([0.25] * 4, abs=0.01)


@settings(max_examples=30, deadline=None)
@given(count=st.integers(0, 300), lowest=st.floats(-90.0, 90.0), seed=st.integers(0, 2**40))
def test_stars_never_below_the_lowest_elevation(count: int, lowest: float, seed: int) -> None:
    s = sky(seed, stars=StarsSpec(count=count, min_elevation=lowest)).stars
    assert len(s.dir_i) == count
    assert np.all(s.dir_i[:, 1] >= np.float32(math.sin(math.radians(lowest))) - 1e-6)


# ------------------------------------------------------------------------------------------------- nebula

def test_nebula() -> None:
    spec = NebulaSpec(density=0.5, colors=("#5b2a86", "#1f6feb", "#2ee59d"), scale=2.0, swirl=0.3,
                      brightness=1.2)
    n = sky(nebula=spec).nebula
    assert n.color_c.shape == (3, 3)
    assert n.color_c[1] == pytest.approx(hex_to_linear("#1f6feb"))
    assert (n.density, n.scale, n.swirl, n.brightness) == (0.5, 2.0, 0.3, 1.2)
    assert all(0.0 <= o < 64.0 for o in n.offset)
    assert sky(2, nebula=spec).nebula.offset != n.offset          # every seed its own clouds


# ------------------------------------------------------------------------------------------------ screens

def test_screens_face_the_stage() -> None:
    origin = (4.0, 1.5, -3.0)
    spec = ScreensSpec(count=4, size=(60.0, 34.0), distance=220.0, elevation=24.0, follows=1)
    s = sky(origin=origin, screens=spec).screens
    o = np.array(origin)
    c = s.center_q.astype(np.float64)
    d = c - o
    dist = np.linalg.norm(d, axis=1)
    assert dist == pytest.approx([220.0] * 4, rel=1e-6)
    assert np.degrees(np.arcsin(d[:, 1] / dist)) == pytest.approx([24.0] * 4, abs=1e-4)
    assert np.all(c[:, 2] < o[2])                                   # behind the stage, seen from +z
    n = s.normal_q.astype(np.float64)
    assert np.allclose(n, -d / dist[:, None], atol=1e-6)            # facing the stage
    r, u = s.right_q.astype(np.float64), s.up_q.astype(np.float64)
    for a, b in ((n, r), (n, u), (r, u)):
        assert np.allclose(np.sum(a * b, axis=1), 0.0, atol=1e-6)
    assert np.allclose(r[:, 1], 0.0, atol=1e-7) and np.all(u[:, 1] > 0)
    # Seen from the stage (looking along −n), right × up points back at the viewer.
    assert np.allclose(np.cross(r, u), n, atol=1e-6)
    # Side by side without overlapping.
    ang = np.arccos(np.clip(np.sum(d[1:] * d[:-1], axis=1) / (dist[1:] * dist[:-1]), -1, 1))
    assert np.all(ang * 220.0 > 60.0 * math.cos(math.radians(24.0)))
    assert s.size == (60.0, 34.0) and s.follows == 1
    assert s.color == pytest.approx(tuple(hex_to_linear(spec.color)))
    assert len(set(s.flow_phase_q.tolist())) == 4


def test_many_screens_go_all_round() -> None:
    s = sky(screens=ScreensSpec(count=32)).screens
    az = np.sort(np.arctan2(s.center_q[:, 0], -s.center_q[:, 2]).astype(np.float64))
    gaps = np.diff(np.concatenate([az, az[:1] + 2 * np.pi]))
    assert np.allclose(gaps, 2 * np.pi / 32, atol=1e-5)


def test_sky_direction_convention() -> None:
    assert sky_direction(0.0, 0.0) == pytest.approx([0.0, 0.0, -1.0])
    assert sky_direction(np.pi / 2, 0.0) == pytest.approx([1.0, 0.0, 0.0])
    assert sky_direction(0.3, np.pi / 2) == pytest.approx([0.0, 1.0, 0.0])


# ----------------------------------------------------------------------------------------------- determinism

def full() -> dict:
    return dict(gradient=GradientSpec(from_="twilight", to="dawn"), streaks=StreaksSpec(count=4),
                stars=StarsSpec(count=500), nebula=NebulaSpec(density=0.4), screens=ScreensSpec(count=2))


def test_deterministic() -> None:
    assert sky(3, **full()) == sky(3, **full())
    assert sky(3, **full()) != sky(4, **full())


def test_parts_do_not_shift_each_other() -> None:
    a = sky(3, **full())
    parts = full()
    parts["stars"] = StarsSpec(count=900)
    b = sky(3, **parts)
    assert a.streaks == b.streaks and a.nebula == b.nebula and a.screens == b.screens
    assert a.gradient == b.gradient and len(b.stars.dir_i) == 900
