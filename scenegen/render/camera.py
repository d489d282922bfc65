"""View and projection matrices, orbiting and projecting points: pure numpy, the same maths as the shaders."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

__all__ = ["View", "look_at", "perspective", "gl_matrix", "vec3"]


def vec3(values: Any) -> tuple[float, float, float]:
    """Three floats from any sequence or array of three numbers (a View's eye, target and up)."""
    x, y, z = (float(v) for v in values)
    return x, y, z

_MIN_PITCH = math.radians(-89.0)
_MAX_PITCH = math.radians(89.0)


def _unit(v: np.ndarray) -> np.ndarray:
    n = math.sqrt(float(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]))
    return v / n if n > 1e-12 else np.array([0.0, 0.0, -1.0])


def _cross(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.array([a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]])


def look_at(eye: Any, target: Any, up: Any = (0.0, 1.0, 0.0)) -> np.ndarray:
    """World → eye 4×4 float64 (column vectors, eye looks along −z), as gluLookAt."""
    eye = np.asarray(eye, dtype=np.float64)
    f = _unit(np.asarray(target, dtype=np.float64) - eye)
    s = _cross(f, np.asarray(up, dtype=np.float64))
    if float(s @ s) < 1e-18:                     # up parallel to the view: any perpendicular will do
        s = _cross(f, np.array([0.0, 0.0, -1.0]) if abs(f[1]) > 0.5 else np.array([0.0, 1.0, 0.0]))
    s = _unit(s)
    u = _cross(s, f)
    m = np.eye(4)
    m[0, :3], m[1, :3], m[2, :3] = s, u, -f
    m[:3, 3] = -(m[:3, :3] @ eye)
    return m


def perspective(fov_y: float, aspect: float, near: float, far: float) -> np.ndarray:
    """Eye → clip 4×4 float64 (gluPerspective); fov_y in degrees, clip z in −1…1."""
    t = 1.0 / math.tan(math.radians(fov_y) / 2.0)
    m = np.zeros((4, 4))
    m[0, 0], m[1, 1] = t / aspect, t
    m[2, 2], m[2, 3] = (far + near) / (near - far), 2.0 * far * near / (near - far)
    m[3, 2] = -1.0
    return m


def gl_matrix(m: np.ndarray) -> tuple[float, ...]:
    """A 4×4 numpy matrix as the 16 column-major floats glUniformMatrix4fv (transpose=False) expects."""
    m = np.asarray(m, dtype=np.float64)
    assert m.shape == (4, 4), m.shape
    return tuple(float(x) for x in m.T.reshape(16))


@dataclass(frozen=True)
class View:
    """A perspective camera: where the eye is, what it looks at, lens and clip planes.

    Immutable: the orbit/dolly/pan moves return a new View, so a viewer keeps a history for free.
    """
    eye: tuple[float, float, float] = (0.0, 10.0, 50.0)
    target: tuple[float, float, float] = (0.0, 2.0, 0.0)
    up: tuple[float, float, float] = (0.0, 1.0, 0.0)
    fov: float = 55.0
    near: float = 0.1
    far: float = 2000.0

    @classmethod
    def from_camera(cls, camera: Any) -> View:
        """The view of a scene's Camera record (position, look_at, up, fov, near, far)."""
        return cls(eye=vec3(camera.position), target=vec3(camera.look_at),
                   up=vec3(camera.up), fov=float(camera.fov), near=float(camera.near),
                   far=float(camera.far))

    @classmethod
    def of(cls, camera: Any) -> View:
        """A View from a View, a scene Camera record, or anything with eye/target or position/look_at."""
        if isinstance(camera, View):
            return camera
        return cls.from_camera(camera)

    # ------------------------------------------------------------------------------------------ matrices
    def view_matrix(self) -> np.ndarray:
        return look_at(self.eye, self.target, self.up)

    def projection_matrix(self, aspect: float) -> np.ndarray:
        return perspective(self.fov, aspect, self.near, self.far)

    def view_projection(self, aspect: float) -> np.ndarray:
        return self.projection_matrix(aspect) @ self.view_matrix()

    @property
    def forward(self) -> np.ndarray:
        return _unit(np.asarray(self.target, dtype=np.float64) - np.asarray(self.eye, dtype=np.float64))

    @property
    def distance(self) -> float:
        d = np.asarray(self.target, dtype=np.float64) - np.asarray(self.eye, dtype=np.float64)
        return math.sqrt(float(d @ d))

    def project(self, points: Any, size: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
        """Pixel coordinates (…, 2) of world points (x right, y down from the top-left corner of a frame
        of `size` = (width, height)) and whether each is in front of the eye and inside the frame."""
        w, h = size
        p = np.asarray(points, dtype=np.float64)
        m = self.view_projection(w / h)
        clip = p @ m[:, :3].T + m[:, 3]
        cw = clip[..., 3]
        safe = np.where(np.abs(cw) < 1e-12, 1e-12, cw)
        ndc = clip[..., :3] / safe[..., None]
        px = np.stack([(ndc[..., 0] * 0.5 + 0.5) * w, (0.5 - ndc[..., 1] * 0.5) * h], axis=-1)
        inside = (cw > 0) & (np.abs(ndc[..., 0]) <= 1) & (np.abs(ndc[..., 1]) <= 1) & (np.abs(ndc[..., 2]) <= 1)
        return px, inside

    # ------------------------------------------------------------------------------------------ movement
    def _spherical(self) -> tuple[float, float, float]:
        d = np.asarray(self.eye, dtype=np.float64) - np.asarray(self.target, dtype=np.float64)
        r = math.sqrt(float(d @ d))
        yaw = math.atan2(d[0], d[2])
        pitch = math.asin(max(-1.0, min(1.0, d[1] / r))) if r > 0 else 0.0
        return r, yaw, pitch

    def orbit(self, d_yaw: float, d_pitch: float) -> View:
        """Turn the eye about the target: yaw about +y, pitch towards the pole (radians), never over it."""
        r, yaw, pitch = self._spherical()
        yaw += d_yaw
        pitch = min(_MAX_PITCH, max(_MIN_PITCH, pitch + d_pitch))
        t = np.asarray(self.target, dtype=np.float64)
        eye = t + r * np.array([math.cos(pitch) * math.sin(yaw), math.sin(pitch), math.cos(pitch) * math.cos(yaw)])
        return replace(self, eye=vec3(eye), up=(0.0, 1.0, 0.0))

    def dolly(self, factor: float, min_distance: float = 0.5) -> View:
        """Move the eye towards (factor < 1) or away from (factor > 1) the target."""
        t = np.asarray(self.target, dtype=np.float64)
        d = np.asarray(self.eye, dtype=np.float64) - t
        r = math.sqrt(float(d @ d))
        scale = max(min_distance, r * factor) / r if r > 0 else 1.0
        return replace(self, eye=vec3(t + d * scale))

    def pan(self, right: float, up: float) -> View:
        """Slide eye and target together along the view's right and up directions, metres."""
        m = self.view_matrix()
        shift = right * m[0, :3] + up * m[1, :3]
        return replace(self, eye=vec3(np.asarray(self.eye) + shift),
                       target=vec3(np.asarray(self.target) + shift))
