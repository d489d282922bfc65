"""SceneRenderer: builds every layer's GL resources once from a Scene, draws a frame for a time and a camera."""

from __future__ import annotations

import time as _time
from typing import Any

import numpy as np

from .offscreen import check_gl, configure_pyglet, ensure_context

configure_pyglet()   # before pyglet.gl is imported below

from pyglet import gl  # noqa: E402

from .camera import View  # noqa: E402
from .layers.base import Frame, Layer  # noqa: E402
from .layers.perform import perform_layers  # noqa: E402
from .layers.post import PostProcess  # noqa: E402
from .perfpack import performance_of, shot_view, state_for  # noqa: E402

__all__ = ["SceneRenderer"]


def _reach(scene: Any, eye: np.ndarray) -> float:
    """Distance from the eye to the farthest thing drawn as geometry (land, crowd, screens)."""
    lo = np.array(scene.bounds_min, dtype=np.float64)
    hi = np.array(scene.bounds_max, dtype=np.float64)
    corners = np.array([[x, y, z] for x in (lo[0], hi[0]) for y in (lo[1], hi[1]) for z in (lo[2], hi[2])])
    far = float(np.sqrt(((corners - eye) ** 2).sum(axis=1)).max())
    screens = getattr(getattr(scene, "sky", None), "screens", None)
    if screens is not None and len(screens.center_q):
        d = np.sqrt(((screens.center_q.astype(np.float64) - eye) ** 2).sum(axis=1)).max()
        far = max(far, float(d) + max(screens.size))
    return far


class SceneRenderer:
    """Draws one Scene. GL resources are made in __init__ (needs a current context) and freed by delete().

    `draw(time, camera)` issues the same number of draw calls whatever the crowd size; `stats` tells how
    many, and what each layer issued.
    """

    def __init__(self, scene: Any, layers: tuple[str, ...] | None = None, sky_bake: bool = True) -> None:
        """`sky_bake=False` has the mirrors evaluate the whole procedural sky per pixel instead of reading
        the bake (slower; kept to measure and test the bake against)."""
        ensure_context()
        self.scene = scene
        self.stats: dict[str, Any] = {"draw_calls": 0, "layers": {}, "upload_ms": {}}
        self.layers: list[Layer] = []
        self.post = PostProcess()
        self.sky_bake: Any = None
        if sky_bake:
            from .layers.skybake import SkyBake
            self.sky_bake = SkyBake(scene.sky)
        for name, make in self._factories():
            if layers is not None and name not in layers:
                continue
            t0 = _time.perf_counter()
            layer = make()
            if layer is not None:
                gl.glFinish()
                self.stats["upload_ms"][name] = (_time.perf_counter() - t0) * 1e3
                self.layers.append(layer)
        check_gl("creating the scene's GL resources")

    def _factories(self) -> list[tuple[str, Any]]:
        """(name, maker) in drawing order: the opaque stage and land first, the sky behind them, then light
        added on top."""
        import importlib
        s = self.scene

        def make(module: str, cls: str, *args: Any) -> Any:
            return lambda: getattr(importlib.import_module(f".layers.{module}", __package__), cls)(*args)

        out: list[tuple[str, Any]] = []
        baked = self.sky_bake is not None
        # The stage before the land it stands in: the land under it then fails the depth test early
        # instead of being shaded and covered.
        if getattr(s, "stage", None) is not None:
            out.append(("stage", make("stage", "StageLayer", s.stage, s.sky, s.lights, s.props, baked)))
        if getattr(s, "terrain", None) is not None:
            out.append(("terrain", make("terrain", "TerrainLayer", s.terrain, s.sky, s.lights, s.stage)))
        out.append(("sky", make("sky", "SkyLayer", s.sky)))
        if len(s.sky.screens.center_q):
            out.append(("screens", make("screens", "ScreensLayer", s.sky.screens, s.audience)))
        if getattr(s, "props", None) is not None:
            out.append(("props", make("props", "PropsLayer", s.props, s.sky, baked)))
        if getattr(s, "audience", None):
            out.append(("audience", make("audience", "AudienceLayer", s.audience, s.stage, s.lights)))
        if getattr(s, "lights", None) is not None and len(s.lights.spot_pos_s):
            out.append(("spotlights", make("lights", "SpotlightLayer", s.lights)))
        if performance_of(s) is not None:
            # The performance's own layers: drawn from the State of each frame.
            out.append(("rings", make("rings", "RingsLayer", s.stage)))
            out.append(("bursts", make("bursts", "BurstsLayer")))
            if any(getattr(c, "kind", "") == "countdown" for c in performance_of(s).cues):
                out.append(("countdown", make("countdown", "CountdownLayer", s)))
        return out

    def view_for(self, camera: Any = None) -> View:
        """The View to draw from: `camera` (a View or a Camera record) or the scene's own camera, with the far
        plane pushed out to everything the scene holds."""
        view = View.of(camera if camera is not None else self.scene.camera)
        reach = _reach(self.scene, np.asarray(view.eye, dtype=np.float64)) * 1.05
        if reach > view.far:
            from dataclasses import replace
            view = replace(view, far=reach)
        return view

    def frame(self, time: float, camera: Any, size: tuple[int, int]) -> Frame:
        view = self.view_for(camera)
        w, h = size
        return Frame(time=float(time), size=(int(w), int(h)), eye=np.asarray(view.eye, dtype=np.float64),
                     view=view.view_matrix(), projection=view.projection_matrix(w / h))

    def draw(self, time: float = 0.0, camera: Any = None, size: tuple[int, int] | None = None) -> int:
        """Draw the scene at `time` seconds into the framebuffer bound now (its viewport, or `size`).

        A scene with a performance is drawn in its State at `time` (scenegen.perform.state_at), seen from
        `camera` or, when that is None, from the State's camera shot.
        Returns the number of draw calls, also left in stats['draw_calls'].
        """
        target = gl.GLint()
        gl.glGetIntegerv(gl.GL_DRAW_FRAMEBUFFER_BINDING, target)
        vp = (gl.GLint * 4)()
        gl.glGetIntegerv(gl.GL_VIEWPORT, vp)
        if size is None:
            size = (int(vp[2]), int(vp[3]))
        viewport = (int(vp[0]), int(vp[1]), int(size[0]), int(size[1]))
        state = state_for(self.scene, time)
        if camera is None and state is not None:
            camera = shot_view(state, View.of(self.scene.camera))
        frame = self.frame(time, camera, size)
        if state is not None:
            perform_layers(self.layers, self.scene, state, frame)
        calls = 0
        per: dict[str, int] = {}
        if self.sky_bake is not None:
            per["sky bake"] = self.sky_bake.update(frame.time)
            calls += per["sky bake"]
            frame.shared["sky_bake"] = self.sky_bake
        self.post.begin(size)
        for layer in self.layers:
            n = layer.draw(frame)
            per[layer.name] = n
            calls += n
        calls += self.post.finish(int(target.value), viewport)
        self.stats["draw_calls"] = calls
        self.stats["layers"] = per
        check_gl("drawing the scene")
        return calls

    def delete(self) -> None:
        """Free every GL resource the renderer made."""
        for layer in self.layers:
            layer.delete()
        self.layers = []
        self.post.delete()
        if self.sky_bake is not None:
            self.sky_bake.delete()
            self.sky_bake = None
