"""Props layer: the spheres (impostors), their cracks and the instrument (ribbons), the flaking shards."""

from __future__ import annotations

from typing import Any

from pyglet import gl

from .. import packing
from ..shaders import load_program
from .base import BlendGroup, Frame, Layer, VertexArray, set_uniforms
from .skybake import SkyBake, baked_defines

__all__ = ["PropsLayer"]


class PropsLayer(Layer):
    """At most three draw calls: spheres, ribbons (cracks and instrument), shards — each skipped when the
    scene has none."""

    name = "props"

    def __init__(self, props: Any, sky: Any, baked: bool = False) -> None:
        """`baked`: the spheres mirror the sky bake (skybake.SkyBake, in frame.shared["sky_bake"]); else a
        coarse procedural sky."""
        self.baked = baked
        defines = {**packing.sky_defines(sky), **(baked_defines() if baked else {"SKY_DETAIL": 0})}
        common = {**packing.sky_uniforms(sky), **packing.sphere_uniforms(props.spheres),
                  **(SkyBake.sampler_uniforms() if baked else {})}
        self.parts: list[tuple[Any, VertexArray, int, int, Any]] = []
        spheres = packing.pack_spheres(props.spheres)
        ribbons = packing.pack_ribbons(props)
        shards = packing.pack_shards(props.spheres)
        for name, data, mode, group in (
                ("spheres", spheres, gl.GL_TRIANGLE_STRIP, BlendGroup(order=30)),
                ("ribbons", ribbons, gl.GL_TRIANGLE_STRIP, BlendGroup(order=31)),
                ("shards", shards, gl.GL_POINTS, BlendGroup(order=32))):
            if len(data) == 0:
                continue
            program = load_program(name, defines)
            set_uniforms(program, common)
            vao = VertexArray(program)
            vao.attach(data, divisor=0 if mode == gl.GL_POINTS else 1)
            self.parts.append((program, vao, len(data), mode, group))

    def draw(self, frame: Frame) -> int:
        cam = frame.camera_uniforms()
        calls = 0
        if self.baked and self.parts:
            frame.shared["sky_bake"].bind()
        for program, vao, count, mode, group in self.parts:
            group.set_state()
            program.use()
            set_uniforms(program, cam)
            vao.bind()
            if mode == gl.GL_POINTS:
                gl.glDrawArrays(gl.GL_POINTS, 0, count)
            else:
                gl.glDrawArraysInstanced(mode, 0, 4, count)
            group.unset_state()
            calls += 1
        gl.glBindVertexArray(0)
        return calls

    def delete(self) -> None:
        for program, vao, *_ in self.parts:
            vao.delete()
            program.delete()
        self.parts = []
