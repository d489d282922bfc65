"""`--set KEY.PATH=VALUE`: seed-file fields changed from outside the file, validated and located as the file is."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from scenegen.seedfile import Override, SeedError, apply_overrides, parse_seed, parse_set, spec_hash

from .conftest import SMALL
from .test_cli import run


def test_a_set_changes_the_field_it_names_and_nothing_else(small_spec) -> None:
    out = apply_overrides(small_spec, [parse_set("terrain.noise.octaves=3"), parse_set("audience[1].count=7"),
                                       parse_set("stage.shape=polygon"), parse_set('sky.nebula.colors=["#FF0000"]')])
    assert out.terrain.noise.octaves == 3 and out.audience[1].count == 7 and out.stage.shape == "polygon"
    assert out.sky.nebula.colors == ("#ff0000",)           # normalised as the loader does
    want = dataclasses.replace(
        small_spec,
        terrain=dataclasses.replace(small_spec.terrain, noise=dataclasses.replace(small_spec.terrain.noise, octaves=3)),
        audience=(small_spec.audience[0], dataclasses.replace(small_spec.audience[1], count=7)),
        stage=dataclasses.replace(small_spec.stage, shape="polygon"),
        sky=dataclasses.replace(small_spec.sky, nebula=dataclasses.replace(small_spec.sky.nebula, colors=("#ff0000",))))
    assert out == want
    # the same override through a file gives the same resolved spec, hash included
    assert spec_hash(apply_overrides(small_spec, [parse_set("seed=7")])) == spec_hash(
        parse_seed(SMALL.replace("seed: small", "seed: 7")))
    assert apply_overrides(small_spec, []) is small_spec


def test_a_mapping_merges_into_its_section_and_later_sets_win(small_spec) -> None:
    out = apply_overrides(small_spec, [parse_set("terrain.noise={octaves: 2, scale: 50}"),
                                       parse_set("terrain.noise.octaves=5")])
    assert (out.terrain.noise.octaves, out.terrain.noise.scale) == (5, 50.0)
    assert out.terrain.noise.type == small_spec.terrain.noise.type


@pytest.mark.parametrize("text, message", [
    ("terrain.noise.octaves=99", "--set terrain.noise.octaves=99: terrain.noise.octaves: 99 is too large"),
    ("terrain.nosie.octaves=3", "--set terrain.nosie.octaves=3: terrain.nosie: unknown key (did you mean 'noise'?)"),
    ("audience[5].count=1", "--set audience[5].count=1: audience[5].count: audience has 2 items: there is no [5]"),
    ("stage.shape=blob", "--set stage.shape=blob: stage.shape: the text 'blob' is not one of"),
    ("terrain.resolution=ten", "--set terrain.resolution=ten: terrain.resolution: the text 'ten' is not an integer"),
])
def test_a_bad_value_is_a_located_error_naming_the_set(small_spec, text: str, message: str) -> None:
    with pytest.raises(SeedError) as err:
        apply_overrides(small_spec, [parse_set(text)])
    assert str(err.value).startswith(message), str(err.value)


@pytest.mark.parametrize("text", ["octaves", "=3", "terrain..x=1", "a[0]b=1", "seed=[1"])
def test_a_malformed_set_is_refused_before_any_spec(text: str) -> None:
    with pytest.raises(SeedError) as err:
        parse_set(text)
    assert str(err.value).startswith(f"--set {text}"), str(err.value)


def test_overrides_keep_where_they_were_written(small_spec) -> None:
    ov = Override("terrain.height", -4, "sweep.yaml", 7, 19)
    with pytest.raises(SeedError) as err:
        apply_overrides(small_spec, [ov])
    assert str(err.value) == "sweep.yaml:7:19: terrain.height: -4.0 is too small (expected 0 to 100000)"


def test_export_render_view_take_set(tmp_path: Path) -> None:
    seed = tmp_path / "s.yaml"
    seed.write_text(SMALL)
    r = run("export", str(seed), "--set", "seed=7", "--set", "terrain.resolution=17", "-o", str(tmp_path / "a.json"))
    assert r.returncode == 0, r.stderr
    same = SMALL.replace("seed: small", "seed: 7").replace("resolution: 33", "resolution: 17")
    (tmp_path / "t.yaml").write_text(same)
    r = run("export", str(tmp_path / "t.yaml"), "-o", str(tmp_path / "b.json"))
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()
    for cmd in (["export", str(seed), "-o", str(tmp_path / "c.json")],
                ["render", str(seed), "-o", str(tmp_path / "c.png")],
                ["view", str(seed), "-o", str(tmp_path / "c.png")]):
        r = run(*cmd, "--set", "terrain.resolution=1")
        assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
        assert r.stderr.strip() == ("--set terrain.resolution=1: terrain.resolution: 1 is too small "
                                    "(expected 2 to 4097)"), r.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json", "b.json", "s.yaml", "t.yaml"]
