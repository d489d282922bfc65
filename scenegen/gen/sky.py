"""Sky: gradient palettes and their cycle, watercolour streaks, stars, nebula parameters, colossal screens."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..color import hex_to_linear, ramp
from ..model import Record, array, check_arrays, value
from ..rng import split
from ..spec import SKY_PALETTES, GradientSpec, NebulaSpec, ScreensSpec, SkySpec, StarsSpec, StreaksSpec

__all__ = ["SkyPalette", "Gradient", "Streaks", "Stars", "Nebula", "Screens", "Sky", "sky_direction",
           "generate_sky"]

# Directions on the dome: azimuth 0 looks along −z (past the stage, as the default camera does) and
# grows towards +x; elevation is the angle above the horizon.
# Star tints, from hot blue-white through white to cool orange: slight, as the eye sees them.
_STAR_TINTS = ((0.0, "#c4d2ff"), (0.55, "#ffffff"), (1.0, "#ffe2bf"))
_TWINKLE_DEPTH = (0.5, 1.0)     # × spec.twinkle
_TWINKLE_RATE = (0.6, 1.4)      # × spec.pulse
# Streaks: bands across the low and middle sky, drifting slowly along the horizon.
_STREAK_AHEAD = math.radians(70.0)         # half-width of the band of azimuths ahead
_STREAK_ELEVATION = (math.radians(4.0), math.radians(32.0))  # the low sky, where a standing eye looks
_STREAK_WIDTH = (math.radians(2.5), math.radians(9.0))
_STREAK_LENGTH = (math.radians(40.0), math.radians(150.0))
_STREAK_TILT = math.radians(12.0)
_STREAK_DRIFT = (0.004, 0.015)  # radians per second
# The nebula's noise offset stays small: GPU float32 noise loses its detail at large coordinates.
_NEBULA_OFFSET = 64.0
# Screens: gaps between neighbours as a fraction of a screen's angular width.
_SCREEN_GAP = 0.3
_SCREEN_FLOW = 0.25             # pattern cycles per second


@dataclass(frozen=True, eq=False)
class SkyPalette(Record):
    """One named sky palette in linear light."""
    name: str = value("Palette name (see spec.SKY_PALETTES).")
    zenith: tuple[float, float, float] = value("Colour straight up, linear RGB.")
    horizon: tuple[float, float, float] = value("Colour at the horizon, linear RGB.")
    glow: tuple[float, float, float] = value("Glow just above the horizon, linear RGB.")


@dataclass(frozen=True, eq=False)
class Gradient(Record):
    """The vertical gradient; with a second palette the sky blends to it and back:
    w(t) = ½ − ½·cos(2π·t / cycle)."""
    start: SkyPalette = value("The palette the sky starts in.")
    to: SkyPalette | None = value("The palette it cycles to and back; None for a still sky.")
    cycle: float = value("Seconds for a full there-and-back.")
    glow_azimuth: float = value("Azimuth of the brightest glow, radians (0: behind the stage).")


@dataclass(frozen=True, eq=False)
class Streaks(Record):
    """Watercolour streaks: soft bands of colour across the sky, drifting along the horizon.

    A streak's centre line runs through (azimuth + drift·t + phase_offset, elevation), rising by
    tan(tilt) per radian of azimuth, over `length` radians of azimuth; it fades over `width` either side.
    """
    color_s: np.ndarray = array("float32", ("s", 3), "Colour, linear RGB.")
    azimuth_s: np.ndarray = array("float32", ("s",), "Azimuth of the middle, radians.")
    elevation_s: np.ndarray = array("float32", ("s",), "Elevation of the middle, radians.")
    width_s: np.ndarray = array("float32", ("s",), "Half-width of the band, radians.")
    length_s: np.ndarray = array("float32", ("s",), "Extent along the azimuth, radians.")
    tilt_s: np.ndarray = array("float32", ("s",), "Slope of the band against the horizon, radians.")
    drift_s: np.ndarray = array("float32", ("s",), "Drift along the azimuth, radians per second (signed).")
    phase_s: np.ndarray = array("float32", ("s",), "Drift phase and noise seed of the ragged edges, 0…2π.")
    intensity_s: np.ndarray = array("float32", ("s",), "How strongly it tints the sky, 0…1.")
    softness: float = value("How far the edges bleed, 0…1.")


@dataclass(frozen=True, eq=False)
class Stars(Record):
    """Stars on the dome, twinkling: brightness·(1 − twinkle·(½ − ½·sin(2π·rate·t + phase)))."""
    dir_i: np.ndarray = array("float32", ("n", 3), "Unit direction, uniform over the dome above the lowest "
                                                  "elevation.")
    size_i: np.ndarray = array("float32", ("n",), "Size, pixels at 720 lines.")
    brightness_i: np.ndarray = array("float32", ("n",), "Brightness.")
    twinkle_i: np.ndarray = array("float32", ("n",), "Depth of the twinkle, 0…1.")
    rate_i: np.ndarray = array("float32", ("n",), "Twinkles per second.")
    phase_i: np.ndarray = array("float32", ("n",), "Twinkle phase, radians.")
    tint_i: np.ndarray = array("float32", ("n", 3), "Colour tint, linear RGB, close to white.")
    min_elevation: float = value("Lowest elevation, radians.")


@dataclass(frozen=True, eq=False)
class Nebula(Record):
    """Parameters of the procedural gas clouds the renderer draws on the dome."""
    density: float = value("How much of the sky the clouds cover; 0 for none.")
    color_c: np.ndarray = array("float32", ("c", 3), "Cloud colours, linear RGB.")
    scale: float = value("Size of the cloud shapes (bigger is broader).")
    swirl: float = value("Strength of the domain warp, 0…1.")
    brightness: float = value("Glow of the clouds.")
    offset: tuple[float, float, float] = value("Seeded offset into the noise, so each seed gets its own "
                                               "clouds (kept small for float32 precision).")


@dataclass(frozen=True, eq=False)
class Screens(Record):
    """Colossal screens hanging in the sky behind the stage, each facing it, showing flowing light.

    A screen is the quad centre ± right·size[0]/2 ± up·size[1]/2; its light flows at `flow_rate` cycles
    per second from its own phase and noise seed, in `color`, drifting towards the mood of the audience
    group it follows.
    """
    center_q: np.ndarray = array("float32", ("q", 3), "Centre, world metres.")
    normal_q: np.ndarray = array("float32", ("q", 3), "Unit normal of the face, pointing at the stage.")
    right_q: np.ndarray = array("float32", ("q", 3), "Unit right of the face, as seen from the stage.")
    up_q: np.ndarray = array("float32", ("q", 3), "Unit up of the face.")
    flow_phase_q: np.ndarray = array("float32", ("q",), "Phase of the flowing pattern, radians.")
    flow_seed_q: np.ndarray = array("float32", ("q", 2), "Offset into the pattern noise (small).")
    size: tuple[float, float] = value("Width and height, metres.")
    color: tuple[float, float, float] = value("Base colour of the light patterns, linear RGB.")
    flow_rate: float = value("Pattern cycles per second.")
    follows: int | None = value("Index of the audience group whose mood the screens follow.")


@dataclass(frozen=True, eq=False)
class Sky(Record):
    """The sky: gradient, streaks, stars, nebula, screens."""
    gradient: Gradient = value("Vertical gradient and its cycle.")
    streaks: Streaks = value("Watercolour streaks.")
    stars: Stars = value("Stars.")
    nebula: Nebula = value("Nebula clouds.")
    screens: Screens = value("Sky screens.")


def _tuple3(c: np.ndarray) -> tuple[float, float, float]:
    return (float(c[0]), float(c[1]), float(c[2]))


def _colors(hexes: tuple[str, ...]) -> np.ndarray:
    return np.stack([hex_to_linear(c) for c in hexes]).reshape(-1, 3)


def sky_direction(azimuth: np.ndarray, elevation: np.ndarray) -> np.ndarray:
    """Unit directions (…, 3) for azimuth (0 along −z, growing towards +x) and elevation, radians."""
    azimuth, elevation = np.asarray(azimuth, dtype=np.float64), np.asarray(elevation, dtype=np.float64)
    ce = np.cos(elevation)
    return np.stack([ce * np.sin(azimuth), np.sin(elevation), -ce * np.cos(azimuth)], axis=-1)


def _palette(name: str) -> SkyPalette:
    zenith, horizon, glow = (_tuple3(hex_to_linear(c)) for c in SKY_PALETTES[name])
    return SkyPalette(name=name, zenith=zenith, horizon=horizon, glow=glow)


def _gradient(spec: GradientSpec, rng: np.random.Generator) -> Gradient:
    return Gradient(start=_palette(spec.from_), to=_palette(spec.to) if spec.to is not None else None,
                    cycle=float(spec.cycle), glow_azimuth=float(rng.uniform(-0.6, 0.6)))


def _streaks(spec: StreaksSpec, rng: np.random.Generator) -> Streaks:
    s = spec.count
    # Colours taken in turn, so violet and gold both appear, then bled into each other by the renderer.
    color = _colors(spec.colors)[np.arange(s) % len(spec.colors)]
    # Two streaks in three bleed across the half of the sky the stage is seen against (azimuth 0 is the
    # view past the stage), low enough to be in frame from a standing eye; the rest go anywhere.
    anywhere = rng.uniform(-np.pi, np.pi, size=s)
    ahead = rng.uniform(-_STREAK_AHEAD, _STREAK_AHEAD, size=s)
    azimuth = np.where(np.arange(s) % 3 == 2, anywhere, ahead)
    elevation = rng.uniform(*_STREAK_ELEVATION, size=s)
    width = rng.uniform(*_STREAK_WIDTH, size=s)
    length = rng.uniform(*_STREAK_LENGTH, size=s)
    tilt = rng.uniform(-_STREAK_TILT, _STREAK_TILT, size=s)
    drift = rng.uniform(*_STREAK_DRIFT, size=s) * np.where(rng.random(s) < 0.5, -1.0, 1.0)
    phase = rng.uniform(0.0, 2.0 * np.pi, size=s)
    intensity = spec.intensity * rng.uniform(0.7, 1.0, size=s)
    out = Streaks(
        color_s=color.astype(np.float32), azimuth_s=azimuth.astype(np.float32),
        elevation_s=elevation.astype(np.float32), width_s=width.astype(np.float32),
        length_s=length.astype(np.float32), tilt_s=tilt.astype(np.float32), drift_s=drift.astype(np.float32),
        phase_s=phase.astype(np.float32), intensity_s=intensity.astype(np.float32),
        softness=float(spec.softness),
    )
    check_arrays(out)
    return out


def _stars(spec: StarsSpec, rng: np.random.Generator) -> Stars:
    n = spec.count
    lowest = math.radians(spec.min_elevation)
    # Uniform over the band of the sphere: by Archimedes, height y is uniform on [sin(lowest), 1].
    y = rng.uniform(math.sin(lowest), 1.0, size=n)
    phi = rng.uniform(0.0, 2.0 * np.pi, size=n)
    ring = np.sqrt(np.maximum(0.0, 1.0 - y * y))
    dirs = np.stack([ring * np.cos(phi), y, ring * np.sin(phi)], axis=1)
    size = rng.uniform(*spec.size, size=n)
    brightness = rng.uniform(*spec.brightness, size=n)
    twinkle = spec.twinkle * rng.uniform(*_TWINKLE_DEPTH, size=n)
    rate = spec.pulse * rng.uniform(*_TWINKLE_RATE, size=n)
    phase = rng.uniform(0.0, 2.0 * np.pi, size=n)
    tint = ramp(rng.random(n), _STAR_TINTS)
    out = Stars(
        dir_i=dirs.astype(np.float32), size_i=size.astype(np.float32),
        brightness_i=brightness.astype(np.float32), twinkle_i=twinkle.astype(np.float32),
        rate_i=rate.astype(np.float32), phase_i=phase.astype(np.float32), tint_i=tint.astype(np.float32),
        min_elevation=lowest,
    )
    check_arrays(out)
    return out


def _nebula(spec: NebulaSpec, rng: np.random.Generator) -> Nebula:
    offset = rng.uniform(0.0, _NEBULA_OFFSET, size=3)
    out = Nebula(density=float(spec.density), color_c=_colors(spec.colors).astype(np.float32),
                 scale=float(spec.scale), swirl=float(spec.swirl), brightness=float(spec.brightness),
                 offset=_tuple3(offset))
    check_arrays(out)
    return out


def _screens(spec: ScreensSpec, origin: np.ndarray, rng: np.random.Generator) -> Screens:
    q = spec.count
    # Side by side on an arc behind the stage (azimuth 0), as the audience sees them over it; a row that
    # would overlap itself is spread evenly all the way round instead.
    angular = 2.0 * math.atan(0.5 * spec.size[0] / spec.distance)
    step = angular * (1.0 + _SCREEN_GAP)
    if q * step > 2.0 * np.pi:
        step = 2.0 * np.pi / q
    azimuth = (np.arange(q, dtype=np.float64) - 0.5 * (q - 1)) * step
    dirs = sky_direction(azimuth, np.full(q, math.radians(spec.elevation))).reshape(q, 3)
    center = origin + spec.distance * dirs
    normal = -dirs
    # As seen from the stage, looking along `dirs` with +y up: right = dirs × y, up = right × dirs.
    right = np.stack([-dirs[:, 2], np.zeros(q), dirs[:, 0]], axis=1)
    right /= np.sqrt(right[:, 0] ** 2 + right[:, 2] ** 2)[:, None]
    up = np.stack([right[:, 1] * dirs[:, 2] - right[:, 2] * dirs[:, 1],
                   right[:, 2] * dirs[:, 0] - right[:, 0] * dirs[:, 2],
                   right[:, 0] * dirs[:, 1] - right[:, 1] * dirs[:, 0]], axis=1)
    phase = rng.uniform(0.0, 2.0 * np.pi, size=q)
    seed = rng.uniform(0.0, _NEBULA_OFFSET, size=(q, 2))
    out = Screens(
        center_q=center.astype(np.float32), normal_q=normal.astype(np.float32),
        right_q=right.astype(np.float32), up_q=up.astype(np.float32), flow_phase_q=phase.astype(np.float32),
        flow_seed_q=seed.astype(np.float32), size=(float(spec.size[0]), float(spec.size[1])),
        color=_tuple3(hex_to_linear(spec.color)), flow_rate=_SCREEN_FLOW, follows=spec.follows,
    )
    check_arrays(out)
    return out


def generate_sky(spec: SkySpec, rng: np.random.Generator,
                 origin: tuple[float, float, float] = (0.0, 0.0, 0.0)) -> Sky:
    """The sky for `spec`; `rng` is the sky's own stream. `origin` is the point the screens surround and
    face (the stage centre at the stage top). Pure."""
    r_gradient, r_streaks, r_stars, r_nebula, r_screens = split(rng, 5)
    sky = Sky(
        gradient=_gradient(spec.gradient, r_gradient),
        streaks=_streaks(spec.streaks, r_streaks),
        stars=_stars(spec.stars, r_stars),
        nebula=_nebula(spec.nebula, r_nebula),
        screens=_screens(spec.screens, np.array(origin, dtype=np.float64), r_screens),
    )
    return sky
