"""Audience layer: every group's figures as point sprites from one buffer per group, two draw calls per group."""

from __future__ import annotations

import time
from typing import Any

import numpy as np
from pyglet import gl

from .. import packing
from ..shaders import load_program
from .base import AdditiveGroup, CoreGroup, Frame, Layer, VertexArray, set_uniforms

__all__ = ["AudienceLayer", "AUDIENCE_EXPOSURE"]

# The glow of one figure, by kind: a sky full of eyes packed edge to edge must leave the nebula showing.
AUDIENCE_EXPOSURE = {"silhouette": 1.0, "eye": 0.6}


class AudienceLayer(Layer):
    """Uploads each group's per-figure array once (one glBufferData); draws 2 calls per group (core depth,
    then glow), whatever the number of figures."""

    name = "audience"

    def __init__(self, groups: Any, stage: Any = None, lights: Any = None) -> None:
        self.programs = {(kind, pre): load_program("audience", {"FIGURE": fid, "PREPASS": pre})
                         for kind, fid in packing.FIGURE_IDS.items() for pre in (0, 1)}
        self.groups: list[tuple[Any, Any, VertexArray, VertexArray, int, dict[str, Any]]] = []
        self.upload_ms = 0.0
        self.pack_ms = 0.0
        glint = packing.eye_glint(stage, lights) if stage is not None else (1.0, 1.0, 1.0)
        sizes = (gl.GLfloat * 2)()
        gl.glGetFloatv(gl.GL_POINT_SIZE_RANGE, sizes)
        max_point = float(sizes[1])
        for group in groups:
            if len(group.pos_i) == 0:
                continue
            program, core = self.programs[(group.figure, 0)], self.programs[(group.figure, 1)]
            gl.glFinish()        # nothing queued before may be counted as this upload
            t0 = time.perf_counter()
            data = packing.pack_audience(group)
            t1 = time.perf_counter()
            vao = VertexArray(program)
            buf = vao.attach(data)
            # The core pass reads the same buffer through its own vertex array: uploaded once.
            core_vao = VertexArray(core)
            core_vao.attach_shared(buf, data.dtype)
            gl.glFinish()
            t2 = time.perf_counter()
            self.pack_ms += (t1 - t0) * 1e3
            self.upload_ms += (t2 - t1) * 1e3
            uniforms = {**packing.audience_uniforms(group), "u_stage_glow": glint,
                        "u_exposure": AUDIENCE_EXPOSURE.get(group.figure, 1.0), "u_max_point": max_point}
            self.groups.append((program, core, vao, core_vao, len(data), uniforms))
        self.group = AdditiveGroup(order=20)
        self.core_group = CoreGroup(order=19)

    @property
    def figure_count(self) -> int:
        return sum(g[4] for g in self.groups)

    def draw(self, frame: Frame) -> int:
        cam = frame.camera_uniforms()
        calls = 0
        for group, pass_index in ((self.core_group, 1), (self.group, 0)):
            group.set_state()
            for entry in self.groups:
                program, vao, count, uniforms = entry[pass_index], entry[2 + pass_index], entry[4], entry[5]
                program.use()
                set_uniforms(program, cam)
                set_uniforms(program, uniforms)
                vao.bind()
                gl.glDrawArrays(gl.GL_POINTS, 0, count)
                calls += 1
            group.unset_state()
        gl.glBindVertexArray(0)
        return calls

    def delete(self) -> None:
        for entry in self.groups:
            entry[3].delete()      # shares the buffer of entry[2]
            entry[2].delete()
        self.groups = []
        for p in self.programs.values():
            p.delete()
        self.programs = {}
