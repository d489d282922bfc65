"""Audience layer: every group's figures as point sprites from one buffer per group, three draw calls per group."""

from __future__ import annotations

import ctypes
import math
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
from pyglet import gl

from .. import packing
from ..shaders import load_program
from .base import AdditiveGroup, CoreGroup, Frame, Layer, VertexArray, set_uniforms

__all__ = ["AudienceLayer", "AUDIENCE_EXPOSURE", "FIGURES", "FigureKind"]

# The glow of one figure, by kind: a sky full of eyes packed edge to edge must leave the nebula showing.
AUDIENCE_EXPOSURE = {"silhouette": 1.0, "eye": 0.6}


@dataclass(frozen=True)
class FigureKind:
    """What the layer must know of a kind of figure to choose its clusters (mirrors shaders/audience.glsl)."""
    small_px: float     # below this many pixels per local unit a figure is a soft glow (the shader's SMALL_PX)
    unit: float         # the shader's local unit in figure heights (eyes: radii), before any breath
    breathes: bool      # the unit itself swells with the breath (eyes), not only the drawing in it
    reach: float        # how far from its anchor the largest sprite reaches, in units: MID + SPRITE / √2


FIGURES = {
    "silhouette": FigureKind(small_px=6.0, unit=1.0, breathes=False, reach=0.52 + 1.2 / math.sqrt(2.0)),
    "eye": FigureKind(small_px=3.0, unit=0.5, breathes=True, reach=3.4 / math.sqrt(2.0)),
}

# core: the solid cores of the larger figures (depth only); small: the small figures as plain glows;
# detail: the larger in full detail. Each is one program per kind reading the group's one buffer.
PASSES = {"core": 0, "small": 1, "detail": 2}
_LARGE = ("core", "detail")


@dataclass
class _Group:
    figure: str
    count: int
    vaos: dict[str, VertexArray]
    uniforms: dict[str, Any]
    clusters: np.ndarray
    unit_range: tuple[float, float]      # local units per metre of height, least and greatest (breath)
    source: int = 0                      # its index among the scene's groups
    leaning: bool = False                # the performance swells its eyes: every pass gets every cluster


class AudienceLayer(Layer):
    """Uploads each group's per-figure array once (one glBufferData); draws 3 calls per group (core depth,
    small glows, detailed figures), whatever the number of figures.

    The figures are packed cluster by cluster (packing.audience_order), and each frame the clusters out of
    view, or out of a pass's size range, are left out of that pass's glMultiDrawArrays, in one numpy test
    per cluster: the vertex shader never runs for them. Inside the clusters given, each figure still
    decides in the vertex shader. Why on the CPU: moving a point out of the clip volume skips its pixels,
    but llvmpipe then sends the whole batch down its clipping path — with one point in a hundred culled
    that way a pass cost a third more than drawing every point — and three passes each ran the vertex
    shader over every figure. `cull=False` gives every pass every cluster: the same pixels, only slower.
    """

    name = "audience"

    def __init__(self, groups: Any, stage: Any = None, lights: Any = None, cull: bool = True) -> None:
        self.cull = cull
        self.programs = {(kind, p): load_program("audience", {"FIGURE": packing.FIGURE_IDS[kind], "PASS": pid,
                                                             "SMALL_PX": f"{FIGURES[kind].small_px:.1f}"})
                         for kind in packing.FIGURE_IDS for p, pid in PASSES.items()}
        self.groups: list[_Group] = []
        self.upload_ms = 0.0
        self.pack_ms = 0.0
        glint = packing.eye_glint(stage, lights) if stage is not None else (1.0, 1.0, 1.0)
        sizes = (gl.GLfloat * 2)()
        gl.glGetFloatv(gl.GL_POINT_SIZE_RANGE, sizes)
        max_point = float(sizes[1])
        for source, group in enumerate(groups):
            if len(group.pos_i) == 0:
                continue
            kind = FIGURES[group.figure]
            swell = abs(float(group.breathing_depth)) if kind.breathes else 0.0
            gl.glFinish()        # nothing queued before may be counted as this upload
            t0 = time.perf_counter()
            order = packing.audience_order(group)
            data = packing.pack_audience(group, order)
            clusters = packing.audience_clusters(data, packing.audience_scales(group)[0],
                                                 kind.reach * kind.unit * (1.0 + swell))
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
            self.groups.append(_Group(group.figure, len(data), vaos, uniforms, clusters,
                                      (kind.unit * (1.0 - swell), kind.unit * (1.0 + swell)), source))
        self.group = AdditiveGroup(order=20)
        self.core_group = CoreGroup(order=19)

    @property
    def figure_count(self) -> int:
        return sum(g.count for g in self.groups)

    def _ranges(self, g: _Group, frame: Frame) -> dict[str, tuple[Any, Any, int]]:
        """Per pass, the (first, count, n) ctypes arrays of the clusters it is given this frame."""
        if self.cull and not g.leaning:
            seen, least, most = packing.cluster_sizes(g.clusters, frame.view, frame.projection, frame.size)
            height = g.clusters["height"].astype(np.float64)
            fewest = least * height[:, 0] * g.unit_range[0]     # pixels per local unit, bounds over the cluster
            most_px = most * height[:, 1] * g.unit_range[1]
            small_px = FIGURES[g.figure].small_px
            large = seen & (most_px >= small_px)
            small = seen & (fewest < small_px)
        else:
            large = small = np.ones(len(g.clusters), dtype=bool)
        out = {}
        for p in PASSES:
            first, count = packing.cluster_ranges(g.clusters, large if p in _LARGE else small)
            n = len(first)
            out[p] = ((ctypes.c_int * max(n, 1))(*first.tolist()), (ctypes.c_int * max(n, 1))(*count.tolist()), n)
        return out

    def perform(self, uniforms: Any, state: Any) -> None:
        """Each group's share of the performance (sync, breath, dissolve, tint, pose), set with its own
        uniforms at its draw calls."""
        for g in self.groups:
            g.uniforms.update(uniforms.groups[g.source])
            g.leaning = g.figure == "eye" and float(g.uniforms.get("u_lean", 0.0)) > 0.0

    def draw(self, frame: Frame) -> int:
        cam = frame.camera_uniforms()
        ranges = [self._ranges(g, frame) for g in self.groups]
        calls = 0
        for p in PASSES:
            state = self.core_group if p == "core" else self.group
            state.set_state()
            for g, r in zip(self.groups, ranges):
                program = self.programs[(g.figure, p)]
                program.use()
                set_uniforms(program, cam)
                set_uniforms(program, g.uniforms)     # groups of one kind share a program
                g.vaos[p].bind()
                first, count, n = r[p]
                # Issued even with no range (it draws nothing): the calls per frame stay 3 per group.
                gl.glMultiDrawArrays(gl.GL_POINTS, first, count, n)
                calls += 1
            state.unset_state()
        gl.glBindVertexArray(0)
        return calls

    def delete(self) -> None:
        for g in self.groups:
            for p in reversed(list(PASSES)):      # the first owns the buffer the others share
                g.vaos[p].delete()
        self.groups = []
        for p in self.programs.values():
            p.delete()
        self.programs = {}
