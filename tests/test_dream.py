"""Dream narratives → seed files: the images of both dreams in spec and scene, the readers, robustness."""

from __future__ import annotations

import colorsys
import dataclasses
import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scenegen import dream, dream_lexicon
from scenegen.color import hex_to_linear
from scenegen.dream import MAX_BYTES, Derivation, DreamError, derive, read_dream
from scenegen.examples import EXAMPLES_DIR, example
from scenegen.gen.scene import Scene, generate
from scenegen.schema import shipped_schema
from scenegen.seedfile import load_seed, parse_seed, spec_to_data
from scenegen.spec import LIMITS, AudienceGroupSpec, SeedSpec, SpheresSpec
from scenegen.starter import MODELINE
from scenegen.tones import note_to_hz

from .conftest import ROOT, hang_guard

DREAMS = Path(__file__).resolve().parent / "data" / "dreams"     # test-only texts (other languages, a small hall)


def dream_text(name: str) -> Path:
    """A dream text by name: the two shipped with the examples, or a test-only one."""
    shipped = EXAMPLES_DIR / f"{name}.txt"
    return shipped if shipped.exists() else DREAMS / f"{name}.txt"


SCHEMA = "scenegen://seed.schema.json"     # a fixed modeline, so bytes compare across installations

_derived: dict[str, Derivation] = {}
_scenes: dict[str, Scene] = {}


def derived(name: str) -> Derivation:
    if name not in _derived:
        _derived[name] = read_dream(dream_text(name))
    return _derived[name]


def scene(name: str) -> Scene:
    """The dream's scene at full size (the eye dome holds its quarter of a million eyes)."""
    if name not in _scenes:
        _scenes[name] = generate(derived(name).spec)
    return _scenes[name]


def value_at(spec: Any, path: str) -> Any:
    data = spec_to_data(spec)
    for part in path.split("."):
        key, _, index = part.partition("[")
        data = data[key]
        if index:
            data = data[int(index.rstrip("]"))]
    return data


def plain(v: Any) -> Any:
    return [plain(x) for x in v] if isinstance(v, (tuple, list)) else v


def hls(h: str) -> tuple[float, float, float]:
    """(hue in degrees, lightness, saturation) of #rrggbb."""
    r, g, b = (int(h[k:k + 2], 16) / 255 for k in (1, 3, 5))
    hue, light, sat = colorsys.rgb_to_hls(r, g, b)
    return hue * 360, light, sat


def close(linear: Any, hex_color: str) -> bool:
    return bool(np.allclose(np.asarray(linear, dtype=np.float64), hex_to_linear(hex_color), atol=1e-5))


def quotes(d: Derivation) -> str:
    return " | ".join(x.phrase for x in d.decisions)


# ------------------------------------------------------------------------------------- the images
# Each dream's images: what a reader of the text sees, checked in the derived spec and in the generated
# scene, with the words the decision must quote.

Check = Callable[[SeedSpec, Scene], None]
StageDefaults = SeedSpec().stage
FlawDefaults = SpheresSpec().flaw
IMAGES: dict[str, list[tuple[str, str, Check]]] = {"liquid-silver-stage": [], "grand-auditorium": []}


def image(dream_name: str, label: str, quoted: str) -> Callable[[Check], Check]:
    def register(check: Check) -> Check:
        IMAGES[dream_name].append((label, quoted, check))
        return check
    return register


# ---- the first dream: "I stand at the edge of a vast, glistening stage …"

@image("liquid-silver-stage", "a vast stage of liquid silver, stretching endlessly", "pool of liquid silver")
def _(spec: SeedSpec, s: Scene) -> None:
    assert spec.stage.material == "liquid-silver" and spec.stage.radius >= 26
    assert s.stage.material == "liquid-silver" and s.stage.metallic == 1.0 and s.stage.radius >= 26


@image("liquid-silver-stage", "rippling beneath my feet with each uncertain step", "each uncertain step")
def _(spec: SeedSpec, s: Scene) -> None:
    assert spec.stage.ripple.amplitude > StageDefaults.ripple.amplitude and spec.stage.ripple.footsteps >= 3
    assert s.stage.ripple_amplitude >= 0.05
    assert len(s.stage.ripple_origin_i) == 1 + spec.stage.ripple.footsteps


@image("liquid-silver-stage", "a swirling pool: the land around bends in swirls", "swirling pool")
def _(spec: SeedSpec, s: Scene) -> None:
    assert spec.terrain.warp.amount > 0
    still = dataclasses.replace(spec.terrain, warp=dataclasses.replace(spec.terrain.warp, amount=0.0))
    flat = generate(dataclasses.replace(spec, terrain=still, audience=(), sky=dataclasses.replace(
        spec.sky, stars=dataclasses.replace(spec.sky.stars, count=0))))
    assert not np.array_equal(flat.terrain.height_zx, s.terrain.height_zx)


@image("liquid-silver-stage", "an impossible sky flickers between twilight and dawn", "between twilight and dawn")
def _(spec: SeedSpec, s: Scene) -> None:
    assert (spec.sky.gradient.from_, spec.sky.gradient.to) == ("twilight", "dawn")
    assert spec.sky.gradient.cycle < 40
    assert s.sky.gradient.to is not None
    assert (s.sky.gradient.start.name, s.sky.gradient.to.name) == ("twilight", "dawn")
    assert s.sky.gradient.cycle < 40


@image("liquid-silver-stage", "streaks of violet and gold bleeding together like watercolor",
       "streaks of violet and gold")
def _(spec: SeedSpec, s: Scene) -> None:
    streaks = spec.sky.streaks
    assert streaks.count >= 6 and streaks.softness >= 0.7
    assert streaks.colors[:2] == ("#8f00ff", "#ffd700")                  # violet, gold
    assert len(s.sky.streaks.color_s) == streaks.count and s.sky.streaks.softness >= 0.7
    assert any(close(c, "#8f00ff") for c in s.sky.streaks.color_s)
    assert any(close(c, "#ffd700") for c in s.sky.streaks.color_s)


@image("liquid-silver-stage", "colours burst: indigo ripples, wildfire golds, liquid silver",
       "indigo ripples, wildfire golds, liquid silver")
def _(spec: SeedSpec, s: Scene) -> None:
    indigo, wildfire, silver = dream_lexicon.CSS_COLORS["indigo"], "#ffa31a", "#d4d9e2"
    assert {indigo, wildfire, silver} <= set(spec.sky.streaks.colors)
    for c in (indigo, wildfire, silver):
        assert any(close(x, c) for x in s.sky.streaks.color_s)


@image("liquid-silver-stage", "luminous silhouettes, their forms composed of shimmering mist",
       "shimmering mist")
def _(spec: SeedSpec, s: Scene) -> None:
    (group,) = spec.audience
    assert group.figure == "silhouette" and group.layout == "rows"
    assert group.mist >= 0.8 and group.shimmer >= 0.8
    (crowd,) = s.audience
    assert crowd.figure == "silhouette" and crowd.placed == group.count and crowd.mist >= 0.8
    assert crowd.shimmer_i.mean() > AudienceGroupSpec().shimmer
    to_stage = np.arctan2(s.stage.center[0] - crowd.pos_i[:, 0], s.stage.center[1] - crowd.pos_i[:, 2])
    assert np.abs(np.angle(np.exp(1j * (to_stage - crowd.facing_i)))).max() < 0.05   # watching the stage


@image("liquid-silver-stage", "the silhouettes sway", "The silhouettes sway")
def _(spec: SeedSpec, s: Scene) -> None:
    assert spec.audience[0].sway.amplitude > AudienceGroupSpec().sway.amplitude
    assert s.audience[0].sway_amplitude_i.mean() > AudienceGroupSpec().sway.amplitude


@image("liquid-silver-stage", "they breathe in unison", "in unison")
def _(spec: SeedSpec, s: Scene) -> None:
    breathing = spec.audience[0].breathing
    assert breathing.unison and breathing.depth > AudienceGroupSpec().breathing.depth
    assert s.audience[0].breathing_unison and s.audience[0].breathing_depth == pytest.approx(breathing.depth)


@image("liquid-silver-stage", "a living thing of spiraling crystal and woven light", "spiraling crystal")
def _(spec: SeedSpec, s: Scene) -> None:
    inst = spec.props.instrument
    assert inst.enabled and inst.turns > 3.5 and inst.glow > 1.8
    assert s.props.instrument is not None and s.props.instrument.turns == inst.turns


@image("liquid-silver-stage", "no spheres: the dream names none", "")
def _(spec: SeedSpec, s: Scene) -> None:
    assert spec.props.spheres.count == 0 and len(s.props.spheres.radius_i) == 0


@image("liquid-silver-stage", "dawn light: a warm key light", "between twilight and dawn")
def _(spec: SeedSpec, s: Scene) -> None:
    h, _, _ = hls(spec.lights.key.color)
    assert 15 <= h <= 45
    assert s.lights.key_color[0] > s.lights.key_color[2]


# ---- the second dream: "This is the Grand Auditorium of Worlds …"

@image("grand-auditorium", "an immense platform carved from solidified moonlight, cool and smooth",
       "solidified moonlight")
def _(spec: SeedSpec, s: Scene) -> None:
    assert spec.stage.material == "moonlight" and spec.stage.radius >= 20
    assert spec.stage.ripple.amplitude < StageDefaults.ripple.amplitude
    assert s.stage.material == "moonlight" and s.stage.glow > 0.3 and s.stage.radius >= 20


@image("grand-auditorium", "a swirling cosmos of deep violet, electric blue and shimmering emerald green",
       "deep violet")
def _(spec: SeedSpec, s: Scene) -> None:
    assert spec.sky.gradient.from_ == "deep-cosmos"
    nebula = spec.sky.nebula
    assert nebula.density >= 0.6 and nebula.swirl > 0.5 and len(nebula.colors) == 3
    (hv, lv, _sv), (hb, lb, sb), (hg, lg, _sg) = (hls(c) for c in nebula.colors)
    assert 265 <= hv <= 290 and lv < 0.5                  # violet, deep
    assert 210 <= hb <= 235 and sb > 0.95 and lb > 0.5     # blue, electric
    assert 130 <= hg <= 160 and lg > hls("#50c878")[1]     # emerald, shimmering
    assert s.sky.gradient.start.name == "deep-cosmos" and s.sky.nebula.density >= 0.6
    for want, got in zip(nebula.colors, s.sky.nebula.color_c):
        assert close(got, want)


@image("grand-auditorium", "stars pulse rhythmically", "Stars pulse rhythmically")
def _(spec: SeedSpec, s: Scene) -> None:
    stars = spec.sky.stars
    assert stars.count >= 20000 and stars.twinkle >= 0.6 and stars.pulse > 1.0
    assert len(s.sky.stars.dir_i) == stars.count and s.sky.stars.rate_i.mean() > 0.8
    assert s.sky.stars.twinkle_i.mean() > 0.5


@image("grand-auditorium", "the cosmic canopy is the audience: billions of enormous, luminous eyes float",
       "Billions upon billions of enormous, luminous eyes")
def _(spec: SeedSpec, s: Scene) -> None:
    (group,) = spec.audience
    assert group.figure == "eye" and group.layout == "sky-dome"
    assert 200_000 <= group.count <= LIMITS["audience.count"] and group.height[1] >= 5
    (eyes,) = s.audience
    assert eyes.figure == "eye" and eyes.layout == "sky-dome"
    assert eyes.placed == eyes.requested == group.count                   # the dome holds them all
    assert eyes.pos_i[:, 1].min() > s.stage.top + 50                      # they float in the sky
    assert eyes.width_i.max() > 5


@image("grand-auditorium", "the Harmonious Spheres, each with a unique, melodic tone", "Harmonious Spheres")
def _(spec: SeedSpec, s: Scene) -> None:
    spheres = spec.props.spheres
    assert spheres.count == 7 and len(set(spheres.tones)) == 7
    assert len(s.props.spheres.radius_i) == 7 and len(set(s.props.spheres.tone_hz_i.tolist())) == 7


@image("grand-auditorium", "the smallest one, the Azure Sphere, with its bell-like soprano note, is flickering",
       "The smallest one")
def _(spec: SeedSpec, s: Scene) -> None:
    spheres = spec.props.spheres
    (index,) = spheres.flawed
    hz = [note_to_hz(str(t)) for t in spheres.tones]
    assert index == int(np.argmax(hz)) and hz[index] >= note_to_hz("C6")       # the highest, a soprano
    hue, _, _ = hls(spheres.colors[index])
    assert 200 <= hue <= 230                                                   # azure
    assert spheres.flaw.flicker > FlawDefaults.flicker
    got = s.props.spheres
    assert int(np.argmin(got.radius_i)) == index and got.flaw_i[index] == 0
    assert close(got.color_i[index], spheres.colors[index])
    assert got.flaws[0].flicker == pytest.approx(spheres.flaw.flicker)


@image("grand-auditorium", "hairline fractures glowing with an angry, sickly yellow light", "sickly yellow")
def _(spec: SeedSpec, s: Scene) -> None:
    flaw = spec.props.spheres.flaw
    hue, light, sat = hls(flaw.crack_color)
    assert flaw.fractures >= 10 and 55 <= hue <= 80 and sat < 0.95 and light < 0.5   # yellow, sickly
    (got,) = s.props.spheres.flaws
    assert len(got.crack_start_k) >= flaw.fractures and close(got.crack_color, flaw.crack_color)


@image("grand-auditorium", "tiny splinters of azure light flaking off", "splinters of azure light")
def _(spec: SeedSpec, s: Scene) -> None:
    assert spec.props.spheres.flaw.shards > 0
    assert len(s.props.spheres.flaws[0].shard_dir_s) == spec.props.spheres.flaw.shards


@image("grand-auditorium", "a faint, grating buzz", "grating buzz")
def _(spec: SeedSpec, s: Scene) -> None:
    assert spec.props.spheres.flaw.buzz > 0 and s.props.spheres.flaws[0].buzz > 0


@image("grand-auditorium", "its pure tone begins to warp", "dissonance")
def _(spec: SeedSpec, s: Scene) -> None:
    assert spec.props.spheres.flaw.detune != 0
    got = s.props.spheres
    (index,) = spec.props.spheres.flawed
    assert got.sound_hz_i[index] != got.tone_hz_i[index]
    others = [i for i in range(7) if i != index]
    assert np.array_equal(got.sound_hz_i[others], got.tone_hz_i[others])


@image("grand-auditorium", "colossal screens in a tense, shimmering gold", "colossal screens")
def _(spec: SeedSpec, s: Scene) -> None:
    screens = spec.sky.screens
    hue, _, _ = hls(screens.color)
    assert screens.count >= 1 and screens.size[0] > 60 and 40 <= hue <= 56 and screens.follows == 0
    assert len(s.sky.screens.center_q) == screens.count and s.sky.screens.follows == 0
    assert close(s.sky.screens.color, screens.color)


@image("grand-auditorium", "the galactic mood: tense gold, then streaks of anxious crimson",
       "streaks of anxious crimson")
def _(spec: SeedSpec, s: Scene) -> None:
    group = spec.audience[0]
    assert group.mood.to == dream_lexicon.CSS_COLORS["crimson"]
    assert group.palette[0] == spec.sky.screens.color                  # the mood starts in gold
    eyes = s.audience[0]
    assert eyes.mood_color is not None and close(eyes.mood_color, "#dc143c")
    assert any(close(c, group.palette[0]) for c in np.unique(eyes.color_i, axis=0))


@image("grand-auditorium", "the spotlight: a focused piece of the sun", "piece of the sun")
def _(spec: SeedSpec, s: Scene) -> None:
    (spot,) = spec.lights.spotlights
    r, _, b = (int(spot.color[k:k + 2], 16) for k in (1, 3, 5))
    assert r > b and spot.intensity >= 5 and spot.cone <= 10 and spot.target == "mark"
    assert s.lights.spot_intensity_s[0] >= 5 and np.degrees(s.lights.spot_cone_s[0]) <= 10
    assert s.lights.spot_color_s[0][0] > s.lights.spot_color_s[0][2]
    assert np.allclose(s.lights.spot_target_s[0][[0, 2]], s.stage.mark, atol=1e-4)


@pytest.mark.parametrize("name,label,quoted,check", [
    pytest.param(name, label, quoted, check, id=f"{name}: {label}")
    for name, images in IMAGES.items() for label, quoted, check in images])
def test_dream_images(name: str, label: str, quoted: str, check: Check) -> None:
    d = derived(name)
    check(d.spec, scene(name))
    assert quoted in quotes(d) or quoted in d.yaml, f"no decision quotes {quoted!r}"


def test_dream_names() -> None:
    assert derived("liquid-silver-stage").spec.name == "The Liquid Silver Stage"
    assert derived("grand-auditorium").spec.name == "The Grand Auditorium of Worlds"
    name = derived("grand-auditorium").decided("name")
    assert name is not None and name.phrase == "This is the Grand Auditorium of Worlds"
    assert derived("small-hall").spec.name == "The Hall of Seven Bells"


def test_each_shipped_dream_is_the_text_of_its_example_seed() -> None:
    for name in IMAGES:
        assert example(f"{name}.txt") is not None and dream_text(name).parent == EXAMPLES_DIR
        assert derived(name).spec.name == load_seed(EXAMPLES_DIR / f"{name}.yaml").name


# ----------------------------------------------------------------------------- the derived file

@pytest.mark.parametrize("name", ["liquid-silver-stage", "grand-auditorium", "small-hall", "french"])
def test_yaml_loads_to_the_spec_and_quotes_every_value(name: str) -> None:
    d = derived(name)
    assert parse_seed(d.yaml) == d.spec
    assert d.yaml.splitlines()[0] == MODELINE
    for decision in d.decisions:
        assert plain(value_at(d.spec, decision.path)) == plain(decision.value), decision.path
        for phrase in decision.phrase.split(" … "):
            assert f'"{phrase}' in d.yaml or f'{phrase}"' in d.yaml
    # every value line says where it came from (or why it is there)
    for line in d.yaml.splitlines():
        body = line.split("#", 1)[0].strip()
        if body and not body.endswith(":") and body != "scenegen: 1":
            assert "#" in line, line


@pytest.mark.parametrize("name", ["liquid-silver-stage", "grand-auditorium", "small-hall", "japanese"])
def test_derived_files_satisfy_the_schema(name: str) -> None:
    jsonschema.Draft202012Validator(shipped_schema("seed")).validate(yaml.safe_load(derived(name).yaml))


def test_sections_the_text_does_not_describe_say_so() -> None:
    yaml = derived("grand-auditorium").yaml
    assert "# terrain: defaults (the text does not describe the land)" in yaml
    spec = derived("grand-auditorium").spec
    assert spec.terrain == SeedSpec().terrain
    first = derived("liquid-silver-stage")
    assert "# camera: defaults" in first.yaml and first.spec.camera == SeedSpec().camera


def test_spheres_before_the_performer_open_on_the_performers_view() -> None:
    d = derived("grand-auditorium")
    assert d.spec.camera.framing == "performer"
    assert "before me" in d.decided("camera.framing").phrase
    # Without spheres there is nothing before the performer's hands to frame.
    assert derive("The stage is silver. Before me the crowd waits.").spec.camera.framing == "stage"


def test_decisions_come_in_file_order_and_name_first() -> None:
    d = derived("grand-auditorium")
    paths = [x.path for x in d.decisions]
    assert paths[0] == "name" and len(paths) == len(set(paths))
    assert paths.index("stage.material") < paths.index("audience[0].figure") < paths.index("props.spheres.count")


def test_same_text_same_bytes_in_other_processes() -> None:
    text = dream_text("grand-auditorium").read_text(encoding="utf-8")
    here = hashlib.sha256(derive(text, schema=SCHEMA).yaml.encode()).hexdigest()
    code = ("import hashlib, sys; from scenegen.dream import derive; "
            "t = open(sys.argv[1], encoding='utf-8').read(); "
            f"print(hashlib.sha256(derive(t, schema={SCHEMA!r}).yaml.encode()).hexdigest())")
    for hashseed in ("0", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": hashseed, "PYTHONPATH": str(ROOT)}
        out = subprocess.run([sys.executable, "-c", code, str(dream_text("grand-auditorium"))], env=env,
                             capture_output=True, text=True, check=True)
        assert out.stdout.strip() == here


def test_seed_comes_from_the_normalised_text() -> None:
    a = derive("A crimson stage.\r\n\r\nUnder   a violet sky.")
    b = derive("\ufeffA crimson stage.\n\nUnder a violet sky.  ")
    assert a.spec.seed == b.spec.seed == "dream-" + hashlib.sha256(
        b"A crimson stage. Under a violet sky.").hexdigest()[:12]
    assert derive("A crimson stage. Under a violet sky!").spec.seed != a.spec.seed
    assert a.yaml == b.yaml


def test_schema_modeline_can_be_chosen() -> None:
    assert derive("a violet sky", schema=SCHEMA).yaml.startswith(f"# yaml-language-server: $schema={SCHEMA}\n")


# --------------------------------------------------------------------------------- understanding

def colours(text: str) -> list[str]:
    return [c.hex for c in dream._colours(dream._Text(text))]


def test_css_colour_table_is_the_standard() -> None:
    table = dream_lexicon.CSS_COLORS
    assert len(table) == 148 and table["rebeccapurple"] == "#663399" and table["grey"] == table["gray"]
    text = json.dumps(sorted(table.items()))
    assert hashlib.sha256(text.encode()).hexdigest() == dream_lexicon.CSS_COLORS_SHA256


def test_css_colour_table_agrees_with_webcolors() -> None:
    webcolors = pytest.importorskip("webcolors")
    names = webcolors.names("css3")
    assert set(names) == set(dream_lexicon.CSS_COLORS) - {"rebeccapurple"}
    assert all(webcolors.name_to_hex(n) == dream_lexicon.CSS_COLORS[n] for n in names)


def test_colour_names_and_phrases() -> None:
    assert colours("papaya whip and sky blue") == ["#ffefd5", "#87ceeb"]          # CSS names, spaced
    assert colours("violet and azure") == ["#8f00ff", "#007fff"]                  # prose, not X11
    assert colours("shimmering emerald green") == colours("shimmering emerald")    # one colour, not two
    assert colours("wildfire golds") == ["#ffa31a"]
    assert colours("liquid silver, golden, moonlight glow") == ["#d4d9e2", "#ffd700", "#dfe8ff"]
    assert colours("a blue-green haze") == ["#004080"]                            # half of each
    assert colours("a fly trapped in amber") == []                                # not a colour here
    assert colours("amber light") == ["#ffbf00"] and colours("rose and gold") == ["#ff007f", "#ffd700"]
    assert colours("the sun rose over the sea") == []


def test_colour_modifiers() -> None:
    (violet,), (deep,), (pale,) = colours("violet"), colours("deep violet"), colours("pale violet")
    assert hls(deep)[1] < hls(violet)[1] < hls(pale)[1]
    (blue,), (electric,) = colours("blue"), colours("electric blue")
    assert hls(electric)[2] == pytest.approx(1.0, abs=0.01) and hls(electric)[1] > hls(blue)[1]
    (yellow,), (sickly,) = colours("yellow"), colours("sickly yellow")
    assert hls(sickly)[2] < hls(yellow)[2] and hls(sickly)[0] > hls(yellow)[0]       # duller, greener
    (green,), (shimmering,) = colours("emerald"), colours("shimmering emerald green")
    assert hls(shimmering)[1] > hls(green)[1]


@pytest.mark.parametrize("words,count", [
    ("a few", 12), ("dozens of", 60), ("hundreds of", 600), ("thousands of", 5000),
    ("tens of thousands of", 20000), ("hundreds of thousands of", 100000), ("millions of", 150000),
    ("billions of", 250000), ("billions upon billions of", 250000), ("countless", 250000),
    ("three hundred and twelve", 312), ("1,000", 1000), ("a thousand", 1000), ("seven", 7),
    ("a billion", 250000), ("5000000", LIMITS["audience.count"]),
])
def test_number_words_count_the_audience(words: str, count: int) -> None:
    spec = derive(f"{words} ghosts watch me from the dark").spec
    assert spec.audience[0].count == count


def test_counts_of_spheres_and_their_limits() -> None:
    assert derive("Seven crystal spheres float before me.").spec.props.spheres.count == 7
    assert derive("A hundred spheres hang there.").spec.props.spheres.count == LIMITS["spheres.count"]
    assert derive("A single orb glows.").spec.props.spheres.count == 1
    assert derive("The smallest one, the Azure Sphere, sings.").spec.props.spheres.count == 1


def test_negation_and_possession() -> None:
    spec = derive("I don't see cheering crowds. The stage is empty.").spec
    assert spec.audience == SeedSpec().audience                              # no crowd was seen
    spec = derive("Ghosts gather, watching with eyes like distant stars.").spec
    assert [g.figure for g in spec.audience] == ["silhouette"]               # their eyes, not eyes
    spec = derive("Thousands of eyes float in the sky above the stage.").spec
    assert [(g.figure, g.layout, g.count) for g in spec.audience] == [("eye", "sky-dome", 5000)]
    assert derive("Before me stretches not just a stage of glass.").spec.stage.material == "crystal"


def test_smallest_flawed_sphere_follows_the_tones() -> None:
    # explicit falling tones: the smallest sphere (highest tone) is the first
    spec = derive("Three spheres sing E6, C5 and A5. The smallest sphere is cracked.").spec
    assert spec.props.spheres.tones == ("E6", "C5", "A5") and spec.props.spheres.flawed == (0,)
    spec = derive("Five orbs hum. The largest orb flickers and buzzes.").spec
    assert spec.props.spheres.flawed == (0,) and spec.props.spheres.flaw.buzz > 0
    spec = derive("Five orbs hum, each with its own tone. The smallest one is cracked.").spec
    assert spec.props.spheres.flawed == (4,)


def test_the_stage_material_is_read_only_where_the_stage_is() -> None:
    spec = derive("A chronometer flows like liquid mercury. I stand on a wooden stage.").spec
    assert spec.stage.material == SeedSpec().stage.material
    assert derive("The stage is a pool of quicksilver.").spec.stage.material == "liquid-silver"


# -------------------------------------------------------------------------------- any text at all

@pytest.mark.parametrize("name", ["french", "japanese"])
def test_other_languages_give_the_default_scene(name: str) -> None:
    d = derived(name)
    assert "Nothing in the text was recognised" in d.yaml
    assert str(d.spec.seed).startswith("dream-") and d.spec.name == "A Dream"
    assert [x.path for x in d.decisions] == []
    default = SeedSpec()
    assert (d.spec.terrain, d.spec.stage, d.spec.audience, d.spec.sky, d.spec.lights) == (
        default.terrain, default.stage, default.audience, default.sky, default.lights)
    assert derived("french").spec.seed != derived("japanese").spec.seed


@pytest.mark.parametrize("text", ["violet", "stage", "I", "..."])
def test_a_single_word_gives_a_scene(text: str) -> None:
    d = derive(text)
    assert parse_seed(d.yaml) == d.spec
    if text == "violet":
        assert d.spec.sky.streaks.colors == ("#8f00ff",)


@pytest.mark.parametrize("text,message", [
    ("", "the text is empty"),
    (" \n\t\u3000 ", "the text is empty"),
    ("a stage\0of gold", "binary data, not text (a NUL character at offset 7)"),
    ("a stage \ud800", "not valid Unicode text"),
    ("a" * (MAX_BYTES + 1), f"above the limit of {MAX_BYTES} bytes"),
])
def test_texts_that_give_no_scene(text: str, message: str) -> None:
    with pytest.raises(DreamError) as err:
        derive(text, source="dream.txt")
    assert str(err.value).startswith("dream.txt: ") and message in str(err.value)
    assert "\n" not in str(err.value)


@pytest.mark.parametrize("data,message", [
    (b"I dream of a stage\n of \xff gold", "not UTF-8 text: byte 0xff at byte offset 23 (line 2)"),
    (b"\xff\xfeI\x00 \x00", "UTF-16"),
    (b"\x7fELF\x02\x01\x01\x00\x00", "binary data, not text (a NUL byte at byte offset 7)"),
    (b"", "the text is empty"),
])
def test_files_that_give_no_scene(tmp_path: Path, data: bytes, message: str) -> None:
    path = tmp_path / "dream.txt"
    path.write_bytes(data)
    with pytest.raises(DreamError) as err:
        read_dream(path)
    assert str(err.value) == f"{path}: {err.value.message}" and message in str(err.value)


def test_files_that_cannot_be_read(tmp_path: Path) -> None:
    with pytest.raises(DreamError, match="no such file"):
        read_dream(tmp_path / "missing.txt")
    with pytest.raises(DreamError, match="is a directory"):
        read_dream(tmp_path)
    big = tmp_path / "novel.txt"
    big.write_bytes(b"a " * (MAX_BYTES // 2 + 1))
    with pytest.raises(DreamError, match=f"above the limit of {MAX_BYTES} bytes"):
        read_dream(big)
    if hasattr(os, "mkfifo"):
        fifo = tmp_path / "pipe.txt"
        os.mkfifo(fifo)
        with hang_guard(30), pytest.raises(DreamError, match="not a regular file"):
            read_dream(fifo)                       # refused before opening: opening would wait forever


def test_read_dream_is_derive_of_the_text() -> None:
    path = dream_text("liquid-silver-stage")
    assert read_dream(path) == derive(path.read_text(encoding="utf-8"), source=str(path))


@pytest.mark.parametrize("kind", ["dreams", "one sentence", "no spaces", "one long list"])
def test_a_mebibyte_of_text_is_read_quickly(kind: str) -> None:
    story = dream_text("grand-auditorium").read_text(encoding="utf-8")
    text = {
        "dreams": story * (MAX_BYTES // len(story.encode()) + 1),
        "one sentence": "billions upon billions of shimmering deep violet eyes float and sway between dusk and ",
        "no spaces": "a",
        "one long list": "streaks of deep violet-gold-azure and ",
    }[kind]
    text = (text * (MAX_BYTES // len(text.encode()) + 1)).encode()[:MAX_BYTES].decode("utf-8", "ignore")
    with hang_guard(120):                             # about 1 s here: linear, nothing backtracks
        d = derive(text)
    assert parse_seed(d.yaml) == d.spec


# --------------------------------------------------------------------------------------- fuzzing

def _vocabulary() -> list[str]:
    cues = [r.cue for r in (dream.STAGE_RULES + dream.TERRAIN_RULES + dream.STAR_RULES + dream.GROUP_RULES
                            + dream.LAYOUT_RULES + dream.FLAW_RULES + dream.SPOTLIGHT_RULES
                            + dream.INSTRUMENT_RULES + dream.SPHERE_RULES)]
    cues += [*dream.TOPICS.values(), dream.SMALLEST, dream.HARMONIOUS, dream.DISTINCT_TONES, dream.EMOTIONS,
             dream.STREAKS, dream.PAINT, *dream.SKY_WORDS]
    words = {w.rstrip("*") for cue in cues for alt in cue.split("|") for w in alt.split()}
    words |= {w for name in dream_lexicon.POETIC_COLORS for w in name.split()} | set(dream_lexicon.COLOR_MODIFIERS)
    words |= set(dream_lexicon.VAGUE_AMOUNTS) | set(dream_lexicon.UNITS) | {"hundred", "thousand", "million"}
    words |= {"red", "gold", "crimson", "skyblue", "the", "a", "of", "and", "not", "no", "just", "between",
              "This is the", "Grand", "Hall", "C5", "E6", "F#4", "1,000", "7", "-", ",", ".", "...", "\n\n", "—",
              ";", "don't", "I"}
    return sorted(words)


def _derives_or_refuses(text: str) -> None:
    try:
        d = derive(text, source="fuzz.txt")
    except DreamError as err:
        assert "\n" not in str(err) and "bug" not in str(err)
        return
    assert parse_seed(d.yaml) == d.spec
    for decision in d.decisions:
        assert plain(value_at(d.spec, decision.path)) == plain(decision.value)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.sampled_from(_vocabulary()), min_size=1, max_size=60).map(" ".join))
def test_fuzz_dream_words(text: str) -> None:
    _derives_or_refuses(text)


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.text())
def test_fuzz_any_text(text: str) -> None:
    _derives_or_refuses(text)


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.binary(max_size=200))
def test_fuzz_any_file(data: bytes) -> None:
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "dream.txt"
        path.write_bytes(data)
        try:
            d = read_dream(path)
        except DreamError as err:
            # The folder's name is random: look for words only in what follows it.
            head, reason = f"{path}: ", str(err)
            assert reason.startswith(head)
            reason = reason[len(head):]
            assert "\n" not in reason and "bug" not in reason and reason, str(err)
            return
        assert parse_seed(d.yaml) == d.spec
