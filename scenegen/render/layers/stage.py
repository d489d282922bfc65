"""Stage layer: the stage's surface, rim and wall as one mesh, shaded by its material."""

from __future__ import annotations

from typing import Any

from .. import packing
from ..shaders import load_program
from .base import MeshLayer, OpaqueGroup, VertexArray, set_uniforms

__all__ = ["StageLayer"]


class StageLayer(MeshLayer):
    """One draw call."""

    name = "stage"

    def __init__(self, stage: Any, sky: Any, lights: Any, props: Any = None) -> None:
        self.program = load_program("stage", {"MAX_SPOTS": packing.MAX_SPOTS, "MAX_RIPPLES": packing.MAX_RIPPLES,
                                              "MAX_SPHERES": packing.MAX_SPHERES,
                                              "MAX_STREAKS": packing.MAX_STREAKS,
                                              "MAX_NEBULA_COLORS": packing.MAX_NEBULA_COLORS})
        vertices, indices = packing.pack_stage(stage)
        self.vao = VertexArray(self.program)
        self.vao.attach(vertices)
        self.vao.attach_index(indices)
        self.count = len(indices)
        uniforms = {**packing.sky_uniforms(sky), **packing.light_uniforms(lights), **packing.stage_uniforms(stage)}
        if props is not None:
            uniforms.update(packing.sphere_uniforms(props.spheres))
        set_uniforms(self.program, uniforms)
        self.group = OpaqueGroup(order=1)
