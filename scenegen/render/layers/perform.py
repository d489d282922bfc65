"""A frame's performance State for the layers: its uniforms on every program; the base of the State-only layers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pyglet import gl
from pyglet.graphics.shader import ShaderProgram

from ..perfpack import perf_uniforms
from .base import Frame, Layer, set_uniforms

__all__ = ["perform_layers", "programs_of", "StateLayer"]


def programs_of(layer: Any) -> Iterator[Any]:
    """Every shader program a layer holds, however it keeps them (an attribute, a dict, tuples of parts)."""
    seen: set[int] = set()

    def walk(value: Any, depth: int) -> Iterator[Any]:
        if isinstance(value, ShaderProgram):
            if id(value) not in seen:
                seen.add(id(value))
                yield value
        elif depth < 2 and isinstance(value, dict):
            for v in value.values():
                yield from walk(v, depth + 1)
        elif depth < 2 and isinstance(value, (list, tuple)):
            for v in value:
                yield from walk(v, depth + 1)

    for value in vars(layer).values():
        yield from walk(value, 0)


def perform_layers(layers: list[Any], scene: Any, state: Any, frame: Frame) -> None:
    """Set the State's uniforms on every layer's programs; layers that need more (per-group values, a
    mesh that follows a beam, particles) take it in their `perform(uniforms, state)`. The State is left
    in frame.shared['state'] for the layers that draw it directly."""
    uniforms = perf_uniforms(scene, state)
    frame.shared["state"] = state
    frame.shared["perf"] = uniforms
    for layer in layers:
        layer = getattr(layer, "layer", layer)        # the viewer's wireframe wrapper
        for program in programs_of(layer):
            program.use()
            set_uniforms(program, uniforms.common)
            if layer.name == "screens":
                set_uniforms(program, uniforms.screens)
        hook = getattr(layer, "perform", None)
        if hook is not None:
            hook(uniforms, state)


class StateLayer(Layer):
    """A layer that draws only what the State holds (bursts, rings, the chronometer): one program, one
    vertex array, one state group, one draw call; subclasses set them in __init__."""

    program: Any
    vao: Any
    group: Any

    def draw_once(self, frame: Frame, mode: int, count: int, extra: dict[str, Any] | None = None) -> int:
        self.group.set_state()
        self.program.use()
        set_uniforms(self.program, {**frame.camera_uniforms(), **(extra or {})})
        self.vao.bind()
        gl.glDrawArrays(mode, 0, count)
        gl.glBindVertexArray(0)
        self.group.unset_state()
        return 1

    def delete(self) -> None:
        self.vao.delete()
        self.program.delete()
