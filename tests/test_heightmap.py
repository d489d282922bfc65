"""Heightmaps: read back with libraries that are not ours (Pillow, numpy, OpenEXR), tiles that meet
exactly, the side-car, and files that are written whole or not at all."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

from scenegen.export import gltf as gltf_module
from scenegen.export import heightmap as hm
from scenegen.export.heightmap import HeightmapError, export_heightmap, quantize, sidecar_path
from scenegen.gen.scene import Scene

Image = pytest.importorskip("PIL.Image", reason="Pillow reads the PNGs back (pip install pillow)")


def levels(scene: Scene) -> np.ndarray:
    lo, hi = scene.terrain.height_range
    return quantize(scene.terrain.height_zx, lo, hi)


def decoded(scene: Scene, values: np.ndarray, sidecar: dict) -> np.ndarray:
    lo, hi = sidecar["height_range"]["min"], sidecar["height_range"]["max"]
    return lo + values.astype(np.float64) / 65535.0 * (hi - lo)


def test_png16(small_scene: Scene, tmp_path: Path) -> None:
    written = export_heightmap(small_scene, tmp_path / "out.png")
    assert written == [tmp_path / "out.png", tmp_path / "out.png.json"]
    with Image.open(tmp_path / "out.png") as im:
        assert im.mode == "I;16" and im.size == (33, 33)
        values = np.array(im).astype(np.uint16)
    assert np.array_equal(values, levels(small_scene))
    assert values.min() == 0 and values.max() == 65535       # the whole range is used
    side = json.loads((tmp_path / "out.png.json").read_text())
    lo, hi = small_scene.terrain.height_range
    error = np.abs(decoded(small_scene, values, side) - small_scene.terrain.height_zx)
    assert error.max() <= (hi - lo) / 65535


@pytest.mark.parametrize("suffix", [".r16", ".raw"])
def test_raw16_little_endian(small_scene: Scene, tmp_path: Path, suffix: str) -> None:
    export_heightmap(small_scene, tmp_path / f"out{suffix}")
    raw = (tmp_path / f"out{suffix}").read_bytes()
    assert len(raw) == 33 * 33 * 2
    assert np.array_equal(np.frombuffer(raw, dtype="<u2").reshape(33, 33), levels(small_scene))
    assert json.loads((tmp_path / f"out{suffix}.json").read_text())["file_format"] == "r16"


def test_npy_exact(small_scene: Scene, tmp_path: Path) -> None:
    export_heightmap(small_scene, tmp_path / "out.npy")
    arr = np.load(tmp_path / "out.npy", allow_pickle=False)
    assert arr.dtype == np.float32 and np.array_equal(arr, small_scene.terrain.height_zx)


def test_exr_exact(small_scene: Scene, tmp_path: Path) -> None:
    OpenEXR = pytest.importorskip("OpenEXR", reason="the OpenEXR package reads the EXR back (pip install OpenEXR)")
    export_heightmap(small_scene, tmp_path / "out.exr")
    with OpenEXR.File(str(tmp_path / "out.exr")) as f:
        header = f.header()
        assert str(header["compression"]).endswith("NO_COMPRESSION")
        assert [int(v) for v in header["dataWindow"][1]] == [32, 32]
        assert list(f.channels()) == ["Y"]
        y = np.array(f.channels()["Y"].pixels)
    assert y.dtype == np.float32 and np.array_equal(y, small_scene.terrain.height_zx)


def test_orientation_row0_is_north(small_scene: Scene, tmp_path: Path) -> None:
    export_heightmap(small_scene, tmp_path / "out.npy")
    arr = np.load(tmp_path / "out.npy")
    side = json.loads((tmp_path / "out.npy.json").read_text())
    t = small_scene.terrain
    (x0, x1), (z0, z1) = side["world_x"], side["world_z"]
    assert z0 < z1 and x0 < x1 and "north" in side["axes"]["rows"] and "-z" in side["axes"]["forward"]
    for r, c in ((0, 0), (0, 32), (32, 0), (5, 17)):
        x = x0 + c * side["spacing"][0]
        z = z0 + r * side["spacing"][1]
        assert arr[r, c] == pytest.approx(float(t.height_at(np.array(x), np.array(z))), abs=1e-4)


def test_sidecar(small_scene: Scene, tmp_path: Path) -> None:
    export_heightmap(small_scene, tmp_path / "hm.png", preview=tmp_path / "hm-preview.png")
    side = json.loads(sidecar_path(tmp_path / "hm.png").read_text())
    s, t = small_scene, small_scene.terrain
    assert side["format"] == "scenegen.heightmap/1" and side["file_format"] == "png16"
    assert side["resolution"] == [33, 33] and side["size"] == list(t.size)
    assert (side["height_range"]["min"], side["height_range"]["max"]) == t.height_range
    assert side["seed"] == s.seed and side["seed_hex"] == s.seed_hex and side["spec_hash"] == s.spec_hash
    assert side["generator"]["version"] == s.generator_version
    assert side["tiles"]["count"] == [1, 1] and side["tiles"]["items"][0]["file"] == "hm.png"
    assert side["preview"]["file"] == "hm-preview.png"
    with Image.open(tmp_path / "hm-preview.png") as im:
        assert im.mode == "RGB" and im.size == (33, 33)


@pytest.mark.parametrize("n", [2, 4])
def test_tiles_share_their_edges(small_scene: Scene, tmp_path: Path, n: int) -> None:
    written = export_heightmap(small_scene, tmp_path / "out.png", tiles=n)
    assert len(written) == n * n + 1 and not (tmp_path / "out.png").exists()
    side = json.loads((tmp_path / "out.png.json").read_text())
    m = 32 // n + 1
    tiles = {}
    for item in side["tiles"]["items"]:
        with Image.open(tmp_path / item["file"]) as im:
            tiles[item["x"], item["z"]] = np.array(im).astype(np.uint16)
        assert item["file"] == f"out_x{item['x']}_z{item['z']}.png"
        assert tiles[item["x"], item["z"]].shape == (m, m) == tuple(item["resolution"])
        c0, c1 = item["columns"]
        r0, r1 = item["rows"]
        assert np.array_equal(tiles[item["x"], item["z"]], levels(small_scene)[r0:r1 + 1, c0:c1 + 1])
    for i in range(n):
        for j in range(n):
            if i + 1 < n:                                    # east neighbour: its first column is our last
                assert np.array_equal(tiles[i, j][:, -1], tiles[i + 1, j][:, 0])
            if j + 1 < n:                                    # south neighbour: its first row is our last
                assert np.array_equal(tiles[i, j][-1, :], tiles[i, j + 1][0, :])
    # Stitched back (dropping the shared edges), they are the whole map.
    rows = [np.concatenate([tiles[i, j][:, : (None if i == n - 1 else -1)] for i in range(n)], axis=1)
            for j in range(n)]
    whole = np.concatenate([r[: (None if j == n - 1 else -1)] for j, r in enumerate(rows)], axis=0)
    assert np.array_equal(whole, levels(small_scene))


def test_tiles_that_do_not_divide_are_refused(small_scene: Scene, tmp_path: Path) -> None:
    with pytest.raises(HeightmapError, match=r"3 must divide resolution − 1 = 32; use one of 2, 4, 8"):
        export_heightmap(small_scene, tmp_path / "out.png", tiles=3)
    with pytest.raises(HeightmapError):
        export_heightmap(small_scene, tmp_path / "out.png", tiles=0)
    assert list(tmp_path.iterdir()) == []


def test_unknown_suffix(small_scene: Scene, tmp_path: Path) -> None:
    with pytest.raises(HeightmapError, match=r"\.exr, \.npy, \.png, \.r16, \.raw"):
        export_heightmap(small_scene, tmp_path / "out.tif")


def test_flat_land_quantizes_to_zero() -> None:
    h = np.full((3, 3), 4.5, dtype=np.float32)
    assert not quantize(h, 4.5, 4.5).any()


def test_nothing_half_written(small_scene: Scene, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Failing while encoding: nothing is written at all.
    def broken(*args: object, **kwargs: object) -> bytes:
        raise RuntimeError("encoder failed")

    monkeypatch.setattr(hm, "encode_png_rgb8", broken)
    with pytest.raises(RuntimeError):
        export_heightmap(small_scene, tmp_path / "out.png", tiles=4, preview=tmp_path / "p.png")
    assert list(tmp_path.iterdir()) == []
    monkeypatch.undo()

    # Failing while writing the fifth file: the temporaries go, no target appears, old files stay.
    (tmp_path / "out_x0_z0.png").write_bytes(b"old")
    calls = []
    real = os.fsync

    def failing(fd: int) -> None:
        calls.append(fd)
        if len(calls) == 5:
            raise OSError("disk full")
        real(fd)

    monkeypatch.setattr(gltf_module.os, "fsync", failing)
    with pytest.raises(OSError, match="disk full"):
        export_heightmap(small_scene, tmp_path / "out.png", tiles=4)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out_x0_z0.png"]
    assert (tmp_path / "out_x0_z0.png").read_bytes() == b"old"


# ------------------------------------------------------------------------------------------ engines

def engine_decode(side: dict, values: np.ndarray) -> np.ndarray:
    """Heights as a terrain importer gets them: the side-car's one range, nothing per tile."""
    hr = side["height_range"]
    return hr["min"] + values.astype(np.float64) / 65535.0 * (hr["max"] - hr["min"])


@pytest.mark.parametrize("tiles", [2, 4])
def test_every_tile_decodes_with_the_one_range(small_scene: Scene, tmp_path: Path, tiles: int) -> None:
    export_heightmap(small_scene, tmp_path / "t.png", tiles=tiles)
    side = json.loads((tmp_path / "t.png.json").read_text())
    lo, hi = small_scene.terrain.height_range
    assert (side["height_range"]["min"], side["height_range"]["max"]) == (lo, hi)
    for item in side["tiles"]["items"]:                  # nothing a reader could take for a range of its own
        assert not [k for k in item if "range" in k or "min" in k or "max" in k], item
    h = small_scene.terrain.height_zx
    for item in side["tiles"]["items"]:
        with Image.open(tmp_path / item["file"]) as im:
            values = np.array(im).astype(np.uint16)
        (r0, r1), (c0, c1) = item["rows"], item["columns"]
        error = np.abs(engine_decode(side, values) - h[r0:r1 + 1, c0:c1 + 1])
        assert error.max() <= 0.5 * (hi - lo) / 65535 * (1 + 1e-9)


@pytest.mark.parametrize("engine,size", [("unity", 33), ("unreal", 127)])
def test_engine_sizes_maps_and_scale(small_scene: Scene, tmp_path: Path, engine: str, size: int) -> None:
    from scenegen.export.terrain_maps import UNITY_SIZES, UNREAL_SIZES, resample_grid

    written = export_heightmap(small_scene, tmp_path / "e.r16", engine=engine)
    side = json.loads((tmp_path / "e.r16.json").read_text())
    eng = side["engine"]
    assert side["resolution"] == [size, size] and size in (UNITY_SIZES if engine == "unity" else UNREAL_SIZES)
    values = np.frombuffer((tmp_path / "e.r16").read_bytes(), dtype="<u2").reshape(size, size)
    t = small_scene.terrain
    lo, hi = t.height_range
    want = resample_grid(t.height_zx, size)
    assert np.abs(engine_decode(side, values) - want).max() <= 0.5 * (hi - lo) / 65535 * (1 + 1e-9)
    # The corners are grid samples in both sizes: the heights there are the scene's own.
    assert np.array_equal(want[[0, 0, -1, -1], [0, -1, 0, -1]], t.height_zx[[0, 0, -1, -1], [0, -1, 0, -1]])
    if engine == "unity":
        assert eng["terrain_height"] == eng["terrain_size"][1] == pytest.approx(hi - lo)
        assert eng["alphamap_resolution"] == size - 1 and (size - 1) & (size - 2) == 0    # a power of two
        # Unity: height = position.y + value / 65535 · terrain height.
        got = eng["position"][1] + values / 65535.0 * eng["terrain_height"]
    else:
        # Unreal: height (cm) = location.z + (value − 32768) · z_scale / 128.
        got = (eng["location"][2] + (values.astype(np.float64) - 32768.0) * eng["z_scale"] / 128.0) / 100.0
        assert eng["scale"][0] == pytest.approx(100.0 * t.size[0] / (size - 1))
    assert np.abs(got - want).max() <= 0.5 * (hi - lo) / 65535 * (1 + 1e-6)
    maps = eng["maps"]
    for key in ("normal", "color"):
        with Image.open(tmp_path / maps[key]["file"]) as im:
            assert im.mode == "RGB" and im.size == (size, size)
            if key == "normal":
                n = np.array(im).astype(np.float64) / 127.5 - 1.0
                assert np.allclose(np.linalg.norm(n, axis=-1), 1.0, atol=0.02) and (n[..., 2] > 0).all()
    splat_size = maps["splat"]["resolution"][0]
    total = np.zeros((splat_size, splat_size))
    names = []
    for f in maps["splat"]["files"]:
        with Image.open(tmp_path / f["file"]) as im:
            assert im.mode == "RGBA" and im.size == (splat_size, splat_size)
            total += np.array(im).astype(np.float64)[..., :len(f["channels"])].sum(axis=-1)
        names += list(f["channels"].values())
    layers = len(names)
    assert np.abs(total - 255.0).max() <= 0.5 * layers
    assert names[:3] == ["stage pad", "crowd", "slope"] and len(names) == 3 + len(small_scene.spec.terrain.colors)
    assert set(written) >= {tmp_path / maps["normal"]["file"], tmp_path / maps["color"]["file"]}


def test_splat_layers_follow_the_terrain(small_scene: Scene) -> None:
    from scenegen.export.terrain_maps import splat_layers

    t = small_scene.terrain
    n = t.resolution
    _, w = splat_layers(small_scene, n)
    assert np.allclose(w.sum(axis=-1), 1.0)
    xs = (np.arange(n) / (n - 1) - 0.5) * t.size[0]
    zs = (np.arange(n) / (n - 1) - 0.5) * t.size[1]
    d = np.hypot(xs[None, :] - t.pad_center[0], zs[:, None] - t.pad_center[1])
    assert (w[..., 0][d <= t.pad_radius] == 1.0).all() and (w[..., 0][d >= t.pad_radius + t.pad_blend] == 0.0).all()
    # Away from pad, crowd and slopes, the ramp layers blend the ramp's colours into the terrain's colour.
    from scenegen.color import hex_to_linear

    free = w[..., :3].sum(axis=-1) == 0.0
    assert free.sum() > 10
    cols = np.stack([hex_to_linear(c) for _, c in small_scene.spec.terrain.colors])
    ramp = w[..., 3:] @ cols
    shade = (1 - 0.2) + 0.2 * t.normal_zx[..., 1].astype(np.float64)
    assert np.allclose((ramp * shade[..., None])[free], t.color_zx[free], atol=1e-5)
