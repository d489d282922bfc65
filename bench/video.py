"""Benchmark `scenegen render -o X.mp4` on this machine's OpenGL (Mesa llvmpipe headless is fine) and print a table.

    python bench/video.py [--seconds S] [--fps F] [--size WxH]

For each example seed file, in one process: a video of S seconds (default 2) at 640×360 and F frames a
second (default 30) from the start of its performance (or of its loops, for a still scene), through
render/movie.py as the CLI writes it, with its soundtrack when it has one. Reported: frames per second of
the whole run (wall clock), and how the work splits between drawing (each frame's draw calls to its
glFinish), read-back (glReadPixels into numpy) and encoding (RGB → YUV 4:2:0, libx264, AAC, muxing). The
encoder runs on frame i while frame i + 1 is drawn, so the three shares are of the work, not of the wall
time; "overlap" says how much of the work the pipelining hid.

The baseline, measured in the same run on the same frames, is what the tool offered before: a numbered
PNG sequence (draw, read back, zlib-encode and write each frame), which a user then had to encode
elsewhere, without sound.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scenegen.gen.scene import generate  # noqa: E402
from scenegen.seedfile import load_seed  # noqa: E402

EXAMPLES = sorted((ROOT / "assets" / "seeds").glob("*.yaml"))


def png_sequence(scene, renderer, times, size, folder: Path) -> float:
    """The baseline: every frame drawn, read back and written as a PNG; seconds taken."""
    from pyglet import gl

    from scenegen.render.headless import encode_png
    from scenegen.render.offscreen import Framebuffer
    fb = Framebuffer(size[0], size[1], hdr=False, depth=False)
    t0 = time.perf_counter()
    try:
        for i, t in enumerate(times):
            fb.bind()
            renderer.draw(float(t), None, size)
            image = fb.read_rgba()
            (folder / f"frame-{i:04d}.png").write_bytes(encode_png(image[..., :3]))
        gl.glFinish()
    finally:
        gl.glBindFramebuffer(gl.GL_FRAMEBUFFER, 0)
        fb.delete()
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=2.0)
    ap.add_argument("--fps", type=float, default=30.0)
    ap.add_argument("--size", default="640x360")
    args = ap.parse_args()
    size = tuple(int(v) for v in args.size.split("x"))

    from pyglet import gl

    from scenegen.render.movie import render_video
    from scenegen.render.offscreen import ensure_context
    from scenegen.render.perfpack import performance_of
    from scenegen.render.renderer import SceneRenderer
    from scenegen.video import frame_times
    ensure_context()
    print(f"# {gl.gl_info.get_renderer()}; {size[0]}×{size[1]}, {args.seconds:g} s at {args.fps:g} fps per example")
    head = (f"{'example':<22} {'frames':>6} {'MP4 fps':>8} {'PNG fps':>8} {'ratio':>6} {'draw':>6} "
            f"{'read':>6} {'encode':>7} {'overlap':>8}  sound")
    print(head)
    print("-" * len(head))
    for path in EXAMPLES:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            scene = generate(load_seed(path))
        renderer = SceneRenderer(scene)
        try:
            renderer.draw(0.0, None, size)        # compile and upload outside the clock, for both contenders
            gl.glFinish()
            times = frame_times(0.0, args.seconds, args.fps)
            with tempfile.TemporaryDirectory() as tmp:
                stats = render_video(scene, Path(tmp) / "bench.mp4", size, args.fps, 0.0, args.seconds,
                                     renderer=renderer)
                png_s = png_sequence(scene, renderer, times, size, Path(tmp))
        finally:
            renderer.delete()
        work = stats["draw_ms"] + stats["read_ms"] + stats["encode_ms"]
        wall = stats["wall_ms"]
        n = stats["frames"]
        mp4_fps = n / (wall / 1e3)
        png_fps = n / png_s
        print(f"{path.stem:<22} {n:>6} {mp4_fps:>8.2f} {png_fps:>8.2f} {mp4_fps / png_fps:>5.2f}× "
              f"{stats['draw_ms'] / work:>6.0%} {stats['read_ms'] / work:>6.0%} {stats['encode_ms'] / work:>7.0%} "
              f"{max(0.0, 1.0 - wall / work):>8.0%}  {'yes' if performance_of(scene) is not None else 'none'}")


if __name__ == "__main__":
    main()
