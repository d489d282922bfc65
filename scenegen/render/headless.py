"""Render a Scene without a window: to an RGBA numpy image, or to a PNG file (a small zlib PNG writer)."""

from __future__ import annotations

import os
import struct
import zlib
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["render_image", "render_png", "write_png", "encode_png"]


def render_image(scene: Any, size: tuple[int, int] = (1280, 720), time: float = 0.0,
                 camera: Any = None, renderer: Any = None) -> np.ndarray:
    """The scene at `time` seconds seen from `camera` (a View, a Camera record, or None for the scene's)
    as (height, width, 4) uint8 sRGB, top row first. The same inputs give the same pixels.

    Pass a SceneRenderer to reuse its GL resources across frames; otherwise one is made and freed.
    """
    from .offscreen import Framebuffer, check_gl, ensure_context
    from .renderer import SceneRenderer
    ensure_context()
    own = renderer is None
    r = SceneRenderer(scene) if own else renderer
    fb = Framebuffer(int(size[0]), int(size[1]), hdr=False, depth=False)
    try:
        fb.bind()
        r.draw(time, camera, (fb.width, fb.height))
        image = fb.read_rgba()
        check_gl("reading the image back")
    finally:
        from pyglet import gl
        gl.glBindFramebuffer(gl.GL_FRAMEBUFFER, 0)
        fb.delete()
        if own:
            r.delete()
    image[..., 3] = 255
    return image


def encode_png(image: np.ndarray) -> bytes:
    """PNG bytes of an (h, w, 3|4) uint8 image: 8-bit RGB(A), no filtering, zlib level 3 (half the time of
    level 6 for 6 % more bytes)."""
    image = np.ascontiguousarray(image)
    if image.dtype != np.uint8 or image.ndim != 3 or image.shape[2] not in (3, 4):
        raise ValueError(f"want (h, w, 3|4) uint8, got {image.shape} {image.dtype}")
    h, w, c = image.shape
    raw = np.empty((h, 1 + w * c), dtype=np.uint8)
    raw[:, 0] = 0                                  # filter type None on every row
    raw[:, 1:] = image.reshape(h, w * c)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", w, h, 8, 6 if c == 4 else 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw.tobytes(), 3))
            + chunk(b"IEND", b""))


def write_png(path: str | os.PathLike[str], image: np.ndarray) -> Path:
    """Write `image` as a PNG file (through a temporary file, so a reader never sees half of it)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(encode_png(image))
    os.replace(tmp, path)
    return path


def render_png(scene: Any, path: str | os.PathLike[str], size: tuple[int, int] = (1280, 720),
               time: float = 0.0, camera: Any = None) -> Path:
    """Render the scene (see render_image) and write it to `path` as an RGB PNG."""
    image = render_image(scene, size=size, time=time, camera=camera)
    return write_png(path, image[..., :3])
