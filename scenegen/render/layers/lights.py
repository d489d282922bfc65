"""Spotlight layer: volumetric-looking beams, one draw call for all of them (the pools are in lit.glsl)."""

from __future__ import annotations

from typing import Any

from pyglet import gl

from .. import packing
from ..shaders import load_program
from .base import AdditiveGroup, MeshLayer, VertexArray, set_uniforms

__all__ = ["SpotlightLayer", "SCATTER"]

# Fraction of a beam's light the air scatters towards the eye per metre: a haze thin enough that the
# beam reads as a shaft of light without hiding the stage.
SCATTER = 0.012


class BeamGroup(AdditiveGroup):
    """Additive, back faces only: the shader integrates from the entry into the cone to the face."""

    def set_state(self) -> None:
        super().set_state()
        gl.glEnable(gl.GL_CULL_FACE)
        gl.glCullFace(gl.GL_FRONT)

    def unset_state(self) -> None:
        gl.glDisable(gl.GL_CULL_FACE)
        gl.glCullFace(gl.GL_BACK)
        super().unset_state()


class SpotlightLayer(MeshLayer):
    name = "spotlights"

    def __init__(self, lights: Any) -> None:
        self.program = load_program("spotlight", {"MAX_SPOTS": packing.MAX_SPOTS})
        vertices, indices = packing.pack_cones(lights)
        self.vao = VertexArray(self.program)
        self.vao.attach(vertices)
        self.vao.attach_index(indices)
        self.count = len(indices)
        set_uniforms(self.program, {**packing.light_uniforms(lights), **packing.spot_volume_uniforms(lights),
                                    "u_scatter": SCATTER})
        self.group = BeamGroup(order=40)
