"""The sky bake: the sky rendered into textures that what mirrors it (stage, spheres) reads.

Those would otherwise evaluate the whole procedural sky per pixel, a third or more of a frame on a
software rasteriser. The gradient is linear in its palette's colours with weights that depend on the
direction alone: the weights are baked once and the mirrors weigh the palette of the moment (a cycle's
blend, a performance's sky), exact in time. The nebula turns and the streaks drift by
well under a texel in BAKE_STEP seconds, so they are baked at the last multiple of BAKE_STEP: a pure
function of the frame's time (the same frames whichever order or chunks they are drawn in), and one bake
serves every frame of the step.
"""

from __future__ import annotations

import math
from typing import Any

from pyglet import gl

from .. import packing
from ..offscreen import Framebuffer
from ..shaders import load_program
from .base import VertexArray, set_uniforms

__all__ = ["SkyBake", "BAKE_SIZE", "BAKE_STEP", "BAKE_UNITS", "bake_time", "baked_defines", "fill_targets"]

BAKE_SIZE = (1024, 512)        # texels over the whole sphere: 0.35° a side
BAKE_STEP = 0.25               # seconds between bakes; the fastest streak drifts 0.2° in that time
BAKE_UNITS = (6, 7, 8)         # texture units of the three parts, clear of the post passes' and the stage's
_PARTS = ("u_sky_bake_glow", "u_sky_bake_weights", "u_sky_bake_over")


def baked_defines() -> dict[str, Any]:
    """Defines for a program that reads the bake through sky_mirror()."""
    return {"SKY_BAKED": 1}


def fill_targets(passes: list[tuple[Any, Framebuffer]], vao: VertexArray, uniforms: dict[str, Any]) -> None:
    """Draw one full-screen triangle with each (program, target) into its target, then give back the
    framebuffer and viewport that were bound before: an offscreen pass in the middle of a frame."""
    fbo, vp = gl.GLint(), (gl.GLint * 4)()
    gl.glGetIntegerv(gl.GL_DRAW_FRAMEBUFFER_BINDING, fbo)
    gl.glGetIntegerv(gl.GL_VIEWPORT, vp)
    gl.glDisable(gl.GL_DEPTH_TEST)
    gl.glDisable(gl.GL_BLEND)
    vao.bind()
    for program, target in passes:
        target.bind()
        program.use()
        set_uniforms(program, uniforms)
        gl.glDrawArrays(gl.GL_TRIANGLES, 0, 3)
    gl.glBindVertexArray(0)
    gl.glBindFramebuffer(gl.GL_FRAMEBUFFER, fbo.value)
    gl.glViewport(vp[0], vp[1], vp[2], vp[3])
    gl.glEnable(gl.GL_DEPTH_TEST)


def bake_time(time: float) -> float:
    """The time whose sky the bake holds for a frame at `time`."""
    return math.floor(time / BAKE_STEP) * BAKE_STEP


class SkyBake:
    """Three RGBA16F equirectangular targets and the programs that fill them: the gradient's weights once,
    the nebula's and the streaks' parts (two draw calls) once a BAKE_STEP."""

    def __init__(self, sky: Any) -> None:
        defines = packing.sky_defines(sky)
        uniforms = {**packing.sky_uniforms(sky), "u_bake_size": (float(BAKE_SIZE[0]), float(BAKE_SIZE[1]))}
        self.programs = [load_program("sky_bake", {**defines, "SKY_BAKE_PART": part}) for part in range(3)]
        self.targets = [Framebuffer(*BAKE_SIZE, hdr=True, depth=False) for _ in range(3)]
        for program, target in zip(self.programs, self.targets):
            set_uniforms(program, uniforms)
            gl.glBindTexture(gl.GL_TEXTURE_2D, target.texture)
            # All the way round the azimuth: the seam at ±π filters across.
            gl.glTexParameteri(gl.GL_TEXTURE_2D, gl.GL_TEXTURE_WRAP_S, gl.GL_REPEAT)
        gl.glBindTexture(gl.GL_TEXTURE_2D, 0)
        self.empty = VertexArray(self.programs[0])
        self.baked_at: float | None = None
        self.cycle_baked = False

    def update(self, time: float) -> int:
        """Bake the sky for a frame at `time` unless it is baked already; returns the draw calls issued.
        Leaves the framebuffer and viewport that were bound before."""
        t = bake_time(time)
        if t == self.baked_at:
            return 0
        passes = [(program, target) for part, (program, target) in enumerate(zip(self.programs, self.targets))
                  if not (part == 1 and self.cycle_baked)]          # the weights do not change with time
        fill_targets(passes, self.empty, {"u_time": t})
        calls = len(passes)
        self.baked_at, self.cycle_baked = t, True
        return calls

    def bind(self) -> None:
        """Bind the two textures to BAKE_UNITS (programs made with baked_defines() sample them there)."""
        for unit, target in zip(BAKE_UNITS, self.targets):
            gl.glActiveTexture(gl.GL_TEXTURE0 + unit)
            gl.glBindTexture(gl.GL_TEXTURE_2D, target.texture)
        gl.glActiveTexture(gl.GL_TEXTURE0)

    @staticmethod
    def sampler_uniforms() -> dict[str, int]:
        return dict(zip(_PARTS, BAKE_UNITS))

    def delete(self) -> None:
        for target in self.targets:
            target.delete()
        self.empty.delete()
        for program in self.programs:
            program.delete()
        self.targets, self.programs = [], []
