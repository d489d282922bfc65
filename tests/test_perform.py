"""Performances: the score's validation, state_at at chosen moments, the overlap rule, the mix and its spectrum."""

from __future__ import annotations

import hashlib
import io
import json
import math
import os
import subprocess
import sys
import wave

import jsonschema
import numpy as np
import pytest

from scenegen.color import hex_to_linear
from scenegen.export.json import dumps_scene, scene_from_data
from scenegen.gen.scene import Scene, generate
from scenegen.perform import POSES, NoteEvent, mix, note_sound_hz, state_at, wav_bytes, write_wav
from scenegen.perform.timeline import FLARE_GAIN, ease
from scenegen.schema import shipped_schema
from scenegen.seedfile import SeedError, parse_seed
from scenegen.tones import note_to_hz

from .conftest import ROOT

BASE = """\
seed: perform-test
terrain: {resolution: 33, size: [120, 120]}
audience:
  - {name: crowd, count: 40, spacing: 1.5, mood: {to: "#ffd700", period: 10, strength: 0.5}}
  - {name: eyes, layout: sky-dome, figure: eye, count: 20, spacing: 20}
props:
  spheres: {count: 3, tones: [C5, G5, E6], flawed: [2], flaw: {detune: 50, buzz: 0.3}}
  instrument: {enabled: true}
sky: {stars: {count: 10}, screens: {count: 1, follows: 0}}
"""


def build(performance: str, base: str = BASE) -> Scene:
    return generate(parse_seed(base + performance, file="perf.yaml"))


@pytest.fixture(scope="module")
def scene() -> Scene:
    return build("""\
performance:
  duration: 20
  hum: {pitch: C2, level: 0.4}
  cues:
    - {kind: note, at: 2, length: 1.5, sphere: 1, burst: {palette: ["#ff0000", "#00ff00"], count: 50}}
    - {kind: note, at: 6, length: 2, sphere: 2}
    - {kind: audience, at: 4, length: 6, group: crowd, action: bow, amount: 0.8, fade: 2, ease: linear}
    - {kind: mood, at: 8, length: 4, group: crowd, to: "#ff0000", strength: 1, ease: linear}
    - {kind: mood, at: 10, length: 2, group: crowd, to: "#0000ff", strength: 1, ease: linear}
    - {kind: sky, at: 12, length: 4, to: dawn, ease: linear}
    - {kind: hum, at: 10, length: 5, pitch: A1, ease: linear}
    - {kind: countdown, at: 0, seconds: 10}
""")


# ------------------------------------------------------------------------------------ the seed file

def test_cue_naming_what_does_not_exist_is_located() -> None:
    text = BASE + """\
performance:
  cues:
    - {kind: note, at: 1, sphere: 5}
    - {kind: flaw, sphere: 1}
    - {kind: audience, group: choir}
    - {kind: light, light: 3}
"""
    with pytest.raises(SeedError) as err:
        parse_seed(text, file="perf.yaml")
    lines = str(err.value).splitlines()
    assert lines == [
        "perf.yaml:12:35: performance.cues[0].sphere: no sphere 5: the scene has 3 (0…2)",
        "perf.yaml:13:28: performance.cues[1].sphere: sphere 1 is not flawed (list it in props.spheres.flawed)",
        "perf.yaml:14:31: performance.cues[2].group: no audience group named 'choir' (groups: 'crowd', 'eyes')",
        "perf.yaml:15:28: performance.cues[3].light: no spotlight 3: the scene has 1",
    ]


def test_unknown_kind_and_missing_kind_are_located_with_a_hint() -> None:
    with pytest.raises(SeedError) as err:
        parse_seed(BASE + "performance:\n  cues:\n    - {kind: mod, at: 1}\n    - {at: 2}\n", file="p.yaml")
    lines = str(err.value).splitlines()
    assert lines[0].startswith("p.yaml:12:14: performance.cues[0].kind: the text 'mod' is not one of note, ")
    assert lines[0].endswith("did you mean 'mood'?")
    assert lines[1].startswith("p.yaml:13:7: performance.cues[1]: missing kind (one of note, phrase,")


def test_a_key_of_another_kind_is_refused_and_beats_need_a_tempo() -> None:
    hint = r"p.yaml:12:20: performance.cues\[0\].to: unknown key \(did you mean 'tone'\?\)"
    with pytest.raises(SeedError, match=hint):
        parse_seed(BASE + "performance:\n  cues:\n    - {kind: note, to: dawn}\n", file="p.yaml")
    with pytest.raises(SeedError, match=r"performance.tempo: unit is beats"):
        parse_seed(BASE + "performance: {unit: beats}\n", file="p.yaml")


def test_beats_become_seconds_and_phrases_become_notes() -> None:
    sc = build("""\
performance:
  unit: beats
  tempo: 120
  cues:
    - {kind: phrase, at: 4, length: 1, step: 2, last: 6, tones: [C5, E5, G5], ripple: 0}
""")
    notes = [ev for ev in sc.performance.cues if isinstance(ev, NoteEvent)]
    assert [(n.at, n.length, n.sphere) for n in notes] == [(2.0, 0.5, -1), (3.0, 0.5, -1), (4.0, 3.0, -1)]
    assert [n.hz for n in notes] == [note_to_hz("C5"), note_to_hz("E5"), note_to_hz("G5")]
    assert sc.performance.duration == 7.0 and sc.performance.tempo == 120.0


# ----------------------------------------------------------------------------------------- state_at

def test_a_note_flares_its_sphere_and_bursts_only_after_it_starts(scene: Scene) -> None:
    before, after = state_at(scene, 1.99), state_at(scene, 2.1)
    assert before.sphere_flare_k[1] == 0.0 and before.burst_pos_p3.shape == (0, 3)
    assert after.sphere_flare_k[1] > 0.5 and after.sphere_flare_k[0] == 0.0
    assert after.sphere_light_k[1] == 1.0 + FLARE_GAIN * after.sphere_flare_k[1]
    assert 0 < len(after.burst_pos_p3) <= 50
    palette = np.stack([hex_to_linear("#ff0000"), hex_to_linear("#00ff00")]).astype(np.float32)
    assert all(any((c.astype(np.float32) == p).all() for p in palette) for c in after.burst_color_p3)
    centre = scene.props.spheres.center_i[1].astype(np.float64)
    assert np.linalg.norm(after.burst_pos_p3 - centre, axis=1).max() < 2.0   # around it, not elsewhere
    assert len(after.ring_age_r) == 1 and math.isclose(after.ring_age_r[0], 0.1, abs_tol=1e-12)
    gone = state_at(scene, 3.6)
    assert gone.sphere_flare_k[1] == 0.0


def test_audience_reaction_eases_in_holds_and_eases_out(scene: Scene) -> None:
    bow = POSES.index("bow")
    weights = [state_at(scene, t).group_pose_gp[0, bow] for t in (3.9, 5.0, 7.0, 9.0, 10.5)]
    assert weights == [0.0, 0.4, 0.8, 0.4, 0.0]
    assert state_at(scene, 7.0).group_pose_gp[1].sum() == 0.0     # the eyes were not asked


def test_mood_colour_moves_linearly_and_a_later_cue_takes_over(scene: Scene) -> None:
    gold, red, blue = (hex_to_linear(c) for c in ("#ffd700", "#ff0000", "#0000ff"))
    at9 = state_at(scene, 9.0)
    assert np.array_equal(at9.group_color_g3[0], gold + (red - gold) * 0.25)
    # The second cue starts at 10, where the first stood halfway: from there to blue over 2 s.
    mid = gold + (red - gold) * 0.5
    assert np.array_equal(state_at(scene, 11.0).group_color_g3[0], mid + (blue - mid) * 0.5)
    assert np.array_equal(state_at(scene, 15.0).group_color_g3[0], blue)
    assert np.array_equal(state_at(scene, 11.0).screen_color3, state_at(scene, 11.0).group_color_g3[0])
    # Before any mood cue, the group's own drift: strength · (½ − ½cos(2πt/period)).
    assert state_at(scene, 2.5).group_mood_g[0] == 0.5 * (0.5 - 0.5 * np.cos(2.0 * np.pi * 2.5 / 10.0))


def test_sky_hum_and_countdown_follow_their_cues(scene: Scene) -> None:
    g = scene.sky.gradient
    s = state_at(scene, 14.0)
    assert s.sky_zenith3.tolist() == pytest.approx([a + (b - a) * 0.5 for a, b in
                                                    zip(state_at(scene, 12.0).sky_zenith3,
                                                        hex_to_linear("#2b3a7a"))], abs=1e-12)
    assert state_at(scene, 20.0).sky_zenith3 == pytest.approx(hex_to_linear("#2b3a7a"), abs=1e-12)
    assert g.to is None and np.array_equal(state_at(scene, 3.0).sky_zenith3, np.array(g.start.zenith))
    assert state_at(scene, 12.5).hum_pitch == pytest.approx(note_to_hz("C2") + (note_to_hz("A1") -
                                                            note_to_hz("C2")) * 0.5)
    assert state_at(scene, 2.5).countdown_left == 7.5 and state_at(scene, 2.5).countdown_visible == 1.0
    assert state_at(scene, 9.0).countdown_swirl > state_at(scene, 2.0).countdown_swirl
    assert state_at(scene, 15.0).countdown_visible == 0.0


def test_the_final_state_holds_and_a_loop_wraps(scene: Scene) -> None:
    end, later = state_at(scene, 20.0), state_at(scene, 75.0)
    for name in ("group_color_g3", "sky_zenith3", "hum_pitch", "sphere_light_k", "camera_pos3"):
        assert np.array_equal(getattr(end, name), getattr(later, name)), name
    looped = build("performance:\n  duration: 10\n  loop: true\n  cues:\n"
                   "    - {kind: note, at: 2, length: 1.5, sphere: 1}\n")
    a, b = state_at(looped, 2.3), state_at(looped, 32.3)
    assert b.clock == pytest.approx(2.3) and a.sphere_flare_k[1] > 0
    assert b.sphere_flare_k[1] == pytest.approx(a.sphere_flare_k[1], abs=1e-9)


def test_state_at_is_bit_for_bit_repeatable(scene: Scene) -> None:
    a, b = state_at(scene, 6.3), state_at(scene, 6.3)
    for name in a.__dataclass_fields__:
        x, y = getattr(a, name), getattr(b, name)
        assert np.asarray(x).tobytes() == np.asarray(y).tobytes(), name


def test_flaw_spreads_and_shatters() -> None:
    sc = build("performance:\n  cues:\n    - {kind: flaw, at: 1, length: 4, sphere: 2, reveal: 1, buzz: 0.8, "
               "shards: 3, shatter: true, ease: linear}\n")
    start, mid, end = state_at(sc, 0.5), state_at(sc, 3.0), state_at(sc, 10.0)
    assert start.crack_reveal_k[2] == 0.0 and start.buzz_k[2] == 0.0 and start.shard_rate_k[2] == 0.0
    assert mid.crack_reveal_k[2] == 0.5 and mid.buzz_k[2] == 0.4 and mid.shard_rate_k[2] == 1.5
    assert mid.shard_clock_k[2] == pytest.approx(4.0 * 3.0 * 0.5 * 0.5 ** 2)   # ∫ of a linear ramp
    assert mid.shattered_k[2] == 0.0 and end.shattered_k[2] == 1.0 and end.sphere_light_k[2] == 0.0
    # A flawed sphere no cue names keeps its declared flaw all along.
    still = build("performance:\n  cues:\n    - {kind: note, at: 1, sphere: 0}\n")
    s = state_at(still, 0.5)
    assert s.crack_reveal_k[2] == 1.0 and s.detune_k[2] == 50.0 and s.crack_reveal_k[0] == 0.0


def test_easings_run_from_0_to_1() -> None:
    u = np.linspace(0.0, 1.0, 11)
    for name in ("linear", "smooth", "in", "out"):
        e = ease(name, u)
        assert e[0] == 0.0 and e[-1] == 1.0 and np.all(np.diff(e) >= 0), name


# ------------------------------------------------------------------------------------------- scene JSON

def test_scene_json_carries_the_performance_and_round_trips(scene: Scene) -> None:
    data = json.loads(dumps_scene(scene))
    jsonschema.validate(data, shipped_schema("scene"))
    cues = data["performance"]["cues"]
    assert [c["kind"] for c in cues][:3] == ["countdown", "note", "audience"]
    assert cues[1]["at"] == 2.0 and cues[1]["burst_count"] == 50
    back = scene_from_data(data)
    assert back == scene and dumps_scene(back) == dumps_scene(scene)
    a, b = state_at(scene, 9.5), state_at(back, 9.5)         # the loaded scene plays the same
    assert all(np.asarray(getattr(a, f)).tobytes() == np.asarray(getattr(b, f)).tobytes()
               for f in a.__dataclass_fields__)
    data["performance"]["cues"][1]["kind"] = "chord"
    with pytest.raises(Exception, match="not one of"):
        scene_from_data(data)


# ------------------------------------------------------------------------------------------------ sound

def _peak_hz(x: np.ndarray, rate: int = 48_000) -> float:
    spec = np.abs(np.fft.rfft(x * np.hanning(len(x)), n=1 << 20))
    return float(np.argmax(spec)) * rate / (1 << 20)


def _band_energy(x: np.ndarray, hz: float, rate: int = 48_000) -> float:
    spec = np.abs(np.fft.rfft(x * np.hanning(len(x))))
    f = np.fft.rfftfreq(len(x), 1.0 / rate)
    return float((spec[np.abs(f - hz) < 8.0] ** 2).sum())


def test_a_note_sounds_at_its_frequency_after_its_start_and_not_before() -> None:
    sc = build("performance:\n  cues:\n    - {kind: note, at: 1, length: 1.5, sphere: 1}\n")
    y = mix(sc).astype(np.float64).mean(axis=1)
    hz = note_to_hz("G5")
    before, after = y[24_000:48_000], y[48_000:72_000]
    assert _band_energy(after, hz) > 1e4 * max(_band_energy(before, hz), 1e-9)
    assert abs(_peak_hz(after) - hz) < 1.0


def test_the_flawed_sphere_sounds_off_by_its_detune() -> None:
    sc = build("performance:\n  cues:\n    - {kind: note, at: 0.5, length: 1.5, sphere: 2}\n")
    note = next(ev for ev in sc.performance.cues if isinstance(ev, NoteEvent))
    assert note_sound_hz(sc, note) == pytest.approx(note_to_hz("E6") * 2 ** (50 / 1200))
    y = mix(sc).astype(np.float64).mean(axis=1)[24_000:24_000 + 36_000]
    cents = 1200.0 * math.log2(_peak_hz(y) / note_to_hz("E6"))
    assert abs(cents - 50.0) < 3.0


def test_the_mix_is_identical_twice_any_window_is_its_slice_and_never_clips(scene: Scene) -> None:
    a, b = mix(scene), mix(scene)
    assert a.dtype == np.int16 and a.shape == (20 * 48_000, 2)
    assert a.tobytes() == b.tobytes()
    w = mix(scene, 5.5, 7.25)
    assert np.array_equal(w, a[264_000:348_000])
    assert np.abs(a.astype(np.int32)).max() <= round(32767 * 10 ** (-1 / 20)) - 1
    assert np.abs(a.astype(np.int32)).max() > 1000        # and it is not silence
    loud = build("performance:\n  cues:\n" + "".join(
        f"    - {{kind: note, at: {0.01 * i:.2f}, sphere: {i % 3}, level: 1}}\n" for i in range(60)))
    peak = np.abs(mix(loud).astype(np.int32)).max()
    assert 20_000 < peak <= round(32767 * 10 ** (-1 / 20)) - 1    # sixty notes at once, softly limited


def test_write_wav_is_48k_16_bit_stereo(scene: Scene, tmp_path) -> None:
    samples = mix(scene, 0.0, 1.0)
    path = tmp_path / "perf.wav"
    write_wav(path, samples)
    buf = io.BytesIO()
    write_wav(buf, samples)
    assert path.read_bytes() == buf.getvalue() == wav_bytes(samples)
    with wave.open(str(path)) as w:
        assert (w.getframerate(), w.getsampwidth(), w.getnchannels(), w.getnframes()) == (48_000, 2, 2, 48_000)
        assert w.readframes(48_000) == samples.astype("<i2").tobytes()


# ------------------------------------------------------------------------------------ the dreams perform

def _example(name: str) -> Scene:
    """An example with its crowds thinned (the performance is the same; generation is quicker)."""
    import dataclasses

    from scenegen.examples import resolve
    from scenegen.seedfile import load_seed

    spec = load_seed(resolve(name))
    crowd = tuple(dataclasses.replace(g, count=min(g.count, 300)) for g in spec.audience)
    return generate(dataclasses.replace(spec, audience=crowd))


def test_the_grand_auditorium_counts_down_two_minutes_while_the_azure_sphere_fails() -> None:
    sc = _example("grand-auditorium")
    assert sc.performance.duration == 120.0
    s = {t: state_at(sc, t) for t in (1.0, 30.0, 50.0, 70.0, 100.0, 119.0)}
    assert s[1.0].countdown_left == 119.0 and s[119.0].countdown_left == 1.0
    assert s[119.0].countdown_swirl > 5.0 * s[30.0].countdown_swirl
    azure = 6
    reveal = [s[t].crack_reveal_k[azure] for t in sorted(s)]
    assert reveal[0] == 0.0 and reveal[-1] == 1.0 and reveal == sorted(reveal)
    assert s[1.0].flicker_k[azure] == 0.0 and s[30.0].flicker_k[azure] > 0.3
    assert s[50.0].buzz_k[azure] < s[100.0].buzz_k[azure] == 0.9
    assert s[100.0].shard_rate_k[azure] == 3.0 and s[30.0].shard_rate_k[azure] == 0.0
    crimson = hex_to_linear("#ff2d3f")
    assert s[119.0].group_mood_g[0] == pytest.approx(0.85) and np.array_equal(s[119.0].screen_color3, crimson)
    assert s[119.0].hum_pitch < s[1.0].hum_pitch and s[100.0].hum_sour > s[1.0].hum_sour
    lean = POSES.index("lean")
    assert s[50.0].group_pose_gp[0, lean] == 0.0 and s[100.0].group_pose_gp[0, lean] == 1.0


def test_the_liquid_silver_stage_plays_a_phrase_that_bursts_into_colour() -> None:
    sc = _example("liquid-silver-stage")
    notes = [ev for ev in sc.performance.cues if isinstance(ev, NoteEvent)]
    assert len(notes) == 11 and all(n.sphere == -1 for n in notes)
    phrase = notes[1:]
    assert phrase[-1].length == 6.5 and phrase[0].burst_count == 260
    first = phrase[0].at
    assert state_at(sc, first - 0.01).instrument_flare == 0.0 < state_at(sc, first + 0.05).instrument_flare
    burst = state_at(sc, first + 0.5).burst_color_p3.astype(np.float32)
    palette = {tuple(hex_to_linear(c).astype(np.float32)) for c in ("#3f2fbf", "#ffb02e", "#d4d9e2")}
    assert len(burst) > 100 and {tuple(c) for c in burst} <= palette
    end = sc.performance.duration
    assert state_at(sc, 30.0).group_breath_g[0] == 1.0 and state_at(sc, 16.0).group_breath_g[0] == 0.0
    assert state_at(sc, 20.0).group_sync_g[0] == 1.0 and state_at(sc, 22.0).group_dissolve_g[0] > 0.5
    assert state_at(sc, end).sky_zenith3 == pytest.approx(hex_to_linear("#2b3a7a"), abs=1e-12)
    y = mix(sc, first - 0.5, first + 0.5).astype(np.float64).mean(axis=1)
    hz = phrase[0].hz
    assert _band_energy(y[24_000:], hz) > 100.0 * _band_energy(y[:24_000], hz)


def test_the_wav_is_the_same_bytes_in_other_processes(tmp_path) -> None:
    seed = tmp_path / "perf.yaml"
    seed.write_text(BASE + "performance:\n  hum: {level: 0.3}\n  cues:\n"
                    "    - {kind: phrase, at: 0.2, spheres: [0, 1, 2], step: 0.3, length: 0.6}\n"
                    "    - {kind: flaw, at: 0, length: 1, sphere: 2, buzz: 0.8, shatter: true}\n", encoding="utf-8")
    code = ("import hashlib, sys; from scenegen.seedfile import load_seed; from scenegen.gen.scene import generate; "
            "from scenegen.perform import mix, wav_bytes; "
            "print(hashlib.sha256(wav_bytes(mix(generate(load_seed(sys.argv[1]))))).hexdigest())")
    from scenegen.seedfile import load_seed

    here = hashlib.sha256(wav_bytes(mix(generate(load_seed(seed))))).hexdigest()
    for hashseed in ("0", "977"):
        env = {**os.environ, "PYTHONHASHSEED": hashseed, "PYTHONPATH": str(ROOT)}
        out = subprocess.run([sys.executable, "-c", code, str(seed)], env=env, capture_output=True, text=True,
                             check=True)
        assert out.stdout.strip() == here
