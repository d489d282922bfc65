"""Stage layer: the stage's surface, rim and wall as one mesh, shaded by its material."""

from __future__ import annotations

from typing import Any

from pyglet import gl

from .. import packing
from ..offscreen import Framebuffer
from ..shaders import load_program
from .base import Frame, MeshLayer, OpaqueGroup, VertexArray, set_uniforms
from .skybake import SkyBake, baked_defines, fill_targets

__all__ = ["StageLayer"]


class StageLayer(MeshLayer):
    """One draw call."""

    name = "stage"

    def __init__(self, stage: Any, sky: Any, lights: Any, props: Any = None, baked: bool = False) -> None:
        """`baked`: the stage mirrors the sky bake (skybake.SkyBake, in frame.shared["sky_bake"])."""
        self.baked = baked
        self.program = load_program("stage", {"MAX_RIPPLES": packing.MAX_RIPPLES, **packing.light_defines(lights),
                                              **packing.sky_defines(sky),
                                              **(packing.sphere_defines(props.spheres) if props is not None
                                                 else {"MAX_SPHERES": packing.MAX_SPHERES}),
                                              **(baked_defines() if baked else {})})
        vertices, indices = packing.pack_stage(stage)
        self.vao = VertexArray(self.program)
        self.vao.attach(vertices)
        self.vao.attach_index(indices)
        self.count = len(indices)
        uniforms = {**packing.sky_uniforms(sky), **packing.light_uniforms(lights), **packing.stage_uniforms(stage)}
        self.now: Any = None
        if props is not None:
            spheres = packing.sphere_uniforms(props.spheres)
            uniforms.update(spheres)
            if spheres["u_sphere_count"]:
                self.now = _SpheresNow(spheres)
                # Where a performance's uniforms (sphere offsets and lights) find it: perform.programs_of.
                self.now_program = self.now.program
        uniforms["u_spheres_now"] = SPHERES_NOW_UNIT
        if baked:
            uniforms.update(SkyBake.sampler_uniforms())
        set_uniforms(self.program, uniforms)
        self.group = OpaqueGroup(order=1)

    def draw(self, frame: Frame) -> int:
        calls = 0
        if self.now is not None:
            calls += self.now.update(frame.time)
            self.now.bind()
        if self.baked:
            frame.shared["sky_bake"].bind()
        return calls + super().draw(frame)

    def delete(self) -> None:
        if self.now is not None:
            self.now.delete()
            self.now = None
        super().delete()


SPHERES_NOW_UNIT = 5


class _SpheresNow:
    """The spheres' centres and lights at the frame's time in a small float target (one draw call a
    frame): the stage's mirror looks at every sphere from every pixel, and reads them here."""

    def __init__(self, spheres: dict[str, Any]) -> None:
        self.program = load_program("spheres_now", {"MAX_SPHERES": packing.MAX_SPHERES})
        set_uniforms(self.program, spheres)
        self.target = Framebuffer(packing.MAX_SPHERES, 2, depth=False, linear_filter=False, float32=True)
        self.empty = VertexArray(self.program)
        self.at: float | None = None

    def update(self, time: float) -> int:
        if time == self.at:
            return 0
        fill_targets([(self.program, self.target)], self.empty, {"u_time": float(time)})
        self.at = time
        return 1

    def bind(self) -> None:
        gl.glActiveTexture(gl.GL_TEXTURE0 + SPHERES_NOW_UNIT)
        gl.glBindTexture(gl.GL_TEXTURE_2D, self.target.texture)
        gl.glActiveTexture(gl.GL_TEXTURE0)

    def delete(self) -> None:
        self.target.delete()
        self.empty.delete()
        self.program.delete()
