"""`scenegen render` and `scenegen view` called as a user would: PNGs of the asked size, stats, frame sequences,
located errors, the no-display fallback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent

# A small scene: renders in well under a second on llvmpipe.
TINY = """
name: Tiny Hall
seed: tiny
terrain: {resolution: 33, size: [120, 120]}
stage: {radius: 8}
audience:
  - {layout: rows, count: 80, spacing: 1.5}
props: {spheres: {count: 3, flawed: [2]}}
sky: {stars: {count: 300}, streaks: {count: 2}}
"""


def run(*args: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k != "DISPLAY"}      # as on a machine with no display
    return subprocess.run([sys.executable, "-m", "scenegen", *args], capture_output=True, text=True, cwd=cwd,
                          env={**base, "PYTHONPATH": str(ROOT), **(env or {})}, timeout=300)


def png_header(path: Path) -> tuple[int, int, int, int]:
    """(width, height, bit depth, colour type) from the IHDR chunk, checking the signature and chunk order."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert int.from_bytes(data[8:12], "big") == 13 and data[12:16] == b"IHDR"
    assert data[-8:-4] == b"IEND"
    return (int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big"), data[24], data[25])


def png_pixels(path: Path) -> np.ndarray:
    import zlib
    data = path.read_bytes()
    w, h, _, ctype = png_header(path)
    pos, idat = 8, b""
    while pos < len(data):
        n = int.from_bytes(data[pos:pos + 4], "big")
        if data[pos + 4:pos + 8] == b"IDAT":
            idat += data[pos + 8:pos + 8 + n]
        pos += 12 + n
    c = 3 if ctype == 2 else 4
    raw = np.frombuffer(zlib.decompress(idat), np.uint8).reshape(h, 1 + w * c)
    assert (raw[:, 0] == 0).all()                  # filter type None, as encode_png writes
    return raw[:, 1:].reshape(h, w, c)


@pytest.fixture
def seed(tmp_path: Path) -> Path:
    p = tmp_path / "tiny.yaml"
    p.write_text(TINY)
    return p


def gl_or_skip(r: subprocess.CompletedProcess) -> None:
    if r.returncode == 1 and "cannot render" in r.stderr and os.environ.get("SCENEGEN_REQUIRE_GL") != "1":
        pytest.skip(f"no OpenGL here: {r.stderr.strip()}")


@pytest.mark.gl
def test_render_writes_png_of_the_asked_size_and_stats(seed: Path, tmp_path: Path) -> None:
    out = tmp_path / "shot.png"
    r = run("render", str(seed), "-o", str(out), "--size", "96x54", "--time", "1.5", "--stats")
    gl_or_skip(r)
    assert r.returncode == 0, r.stderr
    assert png_header(out) == (96, 54, 8, 2)       # 8-bit RGB
    lines = r.stdout.strip().splitlines()
    assert len(lines) == 1                         # one JSON line on stdout, the summary on stderr
    stats = json.loads(lines[0])
    for k in ("draw_calls", "frame_ms", "upload_ms", "figures"):
        assert k in stats, k
    assert stats["draw_calls"] > 5 and stats["frame_ms"] > 0 and stats["upload_ms"] > 0
    assert stats["figures"] == 80 or 0 < stats["figures"] <= 80
    assert stats["size"] == [96, 54] and stats["frames"] == 1
    assert f"Wrote {out}" in r.stderr and "Traceback" not in r.stderr
    # The same pixels as the library's renderer (and so as the viewer) for that time and camera.
    from scenegen.gen.scene import generate
    from scenegen.render.headless import render_image
    from scenegen.render.offscreen import GLUnavailable
    from scenegen.seedfile import load_seed
    try:
        ref = render_image(generate(load_seed(seed)), size=(96, 54), time=1.5)
    except GLUnavailable:
        return
    np.testing.assert_array_equal(png_pixels(out), ref[..., :3])


@pytest.mark.gl
def test_render_frames_writes_a_numbered_turntable(seed: Path, tmp_path: Path) -> None:
    out = tmp_path / "turn.png"
    r = run("render", str(seed), "-o", str(out), "--size", "64x36", "--frames", "3", "--fps", "2",
            "--speed", "4", "--camera", "0,6,30:0,1,0:50")
    gl_or_skip(r)
    assert r.returncode == 0, r.stderr
    files = sorted(p.name for p in tmp_path.glob("turn*"))
    assert files == ["turn-0000.png", "turn-0001.png", "turn-0002.png"]      # nothing else, no leftovers
    frames = [png_pixels(tmp_path / f) for f in files]
    assert all(f.shape == (36, 64, 3) for f in frames)
    assert np.abs(frames[0].astype(int) - frames[2]).max() > 10            # the camera turned, time ran
    assert "3 frames" in r.stdout


def test_render_bad_seed_exits_2_with_located_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("seed: 1\nstage: {shape: blob}\n")
    out = tmp_path / "x.png"
    r = run("render", str(bad), "-o", str(out))
    assert r.returncode == 2 and r.stderr.startswith(f"{bad}:2:") and "stage.shape" in r.stderr
    assert "Traceback" not in r.stderr and not out.exists()
    bad.write_text("seed: 1\n")
    for args, wanted in ((["--size", "big"], "--size"), (["--camera", "1,2"], "--camera"),
                         (["--frames", "0"], "--frames")):
        r = run("render", str(bad), "-o", str(out), *args)
        assert r.returncode == 2 and wanted in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr
    r = run("render", str(bad), "-o", str(tmp_path / "x.jpg"))
    assert r.returncode == 2 and "expected .png" in r.stderr


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="hides EGL through libglvnd's vendor search")
def test_render_without_gl_says_so_in_one_line(seed: Path, tmp_path: Path) -> None:
    # No EGL vendor library can be found: no OpenGL at all.
    r = run("render", str(seed), "-o", str(tmp_path / "x.png"),
            env={"__EGL_VENDOR_LIBRARY_FILENAMES": str(tmp_path / "none.json"), "PYGLET_HEADLESS": "1"})
    assert r.returncode == 1, r.stderr
    assert r.stderr.startswith("scenegen: cannot render:") and len(r.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "x.png").exists()


@pytest.mark.gl
def test_view_without_display_renders_a_png_and_says_where(seed: Path, tmp_path: Path) -> None:
    r = run("view", str(seed), "--size", "80x45", cwd=tmp_path)
    gl_or_skip(r)
    assert r.returncode == 0, r.stderr
    out = tmp_path / "tiny.png"
    assert png_header(out)[:2] == (80, 45)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "no display" in lines[0] and str(out.name) in lines[0]
    r = run("view", str(seed), "--size", "80x45", "-o", str(tmp_path / "elsewhere.png"))
    assert r.returncode == 0 and png_header(tmp_path / "elsewhere.png")[:2] == (80, 45)
    assert str(tmp_path / "elsewhere.png") in r.stderr
    bad = tmp_path / "bad.yaml"
    bad.write_text("seed: [1, 2]\n")
    r = run("view", str(bad))
    assert r.returncode == 2 and r.stderr.startswith(f"{bad}:1:")
