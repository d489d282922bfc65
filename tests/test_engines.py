"""Exports as other programs take them: the scene JSON read in plain JavaScript, and the README's key table."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from scenegen.export.gltf import terrain_arrays
from scenegen.export.json import KEYS_BEGIN, KEYS_END, export_json, keys_markdown, scene_keys
from scenegen.gen.scene import Scene

from .conftest import ROOT

JS = ROOT / "tests" / "js"
README = (ROOT / "README.md").read_text(encoding="utf-8")


def node() -> str:
    found = shutil.which("node")
    if found is None:
        pytest.fail("node is needed (./dev.sh test installs it)")
    return found


def test_readme_names_every_scene_json_key() -> None:
    start, end = README.index(KEYS_BEGIN), README.index(KEYS_END) + len(KEYS_END)
    assert README[start:end] == keys_markdown(), "regenerate: python -m scenegen.export.json"
    keys = [k for k, _, _ in scene_keys()]
    assert len(keys) == len(set(keys)) and {"terrain.height_zx", "audience[].pos_i", "camera.fov"} <= set(keys)
    assert all(d for _, _, d in scene_keys())              # every key says what it is


@pytest.mark.parametrize("inline", [False, True])
def test_javascript_reader_recovers_heights_and_figures_exactly(small_scene: Scene, tmp_path: Path,
                                                                inline: bool) -> None:
    path = tmp_path / "s.json"
    export_json(small_scene, path, inline=inline)
    out = subprocess.run([node(), str(JS / "read_scene_cli.mjs"), str(path)], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout)
    pos, _ = terrain_arrays(small_scene.terrain)
    assert np.array_equal(np.array(got["terrain"], dtype=np.float32).reshape(-1, 3), pos)
    assert np.array_equal(np.array(got["terrain"], dtype=np.float64).reshape(-1, 3), pos.astype(np.float64))
    assert [g["name"] for g in got["figures"]] == [g.name for g in small_scene.audience]
    for g, mine in zip(got["figures"], small_scene.audience):
        # Bit for bit: the float64 JavaScript holds is the float32 itself.
        assert np.array_equal(np.array(g["pos"], dtype=np.float64).reshape(-1, 3), mine.pos_i.astype(np.float64))
        assert np.array_equal(np.array(g["yaw"], dtype=np.float64), mine.facing_i.astype(np.float64))
