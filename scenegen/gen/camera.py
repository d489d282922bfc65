"""Cameras: the opening view and the named shots (stage, performer, audience, sphere, sky, flaw), each framed
from the scene's own parts so that what the dream is about is in sight and nothing hides it."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..model import Record, check_arrays, value
from ..spec import FRAMINGS, CameraSpec
from .stage import Stage
from .terrain import Terrain

__all__ = ["Camera", "FRAME_ASPECT", "FRAMINGS", "generate_camera", "shot_names", "scene_shot"]

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
_EYE_HEIGHT = 1.7                 # a standing performer's eyes above the stage, metres
_GAP = 1.1                        # spheres seen apart: centres this many summed radii apart on screen
_EDGE = 0.9                       # … and inside this much of the frame (normalised device coordinates)
# The performer's framing is raised and stepped back through these (eye lift, back in stage radii) until
# every sphere is seen whole and apart; the first is the classic low view.
_PERFORMER_TRIES = tuple((lift, back) for back in (1.2, 1.5, 1.9, 2.4) for lift in (3.2, 4.5, 6.0, 8.0, 10.5))


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


def _sphere_discs(cam: Camera, centres: np.ndarray, radii: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Screen positions (n, 2, NDC) and radii (n, NDC of the frame's height) of spheres; NaN behind the eye."""
    clip = cam.to_clip(centres)
    w = clip[:, 3]
    ndc = clip[:, :2] / np.where(w > 1e-6, w, np.nan)[:, None]
    focal = 1.0 / math.tan(math.radians(cam.fov) / 2.0)
    return ndc, radii * focal / np.where(w > 1e-6, w, np.nan)


def spheres_apart(cam: Camera, centres: np.ndarray, radii: np.ndarray) -> float:
    """How well the spheres are seen: the smallest gap between two discs in summed radii (≥ _GAP: apart),
    0 when one is out of the frame or behind the eye."""
    if len(centres) == 0:
        return math.inf
    ndc, r = _sphere_discs(cam, centres, radii)
    if not np.all(np.isfinite(ndc)) or np.any(np.abs(ndc) + np.stack([r / cam.aspect, r], 1) > _EDGE):
        return 0.0
    p = ndc * np.array([cam.aspect, 1.0])                    # to square units (height = 2)
    best = math.inf
    for i in range(len(p)):
        for j in range(i + 1, len(p)):
            best = min(best, float(np.hypot(*(p[i] - p[j]))) / float(r[i] + r[j]))
    return best


def _make(spec: CameraSpec, eye: np.ndarray, look: np.ndarray, stage: Stage, terrain: Terrain,
          reach: float, fov: float | None = None) -> Camera:
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
    camera = Camera(position=_tuple3(eye), look_at=_tuple3(look), up=up, fov=float(spec.fov if fov is None else fov),
                    near=float(spec.near), far=far, aspect=FRAME_ASPECT)
    check_arrays(camera)
    return camera


def _performer(spec: CameraSpec, stage: Stage, terrain: Terrain, reach: float, props: Any) -> tuple[
        np.ndarray, np.ndarray]:
    """Low at the front edge, looking back across the stage and up: the spheres before the performer's
    hands, the sky (and whatever floats in it) above them; raised and stepped back as far as it takes to
    see every sphere whole and apart."""
    cx, cz = stage.center
    look = np.array([cx, stage.top + _PERFORMER_LOOK_LIFT, cz - stage.radius])
    if spec.look_at is not None:
        look = np.array(spec.look_at, dtype=np.float64)
    sph = getattr(props, "spheres", None)
    centres = sph.center_i.astype(np.float64) if sph is not None else np.zeros((0, 3))
    radii = sph.radius_i.astype(np.float64) if sph is not None else np.zeros(0)
    best, best_eye = -1.0, None
    for lift, back in _PERFORMER_TRIES:
        eye = np.array([cx, stage.top + lift, cz + back * stage.radius])
        score = spheres_apart(_make(spec, eye, look, stage, terrain, reach), centres, radii)
        if score >= _GAP:
            return eye, look
        if score > best:
            best, best_eye = score, eye
    assert best_eye is not None
    return best_eye, look


def _sphere_shot(spec: CameraSpec, stage: Stage, terrain: Terrain, reach: float, props: Any,
                 flawed: bool) -> tuple[np.ndarray, np.ndarray, float]:
    """A close view of one sphere (the flawed one for `flawed`, else the one in the middle of the
    arrangement), from the audience's side and a little above, the sphere a third of the frame high."""
    sph = getattr(props, "spheres", None)
    if sph is None or len(sph.center_i) == 0:
        look = np.array([stage.center[0], stage.top + _LOOK_LIFT, stage.center[1]])
        return _framing(spec, stage, terrain, look), look, spec.fov
    centres = sph.center_i.astype(np.float64)
    if flawed and sph.flaws:
        k = int(sph.flaws[0].sphere)
    elif flawed:
        k = int(np.argmin(sph.radius_i))
    else:
        mid = centres.mean(axis=0)
        k = int(np.argmin(((centres - mid) ** 2).sum(axis=1)))
    c, r = centres[k], float(sph.radius_i[k])
    fov = 40.0
    dist = r / (math.tan(math.radians(fov) / 2.0) * 0.33)
    mark = np.array([stage.mark[0], c[1], stage.mark[1]])
    out = c - mark
    out = out / math.sqrt(_dot(out, out)) if _dot(out, out) > 1e-9 else np.array([0.0, 0.0, 1.0])
    # From outside the arrangement, turned a little towards the stage's front.
    view = _unit(out + np.array([0.0, 0.7, 0.6]))
    return c + dist * view, c, fov


def _audience_shot(stage: Stage, audience: Any) -> tuple[np.ndarray, np.ndarray, float]:
    """From the performer's mark at eye height, towards the largest crowd (its faces and eyes turned to
    the stage, so seen from the front)."""
    mx, mz = stage.mark
    eye = np.array([mx, stage.top + _EYE_HEIGHT, mz])
    groups = [g for g in audience if len(g.pos_i)]
    if not groups:
        return eye, eye + np.array([0.0, 0.0, 10.0]), 60.0
    g = max(groups, key=lambda g: len(g.pos_i))
    mid = np.median(g.pos_i.astype(np.float64), axis=0) + np.array([0.0, 0.5 * float(np.median(g.height_i)), 0.0])
    # Wide enough to hold the bulk of the crowd: the angle that takes in 80 % of it.
    d = g.pos_i.astype(np.float64) - eye
    f = _unit(mid - eye)
    cosang = (d @ f) / np.maximum(np.linalg.norm(d, axis=1), 1e-9)
    spread = math.degrees(math.acos(float(np.clip(np.quantile(cosang, 0.2), -1.0, 1.0))))
    return eye, mid, float(np.clip(1.6 * spread, 40.0, 100.0))


def generate_camera(spec: CameraSpec, stage: Stage, terrain: Terrain, reach: float = 0.0,
                    props: Any = None, audience: Any = ()) -> Camera:
    """The view `spec` asks for: its framing (one of FRAMINGS), with position, look_at and fov where given.
    `reach`: how far from the stage centre anything else stands that the far plane must include (sky
    screens, a floating audience); the terrain is always included. `props` and `audience` let the framings
    that look at them find them (without, those fall back to the stage). Pure."""
    cx, cz = stage.center
    fov: float | None = None
    framing = spec.framing
    if framing == "performer":
        eye, look = _performer(spec, stage, terrain, reach, props)
    elif framing in ("sphere", "flaw"):
        eye, look, fov = _sphere_shot(spec, stage, terrain, reach, props, framing == "flaw")
    elif framing == "audience" and audience:
        eye, look, fov = _audience_shot(stage, audience)
    elif framing == "sky":
        # From the middle of the stage, looking up over its back edge: the sky and what floats in it.
        eye = np.array([cx, stage.top + _EYE_HEIGHT, cz + 0.3 * stage.radius])
        look = eye + np.array([0.0, math.sin(math.radians(42.0)), -math.cos(math.radians(42.0))])
        fov = 75.0
    else:
        look = np.array([cx, stage.top + _LOOK_LIFT, cz])
        eye = _framing(spec, stage, terrain, look if spec.look_at is None else np.array(spec.look_at, dtype=float))
    if spec.look_at is not None:
        look = np.array(spec.look_at, dtype=np.float64)
    if spec.position is not None:
        eye = np.array(spec.position, dtype=np.float64)
    if spec.look_at is not None or spec.position is not None:
        fov = None          # a view placed by hand keeps the spec's lens
    return _make(spec, eye, look, stage, terrain, reach, fov)


def shot_names(scene: Any) -> tuple[str, ...]:
    """The scene's shots: every built-in framing (a seed-file shot of the same name in its place), then the
    seed file's own (camera.shots) in their order."""
    own = tuple(s.name for s in scene.spec.camera.shots)
    return FRAMINGS + tuple(n for n in own if n not in FRAMINGS)


def _scene_reach(spec: Any) -> float:
    return max([spec.sky.screens.distance if spec.sky.screens.count else 0.0]
               + [g.dome_radius for g in spec.audience if g.layout == "sky-dome" and g.count])


def scene_shot(scene: Any, name: str) -> Camera:
    """The camera of the shot `name` (see shot_names) of a generated scene. KeyError for an unknown name."""
    import dataclasses
    cam = scene.spec.camera
    own = {s.name: s for s in cam.shots}
    if name in own:
        s = own[name]
        spec = dataclasses.replace(cam, framing=s.framing, position=s.position, look_at=s.look_at,
                                   fov=s.fov if s.fov is not None else cam.fov)
    elif name in FRAMINGS:
        spec = dataclasses.replace(cam, framing=name, position=None, look_at=None)
    else:
        raise KeyError(name)
    return generate_camera(spec, scene.stage, scene.terrain, reach=_scene_reach(scene.spec), props=scene.props,
                           audience=scene.audience)
