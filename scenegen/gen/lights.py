"""Lights: ambient, the key light, and spotlights resolved to world positions and targets on the stage."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..color import hex_to_linear
from ..model import Record, array, check_arrays, value
from ..spec import LightsSpec, SpotlightSpec
from .stage import Stage

__all__ = ["Lights", "spot_target", "spot_position", "generate_lights"]

# A default spotlight hangs high in front of its target, over the audience's side (+z), steep enough
# to read as light from above ("a focused piece of the sun") and far enough for a soft-edged pool.
_SPOT_ELEVATION = math.radians(58.0)
_SPOT_DISTANCE = 14.0            # metres, at least …
_SPOT_DISTANCE_PER_RADIUS = 1.1  # … or this many stage radii
# Several default spotlights fan out sideways rather than hanging in one place: 0, +28°, −28°, +56° …
_SPOT_FAN = math.radians(28.0)
_DOWN = (0.0, -1.0, 0.0)


@dataclass(frozen=True, eq=False)
class Lights(Record):
    """Ambient, key and spot lights in world space; colours linear, to be multiplied by intensities.

    A spotlight lights a point p fully within `inner_s` of its axis and fades to nothing at `cone_s`:
    angle(p − pos, dir) ∈ [inner, cone] → smoothstep(cos cone, cos inner, cos angle) (glTF's
    innerConeAngle / outerConeAngle).
    """
    ambient_color: tuple[float, float, float] = value("Ambient colour, linear RGB.")
    ambient_intensity: float = value("Ambient strength.")
    key_direction: tuple[float, float, float] = value("Unit direction the key light travels.")
    key_color: tuple[float, float, float] = value("Key light colour, linear RGB.")
    key_intensity: float = value("Key light strength.")
    spot_pos_s: np.ndarray = array("float32", ("s", 3), "Where each spotlight hangs, world metres.")
    spot_target_s: np.ndarray = array("float32", ("s", 3), "The point it is aimed at, world metres.")
    spot_dir_s: np.ndarray = array("float32", ("s", 3), "Unit direction of the cone's axis.")
    spot_color_s: np.ndarray = array("float32", ("s", 3), "Colour, linear RGB.")
    spot_intensity_s: np.ndarray = array("float32", ("s",), "Strength.")
    spot_cone_s: np.ndarray = array("float32", ("s",), "Half-angle of the cone, radians.")
    spot_inner_s: np.ndarray = array("float32", ("s",), "Half-angle of the fully lit core, radians.")
    spot_softness_s: np.ndarray = array("float32", ("s",), "Fraction of the cone that fades at its edge.")


def spot_target(spec: SpotlightSpec, stage: Stage) -> np.ndarray:
    """World point a spotlight aims at: the stage centre or the mark on the stage surface, or a point."""
    if spec.target == "stage":
        return np.array([stage.center[0], stage.top, stage.center[1]], dtype=np.float64)
    if spec.target == "mark":
        return np.array([stage.mark[0], stage.top, stage.mark[1]], dtype=np.float64)
    return np.array(spec.target, dtype=np.float64)


def spot_position(target: np.ndarray, stage: Stage, fan: int = 0) -> np.ndarray:
    """Default position: high above and in front of `target` (+z); the `fan`-th default one turns aside."""
    k = (fan + 1) // 2 * (1 if fan % 2 else -1)          # 0, +1, −1, +2, −2 …
    az = k * _SPOT_FAN
    dist = max(_SPOT_DISTANCE, _SPOT_DISTANCE_PER_RADIUS * stage.radius)
    flat = dist * math.cos(_SPOT_ELEVATION)
    return target + np.array([flat * math.sin(az), dist * math.sin(_SPOT_ELEVATION), flat * math.cos(az)])


def _unit3(v: np.ndarray, fallback: tuple[float, float, float]) -> np.ndarray:
    n = math.sqrt(float(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]))
    return v / n if n > 1e-12 else np.array(fallback, dtype=np.float64)


def _tuple3(c: np.ndarray) -> tuple[float, float, float]:
    return (float(c[0]), float(c[1]), float(c[2]))


def generate_lights(spec: LightsSpec, stage: Stage) -> Lights:
    """Lights for `stage`. Pure and random-free: every light is where the seed file or the stage says."""
    pos, tgt, dirs = [], [], []
    fan = 0
    for s in spec.spotlights:
        t = spot_target(s, stage)
        if s.position is None:
            p = spot_position(t, stage, fan)
            fan += 1
        else:
            p = np.array(s.position, dtype=np.float64)
        pos.append(p)
        tgt.append(t)
        dirs.append(_unit3(t - p, _DOWN))     # a light hung on its own target points straight down
    n = len(spec.spotlights)
    cone = np.array([math.radians(s.cone) for s in spec.spotlights])
    soft = np.array([s.softness for s in spec.spotlights], dtype=np.float64)
    lights = Lights(
        ambient_color=_tuple3(hex_to_linear(spec.ambient.color)), ambient_intensity=float(spec.ambient.intensity),
        key_direction=_tuple3(_unit3(np.array(spec.key.direction, dtype=np.float64), _DOWN)),
        key_color=_tuple3(hex_to_linear(spec.key.color)), key_intensity=float(spec.key.intensity),
        spot_pos_s=np.array(pos, dtype=np.float32).reshape(n, 3),
        spot_target_s=np.array(tgt, dtype=np.float32).reshape(n, 3),
        spot_dir_s=np.array(dirs, dtype=np.float32).reshape(n, 3),
        spot_color_s=np.array([hex_to_linear(s.color) for s in spec.spotlights], dtype=np.float32).reshape(n, 3),
        spot_intensity_s=np.array([s.intensity for s in spec.spotlights], dtype=np.float32),
        spot_cone_s=cone.astype(np.float32), spot_inner_s=(cone * (1.0 - soft)).astype(np.float32),
        spot_softness_s=soft.astype(np.float32),
    )
    check_arrays(lights)
    return lights
