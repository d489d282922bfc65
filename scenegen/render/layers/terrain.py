"""Terrain layer: the heightfield as one indexed mesh, lit, fogged into the sky's horizon."""

from __future__ import annotations

from typing import Any

from ...skylook import fog_uniforms
from .. import packing
from ..shaders import load_program
from .base import MeshLayer, OpaqueGroup, VertexArray, set_uniforms

__all__ = ["TerrainLayer"]


class TerrainLayer(MeshLayer):
    """One draw call for the whole land."""

    name = "terrain"

    def __init__(self, terrain: Any, sky: Any, lights: Any, stage: Any = None) -> None:
        self.program = load_program("terrain", {**packing.light_defines(lights), **packing.sky_defines(sky),
                                                "SKY_DETAIL": 0})
        vertices, indices = packing.pack_terrain(terrain)
        self.vao = VertexArray(self.program)
        self.vao.attach(vertices)
        self.vao.attach_index(indices)
        self.count = len(indices)
        uniforms = {**packing.sky_uniforms(sky), **packing.light_uniforms(lights),
                    **fog_uniforms(terrain)}
        if stage is not None:
            uniforms.update(packing.stage_light_uniforms(stage))
        set_uniforms(self.program, uniforms)
        self.group = OpaqueGroup(order=0)
