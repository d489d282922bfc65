"""Spotlight layer: volumetric-looking beams, one draw call for all of them (the pools are in lit.glsl)."""

from __future__ import annotations

from typing import Any

import numpy as np
from pyglet import gl

from .. import packing
from ..perfpack import aimed_lights
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
        self.lights = lights
        self._aim: Any = None

    def perform(self, uniforms: Any, state: Any) -> None:
        """A beam the performance sweeps: its bounding mesh re-cut around the new aim (a few hundred bytes)."""
        target = uniforms.spot_target
        if target is None or (self._aim is not None and np.array_equal(target, self._aim)):
            return
        self._aim = target.copy()
        vertices, _ = packing.pack_cones(aimed_lights(self.lights, target))
        self.vao.buffers[0].upload(vertices)
