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


PASSES = {"core": {"PREPASS": 1, "SMALL": 0}, "small": {"PREPASS": 0, "SMALL": 1},
          "detail": {"PREPASS": 0, "SMALL": 0}}


class AudienceLayer(Layer):
    """Uploads each group's per-figure array once (one glBufferData); draws 3 calls per group (core depth,
    small glows, detailed figures), whatever the number of figures."""

    name = "audience"

    def __init__(self, groups: Any, stage: Any = None, lights: Any = None) -> None:
        # Three passes per group, each its own program reading the group's one buffer: the solid cores
        # of the larger figures (depth only), the small figures as plain glows, the larger in detail.
        self.programs = {(kind, p): load_program("audience", {"FIGURE": fid, **defines})
                         for kind, fid in packing.FIGURE_IDS.items() for p, defines in PASSES.items()}
        self.groups: list[tuple[str, int, dict[str, VertexArray], dict[str, Any]]] = []
        self.upload_ms = 0.0
        self.pack_ms = 0.0
        glint = packing.eye_glint(stage, lights) if stage is not None else (1.0, 1.0, 1.0)
        sizes = (gl.GLfloat * 2)()
        gl.glGetFloatv(gl.GL_POINT_SIZE_RANGE, sizes)
        max_point = float(sizes[1])
        for group in groups:
            if len(group.pos_i) == 0:
                continue
            gl.glFinish()        # nothing queued before may be counted as this upload
            t0 = time.perf_counter()
            data = packing.pack_audience(group)
            t1 = time.perf_counter()
            vaos: dict[str, VertexArray] = {}
            buf = None
            for p in PASSES:
                vao = VertexArray(self.programs[(group.figure, p)])
                if buf is None:
                    buf = vao.attach(data)                  # the one upload
                else:
                    vao.attach_shared(buf, data.dtype)      # the other passes read the same buffer
                vaos[p] = vao
            gl.glFinish()
            t2 = time.perf_counter()
            self.pack_ms += (t1 - t0) * 1e3
            self.upload_ms += (t2 - t1) * 1e3
            uniforms = {**packing.audience_uniforms(group), "u_stage_glow": glint,
                        "u_exposure": AUDIENCE_EXPOSURE.get(group.figure, 1.0), "u_max_point": max_point}
            self.groups.append((group.figure, len(data), vaos, uniforms))
        self.group = AdditiveGroup(order=20)
        self.core_group = CoreGroup(order=19)

    @property
    def figure_count(self) -> int:
        return sum(g[1] for g in self.groups)

    def draw(self, frame: Frame) -> int:
        cam = frame.camera_uniforms()
        calls = 0
        for p in PASSES:
            state = self.core_group if p == "core" else self.group
            state.set_state()
            for figure, count, vaos, uniforms in self.groups:
                program = self.programs[(figure, p)]
                program.use()
                set_uniforms(program, cam)
                set_uniforms(program, uniforms)     # groups of one kind share a program
                vaos[p].bind()
                gl.glDrawArrays(gl.GL_POINTS, 0, count)
                calls += 1
            state.unset_state()
        gl.glBindVertexArray(0)
        return calls

    def delete(self) -> None:
        for _, _, vaos, _ in self.groups:
            for p in reversed(list(PASSES)):      # the first owns the buffer the others share
                vaos[p].delete()
        self.groups = []
        for p in self.programs.values():
            p.delete()
        self.programs = {}
