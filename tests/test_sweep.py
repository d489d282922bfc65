"""Sweep files: what varies across a batch (seed ranges, grids, seeded draws), read with located errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from scenegen.batch import load_sweep, parse_seeds, seed_sweep
from scenegen.seedfile import SeedError, apply_overrides

from .conftest import SMALL


def _sweep(tmp_path: Path, text: str) -> Path:
    (tmp_path / "base.yaml").write_text(SMALL)
    path = tmp_path / "sweep.yaml"
    path.write_text(text)
    return path


def test_seeds_then_grid_in_the_order_written(tmp_path: Path) -> None:
    path = _sweep(tmp_path, "base: base.yaml\nseeds: 3..4\ngrid:\n  terrain.noise.octaves: [2, 5]\n"
                            "  stage.shape: [disc, polygon]\nset: {terrain.resolution: 17}\n")
    sweep = load_sweep(str(path))
    assert [v.id for v in sweep.variants] == [f"{k:04d}" for k in range(8)]
    assert [tuple(v.values.values()) for v in sweep.variants] == [
        (s, o, shape) for s in (3, 4) for o in (2, 5) for shape in ("disc", "polygon")]
    assert sweep.varied == ("seed", "terrain.noise.octaves", "stage.shape")
    spec = apply_overrides(sweep.base, (*sweep.common, *sweep.variants[5].overrides))
    assert (spec.seed, spec.terrain.noise.octaves, spec.stage.shape, spec.terrain.resolution) == (4, 2, "polygon", 17)


def test_random_draws_are_seeded_per_variant(tmp_path: Path) -> None:
    text = ("base: base.yaml\ncount: 6\ndraws: 11\nrandom:\n  terrain.height: [10.0, 20.0]\n"
            "  audience[0].count: [5, 9]\n  stage.shape: {choice: [disc, polygon, rectangle]}\n")
    a = load_sweep(str(_sweep(tmp_path, text)))
    b = load_sweep(str(_sweep(tmp_path, text.replace("count: 6", "count: 3"))))
    c = load_sweep(str(_sweep(tmp_path, text.replace("draws: 11", "draws: 12"))))
    assert [v.values for v in a.variants[:3]] == [v.values for v in b.variants]   # independent of count
    assert [v.values for v in a.variants] != [v.values for v in c.variants]
    for v in a.variants:
        assert 10.0 <= v.values["terrain.height"] <= 20.0 and isinstance(v.values["terrain.height"], float)
        assert v.values["audience[0].count"] in range(5, 10)
        assert v.values["stage.shape"] in ("disc", "polygon", "rectangle")
    assert len({v.values["terrain.height"] for v in a.variants}) == 6


def test_count_repeats_the_combinations_with_fresh_draws(tmp_path: Path) -> None:
    sweep = load_sweep(str(_sweep(tmp_path, "base: base.yaml\ngrid: {seed: [1, 2]}\ncount: 5\n"
                                            "random: {terrain.height: [1, 1000]}\n")))
    assert [v.values["seed"] for v in sweep.variants] == [1, 2, 1, 2, 1]


@pytest.mark.parametrize("text, where", [
    ("seeds: 1..3\n", "sweep.yaml:1:1: base: missing"),
    ("base: nope.yaml\n", "sweep.yaml:1:7: base: no such seed file"),
    ("base: base.yaml\nseeds: 5..2\n", "sweep.yaml:2:8: seeds: "),
    ("base: base.yaml\ngrid: {terrain.octaves: []}\n",
     "sweep.yaml:2:25: grid.terrain.octaves: expected a non-empty list"),
    ("base: base.yaml\nrandom: {terrain.height: [9, 1]}\n",
     "sweep.yaml:2:26: random.terrain.height: expected [low, high]"),
    ("base: base.yaml\ncolour: 1\n", "sweep.yaml:2:1: colour: unknown key"),
    ("base: base.yaml\nformats: [json, obj]\n",
     "sweep.yaml:2:10: formats: expected a list of json, glb, png, heightmap"),
])
def test_bad_sweep_files_are_located(tmp_path: Path, text: str, where: str) -> None:
    path = _sweep(tmp_path, text)
    with pytest.raises(SeedError) as err:
        load_sweep(str(path))
    assert str(err.value).startswith(f"{tmp_path}/{where}"), str(err.value)


def test_a_bad_value_fails_at_its_line_in_the_sweep(tmp_path: Path) -> None:
    sweep = load_sweep(str(_sweep(tmp_path, "base: base.yaml\ngrid:\n  terrain.noise.octaves: [2, 99]\n")))
    apply_overrides(sweep.base, sweep.variants[0].overrides)
    with pytest.raises(SeedError) as err:
        apply_overrides(sweep.base, sweep.variants[1].overrides)
    assert str(err.value).startswith(
        f"{tmp_path / 'sweep.yaml'}:3:30: terrain.noise.octaves: 99 is too large")


def test_seed_ranges(tmp_path: Path) -> None:
    assert parse_seeds("1..4") == [1, 2, 3, 4] and parse_seeds("7") == [7] and parse_seeds("3,1") == [3, 1]
    for bad in ("4..1", "a..b", "-1..3", "1..2000000"):
        with pytest.raises(ValueError):
            parse_seeds(bad)
    (tmp_path / "s.yaml").write_text(SMALL)
    sweep = seed_sweep(str(tmp_path / "s.yaml"), parse_seeds("5..7"))
    assert [apply_overrides(sweep.base, v.overrides).seed for v in sweep.variants] == [5, 6, 7]
