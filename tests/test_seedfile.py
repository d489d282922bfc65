"""Seed files: defaults, every kind of bad input as one located line, extends, and fuzzing."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scenegen.rng import seed_to_int
from scenegen.seedfile import SeedError, load_seed, parse_seed, spec_from_data, spec_hash, spec_to_data
from scenegen.spec import LIMITS, AudienceGroupSpec, SeedSpec

LINE = re.compile(r"^(?P<file>[^:\n]+):(?P<line>\d+):(?P<col>\d+): (?P<path>[\w.\[\]-]+: )?(?P<msg>.+)$")


def problems(text: str, tmp_path: Path, name: str = "seed.yaml") -> list[re.Match]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SeedError) as info:
        load_seed(path)
    lines = str(info.value).splitlines()
    assert len(lines) == len(info.value.problems)
    matches = [LINE.match(line) for line in lines]
    assert all(matches), lines
    return matches  # type: ignore[return-value]


def one(text: str, tmp_path: Path) -> re.Match:
    found = problems(text, tmp_path)
    assert len(found) == 1, [m.group(0) for m in found]
    return found[0]


# ------------------------------------------------------------------------------------------- valid

def test_seed_alone_is_a_whole_scene(tmp_path: Path) -> None:
    (tmp_path / "s.yaml").write_text("seed: 7\n")
    spec = load_seed(tmp_path / "s.yaml")
    assert spec == SeedSpec(seed=7)
    assert spec.terrain.resolution == 257 and spec.audience == (AudienceGroupSpec(),)


def test_values_are_converted_and_normalised() -> None:
    spec = parse_seed("seed: x\nterrain: {height: 12, colors: [[0, '#FFAA00'], [1, '#000000']]}\n")
    assert spec.terrain.height == 12.0 and isinstance(spec.terrain.height, float)
    assert spec.terrain.colors == ((0.0, "#ffaa00"), (1.0, "#000000"))


def test_string_seeds_hash_stably() -> None:
    # Golden: SHA-256 based, so the same in every process and on every machine.
    assert seed_to_int("grand-auditorium") == int.from_bytes(
        __import__("hashlib").sha256(b"grand-auditorium").digest()[:8], "little")
    assert seed_to_int(7) == 7
    assert seed_to_int("a") != seed_to_int("b")


def test_spec_data_round_trip_and_hash() -> None:
    spec = parse_seed("seed: 3\nsky: {gradient: {from: dawn, to: twilight}}\naudience: [{count: 5}, {layout: ring}]\n")
    assert spec.sky.gradient.from_ == "dawn"
    data = spec_to_data(spec)
    assert data["sky"]["gradient"]["from"] == "dawn"
    assert spec_from_data(data) == spec
    assert spec_hash(spec_from_data(data)) == spec_hash(spec)
    assert spec_hash(spec) != spec_hash(parse_seed("seed: 4\n"))


def test_spec_hash_is_independent_of_pythonhashseed(tmp_path: Path) -> None:
    (tmp_path / "s.yaml").write_text("seed: dream\naudience: [{count: 10, palette: ['#ffffff']}]\n")
    code = "import sys; from scenegen.seedfile import load_seed, spec_hash; print(spec_hash(load_seed(sys.argv[1])))"
    outs = {subprocess.run([sys.executable, "-c", code, str(tmp_path / "s.yaml")], capture_output=True, text=True,
                           env={**os.environ, "PYTHONHASHSEED": str(h)}, check=True).stdout for h in (0, 1, 999)}
    assert len(outs) == 1


def test_extends_a_preset_and_a_file_deep_merges(tmp_path: Path) -> None:
    (tmp_path / "base.yaml").write_text("terrain: {height: 10, noise: {octaves: 3, scale: 50}}\nname: base\n")
    (tmp_path / "mid.yaml").write_text("extends: base.yaml\nterrain: {noise: {octaves: 5}}\n")
    (tmp_path / "top.yaml").write_text("extends: [mid.yaml]\nseed: 1\nterrain: {noise: {scale: 80}}\n")
    spec = load_seed(tmp_path / "top.yaml")
    assert (spec.terrain.height, spec.terrain.noise.octaves, spec.terrain.noise.scale) == (10.0, 5, 80.0)
    assert spec.name == "base"


def test_bundled_presets_load() -> None:
    from scenegen.seedfile import presets

    names = presets()
    assert names, "presets ship with the package"
    for name in names:
        assert isinstance(parse_seed(f"extends: {name}\nseed: 1\n"), SeedSpec)


# --------------------------------------------------------------------------------------- bad input

def test_yaml_syntax_error_is_located(tmp_path: Path) -> None:
    m = one("seed: 1\nterrain: {size: [1, 2\n", tmp_path)
    assert m["line"] == "3" and "YAML syntax error" in m["msg"]


@pytest.mark.parametrize("text, kind", [("- 1\n- 2\n", "a list"), ("42\n", "a single value"),
                                        ("just words\n", "a single value")])
def test_document_must_be_a_mapping(tmp_path: Path, text: str, kind: str) -> None:
    assert kind in one(text, tmp_path)["msg"]


def test_unknown_key_suggests_the_right_one(tmp_path: Path) -> None:
    m = one("seed: 1\nterrain:\n  resolutoin: 100\n", tmp_path)
    assert (m["line"], m["col"], m["path"]) == ("3", "3", "terrain.resolutoin: ")
    assert "did you mean 'resolution'" in m["msg"]


def test_wrong_types(tmp_path: Path) -> None:
    found = problems("seed: [1]\nname: 3\nterrain: {resolution: 12.5, height: high, size: [1]}\n"
                     "stage: {rim: 4}\naudience: {count: 3}\nsky: {stars: {count: true}}\n", tmp_path)
    by_path = {m["path"].rstrip(": "): m["msg"] for m in found}
    assert "not valid" in by_path["seed"] and "integer or a string" in by_path["seed"]
    assert "not a string" in by_path["name"]
    assert "whole number" in by_path["terrain.resolution"]
    assert "not a number" in by_path["terrain.height"]
    assert "wrong length" in by_path["terrain.size"]
    assert "not a mapping" in by_path["stage.rim"]
    assert "is not a list" in by_path["audience"]
    assert "boolean" in by_path["sky.stars.count"]


def test_out_of_range_and_enum(tmp_path: Path) -> None:
    found = problems("seed: -1\nterrain: {noise: {octaves: 0, persistence: 1.5, type: ridge}}\n"
                     "stage: {material: liquid-silvr, color: red}\n", tmp_path)
    msgs = {m["path"].rstrip(": "): m["msg"] for m in found}
    assert "too small" in msgs["terrain.noise.octaves"] and "1 to 12" in msgs["terrain.noise.octaves"]
    assert "too large" in msgs["terrain.noise.persistence"]
    assert "did you mean 'ridged'" in msgs["terrain.noise.type"]
    assert "did you mean 'liquid-silver'" in msgs["stage.material"]
    assert "#rrggbb" in msgs["stage.color"]
    assert "seed" in msgs


def test_limits_are_named_before_anything_is_allocated(tmp_path: Path) -> None:
    m = one(f"seed: 1\nterrain: {{resolution: {10**9}}}\n", tmp_path)
    assert f"limit of {LIMITS['terrain.resolution']}" in m["msg"]
    m = one(f"audience: [{{count: {10**12}}}]\n", tmp_path)
    assert f"limit of {LIMITS['audience.count']}" in m["msg"]
    groups = ", ".join(["{count: 1000000}"] * 5)
    m = one(f"audience: [{groups}]\n", tmp_path)
    assert f"limit of {LIMITS['audience.total']}" in m["msg"]


def test_cross_field_checks(tmp_path: Path) -> None:
    found = problems("props: {spheres: {count: 3, flawed: [3], tones: [C5]}}\n"
                     "audience: [{height: [2, 1], inner: 50, outer: 10}]\n"
                     "terrain: {colors: [[0.5, '#000000'], [0.2, '#ffffff']]}\n", tmp_path)
    text = "\n".join(m.group(0) for m in found)
    assert "index 3 is out of range for 3 spheres" in text
    assert "1 tones given for 3 spheres" in text
    assert "low 2 is above high 1" in text
    assert "must exceed inner radius" in text
    assert "ascending" in text


def test_duplicate_keys_are_refused(tmp_path: Path) -> None:
    m = one("seed: 1\nterrain:\n  height: 3\n  height: 4\n", tmp_path)
    assert (m["line"], m["path"]) == ("4", "terrain.height: ") and "duplicate key" in m["msg"]
    assert "line 3" in m["msg"]


@pytest.mark.parametrize("text", ["seed: !!python/object/apply:os.system ['echo hi']\n",
                                  "seed: !!python/name:os.system\n", "name: !custom x\n",
                                  "seed: !!binary aGVsbG8=\n"])
def test_tags_and_non_plain_values_are_refused(tmp_path: Path, text: str) -> None:
    m = one(text, tmp_path)
    assert m["path"] in ("seed: ", "name: ")


def test_merge_keys_are_refused(tmp_path: Path) -> None:
    found = problems("seed: 1\nterrain:\n  <<: {height: 3}\n", tmp_path)
    assert [(m["line"], m["col"]) for m in found] == [("3", "3")] and "merge keys" in found[0]["msg"]


def test_billion_laughs_is_bounded(tmp_path: Path) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    found = problems("\n".join(lines) + "\n", tmp_path)
    assert any("aliases are expanded" in m["msg"] for m in found)


def test_deep_nesting_is_bounded(tmp_path: Path) -> None:
    m = one("seed: " + "[" * 5000 + "]" * 5000 + "\n", tmp_path)
    assert "nested" in m["msg"]


def test_extends_cycle_and_missing(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("extends: b.yaml\n")
    (tmp_path / "b.yaml").write_text("seed: 1\nextends: a.yaml\n")
    with pytest.raises(SeedError, match=r"extends cycle: a\.yaml → b\.yaml → a\.yaml"):
        load_seed(tmp_path / "a.yaml")
    m = one("extends: nowhere.yaml\n", tmp_path)
    assert "no such file" in m["msg"] and m["path"] == "extends: "
    m = one("extends: no-such-preset\n", tmp_path)
    assert "no bundled preset" in m["msg"]


def test_empty_binary_non_utf8_and_huge_files(tmp_path: Path) -> None:
    assert "empty" in one("", tmp_path)["msg"]
    assert "empty" in one("# only a comment\n", tmp_path)["msg"]
    for data, words in [(b"\x89PNG\r\n\x1a\n\0\0\0", "binary"), (b"seed: \xff\xfe\n", "not UTF-8")]:
        (tmp_path / "b.yaml").write_bytes(data)
        with pytest.raises(SeedError, match=words):
            load_seed(tmp_path / "b.yaml")
    (tmp_path / "big.yaml").write_bytes(b"# " + b"x" * LIMITS["file.bytes"] + b"\n")
    with pytest.raises(SeedError, match="above the limit"):
        load_seed(tmp_path / "big.yaml")
    with pytest.raises(SeedError, match="no such file"):
        load_seed(tmp_path / "missing.yaml")
    with pytest.raises(SeedError, match="directory"):
        load_seed(tmp_path)


def test_all_problems_reported_at_once(tmp_path: Path) -> None:
    found = problems("seed: 1\nterrain: {resolution: 0}\nstage: {shape: star}\nsky: {oops: 1}\n", tmp_path)
    assert [m["line"] for m in found] == ["2", "3", "4"]


# ------------------------------------------------------------------------------------------ fuzzing

def _accepts_or_refuses(text: str) -> None:
    try:
        spec = parse_seed(text)
    except SeedError as err:
        assert err.problems
        for line in str(err).splitlines():
            assert line.startswith("<string>:"), line
        return
    assert isinstance(spec, SeedSpec)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_fuzz_any_text(text: str) -> None:
    _accepts_or_refuses(text)


KEYS = ["seed", "name", "terrain", "stage", "audience", "props", "sky", "lights", "camera", "size", "resolution",
        "noise", "octaves", "count", "layout", "palette", "spheres", "flawed", "tones", "from", "to", "extends",
        "height", "colors", "rim", "ripple", "origins", "stars", "gradient", "spotlights", "target", "elevation"]
scalars = st.one_of(st.none(), st.booleans(), st.integers(-10, 10**7), st.floats(allow_nan=True),
                    st.sampled_from(["fbm", "rows", "#ff00aa", "C5", "stage", "twilight", "disc", ""]),
                    st.text(max_size=8))
documents = st.recursive(scalars, lambda kids: st.one_of(st.lists(kids, max_size=4),
                                                          st.dictionaries(st.sampled_from(KEYS), kids, max_size=5)),
                         max_leaves=25)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(KEYS), documents, max_size=6))
def test_fuzz_structured_documents(doc: dict) -> None:
    doc.pop("extends", None)
    _accepts_or_refuses(yaml.safe_dump(doc, allow_unicode=True))


VALID = (Path(__file__).parent / "data" / "fuzz_base.yaml").read_text(encoding="utf-8")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_fuzz_mutated_valid_file(data: st.DataObject) -> None:
    text = VALID
    for _ in range(data.draw(st.integers(1, 4))):
        i = data.draw(st.integers(0, len(text)))
        j = data.draw(st.integers(i, min(len(text), i + 8)))
        text = text[:i] + data.draw(st.text(alphabet=" :-[]{},#'\"\n\t!&*0123456789abcxyz", max_size=6)) + text[j:]
    _accepts_or_refuses(text)
