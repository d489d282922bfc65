"""Rendering: a Scene drawn with OpenGL 3.3 core, in a window or headless to an image or a PNG.

Roles of the modules:
  camera.py     View: view/projection matrices, orbit/dolly/pan, projecting points (pure numpy)
  packing.py    Scene → flat GPU arrays and uniform values, dtypes/shapes asserted (pure numpy)
  shaders.py    loads shaders/<name>.glsl: both stages in one file behind #if defined guards
  offscreen.py  a headless GL context (EGL without a display), framebuffers, read-back, GL errors
  layers/       one module per layer (sky, terrain, stage, screens, props, audience, lights, post)
  renderer.py   SceneRenderer: every layer's GL resources, draw(time, camera), stats, delete()
  headless.py   render_image / render_png: a Scene to RGBA pixels or a PNG file

Nothing here is imported by the generators; pyglet is only imported when GL is first needed.
"""

from __future__ import annotations

from typing import Any

from .camera import View, look_at, perspective
from .headless import encode_png, render_image, render_png, write_png

__all__ = ["View", "look_at", "perspective", "render_image", "render_png", "write_png", "encode_png",
           "SceneRenderer", "GLUnavailable", "ensure_context"]


def __getattr__(name: str) -> Any:
    # The GL-side names load pyglet: import them only when asked for.
    if name == "SceneRenderer":
        from .renderer import SceneRenderer
        return SceneRenderer
    if name in ("GLUnavailable", "ensure_context"):
        from . import offscreen
        return getattr(offscreen, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
