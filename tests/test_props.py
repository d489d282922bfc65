"""Props: tones, sphere arrangements and sizes, flaws (detune, cracks, shards), the instrument, determinism."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scenegen.color import hex_to_linear
from scenegen.gen.props import Props, generate_props
from scenegen.gen.stage import Stage, generate_stage
from scenegen.rng import stream
from scenegen.spec import FlawSpec, InstrumentSpec, PropsSpec, SpheresSpec, StageSpec
from scenegen.tones import cents_between, detune, note_to_hz, pentatonic, tone_error, tone_to_hz


@pytest.fixture(scope="module")
def stage() -> Stage:
    # Off-centre, with the mark off the axis, so nothing passes by accident of a zero.
    return generate_stage(StageSpec(position=(3.0, -2.0), mark=(1.0, 4.0)), 2.0, stream(5, "stage"))


def props(stage: Stage, seed: int = 1, **spheres) -> Props:
    inst = spheres.pop("instrument", InstrumentSpec())
    return generate_props(PropsSpec(spheres=SpheresSpec(**spheres), instrument=inst), stage,
                          stream(seed, "props"))


def xz(p: np.ndarray) -> np.ndarray:
    return p[:, [0, 2]].astype(np.float64)


# ------------------------------------------------------------------------------------------------ tones

def test_note_names() -> None:
    assert note_to_hz("A4") == 440.0
    assert note_to_hz("C5") == pytest.approx(523.2511, abs=1e-3)
    assert note_to_hz("C4") == pytest.approx(261.6256, abs=1e-3)
    assert note_to_hz("F#4") == pytest.approx(369.9944, abs=1e-3)
    assert note_to_hz("Bb3") == pytest.approx(233.0819, abs=1e-3)
    assert note_to_hz("A#3") == note_to_hz("Bb3") == note_to_hz("bb3")
    assert note_to_hz("A5") == 880.0
    assert note_to_hz("E#4") == note_to_hz("F4")


def test_tone_forms() -> None:
    assert tone_to_hz(440) == 440.0
    assert tone_to_hz(261.5) == 261.5
    assert tone_to_hz("C5") == note_to_hz("C5")
    assert tone_to_hz("300 Hz") == tone_to_hz("300hz") == tone_to_hz("300") == 300.0


@pytest.mark.parametrize("bad", ["H4", "C", "C#b4", "Cx4", "", "C 5", "C99", -5, 0, 1e6, float("nan"),
                                 True, None, [440]])
def test_tone_errors(bad: object) -> None:
    message = tone_error(bad)
    assert isinstance(message, str) and message
    with pytest.raises(ValueError):
        tone_to_hz(bad)  # type: ignore[arg-type]


def test_tone_error_none_for_good() -> None:
    assert all(tone_error(t) is None for t in ("C5", "F#4", "Bb3", 440, 523.25, "440 Hz"))


def test_detune_cents() -> None:
    assert detune(440.0, 1200.0) == pytest.approx(880.0)
    assert detune(440.0, -1200.0) == pytest.approx(220.0)
    assert cents_between(440.0, detune(440.0, 35.0)) == pytest.approx(35.0)
    assert cents_between(note_to_hz("C5"), note_to_hz("C#5")) == pytest.approx(100.0)


def test_pentatonic_from_c5() -> None:
    names = ["C5", "D5", "E5", "G5", "A5", "C6", "D6"]
    assert pentatonic(7) == pytest.approx([note_to_hz(n) for n in names])
    many = pentatonic(64)
    assert max(many) < 4000.0 and min(many) == pytest.approx(note_to_hz("C5"))
    assert len(set(many[:15])) == 15


# ------------------------------------------------------------------------------------------ arrangements

@pytest.mark.parametrize("count", [1, 2, 5, 7, 12])
def test_arc_in_front_of_the_mark(stage: Stage, count: int) -> None:
    s = props(stage, count=count, arrangement="arc", spread=6.0).spheres
    rel = xz(s.center_i) - np.array(stage.mark)
    assert np.all(rel[:, 1] > 0.0)                       # towards the audience (+z), never behind
    assert np.all(np.diff(rel[:, 0]) > 0)               # left to right, as the audience sees them
    assert rel[0, 0] == pytest.approx(-rel[-1, 0], abs=1e-4)  # centred on the view axis
    # One circle, evenly stepped, bulging towards the audience, at most 60° round.
    spin = np.array([s.spin_center[0], s.spin_center[2]])
    bend = np.hypot(*(xz(s.center_i) - spin).T)
    assert np.allclose(bend, bend[0], atol=1e-4)
    assert spin[1] + bend[0] == pytest.approx(stage.mark[1] + 6.0, abs=1e-4)   # its middle `spread` ahead
    if count > 1:
        theta = np.arctan2(*(xz(s.center_i) - spin).T)
        assert np.allclose(np.diff(theta), np.diff(theta)[0], atol=1e-5)
        assert theta[-1] - theta[0] <= np.radians(60) + 1e-6
        # Neighbours stand apart: no sphere hides the next from the front.
        gap = np.hypot(*np.diff(xz(s.center_i), axis=0).T)
        assert np.all(gap >= 3.8 * float(s.radius_i.max()) - 1e-4)


def test_ring_evenly_around(stage: Stage) -> None:
    s = props(stage, count=6, arrangement="ring", spread=5.0).spheres
    rel = xz(s.center_i) - np.array(stage.mark)
    assert np.allclose(np.hypot(rel[:, 0], rel[:, 1]), 5.0, atol=1e-4)
    theta = np.sort(np.arctan2(rel[:, 0], rel[:, 1]) % (2 * np.pi))
    gaps = np.diff(np.concatenate([theta, theta[:1] + 2 * np.pi]))
    assert np.allclose(gaps, 2 * np.pi / 6, atol=1e-5)


def test_line_collinear(stage: Stage) -> None:
    s = props(stage, count=5, arrangement="line", spread=8.0).spheres
    c = s.center_i.astype(np.float64)
    assert np.ptp(c[:, 1]) == 0.0 and np.ptp(c[:, 2]) == 0.0  # one straight row across the view
    assert np.allclose(np.diff(c[:, 0]), 2.0, atol=1e-5)
    assert c[:, 0].mean() == pytest.approx(stage.mark[0], abs=1e-5)
    assert c[0, 2] > stage.mark[1]                            # in front of the performer


def test_orbit_tilted_circle_above(stage: Stage) -> None:
    spec = SpheresSpec(count=7, arrangement="orbit", spread=6.0, elevation=2.0)
    s = props(stage, count=7, arrangement="orbit", spread=6.0, elevation=2.0).spheres
    c = s.center_i.astype(np.float64)
    centre, axis = np.array(s.spin_center), np.array(s.spin_axis)
    assert (centre[0], centre[2]) == pytest.approx(stage.center)
    assert np.allclose(np.linalg.norm(c - centre, axis=1), 6.0, atol=1e-4)
    assert np.allclose((c - centre) @ axis, 0.0, atol=1e-4)     # one plane …
    tilt = math.degrees(math.acos(axis[1]))
    assert 5.0 < tilt < 45.0                                    # … tilted, not flat
    assert np.all(c[:, 1] >= stage.top + spec.elevation - 1e-4)  # all above the stage
    assert np.ptp(c[:, 1]) > 1.0
    assert s.spin_rate > 0.0


@pytest.mark.parametrize("arrangement", ["arc", "ring", "line"])
def test_heights_above_stage_top(stage: Stage, arrangement: str) -> None:
    s = props(stage, count=5, arrangement=arrangement, elevation=3.25).spheres
    assert np.allclose(s.center_i[:, 1], stage.top + 3.25, atol=1e-5)
    assert s.spin_rate == 0.0


@settings(max_examples=40, deadline=None)
@given(count=st.integers(0, 64), arrangement=st.sampled_from(["arc", "ring", "line", "orbit"]),
       spread=st.floats(0.5, 50.0), elevation=st.floats(0.0, 20.0), seed=st.integers(0, 2**32))
def test_any_arrangement_is_well_formed(stage: Stage, count: int, arrangement: str, spread: float,
                                        elevation: float, seed: int) -> None:
    s = props(stage, seed, count=count, arrangement=arrangement, spread=spread, elevation=elevation).spheres
    assert s.center_i.shape == (count, 3) and s.radius_i.shape == (count,)
    assert np.all(np.isfinite(s.center_i))
    assert np.all(s.center_i[:, 1] >= np.float32(stage.top + elevation) - 1e-3)


# ------------------------------------------------------------------------------------------ sizes, tones

def test_smallest_sphere_is_clearly_smallest(stage: Stage) -> None:
    s = props(stage, count=5, radius=0.8, sizes=0.35).spheres
    r = np.sort(s.radius_i)
    assert s.radius_i.max() == pytest.approx(0.8)
    assert r[0] == pytest.approx(0.8 * (1 - 0.35))
    assert r[1] / r[0] > 1.15                      # stands apart from the next smallest
    assert int(np.argmin(s.radius_i)) == int(np.argmax(s.tone_hz_i))   # the soprano is the smallest


def test_size_follows_pitch_and_flaw_index_is_honoured(stage: Stage) -> None:
    # The Azure Sphere: given the highest note, it is the smallest; the seed file flaws it by index.
    tones = ("E5", "C5", "C6", "G5", "A5")
    s = props(stage, count=5, tones=tones, flawed=(2,)).spheres
    assert int(np.argmin(s.radius_i)) == 2
    assert int(np.argmax(s.radius_i)) == 1
    assert s.flaw_i.tolist() == [-1, -1, 0, -1, -1]
    assert s.flaws[0].sphere == 2


def test_equal_sizes(stage: Stage) -> None:
    s = props(stage, count=4, sizes=0.0, radius=1.5).spheres
    assert np.all(s.radius_i == np.float32(1.5))


def test_tones_from_names(stage: Stage) -> None:
    s = props(stage, count=3, tones=("C5", "A4", 330.0)).spheres
    assert s.tone_hz_i.tolist() == pytest.approx([523.2511, 440.0, 330.0], abs=1e-3)
    assert s.tone_hz_i.dtype == np.float32


def test_default_tones_pentatonic(stage: Stage) -> None:
    s = props(stage, count=5).spheres
    assert s.tone_hz_i.tolist() == pytest.approx([note_to_hz(n) for n in ("C5", "D5", "E5", "G5", "A5")],
                                                 abs=1e-3)


def test_colours_cycle_palette(stage: Stage) -> None:
    colors = ("#ff0000", "#00ff00")
    s = props(stage, count=5, colors=colors).spheres
    for i in range(5):
        assert s.color_i[i] == pytest.approx(hex_to_linear(colors[i % 2]))


def test_pulse_parameters(stage: Stage) -> None:
    s = props(stage, count=6).spheres
    spec = SpheresSpec()
    assert np.all(np.abs(s.pulse_rate_i / spec.pulse.rate - 1.0) <= 0.081)
    assert np.all(s.pulse_depth_i == np.float32(spec.pulse.depth))
    assert np.all((s.pulse_phase_i >= 0) & (s.pulse_phase_i < 2 * np.pi))
    assert np.all(s.glow_i == np.float32(spec.glow))


# ------------------------------------------------------------------------------------------------ flaws

def test_flawed_sphere_detuned_by_cents(stage: Stage) -> None:
    s = props(stage, count=5, flawed=(4,), flaw=FlawSpec(detune=-27.0, buzz=0.7)).spheres
    f = s.flaws[0]
    assert f.detune_cents == -27.0 and f.buzz == 0.7
    assert cents_between(float(s.tone_hz_i[4]), float(s.sound_hz_i[4])) == pytest.approx(-27.0, abs=1e-3)
    assert cents_between(note_to_hz("A5"), f.sound_hz) == pytest.approx(-27.0, abs=1e-9)
    assert np.array_equal(s.sound_hz_i[:4], s.tone_hz_i[:4])
    assert 100.0 < f.buzz_hz < 300.0


def test_cracks_on_unit_sphere(stage: Stage) -> None:
    f = props(stage, count=3, flawed=(2,), flaw=FlawSpec(fractures=20)).spheres.flaws[0]
    p = f.crack_point_j.astype(np.float64)
    assert np.allclose(np.linalg.norm(p, axis=1), 1.0, atol=1e-6)
    # Polylines tile the points in order.
    assert f.crack_start_k[0] == 0
    assert np.array_equal(f.crack_start_k[1:], np.cumsum(f.crack_count_k)[:-1])
    assert f.crack_count_k.sum() == len(p) and np.all(f.crack_count_k >= 2)
    assert np.sum(f.crack_parent_k == -1) == 20                 # one primary per fracture asked
    # Steps are short arcs of equal length: walks along great circles, not jumps.
    for a, n in zip(f.crack_start_k, f.crack_count_k):
        step = np.linalg.norm(np.diff(p[a:a + n], axis=0), axis=1)
        assert np.allclose(step, 2 * math.sin(0.035), atol=1e-5)
        assert np.all(np.diff(f.crack_age_j[a:a + n]) > 0)     # cracks spread from their start
    # A branch starts on its parent.
    for k in np.flatnonzero(f.crack_parent_k >= 0):
        par = f.crack_parent_k[k]
        a, n = f.crack_start_k[par], f.crack_count_k[par]
        first = p[f.crack_start_k[k]]
        assert np.min(np.linalg.norm(p[a:a + n] - first, axis=1)) < 1e-6
    assert f.crack_age_j.min() == 0.0 and f.crack_age_j.max() == 1.0
    assert f.crack_color == pytest.approx(tuple(hex_to_linear("#d9e03a")))


def test_shards_as_asked(stage: Stage) -> None:
    f = props(stage, count=5, flawed=(4,), flaw=FlawSpec(shards=123)).spheres.flaws[0]
    assert len(f.shard_dir_s) == len(f.shard_speed_s) == len(f.shard_life_s) == 123
    assert np.allclose(np.linalg.norm(f.shard_dir_s, axis=1), 1.0, atol=1e-6)
    assert np.all(f.shard_speed_s > 0) and np.all(f.shard_life_s > 0) and np.all(f.shard_size_s > 0)
    assert np.all((f.shard_phase_s >= 0) & (f.shard_phase_s < 1))


def test_flaw_without_cracks_or_shards(stage: Stage) -> None:
    f = props(stage, count=2, flawed=(0,), flaw=FlawSpec(fractures=0, shards=0)).spheres.flaws[0]
    assert f.crack_point_j.shape == (0, 3) and f.crack_start_k.shape == (0,)
    assert f.shard_dir_s.shape == (0, 3)
    g = props(stage, count=2, flawed=(0,), flaw=FlawSpec(fractures=0, shards=9)).spheres.flaws[0]
    assert g.shard_dir_s.shape == (9, 3)


def test_flicker_parameters(stage: Stage) -> None:
    f = props(stage, count=2, flawed=(1,), flaw=FlawSpec(flicker=0.65)).spheres.flaws[0]
    assert f.flicker == 0.65
    assert len(set(f.flicker_freq_h.tolist())) == len(f.flicker_freq_h) > 1
    assert 0 <= f.flicker_seed < 2**24


def test_no_spheres(stage: Stage) -> None:
    s = props(stage, count=0).spheres
    assert s.center_i.shape == (0, 3) and s.flaws == ()


# ------------------------------------------------------------------------------------------- instrument

def test_instrument_at_the_mark(stage: Stage) -> None:
    p = props(stage, count=3, instrument=InstrumentSpec(enabled=True, height=1.4, turns=3.5))
    inst = p.instrument
    assert inst is not None
    assert inst.base == pytest.approx((stage.mark[0], stage.top, stage.mark[1]))
    c = inst.crystal_j.astype(np.float64)
    assert c[:, 1].min() == pytest.approx(stage.top, abs=1e-5)
    assert c[:, 1].max() == pytest.approx(stage.top + 1.4, abs=1e-5)
    r = np.hypot(c[:, 0] - stage.mark[0], c[:, 2] - stage.mark[1])
    assert r[0] > r[-1] > 0                                       # a spiral narrowing as it rises
    a = np.unwrap(np.arctan2(c[:, 2] - stage.mark[1], c[:, 0] - stage.mark[0]))
    assert abs(a[-1] - a[0]) == pytest.approx(2 * np.pi * 3.5, rel=1e-4)
    gap = np.linalg.norm(inst.light_j - inst.crystal_j, axis=1)
    assert np.allclose(gap, 2.2 * inst.thickness_j, rtol=1e-4)   # woven close around the crystal
    assert inst.color == pytest.approx(tuple(hex_to_linear("#c8f0ff")))
    assert props(stage, count=3).instrument is None


# ---------------------------------------------------------------------------------------- determinism

def test_deterministic(stage: Stage) -> None:
    kw = dict(count=5, flawed=(4, 1), arrangement="orbit", instrument=InstrumentSpec(enabled=True))
    a = props(stage, 7, **dict(kw))
    b = props(stage, 7, **dict(kw))
    assert a == b
    assert a != props(stage, 8, **dict(kw))


def test_parts_do_not_shift_each_other(stage: Stage) -> None:
    one = props(stage, count=5, flawed=(4,)).spheres
    two = props(stage, count=5, flawed=(1, 4), instrument=InstrumentSpec(enabled=True)).spheres
    assert one.flaws[0] == two.flaws[1]          # flawing another sphere keeps this one's cracks
    assert np.array_equal(one.pulse_phase_i, two.pulse_phase_i)
    assert np.array_equal(one.center_i, two.center_i)
