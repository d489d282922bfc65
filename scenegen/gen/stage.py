"""Stage: outline, surface height on the terrain pad, material parameters, ripples."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..color import hex_to_linear
from ..model import Record, array, check_arrays, value
from ..spec import StageSpec

__all__ = ["Stage", "MATERIALS", "footprint_radius", "generate_stage"]

# Per material: base colour, glow, metallic, roughness, transmission. The renderer honours these;
# glTF maps them onto PBR metallic-roughness (+ emissive, + transmission for crystal).
MATERIALS: dict[str, dict[str, float | str]] = {
    "liquid-silver": {"color": "#c9ced8", "glow": 0.12, "metallic": 1.0, "roughness": 0.06, "transmission": 0.0},
    "moonlight": {"color": "#dbe4ff", "glow": 0.55, "metallic": 0.0, "roughness": 0.35, "transmission": 0.0},
    "crystal": {"color": "#bfeeff", "glow": 0.35, "metallic": 0.0, "roughness": 0.03, "transmission": 0.7},
}
_DISC_SEGMENTS = 128


@dataclass(frozen=True, eq=False)
class Stage(Record):
    """The stage: a flat prism standing on the terrain pad, its top at `top`."""
    shape: str = value("disc, rectangle or polygon.")
    center: tuple[float, float] = value("Centre (x, z), metres.")
    rotation: float = value("Turn about +y, radians.")
    base: float = value("Height of the pad the stage stands on, metres.")
    top: float = value("Height of the stage surface, metres.")
    outline_i: np.ndarray = array("float32", ("k", 2), "Outline (x, z) in world metres, counter-clockwise "
                                                        "seen from above, without the rim.")
    radius: float = value("Circumradius of the outline, metres (rim excluded).")
    material: str = value("liquid-silver, moonlight or crystal.")
    color: tuple[float, float, float] = value("Base colour, linear RGB.")
    glow: float = value("Emission strength.")
    metallic: float = value("PBR metallic factor.")
    roughness: float = value("PBR roughness factor.")
    transmission: float = value("Light passing through (crystal).")
    ripple_amplitude: float = value("Ripple height, metres.")
    ripple_wavelength: float = value("Distance between crests, metres.")
    ripple_speed: float = value("Ring speed, metres per second.")
    ripple_damping: float = value("Fade with distance, per metre.")
    ripple_origin_i: np.ndarray = array("float32", ("o", 2), "Ring origins (x, z), world metres.")
    ripple_phase_i: np.ndarray = array("float32", ("o",), "Start phase of each ring source, radians.")
    rim_width: float = value("Rim width, metres.")
    rim_height: float = value("Rim height above the surface, metres.")
    rim_color: tuple[float, float, float] = value("Rim colour, linear RGB.")
    mark: tuple[float, float] = value("The performer's mark (x, z), world metres.")

    def contains(self, x: np.ndarray, z: np.ndarray, margin: float = 0.0) -> np.ndarray:
        """Whether world points (x, z) fall on the stage, its rim, or within `margin` metres of it."""
        x = np.asarray(x, dtype=np.float64) - self.center[0]
        z = np.asarray(z, dtype=np.float64) - self.center[1]
        grow = self.rim_width + margin
        if self.shape == "disc":
            return x * x + z * z <= (self.radius + grow) ** 2
        # Convex polygon: inside when on the inner side of every edge, pushed out by `grow`.
        pts = self.outline_i.astype(np.float64) - np.array(self.center)
        inside = np.ones(np.broadcast(x, z).shape, dtype=bool)
        for a, b in zip(pts, np.roll(pts, -1, axis=0)):
            edge = b - a
            normal = np.array([edge[1], -edge[0]]) / math.hypot(*edge)
            # point it away from the centre, whichever way the outline winds
            if normal[0] * a[0] + normal[1] * a[1] < 0:
                normal = -normal
            inside &= (x - a[0]) * normal[0] + (z - a[1]) * normal[1] <= grow
        return inside


def _outline(spec: StageSpec) -> tuple[np.ndarray, float]:
    """Outline points relative to the centre, and their circumradius."""
    if spec.shape == "disc":
        n, r = _DISC_SEGMENTS, spec.radius
    elif spec.shape == "polygon":
        n, r = spec.sides, spec.radius
    else:
        w, d = spec.size[0] / 2, spec.size[1] / 2
        pts = np.array([[-w, -d], [-w, d], [w, d], [w, -d]], dtype=np.float64)
        return _rotate(pts, spec.rotation), math.hypot(w, d)
    # Counter-clockwise seen from above (+y) in a right-handed frame means decreasing angle in (x, z).
    ang = -2.0 * np.pi * np.arange(n) / n
    pts = np.stack([r * np.cos(ang), r * np.sin(ang)], axis=1)
    return _rotate(pts, spec.rotation), r


def _rotate(pts: np.ndarray, degrees: float) -> np.ndarray:
    a = math.radians(degrees)
    c, s = math.cos(a), math.sin(a)
    # Rotation about +y: x' = x cos + z sin, z' = −x sin + z cos.
    return np.stack([pts[:, 0] * c + pts[:, 1] * s, -pts[:, 0] * s + pts[:, 1] * c], axis=1)


def footprint_radius(spec: StageSpec) -> float:
    """Radius of the disc the stage and its rim cover: the terrain flattens at least this much."""
    return _outline(spec)[1] + spec.rim.width


def generate_stage(spec: StageSpec, pad_level: float, rng: np.random.Generator) -> Stage:
    """The stage on a pad at height `pad_level`; `rng` (the stage's own stream) places the footsteps."""
    pts, radius = _outline(spec)
    cx, cz = spec.position
    mat = MATERIALS[spec.material]
    color = hex_to_linear(spec.color or str(mat["color"]))
    rim = hex_to_linear(spec.rim.color) if spec.rim.color else np.minimum(color * 1.35 + 0.05, 1.0)
    mark = np.array(spec.mark, dtype=np.float64)
    origins = [np.array(o, dtype=np.float64) for o in spec.ripple.origins]
    # Footsteps: uncertain steps scattered around the mark, at most a stride or two away.
    steps = rng.normal(0.0, 0.9, size=(spec.ripple.footsteps, 2))
    origins += [mark + s for s in steps]
    origin_i = np.array(origins, dtype=np.float64).reshape(-1, 2) + np.array([cx, cz])
    phase_i = rng.uniform(0.0, 2.0 * np.pi, size=len(origin_i))
    top = pad_level + spec.height
    stage = Stage(
        shape=spec.shape, center=(cx, cz), rotation=math.radians(spec.rotation), base=float(pad_level),
        top=float(top), outline_i=(pts + np.array([cx, cz])).astype(np.float32), radius=float(radius),
        material=spec.material, color=_tuple3(color),
        glow=float(spec.glow if spec.glow is not None else mat["glow"]), metallic=float(mat["metallic"]),
        roughness=float(mat["roughness"]), transmission=float(mat["transmission"]),
        ripple_amplitude=spec.ripple.amplitude, ripple_wavelength=spec.ripple.wavelength,
        ripple_speed=spec.ripple.speed, ripple_damping=spec.ripple.damping,
        ripple_origin_i=origin_i.astype(np.float32), ripple_phase_i=phase_i.astype(np.float32),
        rim_width=spec.rim.width, rim_height=spec.rim.height, rim_color=_tuple3(rim),
        mark=(cx + float(mark[0]), cz + float(mark[1])),
    )
    check_arrays(stage)
    return stage


def _tuple3(c: np.ndarray) -> tuple[float, float, float]:
    return (float(c[0]), float(c[1]), float(c[2]))
