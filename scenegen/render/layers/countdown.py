"""Countdown layer: the chronometer prop (gen/chronometer.py) drawn from the State's countdown, one draw call."""

from __future__ import annotations

from typing import Any

import numpy as np
from pyglet import gl

from ...gen.chronometer import generate_chronometer
from ..perfpack import countdown_uniforms
from ..shaders import load_program
from .base import AdditiveGroup, Frame, VertexArray, set_uniforms
from .perform import StateLayer

__all__ = ["CountdownLayer", "CHRONO_DTYPE"]

CHRONO_DTYPE = np.dtype([("a_kind", np.float32), ("a_param", np.float32, 4), ("a_size", np.float32),
                         ("a_twinkle", np.float32, 2)])


class CountdownLayer(StateLayer):
    """The hourglass and its readout as point sprites from one buffer made once; placed, sized and
    coloured by the countdown cue the State shows; it turns its face (the readout) to the eye. Nothing is
    drawn while no countdown shows."""

    name = "countdown"

    def __init__(self, scene: Any) -> None:
        self.scene = scene
        chrono = generate_chronometer(scene.seed)
        data = np.zeros(len(chrono.kind_i), dtype=CHRONO_DTYPE)
        data["a_kind"] = chrono.kind_i
        data["a_param"] = chrono.param_i
        data["a_size"] = chrono.size_i
        data["a_twinkle"] = chrono.twinkle_i
        self.count = len(data)
        self.program = load_program("countdown")
        self.vao = VertexArray(self.program)
        self.vao.attach(data)
        sizes = (gl.GLfloat * 2)()
        gl.glGetFloatv(gl.GL_POINT_SIZE_RANGE, sizes)
        set_uniforms(self.program, {"u_max_point": float(sizes[1])})
        self.visible = 0.0
        self.center = np.zeros(3)
        self.group = AdditiveGroup(order=36)

    def perform(self, uniforms: Any, state: Any) -> None:
        u = countdown_uniforms(self.scene, state)
        self.visible = float(u["u_count"][3])
        if "u_chrono_center" in u:
            self.center = np.asarray(u["u_chrono_center"], dtype=np.float64)
        self.program.use()
        set_uniforms(self.program, u)

    def draw(self, frame: Frame) -> int:
        if frame.shared.get("state") is None or self.visible <= 0.0:
            return 0
        face = np.asarray(frame.eye, dtype=np.float64) - self.center
        face[1] = 0.0
        n = float(np.linalg.norm(face))
        face = face / n if n > 1e-9 else np.array([0.0, 0.0, 1.0])
        right = np.cross(np.array([0.0, 1.0, 0.0]), face)
        return self.draw_once(frame, gl.GL_POINTS, self.count, {
            "u_chrono_face": tuple(float(x) for x in face), "u_chrono_right": tuple(float(x) for x in right)})
