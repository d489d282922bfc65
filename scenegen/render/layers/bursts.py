"""Bursts layer: the particles a note's burst has alive at this frame, point sprites uploaded each frame."""

from __future__ import annotations

from typing import Any

from pyglet import gl

from ..perfpack import BURST_DTYPE, pack_bursts
from ..shaders import load_program
from .base import BlendGroup, Buffer, Frame, VertexArray, set_uniforms
from .perform import StateLayer

__all__ = ["BurstsLayer"]


class BurstsLayer(StateLayer):
    """One draw call. Each frame the State's burst arrays (a few thousand particles at most) go into one
    streaming buffer: bursts are a pure function of (cue, particle, t − at) in scenegen.perform, so there
    is no simulation here and any moment can be drawn directly."""

    name = "bursts"

    def __init__(self) -> None:
        import numpy as np
        self.program = load_program("bursts")
        self.vao = VertexArray(self.program)
        self.buffer: Buffer = self.vao.attach(np.zeros(0, dtype=BURST_DTYPE))
        self.count = 0
        sizes = (gl.GLfloat * 2)()
        gl.glGetFloatv(gl.GL_POINT_SIZE_RANGE, sizes)
        set_uniforms(self.program, {"u_max_point": float(sizes[1])})
        self.group = BlendGroup(order=35)

    def perform(self, uniforms: Any, state: Any) -> None:
        data = pack_bursts(state)
        self.buffer.upload(data, gl.GL_STREAM_DRAW)
        self.count = len(data)

    def draw(self, frame: Frame) -> int:
        if frame.shared.get("state") is None:
            self.count = 0
        # Issued with no particle too: the calls per frame stay constant.
        return self.draw_once(frame, gl.GL_POINTS, self.count)
