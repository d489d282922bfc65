"""Sky layer: the full-screen gradient/nebula/streaks pass, then the twinkling stars as point sprites."""

from __future__ import annotations

from typing import Any

from pyglet import gl

from .. import packing
from ..shaders import load_program
from .base import AdditiveGroup, Frame, Layer, SkyGroup, VertexArray, set_uniforms

__all__ = ["SkyLayer"]


class SkyLayer(Layer):
    """Two draw calls: the sky triangle and all the stars (however many)."""

    name = "sky"

    def __init__(self, sky: Any) -> None:
        self.program = load_program("sky", packing.sky_defines(sky))
        self.uniforms = packing.sky_uniforms(sky)
        set_uniforms(self.program, self.uniforms)
        self.empty = VertexArray(self.program)         # core profile: a bound VAO even with no attributes
        self.group = SkyGroup(order=10)
        self.star_program = load_program("stars")
        self.stars = VertexArray(self.star_program)
        data = packing.pack_stars(sky.stars)
        self.star_count = len(data)
        self.stars.attach(data, divisor=0)
        # Stars sit at depth 1 like the sky: LEQUAL lets them through wherever nothing nearer was drawn.
        self.star_group = AdditiveGroup(order=11, depth_func=gl.GL_LEQUAL)

    def draw(self, frame: Frame) -> int:
        cam = frame.camera_uniforms()
        self.group.set_state()
        self.program.use()
        set_uniforms(self.program, cam)
        self.empty.bind()
        gl.glDrawArrays(gl.GL_TRIANGLES, 0, 3)
        self.group.unset_state()
        calls = 1
        self.star_group.set_state()
        self.star_program.use()
        set_uniforms(self.star_program, cam)
        self.stars.bind()
        gl.glDrawArrays(gl.GL_POINTS, 0, self.star_count)
        self.star_group.unset_state()
        gl.glBindVertexArray(0)
        return calls + 1

    def delete(self) -> None:
        for vao in (self.empty, self.stars):
            vao.delete()
        self.program.delete()
        self.star_program.delete()
