"""GL plumbing shared by the layers: buffers and vertex arrays from numpy, state groups, the per-frame state."""

from __future__ import annotations

import ctypes
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyglet
from pyglet import gl

from ..camera import gl_matrix

__all__ = ["MeshLayer", "Buffer", "VertexArray", "Frame", "Layer", "set_uniforms", "OpaqueGroup", "SkyGroup",
           "AdditiveGroup", "BlendGroup", "CoreGroup"]


class Buffer:
    """One GL buffer filled straight from a numpy array (a single glBufferData: no per-item Python)."""

    def __init__(self, data: np.ndarray, target: int = gl.GL_ARRAY_BUFFER, usage: int = gl.GL_STATIC_DRAW) -> None:
        self.target = target
        self.id = gl.GLuint()
        gl.glGenBuffers(1, ctypes.byref(self.id))
        self.nbytes = 0
        self.upload(data, usage)

    def upload(self, data: np.ndarray, usage: int = gl.GL_STATIC_DRAW) -> None:
        data = np.ascontiguousarray(data)
        gl.glBindBuffer(self.target, self.id)
        # A zero-size store is legal GL, but some drivers dislike a null pointer: keep at least 16 bytes.
        size = max(int(data.nbytes), 16)
        ptr = data.ctypes.data_as(ctypes.c_void_p) if data.nbytes else None
        gl.glBufferData(self.target, size, ptr, usage)
        self.nbytes = int(data.nbytes)

    def delete(self) -> None:
        if self.id.value:        # a freed name is 0, GL's "no object": safe to call twice
            gl.glDeleteBuffers(1, ctypes.byref(self.id))
            self.id = gl.GLuint(0)


_GL_TYPES = {np.dtype("float32"): gl.GL_FLOAT, np.dtype("uint8"): gl.GL_UNSIGNED_BYTE,
             np.dtype("uint16"): gl.GL_UNSIGNED_SHORT, np.dtype("int32"): gl.GL_INT}


class VertexArray:
    """A vertex array object whose attributes come from the fields of numpy structured arrays.

    Each field `a_name` of a buffer's dtype feeds the program attribute of the same name (fields the
    program does not use are skipped); `divisor=1` makes the buffer per-instance.
    """

    def __init__(self, program: Any) -> None:
        self.program = program
        self.id = gl.GLuint()
        gl.glGenVertexArrays(1, ctypes.byref(self.id))
        self.buffers: list[Buffer] = []
        self.index: Buffer | None = None

    def attach(self, data: np.ndarray, divisor: int = 0, normalized: tuple[str, ...] = ()) -> Buffer:
        assert data.dtype.names, "attach() wants a structured array"
        buf = Buffer(data)
        self.buffers.append(buf)
        gl.glBindVertexArray(self.id)
        gl.glBindBuffer(gl.GL_ARRAY_BUFFER, buf.id)
        self._pointers(data.dtype, divisor, normalized)
        gl.glBindVertexArray(0)
        return buf

    def _pointers(self, dtype: np.dtype, divisor: int, normalized: tuple[str, ...]) -> None:
        attrs = self.program.attributes
        stride = dtype.itemsize
        assert dtype.names is not None and dtype.fields is not None, "a structured dtype"
        for name in dtype.names:
            if name not in attrs:
                continue
            sub, offset = dtype.fields[name][:2]
            base = sub.base
            count = int(np.prod(sub.shape)) if sub.shape else 1
            loc = attrs[name]["location"]
            gl.glEnableVertexAttribArray(loc)
            gltype = _GL_TYPES[base]
            if base == np.dtype("int32") and name not in normalized:
                gl.glVertexAttribIPointer(loc, count, gltype, stride, ctypes.c_void_p(offset))
            else:
                gl.glVertexAttribPointer(loc, count, gltype, name in normalized, stride, ctypes.c_void_p(offset))
            gl.glVertexAttribDivisor(loc, divisor)

    def attach_shared(self, buf: Buffer, dtype: np.dtype, divisor: int = 0) -> None:
        """Feed this VAO's program from a buffer another VAO owns (not freed by this one's delete())."""
        gl.glBindVertexArray(self.id)
        gl.glBindBuffer(gl.GL_ARRAY_BUFFER, buf.id)
        self._pointers(dtype, divisor, ())
        gl.glBindVertexArray(0)

    def attach_index(self, indices: np.ndarray) -> Buffer:
        assert indices.dtype == np.uint32
        gl.glBindVertexArray(self.id)
        self.index = Buffer(indices, gl.GL_ELEMENT_ARRAY_BUFFER)
        gl.glBindVertexArray(0)
        return self.index

    def bind(self) -> None:
        gl.glBindVertexArray(self.id)

    def delete(self) -> None:
        for b in self.buffers:
            b.delete()
        self.buffers = []
        if self.index is not None:
            self.index.delete()
            self.index = None
        if self.id.value:        # a freed name is 0, GL's "no object": safe to call twice
            gl.glDeleteVertexArrays(1, ctypes.byref(self.id))
            self.id = gl.GLuint(0)


def set_uniforms(program: Any, values: Mapping[str, Any]) -> None:
    """Set each uniform the program has; ones the compiler removed as unused are skipped.

    Array uniforms take a sequence of tuples (numpy (k, n) arrays work): `u_x` for `uniform vecN u_x[K]`.
    """
    have = program._uniforms  # pyglet's introspected table: name → uniform
    for name, value in values.items():
        u = have.get(name)
        if u is None:
            u = have.get(name + "[0]")
            if u is None:
                continue
        if isinstance(value, np.ndarray):
            if value.ndim == 2 and value.shape == (4, 4) and name.endswith("matrix"):
                value = gl_matrix(value)
            elif value.ndim == 2:
                value = [tuple(float(x) for x in row) for row in value]
            elif value.ndim == 1 and u.size > 1:
                value = [float(x) for x in value]
            else:
                value = tuple(float(x) for x in value.reshape(-1))
        if u.size > 1:
            # pyglet's array setter wants the whole array: pad with zeros, drop what does not fit.
            rows = list(value)[: u.size]
            pad = (0.0,) * u.length if u.length > 1 else 0.0
            u.set(rows + [pad] * (u.size - len(rows)))
        else:
            if isinstance(value, (list, tuple)) and value and isinstance(value[0], (list, tuple)):
                value = value[0]
            u.set(value)


# ------------------------------------------------------------------------------------------- GL state
# State lives in pyglet Groups (set_state / unset_state); equal groups compare equal, as pyglet batches
# expect, so a viewer could put these layers into a Batch's group tree unchanged.

class OpaqueGroup(pyglet.graphics.Group):
    """Depth-tested, depth-writing, no blending: land and stage."""

    def set_state(self) -> None:
        gl.glEnable(gl.GL_DEPTH_TEST)
        gl.glDepthFunc(gl.GL_LESS)
        gl.glDepthMask(gl.GL_TRUE)
        gl.glDisable(gl.GL_BLEND)

    def unset_state(self) -> None:
        pass

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and self.order == other.order

    def __hash__(self) -> int:
        return hash((type(self), self.order))


class SkyGroup(OpaqueGroup):
    """Drawn at depth 1 (z = w) behind everything: it must pass GL_LEQUAL, and writes no depth."""

    def set_state(self) -> None:
        gl.glEnable(gl.GL_DEPTH_TEST)
        gl.glDepthFunc(gl.GL_LEQUAL)
        gl.glDepthMask(gl.GL_FALSE)
        gl.glDisable(gl.GL_BLEND)

    def unset_state(self) -> None:
        gl.glDepthMask(gl.GL_TRUE)
        gl.glDepthFunc(gl.GL_LESS)


class AdditiveGroup(OpaqueGroup):
    """Light added onto what is there (glows, mist, cones): order-independent, depth-tested, no depth write."""

    def __init__(self, order: int = 0, depth_func: int = gl.GL_LEQUAL, parent: Any = None) -> None:
        super().__init__(order, parent)
        self.depth_func = depth_func

    def set_state(self) -> None:
        gl.glEnable(gl.GL_DEPTH_TEST)
        gl.glDepthFunc(self.depth_func)
        gl.glDepthMask(gl.GL_FALSE)
        gl.glEnable(gl.GL_BLEND)
        gl.glBlendEquation(gl.GL_FUNC_ADD)
        gl.glBlendFunc(gl.GL_ONE, gl.GL_ONE)
        gl.glEnable(gl.GL_PROGRAM_POINT_SIZE)

    def unset_state(self) -> None:
        gl.glDepthMask(gl.GL_TRUE)
        gl.glDepthFunc(gl.GL_LESS)
        gl.glDisable(gl.GL_BLEND)

    def __eq__(self, other: object) -> bool:
        return super().__eq__(other) and self.depth_func == other.depth_func  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash((type(self), self.order, self.depth_func))


class CoreGroup(OpaqueGroup):
    """Depth only (colour writes off): the solid cores of glowing things hide what stands behind them.
    The glow drawn after it at the very same depth (the programs declare gl_Position invariant) passes
    the LEQUAL test."""

    def set_state(self) -> None:
        gl.glEnable(gl.GL_DEPTH_TEST)
        gl.glDepthFunc(gl.GL_LESS)
        gl.glDepthMask(gl.GL_TRUE)
        gl.glColorMask(gl.GL_FALSE, gl.GL_FALSE, gl.GL_FALSE, gl.GL_FALSE)
        gl.glEnable(gl.GL_PROGRAM_POINT_SIZE)

    def unset_state(self) -> None:
        gl.glColorMask(gl.GL_TRUE, gl.GL_TRUE, gl.GL_TRUE, gl.GL_TRUE)


class BlendGroup(AdditiveGroup):
    """Premultiplied-alpha 'over' blending: things that also hide what is behind (smoke, crystal)."""

    def set_state(self) -> None:
        super().set_state()
        gl.glBlendFunc(gl.GL_ONE, gl.GL_ONE_MINUS_SRC_ALPHA)


# ------------------------------------------------------------------------------------------ the frame

@dataclass
class Frame:
    """What every layer needs to draw one frame: time, camera matrices, viewport, shared uniforms."""
    time: float
    size: tuple[int, int]
    eye: np.ndarray
    view: np.ndarray
    projection: np.ndarray
    shared: dict[str, Any] = field(default_factory=dict)

    @property
    def view_projection(self) -> np.ndarray:
        return self.projection @ self.view

    @property
    def pixel_scale(self) -> float:
        """Sizes given 'in pixels at 720 lines' scale by this."""
        return self.size[1] / 720.0

    def camera_uniforms(self) -> dict[str, Any]:
        w, h = self.size
        rot = self.view[:3, :3]
        return {
            "u_time": float(self.time),
            "u_view_proj_matrix": self.view_projection,
            "u_view_matrix": self.view,
            "u_proj_matrix": self.projection,
            "u_eye": tuple(float(x) for x in self.eye),
            "u_viewport": (float(w), float(h)),
            "u_pixel_scale": float(self.pixel_scale),
            # Eye-space axes in world space (rows of the view rotation): right, up, back.
            "u_cam_right": tuple(float(x) for x in rot[0]),
            "u_cam_up": tuple(float(x) for x in rot[1]),
            "u_cam_back": tuple(float(x) for x in rot[2]),
            "u_tan_half": (1.0 / float(self.projection[0, 0]), 1.0 / float(self.projection[1, 1])),
        }


class Layer:
    """One part of the picture: owns its programs and buffers; draws a constant number of calls."""

    name = "layer"

    def draw(self, frame: Frame) -> int:
        """Draw into the bound framebuffer; returns the number of draw calls issued."""
        raise NotImplementedError

    def delete(self) -> None:
        raise NotImplementedError


class MeshLayer(Layer):
    """A layer drawn with one program under one state group in one call (by default indexed triangles).

    Subclasses set `program`, `vao`, `count` (indices) and `group` in __init__.
    """

    program: Any
    vao: VertexArray
    count: int
    group: OpaqueGroup

    def draw(self, frame: Frame) -> int:
        if self.count == 0:
            return 0
        self.group.set_state()
        self.program.use()
        set_uniforms(self.program, frame.camera_uniforms())
        self.vao.bind()
        self.issue()
        gl.glBindVertexArray(0)
        self.group.unset_state()
        return 1

    def issue(self) -> None:
        """The one draw call: indexed triangles (a layer of instanced quads overrides it)."""
        gl.glDrawElements(gl.GL_TRIANGLES, self.count, gl.GL_UNSIGNED_INT, None)

    def delete(self) -> None:
        self.vao.delete()
        self.program.delete()
