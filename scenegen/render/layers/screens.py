"""Sky-screen layer: the colossal screens with their flowing light, one instanced draw call."""

from __future__ import annotations

from typing import Any

from pyglet import gl

from .. import packing
from ..shaders import load_program
from .base import BlendGroup, MeshLayer, VertexArray, set_uniforms

__all__ = ["ScreensLayer"]


class ScreenGroup(BlendGroup):
    """Premultiplied blending that also writes depth: the eyes floating behind a screen stay hidden."""

    def set_state(self) -> None:
        super().set_state()
        gl.glDepthMask(gl.GL_TRUE)


class ScreensLayer(MeshLayer):
    name = "screens"

    def __init__(self, screens: Any, audience: Any = ()) -> None:
        self.program = load_program("screens")
        data = packing.pack_screens(screens)
        self.vao = VertexArray(self.program)
        self.vao.attach(data, divisor=1)
        self.count = len(data)
        set_uniforms(self.program, packing.screen_uniforms(screens, audience))
        self.group = ScreenGroup(order=12)

    def issue(self) -> None:
        gl.glDrawArraysInstanced(gl.GL_TRIANGLE_STRIP, 0, 4, self.count)   # one quad per screen
