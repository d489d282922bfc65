"""A performance rendered headless to an MP4 with its soundtrack: frames at t = start + i / fps of the one clock.

The drawing (GL), the read-back and the encoding (scenegen.video, PyAV) are timed apart, so bench/video.py
can say where a frame's time goes. The encoder works on frame i while frame i + 1 is drawn: libx264 and
the colour conversion run outside the GIL.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["soundtrack", "render_video", "SAMPLE_RATE"]

from ..perform import RATE as SAMPLE_RATE


def soundtrack(scene: Any, start: float, end: float) -> np.ndarray | None:
    """The performance's mix from start to end (int16 (n, 2) at SAMPLE_RATE), or None without a performance."""
    from .perfpack import performance_of
    if performance_of(scene) is None:
        return None
    from ..perform import mix
    return mix(scene, start=float(start), end=float(end), rate=SAMPLE_RATE)


def render_video(scene: Any, path: str | os.PathLike[str], size: tuple[int, int], fps: float, start: float,
                 end: float, camera: Any = None, renderer: Any = None,
                 progress: Callable[[float, str], None] | None = None, audio: bool = True) -> dict[str, Any]:
    """Write the scene from `start` to `end` seconds as an MP4 at `path`; returns the measurements
    (frames, draw_ms, read_ms, encode_ms totals, wall_ms). `camera` None follows the performance's shots."""
    from pyglet import gl

    from ..video import VideoWriter, frame_times
    from .offscreen import Framebuffer, check_gl, ensure_context
    from .renderer import SceneRenderer

    ensure_context()
    own = renderer is None
    r = SceneRenderer(scene) if own else renderer
    times = frame_times(start, end, fps)
    sound = soundtrack(scene, start, start + len(times) / float(fps)) if audio else None
    w, h = int(size[0]), int(size[1])
    fb = Framebuffer(w, h, hdr=False, depth=False)
    draw_ms = read_ms = 0.0
    t_wall = time.perf_counter()
    writer = VideoWriter(path, (w, h), fps, audio=sound, rate=SAMPLE_RATE)
    pending: Future[None] | None = None
    try:
        with ThreadPoolExecutor(max_workers=1) as pool:
            for i, t in enumerate(times):
                fb.bind()
                a = time.perf_counter()
                r.draw(float(t), camera, (w, h))
                gl.glFinish()
                b = time.perf_counter()
                image = fb.read_rgba()
                check_gl("rendering a video frame")
                draw_ms += (b - a) * 1e3
                read_ms += (time.perf_counter() - b) * 1e3
                if pending is not None:
                    pending.result()
                pending = pool.submit(writer.add, np.ascontiguousarray(image[..., :3]))
                if progress is not None:
                    progress((i + 1) / len(times), f"frame {i + 1}/{len(times)}")
            if pending is not None:
                pending.result()
        writer.close()
    except BaseException:
        writer.abort()
        raise
    finally:
        gl.glBindFramebuffer(gl.GL_FRAMEBUFFER, 0)
        fb.delete()
        if own:
            r.delete()
    return {"frames": len(times), "draw_ms": draw_ms, "read_ms": read_ms, "encode_ms": writer.encode_ms,
            "wall_ms": (time.perf_counter() - t_wall) * 1e3, "audio": sound is not None, "path": str(Path(path))}
