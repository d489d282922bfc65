"""Camera: the opening view, by default framing the stage from the audience's side (+z), a little above."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..model import Record, check_arrays, value
from ..spec import CameraSpec
from .stage import Stage
from .terrain import Terrain

__all__ = ["Camera", "FRAME_ASPECT", "generate_camera"]

FRAME_ASPECT = 16.0 / 9.0
"""The frame shape the default framing is fitted to; a renderer may use its window's own."""
_FILL = 0.5                       # the stage spans about half the frame's width
_PITCH = math.radians(15.0)       # the eye looks down on the stage this steeply
_LOOK_LIFT = 1.5                  # look at a performer's height above the stage centre, metres
# The performer's framing: eye height above the stage and how far out (in stage radii) it stands, and
# how high above the stage its gaze meets the far edge.
_PERFORMER_EYE_LIFT = 3.2
_PERFORMER_BACK = 1.2
_PERFORMER_LOOK_LIFT = 8.0
_CLEARANCE = 2.0                  # the sightline stays this far above the ground, metres
_FAR_MARGIN = 1.05


@dataclass(frozen=True, eq=False)
class Camera(Record):
    """A perspective camera (OpenGL conventions: looks along −z of its eye space, clip z in −1…1)."""
    position: tuple[float, float, float] = value("Eye position, world metres.")
    look_at: tuple[float, float, float] = value("Point looked at, world metres.")
    up: tuple[float, float, float] = value("Unit up direction (+y unless looking straight up or down).")
    fov: float = value("Vertical field of view, degrees.")
    near: float = value("Near clipping distance, metres.")
    far: float = value("Far clipping distance, metres (the sky itself is drawn at infinity).")
    aspect: float = value("Frame width / height the default framing was fitted to.")

    def _basis(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        eye = np.array(self.position, dtype=np.float64)
        f = _unit(np.array(self.look_at, dtype=np.float64) - eye)
        s = _unit(_cross(f, np.array(self.up, dtype=np.float64)))
        return eye, s, _cross(s, f), f

    def view_matrix(self) -> np.ndarray:
        """World → eye, 4×4 float64 (column vectors: clip = P · V · p)."""
        eye, s, u, f = self._basis()
        m = np.eye(4)
        m[0, :3], m[1, :3], m[2, :3] = s, u, -f
        m[0, 3], m[1, 3], m[2, 3] = -_dot(s, eye), -_dot(u, eye), _dot(f, eye)
        return m

    def projection_matrix(self, aspect: float | None = None) -> np.ndarray:
        """Eye → clip, 4×4 float64, OpenGL's perspective (gluPerspective)."""
        a = self.aspect if aspect is None else aspect
        t = 1.0 / math.tan(math.radians(self.fov) / 2.0)
        n, f = self.near, self.far
        m = np.zeros((4, 4))
        m[0, 0], m[1, 1] = t / a, t
        m[2, 2], m[2, 3] = (f + n) / (n - f), 2.0 * f * n / (n - f)
        m[3, 2] = -1.0
        return m

    def to_clip(self, points: np.ndarray, aspect: float | None = None) -> np.ndarray:
        """Clip coordinates (…, 4) of world points (…, 3); inside the frame when |x|, |y|, |z| ≤ w."""
        p = np.asarray(points, dtype=np.float64)
        v, proj = self.view_matrix(), self.projection_matrix(aspect)
        eye = [v[r, 0] * p[..., 0] + v[r, 1] * p[..., 1] + v[r, 2] * p[..., 2] + v[r, 3] for r in range(3)]
        out = [proj[r, 0] * eye[0] + proj[r, 1] * eye[1] + proj[r, 2] * eye[2] + proj[r, 3] for r in range(4)]
        return np.stack(out, axis=-1)


def _dot(a: np.ndarray, b: np.ndarray) -> float:
    return float(a[0] * b[0] + a[1] * b[1] + a[2] * b[2])


def _cross(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.array([a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]])


def _unit(v: np.ndarray) -> np.ndarray:
    n = math.sqrt(_dot(v, v))
    return v / n if n > 1e-12 else np.array([0.0, 0.0, -1.0])


def _tuple3(c: np.ndarray) -> tuple[float, float, float]:
    return (float(c[0]), float(c[1]), float(c[2]))


def _framing(spec: CameraSpec, stage: Stage, terrain: Terrain, look: np.ndarray) -> np.ndarray:
    """Eye in front of the stage (+z) and above it, at the distance where the stage fills `_FILL` of the
    frame's width, raised if the land between would hide the stage's front edge."""
    half = stage.radius + stage.rim_width
    tan_h = math.tan(math.radians(spec.fov) / 2.0) * FRAME_ASPECT
    dist = 2.0 * half / (2.0 * _FILL * tan_h)
    eye = look + dist * np.array([0.0, math.sin(_PITCH), math.cos(_PITCH)])
    # Keep the sightline from the eye to the front edge of the stage above the ground: at fraction f of
    # the way, the line is at eye_y + f·(edge_y − eye_y), which must clear ground(f) + _CLEARANCE.
    edge = np.array([stage.center[0], stage.top, stage.center[1] + half])
    f = np.linspace(0.0, 0.9, 31)
    ground = terrain.height_at(eye[0] + f * (edge[0] - eye[0]), eye[2] + f * (edge[2] - eye[2]))
    need = (ground + _CLEARANCE - f * edge[1]) / (1.0 - f)
    eye[1] = max(eye[1], float(need.max()))
    return eye


def _reach(stage: Stage, terrain: Terrain) -> float:
    """Farthest distance from the stage centre to a corner of the terrain's bounding box."""
    sx, sz = terrain.size
    lo, hi = terrain.height_range
    cx, cz = stage.center
    dx = max(abs(-sx / 2 - cx), abs(sx / 2 - cx))
    dz = max(abs(-sz / 2 - cz), abs(sz / 2 - cz))
    dy = max(abs(lo - stage.top), abs(hi - stage.top))
    return math.sqrt(dx * dx + dy * dy + dz * dz)


def generate_camera(spec: CameraSpec, stage: Stage, terrain: Terrain, reach: float = 0.0) -> Camera:
    """The opening view. `reach`: how far from the stage centre anything else stands that the far plane
    must include (sky screens, a floating audience); the terrain is always included. Pure."""
    cx, cz = stage.center
    if spec.framing == "performer":
        # Low at the front edge, looking back across the stage and up: the spheres before the
        # performer's hands, the sky (and whatever floats in it) above them.
        default_look = np.array([cx, stage.top + _PERFORMER_LOOK_LIFT, cz - stage.radius])
        default_eye = np.array([cx, stage.top + _PERFORMER_EYE_LIFT, cz + _PERFORMER_BACK * stage.radius])
    else:
        default_look = np.array([cx, stage.top + _LOOK_LIFT, cz])
        default_eye = None
    look = np.array(spec.look_at, dtype=np.float64) if spec.look_at is not None else default_look
    if spec.position is not None:
        eye = np.array(spec.position, dtype=np.float64)
    elif default_eye is not None:
        eye = default_eye
    else:
        eye = _framing(spec, stage, terrain, look)
    forward = look - eye
    if _dot(forward, forward) < 1e-12:           # looking at itself: step back towards the audience
        eye = eye + np.array([0.0, 0.0, 1.0])
        forward = look - eye
    # Looking (almost) straight up or down, +y cannot be up: take the world's forward (−z) instead.
    vertical = abs(forward[1]) > 0.999 * math.sqrt(_dot(forward, forward))
    up = (0.0, 0.0, -1.0) if vertical else (0.0, 1.0, 0.0)
    if spec.far is not None:
        far = float(spec.far)
    else:
        centre = np.array([stage.center[0], stage.top, stage.center[1]])
        d = eye - centre
        # Triangle inequality: nothing within `reach` of the stage centre is farther from the eye than this.
        far = _FAR_MARGIN * (math.sqrt(_dot(d, d)) + max(_reach(stage, terrain), reach))
        far = max(far, 100.0 * spec.near)
    camera = Camera(position=_tuple3(eye), look_at=_tuple3(look), up=up, fov=float(spec.fov),
                    near=float(spec.near), far=far, aspect=FRAME_ASPECT)
    check_arrays(camera)
    return camera
