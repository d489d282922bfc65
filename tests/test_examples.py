"""The example seeds: golden hashes of their exports, and the images of each dream in the scene."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from scenegen.color import hex_to_linear
from scenegen.examples import DEFAULT, EXAMPLES, EXAMPLES_DIR, example, resolve
from scenegen.export.json import dumps_scene
from scenegen.gen.scene import Scene, generate
from scenegen.seedfile import load_seed
from scenegen.tones import note_to_hz

SEEDS = EXAMPLES_DIR

# Golden hashes of the exported scene JSON. They change only on purpose (a new generator version, a
# deliberate change of an algorithm or of an example); a change that was not meant to move the output
# and still moves these is a determinism bug.
GOLDEN = {
    "grand-auditorium.yaml": "a3eae8b721fcabe934ebd02946ab0bcd445f516c5a7d308c10457224dbd0c625",
    "liquid-silver-stage.yaml": "1349bd1f902cb1844582f040c57494668f7a31358a4ab90a0e79dafdf9113d53",
    "minimal.yaml": "c592dfef563fbe1295629bd5f09217c913aea5e7c95dbaf7e8632163326850ac",
}

_scenes: dict[str, Scene] = {}


def scene(name: str) -> Scene:
    if name not in _scenes:
        _scenes[name] = generate(load_seed(SEEDS / name))
    return _scenes[name]


def test_every_example_has_a_golden_hash() -> None:
    assert sorted(p.name for p in SEEDS.glob("*.yaml")) == sorted(GOLDEN)


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_golden_export(name: str) -> None:
    assert hashlib.sha256(dumps_scene(scene(name))).hexdigest() == GOLDEN[name]


def close(color: tuple[float, float, float] | np.ndarray, hex_color: str) -> bool:
    return bool(np.allclose(color, hex_to_linear(hex_color), atol=1e-6))


def test_liquid_silver_dream() -> None:
    s = scene("liquid-silver-stage.yaml")
    # "a vast, glistening stage … a swirling pool of liquid silver, rippling beneath my feet with each step"
    assert s.stage.material == "liquid-silver" and s.stage.metallic == 1.0 and s.stage.radius >= 20
    assert s.stage.ripple_amplitude > 0 and len(s.stage.ripple_origin_i) == 1 + 6
    # "an impossible sky flickers between twilight and dawn, streaks of violet and gold … like watercolor"
    assert (s.sky.gradient.start.name, s.sky.gradient.to.name) == ("twilight", "dawn")
    assert len(s.sky.streaks.color_s) == 9 and s.sky.streaks.softness >= 0.7
    streak_colors = {tuple(c) for c in s.sky.streaks.color_s.round(5)}
    assert tuple(np.float32(hex_to_linear("#8f3fd1")).round(5)) in streak_colors  # violet
    assert tuple(np.float32(hex_to_linear("#f2b33d")).round(5)) in streak_colors  # gold
    # "shifting, luminous silhouettes, their forms composed of shimmering mist" that "sway" and
    # "breathe in unison"
    (crowd,) = s.audience
    assert crowd.figure == "silhouette" and crowd.layout == "rows" and crowd.placed == 6000
    assert crowd.mist >= 0.8 and crowd.shimmer >= 0.8 and crowd.breathing_unison
    assert (crowd.sway_amplitude_i > 0).all()
    # They watch the stage: every figure faces its centre.
    to_stage = np.arctan2(s.stage.center[0] - crowd.pos_i[:, 0], s.stage.center[1] - crowd.pos_i[:, 2])
    assert np.abs(np.angle(np.exp(1j * (to_stage - crowd.facing_i)))).max() < 0.05
    # "a living thing of spiraling crystal and woven light"
    assert s.props.instrument is not None and s.props.instrument.turns == 4
    assert len(s.props.spheres.radius_i) == 0


def test_grand_auditorium_dream() -> None:
    s = scene("grand-auditorium.yaml")
    # "an immense, shimmering platform … carved from solidified moonlight"
    assert s.stage.material == "moonlight" and s.stage.glow > 0.3
    # "a swirling cosmos painted in hues of deep violet, electric blue, and shimmering emerald green"
    assert s.sky.gradient.start.name == "deep-cosmos" and s.sky.nebula.density >= 0.6
    for want, got in zip(["#5b2a86", "#1f6feb", "#2ee59d"], s.sky.nebula.color_c):
        assert close(got, want)
    assert len(s.sky.stars.dir_i) == 30000 and s.sky.stars.rate_i.mean() > 0.5   # "stars pulse"
    # "Billions upon billions of enormous, luminous eyes float within the nebulae"
    enormous, countless = s.audience
    for eyes in (enormous, countless):
        assert eyes.figure == "eye" and eyes.layout == "sky-dome"
        assert eyes.pos_i[:, 1].min() > s.stage.top + 20
        # "tense, shimmering gold … streaks of anxious crimson", shown on "colossal screens"
        assert close(eyes.mood_color, "#ff2d3f")
    assert enormous.placed == 650 and enormous.height_i.min() >= 12
    assert countless.placed == 250000
    assert s.sky.screens.follows == 0 and len(s.sky.screens.center_q) == 3
    # "the Harmonious Spheres … each emitting a unique, melodic tone"
    spheres = s.props.spheres
    assert len(spheres.radius_i) == 7 and len(set(spheres.tone_hz_i.tolist())) == 7
    # "The smallest one, the Azure Sphere, known for its clear, bell-like soprano note, is… flickering"
    azure = int(np.argmin(spheres.radius_i))
    assert azure == 6 and spheres.flaw_i[azure] == 0
    assert abs(spheres.tone_hz_i[azure] - note_to_hz("E6")) < 1e-3
    assert close(spheres.color_i[azure], "#2f8bff")
    (flaw,) = spheres.flaws
    assert flaw.flicker >= 0.8 and len(flaw.crack_start_k) >= 18           # hairline fractures
    assert close(flaw.crack_color, "#d9e03a")                                 # "sickly yellow"
    assert len(flaw.shard_dir_s) == 90 and flaw.buzz > 0                      # splinters, grating buzz
    assert spheres.sound_hz_i[azure] < spheres.tone_hz_i[azure]               # its tone warps
    # "The spotlight … a focused piece of the sun", on the performer
    assert s.lights.spot_intensity_s[0] >= 5 and np.degrees(s.lights.spot_cone_s[0]) <= 10
    target = s.lights.spot_target_s[0]
    assert np.allclose(target[[0, 2]], s.stage.mark, atol=1e-4)


def test_every_shipped_file_is_a_listed_example_that_loads() -> None:
    from scenegen.inputs import load_input

    shipped = {p.name for p in EXAMPLES_DIR.iterdir() if p.suffix in (".yaml", ".txt")}
    assert shipped == {e.file for e in EXAMPLES} and len({e.name for e in EXAMPLES}) == len(EXAMPLES)
    assert example(DEFAULT) is not None
    for e in EXAMPLES:
        assert example(e.name) == e and e.shows
        assert load_input(e.path).name            # seed files and dream texts alike
    assert example("minimal.yaml") == example("minimal") and example("nosuch") is None


def test_an_existing_file_wins_over_an_example_of_that_name(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert resolve("minimal") == str(EXAMPLES_DIR / "minimal.yaml")
    (tmp_path / "minimal").write_text("seed: 1\n")
    assert resolve("minimal") == "minimal" and resolve("-") == "-" and resolve("nosuch") == "nosuch"


def test_view_with_no_file_opens_the_default_example() -> None:
    from scenegen.cli import _find_inputs, build_parser

    args = build_parser().parse_args(["view"])
    _find_inputs(args)
    found = example(DEFAULT)
    assert found is not None and args.file == str(found.path)
    args = build_parser().parse_args(["render", "liquid-silver-stage.txt", "-o", "x.png"])
    _find_inputs(args)
    assert args.file == str(EXAMPLES_DIR / "liquid-silver-stage.txt")
