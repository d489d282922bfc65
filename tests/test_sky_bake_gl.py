"""The sky bake that the mirrors read (stage, spheres): it holds the one sky look, and a baked frame looks
like one that evaluates the procedural sky per pixel. Real GL (Mesa llvmpipe headless is enough)."""

from __future__ import annotations

import ctypes
import math

import numpy as np
import pytest

from scenegen import skylook
from scenegen.gen.scene import Scene
from scenegen.render import packing

from .conftest import gl_context_or_skip
from .test_render_gl import make, small_spec

pytestmark = pytest.mark.gl


@pytest.fixture(scope="module", autouse=True)
def gl_context():
    return gl_context_or_skip()


def _read(texture: int, size: tuple[int, int]) -> np.ndarray:
    from pyglet import gl
    out = np.empty((size[1], size[0], 4), dtype=np.float32)
    gl.glBindTexture(gl.GL_TEXTURE_2D, texture)
    gl.glGetTexImage(gl.GL_TEXTURE_2D, 0, gl.GL_RGBA, gl.GL_FLOAT, out.ctypes.data_as(ctypes.c_void_p))
    gl.glBindTexture(gl.GL_TEXTURE_2D, 0)
    return out


@pytest.mark.parametrize("name,time", [("grand-auditorium.yaml", 23.4), ("liquid-silver-stage.yaml", 3.9)])
def test_the_bake_holds_the_sky_look(name: str, time: float) -> None:
    """Read back, the three baked parts put together give skylook.sky_color at each texel's direction:
    the gradient's weights of the palette at the frame's time, the nebula and streaks at the bake's."""
    from scenegen.render.layers.skybake import BAKE_SIZE, SkyBake, bake_time
    scene = make(small_spec(name, stars={"count": 0}))
    sky = scene.sky
    assert sky.gradient.to is not None and (sky.nebula.density > 0 or len(sky.streaks.color_s))
    bake = SkyBake(sky)
    try:
        assert bake.update(time) == 3 and bake.update(time + 0.01) == 0 and bake.update(time + 0.3) == 2
        bake.update(time)
        glow, weights, over = (_read(t.texture.value, BAKE_SIZE) for t in bake.targets)
    finally:
        bake.delete()
    w, h = BAKE_SIZE
    rng = np.random.default_rng(3)
    i, j = rng.integers(0, h, 4000), rng.integers(0, w, 4000)
    az = (j + 0.5) / w * 2 * math.pi - math.pi
    el = (i + 0.5) / h * math.pi - math.pi / 2
    dirs = np.stack([np.cos(el) * np.sin(az), np.sin(el), -np.cos(el) * np.cos(az)], -1)
    u, blend = skylook.sky_uniforms(sky), skylook.sky_blend(sky, time)
    palette = [np.array(u[k][0]) + (np.array(u[k][1]) - np.array(u[k][0])) * blend
               for k in ("u_sky_horizon", "u_sky_zenith", "u_sky_glow")]
    grad = sum(weights[i, j, c:c + 1] * palette[c] for c in range(3))
    got = (grad + glow[i, j, :3]) * over[i, j, 3:] + over[i, j, :3]
    # The gradient's blend is exact at `time`; nebula and streaks are as they were at the bake's time.
    t_b = bake_time(time)
    slow = skylook.sky_color(sky, dirs, t_b) - skylook.sky_gradient(sky, dirs, t_b)
    want = skylook.sky_gradient(sky, dirs, time) + slow
    diff = np.abs(packing.display_srgb8(np.maximum(got, 0.0)) - packing.display_srgb8(np.maximum(want, 0.0)))
    assert diff.mean() < 0.6 and np.percentile(diff, 99.5) < 4.0, (diff.mean(), np.percentile(diff, 99.5))
    assert packing.display_srgb8(want).std(axis=0).max() > 10.0       # far from a flat sky


@pytest.mark.parametrize("name", ["grand-auditorium.yaml", "liquid-silver-stage.yaml", "minimal.yaml"])
def test_baked_mirrors_look_like_the_procedural_sky(name: str) -> None:
    """Each example's opening view, drawn with the mirrors reading the bake, against the same frame with
    the procedural sky per pixel: within a level or two of 8-bit colour nearly everywhere. (The crystal
    spheres are left out: without the bake they mirror a coarser sky on purpose.)"""
    from scenegen.render.headless import render_image
    from scenegen.render.renderer import SceneRenderer
    scene = make(small_spec(name))
    layers = tuple(n for n in ("stage", "terrain", "sky", "screens", "audience", "spotlights"))
    images = []
    for baked in (True, False):
        r = SceneRenderer(scene, layers=layers, sky_bake=baked)
        try:
            images.append(render_image(scene, size=(320, 180), time=1.3, renderer=r)[..., :3].astype(int))
        finally:
            r.delete()
    diff = np.abs(images[0] - images[1]).max(axis=-1)
    assert diff.mean() < 0.25 and np.percentile(diff, 99.9) <= 6, (diff.mean(), np.percentile(diff, 99.9))


def test_a_baked_frame_depends_on_its_time_alone(auditorium_small: Scene) -> None:
    """Frames drawn in any order, by one renderer or fresh ones, are the same pixels."""
    from scenegen.render.headless import render_image
    from scenegen.render.renderer import SceneRenderer
    r = SceneRenderer(auditorium_small)
    try:
        render_image(auditorium_small, size=(96, 54), time=7.1, renderer=r)
        after = render_image(auditorium_small, size=(96, 54), time=7.2, renderer=r)
    finally:
        r.delete()
    fresh = render_image(auditorium_small, size=(96, 54), time=7.2)
    assert np.array_equal(after, fresh)


@pytest.fixture(scope="module")
def auditorium_small() -> Scene:
    return make(small_spec("grand-auditorium.yaml", count=500))
