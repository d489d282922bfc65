"""Benchmark the renderer on this machine's OpenGL (Mesa llvmpipe headless is fine) and print a table.

    python bench/render.py [--quick]

Measures, in one process and one 1280×720 headless framebuffer:
  * draw calls for a frame with 1,000 and with 1,000,000 figures (they must be equal);
  * packing and upload time of 1,000,000 figures (one glBufferData, glFinish before the clock stops);
  * the audience layer's frame time with 100,000 figures, against the naive baseline of 10,000
    pyglet.shapes.Circle in one Batch, and the cost per figure of each;
  * time from a fresh process to the PNG of the default scene (assets/seeds/grand-auditorium.yaml).
Every GL timing ends with glFinish, so the software rasteriser's work is counted.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scenegen.gen.scene import Scene, generate  # noqa: E402
from scenegen.render.offscreen import Framebuffer, ensure_context  # noqa: E402
from scenegen.seedfile import load_seed  # noqa: E402

SIZE = (1280, 720)
DEFAULT_SEED = ROOT / "assets" / "seeds" / "grand-auditorium.yaml"
CROWD_SEED = ROOT / "assets" / "seeds" / "liquid-silver-stage.yaml"


def quiet_generate(spec) -> Scene:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return generate(spec)


def resized(scene: Scene, n: int) -> Scene:
    """The scene with its first audience group repeated (and jittered) up to n figures."""
    g = scene.audience[0]
    arrays = {f.name: np.resize(getattr(g, f.name), (n,) + getattr(g, f.name).shape[1:])
              for f in dataclasses.fields(g) if f.name.endswith("_i")}
    rng = np.random.default_rng(1)
    arrays["pos_i"] = (arrays["pos_i"] + rng.normal(0.0, 0.3, arrays["pos_i"].shape)).astype(np.float32)
    return dataclasses.replace(scene, audience=(dataclasses.replace(g, **arrays),))


def timed(fn, repeat: int) -> float:
    """Fastest milliseconds of fn() over `repeat` runs (after one warm-up), glFinish included: the least
    disturbed run, as other processes on a shared machine only ever add time."""
    from pyglet import gl
    fn()
    gl.glFinish()
    out = []
    for _ in range(repeat):
        gl.glFinish()
        t0 = time.perf_counter()
        fn()
        gl.glFinish()
        out.append((time.perf_counter() - t0) * 1e3)
    return min(out)


def draw_calls(scene: Scene) -> int:
    from scenegen.render.renderer import SceneRenderer
    r = SceneRenderer(scene)
    fb = Framebuffer(*SIZE, depth=False)
    try:
        fb.bind()
        return r.draw(0.0, None, SIZE)
    finally:
        fb.delete()
        r.delete()


def upload(scene: Scene) -> tuple[float, float]:
    """(pack ms, upload ms) of the audience layer for `scene`."""
    from scenegen.render.layers.audience import AudienceLayer
    layer = AudienceLayer(scene.audience, scene.stage, scene.lights)
    try:
        return layer.pack_ms, layer.upload_ms
    finally:
        layer.delete()


def audience_frame(scene: Scene, view, repeat: int) -> tuple[float, int]:
    """Milliseconds to draw the audience layer alone (both passes) into the HDR target at SIZE."""
    from scenegen.render.layers.audience import AudienceLayer
    from scenegen.render.renderer import SceneRenderer
    r = SceneRenderer(scene, layers=())
    layer = AudienceLayer(scene.audience, scene.stage, scene.lights)
    frame = r.frame(0.0, view, SIZE)
    try:
        r.post.begin(SIZE)
        return timed(lambda: layer.draw(frame), repeat), layer.figure_count
    finally:
        layer.delete()
        r.delete()


def circles_frame(n: int, radius: float, repeat: int) -> tuple[float, float]:
    """(create ms, frame ms) of n pyglet.shapes.Circle in one Batch, drawn into a SIZE framebuffer."""
    import pyglet
    from pyglet import gl
    from pyglet.math import Mat4
    rng = np.random.default_rng(2)
    xs = rng.uniform(0, SIZE[0], n)
    ys = rng.uniform(0, SIZE[1], n)
    t0 = time.perf_counter()
    batch = pyglet.graphics.Batch()
    circles = [pyglet.shapes.Circle(float(x), float(y), radius, color=(180, 200, 255, 160), batch=batch)
               for x, y in zip(xs, ys)]
    gl.glFinish()
    create = (time.perf_counter() - t0) * 1e3
    from scenegen.render import offscreen
    window = offscreen._window
    if window is not None:
        window.projection = Mat4.orthogonal_projection(0, SIZE[0], 0, SIZE[1], -255, 255)
        window.view = Mat4()
    fb = Framebuffer(*SIZE)
    fb.bind()
    gl.glClearColor(0, 0, 0, 1)

    def frame() -> None:
        gl.glClear(gl.GL_COLOR_BUFFER_BIT)
        batch.draw()

    try:
        ms = timed(frame, repeat)
    finally:
        gl.glBindFramebuffer(gl.GL_FRAMEBUFFER, 0)
        fb.delete()
        del circles
    return create, ms


def median_screen_radius(scene: Scene, view) -> float:
    """Half the median on-screen height of the figures in the frame, pixels: the baseline circles get this."""
    g = scene.audience[0]
    feet, ok1 = view.project(g.pos_i.astype(np.float64), SIZE)
    head = g.pos_i.astype(np.float64) + np.stack([0 * g.height_i, g.height_i, 0 * g.height_i], -1)
    top, ok2 = view.project(head, SIZE)
    ok = ok1 & ok2
    return max(1.0, float(np.median(np.abs(feet[ok, 1] - top[ok, 1]))) / 2) if ok.any() else 4.0


def in_frame(scene: Scene, view) -> int:
    g = scene.audience[0]
    mid = g.pos_i.astype(np.float64) + np.stack([0 * g.height_i, 0.5 * g.height_i, 0 * g.height_i], -1)
    return int(view.project(mid, SIZE)[1].sum())


def start_to_png() -> tuple[float, str]:
    """Wall seconds for a fresh Python to load, generate, render and write the default scene's PNG."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "default.png"
        code = ("import sys, time, warnings; t0=time.perf_counter(); sys.path.insert(0, %r)\n"
                "from scenegen.seedfile import load_seed\nfrom scenegen.gen.scene import generate\n"
                "from scenegen.render.headless import render_png\n"
                "warnings.simplefilter('ignore')\n"
                "spec = load_seed(%r); t1=time.perf_counter(); scene = generate(spec); t2=time.perf_counter()\n"
                "render_png(scene, %r); t3=time.perf_counter()\n"
                "print(f'generate {t2-t1:.2f} s, render+png {t3-t2:.2f} s')\n") % (str(ROOT), str(DEFAULT_SEED), str(out))
        env = dict(os.environ)
        t0 = time.perf_counter()
        res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
        wall = time.perf_counter() - t0
        assert out.stat().st_size > 0
        return wall, res.stdout.strip()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer repeats")
    args = ap.parse_args()
    repeat = 3 if args.quick else 7
    ensure_context()
    from pyglet import gl
    renderer_name = gl.gl_info.get_renderer()

    spec = load_seed(CROWD_SEED)
    base = quiet_generate(dataclasses.replace(spec, audience=(dataclasses.replace(spec.audience[0], count=1000),)))
    crowd_spec = dataclasses.replace(spec, audience=(dataclasses.replace(spec.audience[0], count=100_000,
                                                                         spacing=0.8),))
    crowd = quiet_generate(crowd_spec)

    calls_1k = draw_calls(resized(base, 1_000))
    calls_1m = draw_calls(resized(base, 1_000_000))
    pack_ms, upload_ms = upload(resized(base, 1_000_000))
    from scenegen.render.camera import View
    views = [("scene camera", View.from_camera(crowd.camera)),
             # High above the amphitheatre: every one of the 100,000 figures in the frame.
             ("overview", View(eye=(0.0, 250.0, 450.0), target=(0.0, -10.0, 110.0), fov=55.0, far=3000.0))]
    crowd_rows = []
    for label, view in views:
        aud_ms, n_aud = audience_frame(crowd, view, repeat)
        radius = median_screen_radius(crowd, view)
        create_ms, circle_ms = circles_frame(10_000, radius, repeat)
        crowd_rows.append((label, in_frame(crowd, view), aud_ms, n_aud, radius, circle_ms, create_ms))
    wall, detail = start_to_png()

    rows = [
        ("draw calls per frame", f"1,000 figures: {calls_1k}", f"1,000,000 figures: {calls_1m}",
         "equal" if calls_1k == calls_1m else "DIFFERENT"),
        ("1,000,000 figures to the GPU", f"pack {pack_ms:.0f} ms", f"upload {upload_ms:.0f} ms",
         "≤ 100 ms" if upload_ms <= 100 else "> 100 ms"),
    ]
    for label, seen, aud_ms, n_aud, radius, circle_ms, create_ms in crowd_rows:
        per_fig, per_circle = aud_ms / n_aud, circle_ms / 10_000
        rows += [
            (f"frame, {label} ({seen:,} in frame)", f"audience layer, {n_aud:,} figures: {aud_ms:.1f} ms",
             f"10,000 pyglet Circles (r={radius:.1f} px): {circle_ms:.1f} ms", ""),
            ("  cost per figure", f"{per_fig * 1e3:.3f} µs", f"{per_circle * 1e3:.3f} µs",
             f"{per_circle / per_fig:.1f}× cheaper"),
        ]
    rows += [
        ("setup", "audience: one glBufferData per group", f"Circles created in {crowd_rows[0][6]:.0f} ms", ""),
        ("start → PNG, default scene", f"{wall:.2f} s wall", detail, ""),
    ]
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    print(f"scenegen render bench — {renderer_name}, {SIZE[0]}×{SIZE[1]}, fastest of {repeat}")
    line = "+".join("-" * (w + 2) for w in widths)
    print(line)
    for r in rows:
        print(" | ".join(c.ljust(w) for c, w in zip(r, widths)))
    print(line)


if __name__ == "__main__":
    main()
