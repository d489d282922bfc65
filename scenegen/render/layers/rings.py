"""Rings layer: the rings notes start on the stage, a quad over its surface lit from the State's ring arrays."""

from __future__ import annotations

from typing import Any

import numpy as np
from pyglet import gl

from ..perfpack import MAX_RINGS, pack_rings
from ..shaders import load_program
from .base import AdditiveGroup, Frame, VertexArray, set_uniforms
from .perform import StateLayer

__all__ = ["RingsLayer", "RING_SPEED_MIN", "RING_WIDTH"]

RING_SPEED_MIN = 1.2      # m/s: a stage whose own ripples are slow still shows a note's ring spreading
RING_WIDTH = 0.18         # crest half-width, metres


class RingsLayer(StateLayer):
    """One draw call (a quad), nothing at all while no ring is alive."""

    name = "rings"

    def __init__(self, stage: Any) -> None:
        self.program = load_program("rings", {"MAX_RINGS": MAX_RINGS})
        self.vao = VertexArray(self.program)
        self.count = 0
        color = np.asarray(stage.color, dtype=np.float64) * 0.6 + 0.55
        set_uniforms(self.program, {
            "u_stage_disc": (float(stage.center[0]), float(stage.top), float(stage.center[1]), float(stage.radius)),
            "u_ring_wave": (max(float(stage.ripple_speed), RING_SPEED_MIN), RING_WIDTH, 0.9,
                            0.5 * float(stage.ripple_damping)),
            "u_ring_color": tuple(float(c) for c in color),
        })
        self.group = AdditiveGroup(order=2)

    def perform(self, uniforms: Any, state: Any) -> None:
        rows, self.count = pack_rings(state)
        self.program.use()
        set_uniforms(self.program, {"u_rings": rows, "u_ring_count": int(self.count)})

    def draw(self, frame: Frame) -> int:
        if frame.shared.get("state") is None or self.count == 0:
            return 0
        return self.draw_once(frame, gl.GL_TRIANGLE_STRIP, 4)
