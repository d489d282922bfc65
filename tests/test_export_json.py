"""Scene JSON: exact round trip, schema validity, plain-parser readability, determinism, atomic writes."""

from __future__ import annotations

import base64
import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import numpy as np
import pytest

from scenegen.export.json import FORMAT, SceneFormatError, dumps_scene, export_json, load_scene, scene_from_data
from scenegen.gen.scene import Scene, generate
from scenegen.schema import shipped_schema
from scenegen.seedfile import parse_seed

from .conftest import SMALL


def test_round_trip_is_exact(tmp_path: Path, small_scene: Scene) -> None:
    for inline in (False, True):
        path = tmp_path / f"s{inline}.json"
        export_json(small_scene, path, inline=inline)
        back = load_scene(path)
        assert back == small_scene
        assert dumps_scene(back, inline) == path.read_bytes()


def test_records_compare_exactly(small_scene: Scene) -> None:
    terrain = small_scene.terrain
    bumped = terrain.height_zx.copy()
    bumped[0, 0] = np.nextafter(bumped[0, 0], np.float32(np.inf))
    assert dataclasses.replace(terrain, height_zx=bumped) != terrain
    assert dataclasses.replace(terrain, height_zx=terrain.height_zx.copy()) == terrain


def test_export_validates_against_the_shipped_schema(small_scene: Scene) -> None:
    schema = shipped_schema("scene")
    for inline in (False, True):
        jsonschema.Draft202012Validator(schema).validate(json.loads(dumps_scene(small_scene, inline)))


def test_header_records_what_engines_need(small_scene: Scene) -> None:
    data = json.loads(dumps_scene(small_scene))
    assert data["format"] == FORMAT == "scenegen.scene/1"
    assert data["generator"]["name"] == "scenegen" and data["generator"]["version"]
    assert data["units"] == "metres" and data["axes"] == {"up": "+y", "forward": "-z", "handedness": "right"}
    assert data["seed"] == "small" and len(data["seed_hex"]) == 16
    assert data["spec_hash"].startswith("sha256:") and data["spec"]["terrain"]["resolution"] == 33
    lo, hi = data["height_range"]
    h = small_scene.terrain.height_zx
    assert (lo, hi) == (float(h.min()), float(h.max()))
    assert data["bounds_min"][1] <= lo and data["bounds_max"][1] >= hi


def test_a_plain_json_reader_gets_the_arrays(small_scene: Scene) -> None:
    """What an engine does with only a JSON parser and base64: little-endian float32, row-major."""
    data = json.loads(dumps_scene(small_scene))
    arr = data["terrain"]["height_zx"]
    assert arr["dtype"] == "float32" and arr["encoding"] == "base64"
    raw = base64.b64decode(arr["data"])
    n = arr["shape"][0]
    values = np.frombuffer(raw, dtype="<f4").reshape(arr["shape"])
    assert np.array_equal(values, small_scene.terrain.height_zx) and n == small_scene.terrain.resolution
    inline = json.loads(dumps_scene(small_scene, inline=True))["terrain"]["height_zx"]
    assert inline["encoding"] == "inline" and inline["data"][:5] == values.reshape(-1)[:5].tolist()


def test_same_bytes_in_other_processes_and_hash_seeds(tmp_path: Path) -> None:
    seed = tmp_path / "small.yaml"
    seed.write_text(SMALL)
    outs = []
    for h in ("0", "12345"):
        out = tmp_path / f"out{h}.json"
        subprocess.run([sys.executable, "-m", "scenegen", "export", str(seed), "-o", str(out), "-q"], check=True,
                       env={**os.environ, "PYTHONHASHSEED": h})
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]
    assert outs[0] == dumps_scene(generate(parse_seed(SMALL)))


def test_components_draw_from_their_own_streams(small_spec, small_scene: Scene) -> None:
    other_sky = dataclasses.replace(small_spec, sky=dataclasses.replace(small_spec.sky, stars=dataclasses.replace(
        small_spec.sky.stars, count=321)))
    scene = generate(other_sky)
    assert scene.terrain == small_scene.terrain and scene.audience == small_scene.audience
    assert scene.props == small_scene.props and scene.sky != small_scene.sky
    more = dataclasses.replace(small_spec, audience=(dataclasses.replace(small_spec.audience[0], count=30),
                                                    small_spec.audience[1]))
    scene = generate(more)
    assert scene.terrain == small_scene.terrain and scene.sky == small_scene.sky
    assert scene.audience[1] == small_scene.audience[1] and scene.audience[0] != small_scene.audience[0]


@pytest.mark.parametrize("inline", [False, True])
def test_streamed_pieces_make_the_document(small_scene: Scene, inline: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    import scenegen.export.json as sj

    whole = dumps_scene(small_scene, inline)
    # The same bytes whatever the piece sizes (base64 pieces of 3 bytes, inline pieces of 2 values) ...
    monkeypatch.setattr(sj, "_B64_PIECE", 3)
    monkeypatch.setattr(sj, "_INLINE_PIECE", 2)
    pieces = list(sj.scene_chunks(small_scene, inline))
    assert len(pieces) > 1000 and b"".join(pieces) == whole
    # ... and they are the document scene_to_data describes, arrays encoded whole.
    assert json.loads(whole) == json.loads(json.dumps(sj.scene_to_data(small_scene, inline)))


def test_write_is_atomic(tmp_path: Path, small_scene: Scene, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "scene.json"
    path.write_text("previous")

    def broken(*args, **kwargs):
        yield b"x" * 10       # the file is streamed: a piece fails after others were written
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("scenegen.export.json.scene_chunks", broken)
    with pytest.raises(RuntimeError):
        export_json(small_scene, path)
    assert path.read_text() == "previous"
    monkeypatch.undo()

    import scenegen.fileio as fileio

    real_fsync = os.fsync
    monkeypatch.setattr(fileio.os, "fsync", lambda fd: (_ for _ in ()).throw(OSError(28, "No space left")))
    with pytest.raises(OSError):
        export_json(small_scene, path)
    monkeypatch.setattr(fileio.os, "fsync", real_fsync)
    assert path.read_text() == "previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scene.json"]


def test_refuses_what_is_not_a_scene(tmp_path: Path, small_scene: Scene) -> None:
    with pytest.raises(SceneFormatError, match=r"not a scenegen\.scene/1"):
        scene_from_data({"format": "other"})
    data = json.loads(dumps_scene(small_scene))
    data["terrain"]["height_zx"]["data"] = data["terrain"]["height_zx"]["data"][:-8]
    with pytest.raises(SceneFormatError, match="height_zx"):
        scene_from_data(data)
    (tmp_path / "bad.json").write_text("{")
    with pytest.raises(SceneFormatError, match="cannot read"):
        load_scene(tmp_path / "bad.json")
