"""Batches and worlds on a real dask.distributed LocalCluster of two worker processes."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("distributed")   # CI installs the cluster extra: there a missing one fails (no skips)
zarr = pytest.importorskip("zarr")

from PIL import Image  # noqa: E402

from scenegen import cli  # noqa: E402
from scenegen.batch import load_sweep, run_batch, seed_sweep  # noqa: E402
from scenegen.cluster import open_client  # noqa: E402
from scenegen.gen.scene import generate  # noqa: E402
from scenegen.gen.stage import footprint_radius  # noqa: E402
from scenegen.gen.terrain import PadSite, generate_terrain  # noqa: E402
from scenegen.rng import stream  # noqa: E402
from scenegen.seedfile import parse_seed  # noqa: E402
from scenegen.world import grown_terrain, heights, tile, tile_path, tile_values, world_spec, write_world  # noqa: E402

from .conftest import gl_context_or_skip  # noqa: E402
from .test_cli import run  # noqa: E402

TINY = """\
seed: 1
terrain: {resolution: 33, size: [120, 120], island: {falloff: 0.7}, warp: {amount: 6, scale: 40}}
stage: {radius: 8}
audience: [{layout: rows, count: 40, spacing: 1.5}]
props: {spheres: {count: 3}}
sky: {stars: {count: 100}}
"""
SWEEP = """\
base: tiny.yaml
seeds: 1..4
grid: {terrain.noise.octaves: [3, 5]}
formats: [json, glb, png, heightmap]
thumbnail: 96x54
"""
FILES = ("scene.json", "scene.glb", "thumbnail.png", "heightmap.png", "heightmap.png.json")


@pytest.fixture(scope="module")
def client():  # type: ignore[no-untyped-def]
    with open_client(workers=2, quiet=True) as c:
        c.wait_for_workers(2, timeout=60)
        yield c


@pytest.fixture(scope="module")
def sweep_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("sweep")
    (root / "tiny.yaml").write_text(TINY)
    (root / "sweep.yaml").write_text(SWEEP)
    return root / "sweep.yaml"


@pytest.fixture(scope="module")
def alone(sweep_file: Path) -> dict[str, dict[str, bytes]]:
    """Each variant made alone by `scenegen export` and `scenegen render`, as a user would."""
    gl_context_or_skip()
    seed = str(sweep_file.with_name("tiny.yaml"))
    out: dict[str, dict[str, bytes]] = {}
    for k, (s, octaves) in enumerate((s, o) for s in range(1, 5) for o in (3, 5)):
        d = sweep_file.parent / f"alone-{k}"
        d.mkdir()
        sets = ["--set", f"seed={s}", "--set", f"terrain.noise.octaves={octaves}"]
        assert cli.main(["export", seed, *sets, "-q", "-o", str(d / "scene.json")]) == 0
        assert cli.main(["export", seed, *sets, "-q", "-o", str(d / "scene.glb"),
                         "--heightmap", str(d / "heightmap.png")]) == 0
        assert cli.main(["render", seed, *sets, "-q", "-o", str(d / "thumbnail.png"), "--size", "96x54"]) == 0
        out[f"{k:04d}"] = {name: (d / name).read_bytes() for name in FILES}
    return out


def _outputs(root: Path, vid: str) -> dict[str, bytes]:
    return {name: (root / vid / name).read_bytes() for name in FILES}


@pytest.mark.gl
def test_a_batch_of_8_equals_the_variants_made_alone(client, sweep_file: Path, alone, tmp_path: Path) -> None:
    sweep = load_sweep(str(sweep_file))
    result = run_batch(sweep, tmp_path, client)
    assert [r["status"] for r in result.records] == ["done"] * 8
    for vid, files in alone.items():
        assert _outputs(tmp_path, vid) == files, vid
    rows = json.loads((tmp_path / "index.json").read_text())["variants"]
    assert [r["values"] for r in rows] == [{"seed": s, "terrain.noise.octaves": o} for s in range(1, 5) for o in (3, 5)]
    for r in rows:
        assert r["spec_hash"] == json.loads(alone[r["id"]]["scene.json"])["spec_hash"]
        assert r["files"] == [f"{r['id']}/{name}" for name in FILES] and r["reason"] == ""
    csv_lines = (tmp_path / "index.csv").read_text().splitlines()
    assert csv_lines[0] == "id,status,spec_hash,values,files,seconds,reason" and len(csv_lines) == 9
    # the contact sheet: 3 × 3 cells of 96×54 thumbnails with a label strip; variant 4 in the middle cell
    with Image.open(tmp_path / "contact-sheet.png") as sheet:
        assert sheet.size == (3 * 102 + 6, 3 * 78 + 6)
        cell = np.asarray(sheet.convert("RGB"))[6 + 78:6 + 78 + 54, 6 + 102:6 + 102 + 96]
    with Image.open(tmp_path / "0004" / "thumbnail.png") as thumb:
        assert np.array_equal(cell, np.asarray(thumb.convert("RGB")))

    # again: nothing to do; a damaged output is made again, the rest is left alone
    before = {vid: (tmp_path / vid / "scene.glb").stat().st_mtime_ns for vid in alone}
    (tmp_path / "0003" / "scene.glb").write_bytes(b"broken")
    again = run_batch(sweep, tmp_path, client)
    assert [r["status"] for r in again.records] == ["reused"] * 3 + ["done"] + ["reused"] * 4
    assert _outputs(tmp_path, "0003") == alone["0003"]
    assert all((tmp_path / vid / "scene.glb").stat().st_mtime_ns == t for vid, t in before.items() if vid != "0003")


@pytest.mark.gl
def test_a_worker_killed_mid_batch_changes_no_byte(client, sweep_file: Path, alone, tmp_path: Path) -> None:
    sweep = load_sweep(str(sweep_file))
    pids = client.run(os.getpid)
    result: dict = {}
    worker = threading.Thread(target=lambda: result.update(r=run_batch(sweep, tmp_path, client)))
    worker.start()
    victim = None
    deadline = time.monotonic() + 30
    while victim is None and time.monotonic() < deadline:
        busy = [w for w, tasks in client.processing().items() if tasks]
        if busy and any((tmp_path / vid / "variant.json").exists() for vid in alone):
            victim = busy[0]
        time.sleep(0.02)
    assert victim is not None, "no variant ran"
    os.kill(pids[victim], signal.SIGKILL)
    worker.join(timeout=120)
    assert not worker.is_alive()
    assert [r["status"] for r in result["r"].records] == ["done"] * 8
    assert pids[victim] not in client.run(os.getpid).values()       # it did die (its nanny started another)
    for vid, files in alone.items():
        assert _outputs(tmp_path, vid) == files, vid


def test_a_world_equals_the_terrain_generated_whole(client, tmp_path: Path) -> None:
    spec = parse_seed(TINY)
    ws = world_spec(spec, 129, tile=33, chunk=48)
    assert ws.levels == 3
    whole = generate_terrain(grown_terrain(spec, 129), PadSite(spec.stage.position, footprint_radius(spec.stage)),
                             stream(spec.seed, "terrain")).height_zx
    meta = write_world(ws, tmp_path, client, formats=("png", "r16"))
    store = zarr.open_group(str(tmp_path / "heights.zarr"), mode="r")
    for k in range(3):
        level = whole[::1 << k, ::1 << k]
        assert np.array_equal(store[str(k)][:], level)
        n = ws.tiles(k)
        assert meta["levels"][k]["tiles"] == [n, n]
        for j in range(n):
            for i in range(n):
                want = level[j * 32:j * 32 + 33, i * 32:i * 32 + 33]
                assert np.array_equal(tile(ws, i, j, k), want)
                with Image.open(tmp_path / tile_path(k, i, j)) as png:
                    values = np.asarray(png, dtype=np.uint16)
                assert np.array_equal(values, tile_values(ws, want))
                raw = np.fromfile(tmp_path / tile_path(k, i, j, "r16"), dtype="<u2").reshape(33, 33)
                assert np.array_equal(raw, values)
    assert np.array_equal(np.asarray(Image.open(tmp_path / tile_path(0, 0, 0)))[:, -1],
                          np.asarray(Image.open(tmp_path / tile_path(0, 1, 0)))[:, 0])   # seamless
    assert meta["height_range"] == {"min": float(whole.min()), "max": float(whole.max())}
    # a world the size of the scene's terrain is that terrain, bit for bit (computed on the cluster)
    level0 = heights(world_spec(spec, 33, chunk=16)).compute()
    assert np.array_equal(level0, generate(spec).terrain.height_zx)


def test_batch_and_world_commands(client, sweep_file: Path, tmp_path: Path,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    seed = str(sweep_file.with_name("tiny.yaml"))
    address = client.scheduler.address
    r = run("batch", seed, "--seeds", "2..3", "-o", str(tmp_path / "b"), "--formats", "json", "--scheduler", address)
    assert r.returncode == 0, r.stderr
    assert "Wrote 2 variants" in r.stdout and "2 made, 0 already there, 0 failed" in r.stdout
    assert f"running on {address}; dashboard http://" in r.stderr
    assert json.loads((tmp_path / "b" / "0001" / "scene.json").read_text())["spec"]["seed"] == 3
    for args, words in [(["batch", seed, "-o", str(tmp_path / "x")], "needs --seeds"),
                        (["batch", seed, "--seeds", "1..2", "--set", "terrain.resolution=1", "-o", str(tmp_path / "x")],
                         "--set terrain.resolution=1: terrain.resolution: 1 is too small"),
                        (["batch", seed, "--seeds", "3..1", "-o", str(tmp_path / "x")], "--seeds '3..1'"),
                        (["batch", seed, "--seeds", "1", "--formats", "obj", "-o", str(tmp_path / "x")], "--formats"),
                        (["world", seed, "--size", "300", "-o", str(tmp_path / "x")], "size − 1 must be a multiple"),
                        (["world", seed, "--size", "65", "--tile", "17", "--levels", "9", "-o", str(tmp_path / "x")],
                         "--levels 9: this world has 1 … 3 levels")]:
        assert cli.main(args) == 2, args       # refused before any cluster starts
        err = capsys.readouterr().err
        assert words in err and len(err.strip().splitlines()) == 1, (args, err)
    assert not (tmp_path / "x").exists()
    (tmp_path / "w").mkdir()
    (tmp_path / "w" / "world.json").write_text("{}")
    assert cli.main(["world", seed, "--size", "33", "-o", str(tmp_path / "w")]) == 2
    assert "world.json: already exists" in capsys.readouterr().err
    sweep = seed_sweep(seed, [1])
    assert sweep.variants[0].values == {"seed": 1}
