"""The seed file, declared once: every section and field with its default, range and description.

The loader (`seedfile.py`), the JSON Schema (`schema`), the starter file (`scenegen new`) and the
generators all read these dataclasses; nothing else restates a default or a limit.
"""

from __future__ import annotations

import dataclasses
import typing
from dataclasses import dataclass, field
from typing import Any, Literal, NewType, Union, get_args

__all__ = [
    "Color", "Vec2", "Vec3", "Range", "Tone", "FORMAT_VERSION", "LIMITS", "SKY_PALETTES",
    "param", "NoiseSpec", "WarpSpec", "IslandSpec", "TerraceSpec", "PadSpec", "TerrainSpec",
    "RippleSpec", "RimSpec", "StageSpec", "SwaySpec", "BreathingSpec", "MoodSpec", "AudienceGroupSpec",
    "PulseSpec", "FlawSpec", "SpheresSpec", "InstrumentSpec", "PropsSpec", "GradientSpec", "StreaksSpec",
    "StarsSpec", "NebulaSpec", "ScreensSpec", "SkySpec", "AmbientSpec", "KeyLightSpec", "SpotlightSpec",
    "LightsSpec", "CameraSpec", "BurstSpec", "NoteCue", "PhraseCue", "RippleCue", "AudienceCue", "MoodCue",
    "FlawCue", "SkyCue", "LightCue", "CameraCue", "CountdownCue", "HumCue", "Cue", "CUE_KINDS", "EASINGS",
    "HumSpec", "PerformanceSpec", "SeedSpec",
]

FORMAT_VERSION = 1

Color = NewType("Color", str)
"""`#rrggbb` (sRGB, as artists pick them); the generators convert to linear floats."""
Vec2 = tuple[float, float]
Vec3 = tuple[float, float, float]
Range = tuple[float, float]
"""`[low, high]` with low <= high: each item draws uniformly from it."""
Tone = Union[str, float]
"""A note name such as `C5`, `F#4`, `Bb3` (A4 = 440 Hz), or a frequency in Hz."""

# Limits that bound memory and time. The loader checks them before anything is allocated.
LIMITS = {
    "terrain.resolution": 4097,
    "audience.count": 2_000_000,
    "audience.total": 4_000_000,
    "audience.groups": 16,
    "stars.count": 1_000_000,
    "spheres.count": 64,
    "shards": 10_000,
    "file.bytes": 1 << 20,
    "extends.depth": 16,
    "performance.cues": 4096,
    "performance.notes": 8192,
    "burst.count": 4096,
    "burst.total": 1_000_000,
}

# Named sky palettes: (zenith, horizon, glow near the horizon), sRGB.
SKY_PALETTES: dict[str, tuple[str, str, str]] = {
    "twilight": ("#140a33", "#6b3fa0", "#ff8a5c"),
    "dawn": ("#2b3a7a", "#f2a65a", "#ffd9a0"),
    "dusk": ("#1a1440", "#b0487a", "#ffb36b"),
    "night": ("#02030a", "#0d1633", "#1c2a55"),
    "deep-cosmos": ("#05020f", "#1b0f3a", "#3a1f6e"),
    "day": ("#3d7fd9", "#bfe3ff", "#ffffff"),
    "aurora": ("#041020", "#0f5a5a", "#5dffb0"),
}
SkyPaletteName = Literal["twilight", "dawn", "dusk", "night", "deep-cosmos", "day", "aurora"]


def param(default: Any, doc: str, *, lo: float | None = None, hi: float | None = None,
          gt: float | None = None, max_items: int | None = None, min_items: int | None = None,
          key: str | None = None, limit: str | None = None) -> Any:
    """A seed-file field: default, description and inclusive range [lo, hi] (gt: exclusive low).

    `limit` names an entry of LIMITS that is the field's maximum, so error messages can name it.
    `key` is the YAML key when it is not the field name (`from` is a Python keyword).
    """
    if limit is not None:
        hi = LIMITS[limit]
    meta = {"doc": doc, "lo": lo, "hi": hi, "gt": gt, "max_items": max_items, "min_items": min_items,
            "key": key, "limit": limit}
    if dataclasses.is_dataclass(default) or isinstance(default, (list, dict)):
        raise TypeError("use param_factory for mutable or nested defaults")
    return field(default=default, metadata=meta)


def section(cls: type, doc: str) -> Any:
    """A nested section whose default is the section's own defaults."""
    return field(default_factory=cls, metadata={"doc": doc, "lo": None, "hi": None, "gt": None,
                                                 "max_items": None, "min_items": None, "key": None,
                                                 "limit": None})


# ---------------------------------------------------------------------------------------------- terrain

@dataclass(frozen=True)
class NoiseSpec:
    """The fractal that shapes the land."""
    type: Literal["fbm", "ridged", "billow"] = param(
        "fbm", "fbm: rolling hills; ridged: sharp crests and valleys; billow: puffy rounded mounds.")
    octaves: int = param(6, "Layers of detail summed, each finer than the last.", lo=1, hi=12)
    persistence: float = param(0.5, "Amplitude kept from one octave to the next.", lo=0.0, hi=1.0)
    lacunarity: float = param(2.0, "Frequency gained from one octave to the next.", lo=1.0, hi=4.0)
    scale: float = param(120.0, "Size of the largest features, metres.", gt=0.0, hi=1e6)
    offset: Vec2 = param((0.0, 0.0), "Where the window onto the endless landscape sits (x, z), metres.",
                         lo=-1e9, hi=1e9)


@dataclass(frozen=True)
class WarpSpec:
    """Domain warp: bends the land sideways with another noise, for swirled, liquid shapes."""
    amount: float = param(0.0, "How far the land is pushed, metres; 0 turns the warp off.", lo=0.0, hi=1e5)
    scale: float = param(200.0, "Size of the warp's swirls, metres.", gt=0.0, hi=1e6)
    octaves: int = param(2, "Octaves of the warp noise.", lo=1, hi=8)


@dataclass(frozen=True)
class IslandSpec:
    """Sinks the land towards the edges of the terrain, so the scene reads as a place apart."""
    falloff: float = param(0.0, "Strength of the sinking: 0 off, 1 the edges reach the lowest level.",
                           lo=0.0, hi=1.0)
    shape: Literal["radial", "square"] = param("radial", "Radial: a round island; square: follows the edges.")


@dataclass(frozen=True)
class TerraceSpec:
    """Quantises heights into steps, like an amphitheatre carved into the hills."""
    steps: int = param(0, "Number of terrace levels over the height range; 0 turns terraces off.",
                       lo=0, hi=256)
    sharpness: float = param(0.8, "0: gentle slopes between levels; 1: hard vertical steps.", lo=0.0, hi=1.0)


@dataclass(frozen=True)
class PadSpec:
    """The flat ground the stage stands on, blended smoothly into the land around it."""
    enabled: bool = param(True, "Flatten the land under the stage.")
    margin: float = param(3.0, "Flat ground beyond the stage's edge, metres.", lo=0.0, hi=1e4)
    blend: float = param(30.0, "Width of the smooth blend from the pad into the land, metres.",
                         lo=0.0, hi=1e5)
    level: Union[float, None] = param(
        None, "Height of the pad, metres; default: the land's own height at the stage centre.",
        lo=-1e5, hi=1e5)


@dataclass(frozen=True)
class TerrainSpec:
    """The heightfield everything stands on: a square grid of heights with normals and colours."""
    size: Vec2 = param((400.0, 400.0), "Extent along x and z, metres.", gt=0.0, hi=1e6)
    resolution: int = param(257, "Vertices along each side: the grid is resolution × resolution.",
                            lo=2, limit="terrain.resolution")
    height: float = param(40.0, "Vertical scale, metres: the noise's range ±1 maps to ±height.",
                          lo=0.0, hi=1e5)
    engine: Literal["fast", "noise"] = param(
        "fast", "fast: scenegen's vectorized Perlin with a permutation shuffled by the seed. noise: the C "
        "`noise` library called per point with Perlin's reference table, for exact legacy compatibility "
        "(slow: about a second per million vertices and octave).")
    noise: NoiseSpec = section(NoiseSpec, "The fractal that shapes the land.")
    warp: WarpSpec = section(WarpSpec, "Domain warp.")
    island: IslandSpec = section(IslandSpec, "Edge falloff.")
    terraces: TerraceSpec = section(TerraceSpec, "Terraces.")
    pad: PadSpec = section(PadSpec, "The flat pad under the stage.")
    colors: tuple[tuple[float, Color], ...] = param(
        ((0.0, "#120a2a"), (0.35, "#2a1d5c"), (0.6, "#4b3f8f"), (0.85, "#8f8fd6"), (1.0, "#dfe6ff")),
        "Height colour ramp: [position 0…1 over the height range, colour] stops, positions ascending.",
        min_items=1, max_items=64)

    def problems(self) -> list[tuple[str, str]]:
        stops = [t for t, _ in self.colors]
        out = []
        if any(not 0.0 <= t <= 1.0 for t in stops):
            out.append(("colors", "stop positions must lie in 0…1"))
        if any(b < a for a, b in zip(stops, stops[1:])):
            out.append(("colors", "stop positions must be ascending"))
        return out


# ------------------------------------------------------------------------------------------------ stage

@dataclass(frozen=True)
class RippleSpec:
    """Ripples running across the stage surface (animated by the renderer from these numbers)."""
    amplitude: float = param(0.03, "Wave height, metres; 0 for a still surface.", lo=0.0, hi=5.0)
    wavelength: float = param(1.6, "Distance between crests, metres.", gt=0.0, hi=1000.0)
    speed: float = param(0.8, "How fast the rings travel outwards, metres per second.", lo=0.0, hi=100.0)
    damping: float = param(0.08, "How fast rings fade with distance, per metre.", lo=0.0, hi=10.0)
    origins: tuple[Vec2, ...] = param(((0.0, 0.0),), "Points (x, z) on the stage, relative to its centre, "
                                      "where rings start.", lo=-1e4, hi=1e4, max_items=64)
    footsteps: int = param(0, "Extra ring origins scattered around the performer's mark, like "
                              "uncertain steps.", lo=0, hi=64)


@dataclass(frozen=True)
class RimSpec:
    """A raised edge around the stage."""
    width: float = param(0.4, "Rim width, metres; 0 for no rim.", lo=0.0, hi=100.0)
    height: float = param(0.12, "How far the rim rises above the stage surface, metres.", lo=0.0, hi=10.0)
    color: Union[Color, None] = param(None, "Rim colour; default: a brighter shade of the stage colour.")


@dataclass(frozen=True)
class StageSpec:
    """The performance stage, on the flat pad at the centre of the world."""
    shape: Literal["disc", "rectangle", "polygon"] = param("disc", "Outline of the stage.")
    radius: float = param(16.0, "Radius of a disc, or circumradius of a polygon, metres.", gt=0.0, hi=1e4)
    size: Vec2 = param((32.0, 20.0), "Width (x) and depth (z) of a rectangle, metres.", gt=0.0, hi=1e4)
    sides: int = param(8, "Number of sides of a polygon.", lo=3, hi=64)
    rotation: float = param(0.0, "Turn about the vertical axis, degrees.", lo=-360.0, hi=360.0)
    position: Vec2 = param((0.0, 0.0), "Centre of the stage (x, z), metres.", lo=-1e6, hi=1e6)
    height: float = param(0.6, "Height of the stage surface above the pad, metres.", lo=0.0, hi=100.0)
    material: Literal["liquid-silver", "moonlight", "crystal"] = param(
        "moonlight", "liquid-silver: a mirror that ripples; moonlight: cool, smooth, faintly glowing; "
        "crystal: translucent and refracting.")
    color: Union[Color, None] = param(None, "Base colour; default: the material's own.")
    glow: Union[float, None] = param(None, "Emission strength; default: the material's own.", lo=0.0, hi=100.0)
    mark: Vec2 = param((0.0, 4.0), "The performer's mark (x, z), relative to the stage centre, metres.",
                       lo=-1e4, hi=1e4)
    ripple: RippleSpec = section(RippleSpec, "Surface ripples.")
    rim: RimSpec = section(RimSpec, "The raised edge.")


# --------------------------------------------------------------------------------------------- audience

@dataclass(frozen=True)
class SwaySpec:
    """Each figure sways about its feet."""
    amplitude: float = param(0.06, "Sway angle, radians.", lo=0.0, hi=1.5)
    frequency: float = param(0.25, "Sways per second (each figure varies around this).", lo=0.0, hi=20.0)


@dataclass(frozen=True)
class BreathingSpec:
    """The crowd swells and settles; in unison it breathes as one."""
    rate: float = param(0.18, "Breaths per second.", lo=0.0, hi=10.0)
    depth: float = param(0.06, "How much a figure swells, as a fraction of its size.", lo=0.0, hi=1.0)
    unison: bool = param(True, "One shared phase for the whole group (else each figure its own).")


@dataclass(frozen=True)
class MoodSpec:
    """A colour the group's glow drifts towards and back, e.g. tense gold to anxious crimson."""
    to: Union[Color, None] = param(None, "The mood colour; none turns the transition off.")
    period: float = param(12.0, "Seconds for a full there-and-back.", gt=0.0, hi=1e5)
    strength: float = param(0.6, "How far the colours move towards the mood colour.", lo=0.0, hi=1.0)


@dataclass(frozen=True)
class AudienceGroupSpec:
    """A group of luminous figures placed with a minimum spacing (Poisson-disc), never on the stage."""
    name: Union[str, None] = param(None, "A label for the group.")
    layout: Literal["rows", "ring", "scatter", "sky-dome"] = param(
        "rows", "rows: amphitheatre arcs facing the stage, rising with the terrain; ring: all around the "
        "stage; scatter: anywhere in a rectangle; sky-dome: floating in the canopy above.")
    figure: Literal["silhouette", "eye"] = param(
        "silhouette", "silhouette: a humanoid outline of luminous mist; eye: an iris that reflects the stage.")
    count: int = param(2000, "Number of figures (a region that cannot hold them at this spacing gets as "
                             "many as fit, with a warning).", lo=0, limit="audience.count")
    spacing: float = param(1.1, "Least distance between two figures, metres.", gt=0.0, hi=1e4)
    inner: Union[float, None] = param(None, "rows, ring: inner radius, metres from the stage centre; default: "
                                            "just beyond the stage.", lo=0.0, hi=1e6)
    outer: Union[float, None] = param(None, "rows, ring: outer radius, metres; default: fits the count.",
                                      gt=0.0, hi=1e6)
    arc: float = param(160.0, "rows: the angle the arcs span, degrees, centred on the view axis (+z).",
                       gt=0.0, hi=360.0)
    rows: int = param(0, "rows: number of arcs; 0 picks them from the spacing.", lo=0, hi=10_000)
    center: Vec2 = param((0.0, 0.0), "scatter: centre of the region (x, z), metres.", lo=-1e6, hi=1e6)
    extent: Vec2 = param((120.0, 120.0), "scatter: size of the region (x, z), metres.", gt=0.0, hi=1e6)
    dome_radius: float = param(260.0, "sky-dome: distance of the floating figures from the stage, metres.",
                               gt=0.0, hi=1e6)
    elevation: Range = param((20.0, 75.0), "sky-dome: band of elevation angles above the horizon, degrees.",
                             lo=0.0, hi=90.0)
    facing: Literal["stage", "random", "away"] = param("stage", "Which way the figures turn.")
    height: Range = param((1.6, 1.95), "Figure height, metres (eyes: diameter).", gt=0.0, hi=1e4)
    width: Range = param((0.45, 0.6), "Figure width, metres.", gt=0.0, hi=1e4)
    palette: tuple[Color, ...] = param(("#9fc8ff", "#c9b6ff", "#e6f0ff"), "Colours the figures draw from.",
                                       min_items=1, max_items=64)
    brightness: Range = param((0.55, 1.0), "Glow brightness.", lo=0.0, hi=100.0)
    mist: float = param(0.6, "How soft and smoky the figures are: 0 crisp, 1 pure mist.", lo=0.0, hi=1.0)
    shimmer: float = param(0.5, "How much the mist dissolves and re-forms over time.", lo=0.0, hi=1.0)
    sway: SwaySpec = section(SwaySpec, "Swaying.")
    breathing: BreathingSpec = section(BreathingSpec, "Breathing.")
    mood: MoodSpec = section(MoodSpec, "Mood colour transition.")

    def problems(self) -> list[tuple[str, str]]:
        out = []
        for name in ("height", "width", "brightness", "elevation"):
            lo, hi = getattr(self, name)
            if lo > hi:
                out.append((name, f"low {lo:g} is above high {hi:g}"))
        if self.inner is not None and self.outer is not None and self.inner >= self.outer:
            out.append(("outer", f"outer radius {self.outer:g} must exceed inner radius {self.inner:g}"))
        return out


# ------------------------------------------------------------------------------------------------ props

@dataclass(frozen=True)
class PulseSpec:
    """A slow swell of inner light."""
    rate: float = param(0.5, "Pulses per second.", lo=0.0, hi=50.0)
    depth: float = param(0.35, "How far the glow dims between pulses, 0…1.", lo=0.0, hi=1.0)


@dataclass(frozen=True)
class FlawSpec:
    """What goes wrong with a flawed sphere."""
    flicker: float = param(0.8, "Erratic wavering of its light, 0…1.", lo=0.0, hi=1.0)
    fractures: int = param(14, "Number of hairline cracks across its surface.", lo=0, hi=500)
    crack_color: Color = param("#d9e03a", "Glow of the cracks (sickly yellow by default).")
    shards: int = param(60, "Splinters of light flaking off and dissolving into smoke.", lo=0,
                        limit="shards")
    detune: float = param(35.0, "How far its tone is off, cents.", lo=-1200.0, hi=1200.0)
    buzz: float = param(0.5, "Grating buzz mixed into its tone, 0…1.", lo=0.0, hi=1.0)


@dataclass(frozen=True)
class SpheresSpec:
    """The Harmonious Spheres: crystal globes with inner light, each with its own tone."""
    count: int = param(5, "Number of spheres; 0 for none.", lo=0, limit="spheres.count")
    arrangement: Literal["arc", "ring", "line", "orbit"] = param(
        "arc", "arc: a crescent in front of the performer; ring: all around; line: a row; orbit: a tilted "
        "ring circling above the stage.")
    radius: float = param(0.8, "Radius of the largest sphere, metres.", gt=0.0, hi=1e3)
    sizes: float = param(0.35, "How much smaller the smallest sphere is, 0 (all equal) … 0.9.",
                         lo=0.0, hi=0.9)
    spread: float = param(7.0, "Radius of the arc, ring or orbit, or length of the line, metres.",
                          gt=0.0, hi=1e4)
    elevation: float = param(2.2, "Height of the spheres' centres above the stage, metres.", lo=0.0, hi=1e4)
    tones: tuple[Tone, ...] = param((), "Tone of each sphere (note names like C5 or Hz); default: a "
                                        "pentatonic scale rising from C5.", max_items=64)
    colors: tuple[Color, ...] = param(("#7fd4ff", "#b18cff", "#ffd27f", "#7fffd0", "#ff9fc8"),
                                      "Colours, cycled over the spheres.", min_items=1, max_items=64)
    glow: float = param(2.5, "Strength of the inner light (above 1 blooms).", lo=0.0, hi=100.0)
    pulse: PulseSpec = section(PulseSpec, "Glow pulse.")
    flawed: tuple[int, ...] = param((), "Indices (0-based) of flawed spheres.", lo=0, hi=63, max_items=64)
    flaw: FlawSpec = section(FlawSpec, "How the flawed spheres fail.")

    def problems(self) -> list[tuple[str, str]]:
        out = []
        for i, index in enumerate(self.flawed):
            if index >= self.count:
                out.append((f"flawed[{i}]", f"index {index} is out of range for {self.count} spheres"))
        if len(set(self.flawed)) != len(self.flawed):
            out.append(("flawed", "an index is listed twice"))
        if self.tones and len(self.tones) != self.count:
            out.append(("tones", f"{len(self.tones)} tones given for {self.count} spheres"))
        from .tones import tone_error  # spec stays a declaration; the note grammar lives in tones

        for i, tone in enumerate(self.tones):
            err = tone_error(tone)
            if err:
                out.append((f"tones[{i}]", err))
        return out


@dataclass(frozen=True)
class InstrumentSpec:
    """A living instrument of spiralling crystal and woven light, at the performer's mark."""
    enabled: bool = param(False, "Place the instrument.")
    color: Color = param("#c8f0ff", "Colour of its crystal.")
    glow: float = param(1.8, "Strength of its light.", lo=0.0, hi=100.0)
    turns: float = param(3.5, "Turns of its crystal spiral.", gt=0.0, hi=50.0)
    height: float = param(1.4, "Height, metres.", gt=0.0, hi=100.0)


@dataclass(frozen=True)
class PropsSpec:
    """Things on and above the stage."""
    spheres: SpheresSpec = section(SpheresSpec, "The Harmonious Spheres.")
    instrument: InstrumentSpec = section(InstrumentSpec, "The crystal instrument.")


# -------------------------------------------------------------------------------------------------- sky

@dataclass(frozen=True)
class GradientSpec:
    """The sky's vertical gradient, optionally cycling between two palettes."""
    from_: SkyPaletteName = param("twilight", "Palette the sky starts in.", key="from")
    to: Union[SkyPaletteName, None] = param(None, "Palette it cycles to and back; none for a still sky.")
    cycle: float = param(40.0, "Seconds for a full there-and-back.", gt=0.0, hi=1e5)


@dataclass(frozen=True)
class StreaksSpec:
    """Watercolour streaks: noise-driven bands of colour bleeding across the sky."""
    count: int = param(0, "Number of streaks; 0 for none.", lo=0, hi=64)
    colors: tuple[Color, ...] = param(("#8f3fd1", "#f2b33d"), "Colours of the streaks.",
                                      min_items=1, max_items=16)
    intensity: float = param(0.5, "How strongly they tint the sky.", lo=0.0, hi=1.0)
    softness: float = param(0.6, "How far their edges bleed.", lo=0.0, hi=1.0)


@dataclass(frozen=True)
class StarsSpec:
    """Stars on the sky dome."""
    count: int = param(3000, "Number of stars.", lo=0, limit="stars.count")
    size: Range = param((0.6, 2.4), "Size on screen, pixels at 720 lines.", gt=0.0, hi=100.0)
    brightness: Range = param((0.3, 1.0), "Brightness.", lo=0.0, hi=100.0)
    twinkle: float = param(0.4, "How much they twinkle, 0…1.", lo=0.0, hi=1.0)
    pulse: float = param(0.6, "Twinkle rate, per second (each star varies around it).", lo=0.0, hi=50.0)
    min_elevation: float = param(-5.0, "Lowest elevation stars appear at, degrees.", lo=-90.0, hi=90.0)


@dataclass(frozen=True)
class NebulaSpec:
    """Clouds of coloured gas swirling across the sky."""
    density: float = param(0.0, "How much of the sky the clouds cover; 0 for none.", lo=0.0, hi=1.0)
    colors: tuple[Color, ...] = param(("#5b2a86", "#1f6feb", "#2ee59d"), "Colours of the clouds.",
                                      min_items=1, max_items=16)
    scale: float = param(1.0, "Size of the cloud shapes (bigger is broader).", gt=0.0, hi=100.0)
    swirl: float = param(0.5, "How strongly the clouds swirl (domain warp).", lo=0.0, hi=1.0)
    brightness: float = param(0.8, "Glow of the clouds.", lo=0.0, hi=100.0)


@dataclass(frozen=True)
class ScreensSpec:
    """Colossal screens in the sky showing flowing light that follows the audience's mood."""
    count: int = param(0, "Number of screens; 0 for none.", lo=0, hi=32)
    size: Vec2 = param((60.0, 34.0), "Width and height, metres.", gt=0.0, hi=1e5)
    distance: float = param(220.0, "Distance from the stage, metres.", gt=0.0, hi=1e6)
    elevation: float = param(24.0, "Elevation angle of their centres, degrees.", lo=0.0, hi=89.0)
    color: Color = param("#ffc94a", "Base colour of the light patterns.")
    follows: Union[int, None] = param(None, "Index of the audience group whose mood the screens follow.",
                                      lo=0, hi=15)


@dataclass(frozen=True)
class SkySpec:
    """The sky: gradient, streaks, stars, nebulae, screens."""
    gradient: GradientSpec = section(GradientSpec, "Vertical gradient.")
    streaks: StreaksSpec = section(StreaksSpec, "Watercolour streaks.")
    stars: StarsSpec = section(StarsSpec, "Stars.")
    nebula: NebulaSpec = section(NebulaSpec, "Nebulae.")
    screens: ScreensSpec = section(ScreensSpec, "Sky screens.")


# ----------------------------------------------------------------------------------------------- lights

@dataclass(frozen=True)
class AmbientSpec:
    """Light from everywhere."""
    color: Color = param("#4a4f80", "Colour.")
    intensity: float = param(0.35, "Strength.", lo=0.0, hi=100.0)


@dataclass(frozen=True)
class KeyLightSpec:
    """The main directional light (moon or sun)."""
    direction: Vec3 = param((-0.35, -1.0, -0.45), "Direction the light travels (x, y, z); normalised.",
                            lo=-1e3, hi=1e3)
    color: Color = param("#c9d2ff", "Colour.")
    intensity: float = param(1.0, "Strength.", lo=0.0, hi=100.0)


@dataclass(frozen=True)
class SpotlightSpec:
    """A spotlight aimed at a target."""
    target: Union[Literal["stage", "mark"], Vec3] = param(
        "mark", "What it points at: stage (its centre), mark (the performer's mark) or a point (x, y, z).",
        lo=-1e6, hi=1e6)
    position: Union[Vec3, None] = param(None, "Where it hangs (x, y, z); default: high above, in front.",
                                        lo=-1e6, hi=1e6)
    color: Color = param("#fff3d1", "Colour.")
    intensity: float = param(3.0, "Strength.", lo=0.0, hi=1e4)
    cone: float = param(14.0, "Half-angle of the cone, degrees.", gt=0.0, hi=89.0)
    softness: float = param(0.3, "Fraction of the cone that fades at its edge.", lo=0.0, hi=1.0)


@dataclass(frozen=True)
class LightsSpec:
    """Ambient, key and spot lights."""
    ambient: AmbientSpec = section(AmbientSpec, "Ambient light.")
    key: KeyLightSpec = section(KeyLightSpec, "Key light.")
    spotlights: tuple[SpotlightSpec, ...] = param((SpotlightSpec(),), "Spotlights.", max_items=16)


# ----------------------------------------------------------------------------------------------- camera

Framing = Literal["stage", "performer", "audience", "sphere", "sky", "flaw"]
FRAMINGS: tuple[str, ...] = get_args(Framing)
_FRAMING = ("The view where position or look_at is not given. stage: the whole stage from the front (+z), a "
            "little above. performer: from the front edge of the stage, looking across the spheres (every one "
            "in sight, none behind another) and up into the sky. audience: from the performer's mark towards "
            "the largest crowd, its faces and eyes turned to the stage. sphere: close on the sphere in the "
            "middle of the arrangement. flaw: close on the flawed sphere (or the smallest). sky: from the "
            "stage, up into the sky.")


@dataclass(frozen=True)
class ShotSpec:
    """A named view: a framing, or a position and look-at (`render --shot NAME`, the viewer's number keys,
    a camera cue's `shot`)."""
    name: str = param("shot", "The shot's name.")
    framing: Framing = param("stage", _FRAMING)
    position: Union[Vec3, None] = param(None, "Eye position (x, y, z); default: from `framing`.",
                                        lo=-1e7, hi=1e7)
    look_at: Union[Vec3, None] = param(None, "Point looked at; default: from `framing`.", lo=-1e7, hi=1e7)
    fov: Union[float, None] = param(None, "Vertical field of view, degrees; default: the camera's.", lo=5.0,
                                    hi=150.0)


@dataclass(frozen=True)
class CameraSpec:
    """The view the scene opens with, and the scene's named shots."""
    framing: Framing = param("stage", _FRAMING)
    position: Union[Vec3, None] = param(None, "Eye position (x, y, z); default: from `framing`.",
                                        lo=-1e7, hi=1e7)
    look_at: Union[Vec3, None] = param(None, "Point looked at; default: from `framing`.",
                                       lo=-1e7, hi=1e7)
    fov: float = param(55.0, "Vertical field of view, degrees.", lo=5.0, hi=150.0)
    near: float = param(0.1, "Near clipping distance, metres.", gt=0.0, hi=1e4)
    far: Union[float, None] = param(None, "Far clipping distance; default: fits the whole scene.", gt=0.0,
                                    hi=1e8)
    shots: tuple[ShotSpec, ...] = param((), "Named shots beside the built-in ones (stage, performer, audience, "
                                        "sphere, sky, flaw); a name of these replaces the built-in.",
                                        max_items=32)


# ------------------------------------------------------------------------------------------ performance

EASINGS = ("linear", "smooth", "in", "out", "step")
Easing = Literal["linear", "smooth", "in", "out", "step"]
SphereRef = Union[int, Literal["instrument"]]
"""A sphere's index (0-based, as in `props.spheres.flawed`) or `instrument`."""
GroupRef = Union[int, str, None]
"""An audience group: its index (0-based), its name, or none for every group."""
_AT = "When the cue starts, in the performance's `unit` (seconds or beats) from its beginning."
_EASE = ("How the change runs over the cue's length: linear, smooth (ease in and out), in (slow start), "
         "out (slow end) or step (at once).")
_LABEL = "A short caption for the timeline (e.g. the line of the dream the cue realises)."


@dataclass(frozen=True)
class BurstSpec:
    """The burst of coloured particles a note blooms into, drifting away from where it sounded."""
    palette: tuple[Color, ...] = param(("#3f2fbf", "#ffb02e", "#d4d9e2"), "Colours the particles draw from "
                                       "(indigo ripples, wildfire golds, liquid silver).",
                                       min_items=1, max_items=16)
    count: int = param(160, "Particles in the burst; 0 for none.", lo=0, limit="burst.count")
    spread: float = param(1.6, "How far they fly out, metres.", lo=0.0, hi=1e3)
    drift: float = param(0.35, "How fast they rise and drift once flung out, metres per second.",
                         lo=-100.0, hi=100.0)
    life: float = param(2.5, "How long a particle glows before it fades, seconds (each varies around it).",
                        gt=0.0, hi=600.0)
    size: float = param(0.06, "Particle size, metres.", gt=0.0, hi=100.0)


@dataclass(frozen=True)
class NoteCue:
    """A sphere (or the instrument) sounds: its tone plays, its light flares, a burst blooms, a ring runs."""
    kind: Literal["note"] = param("note", "The cue's kind.")
    at: float = param(0.0, _AT, lo=0.0, hi=1e6)
    length: float = param(1.5, "How long the note sounds, in the performance's unit.", gt=0.0, hi=1e5)
    sphere: SphereRef = param(0, "Which sphere sounds (index) or `instrument`.", lo=0, hi=63)
    tone: Union[Tone, None] = param(None, "The tone played; default: the sphere's own (the instrument: C5).")
    level: float = param(0.8, "Loudness, 0…1.", lo=0.0, hi=1.0)
    flare: float = param(1.0, "How brightly its light flares, 0…1.", lo=0.0, hi=1.0)
    ripple: float = param(0.05, "Height of the ripple ring it starts on the stage beneath it, metres; 0 for "
                                "none.", lo=0.0, hi=5.0)
    burst: BurstSpec = section(BurstSpec, "The burst of particles.")
    label: str = param("", _LABEL)

    def problems(self) -> list[tuple[str, str]]:
        from .tones import tone_error

        err = tone_error(self.tone) if self.tone is not None else None
        return [("tone", err)] if err else []


@dataclass(frozen=True)
class PhraseCue:
    """A phrase: notes in turn on one voice (`tones`), or on several spheres each in its own tone (`spheres`).

    Shorthand for note cues `step` apart; the last one lingers for `last`.
    """
    kind: Literal["phrase"] = param("phrase", "The cue's kind.")
    at: float = param(0.0, _AT, lo=0.0, hi=1e6)
    length: float = param(1.2, "How long each note sounds, in the performance's unit.", gt=0.0, hi=1e5)
    sphere: SphereRef = param("instrument", "The voice `tones` are played on: a sphere (index) or "
                                            "`instrument`.", lo=0, hi=63)
    tones: tuple[Tone, ...] = param((), "The notes, in order, on `sphere` (note names or Hz).",
                                    max_items=256)
    spheres: tuple[int, ...] = param((), "Or: spheres that sound in turn, each its own tone.", lo=0, hi=63,
                                     max_items=256)
    step: float = param(0.6, "Time from one note's start to the next, in the performance's unit.",
                        gt=0.0, hi=1e5)
    last: Union[float, None] = param(None, "How long the last note lingers, in the unit; default: `length`.",
                                     gt=0.0, hi=1e5)
    level: float = param(0.8, "Loudness, 0…1.", lo=0.0, hi=1.0)
    flare: float = param(1.0, "How brightly the voice flares at each note, 0…1.", lo=0.0, hi=1.0)
    ripple: float = param(0.05, "Height of each note's ripple ring, metres; 0 for none.", lo=0.0, hi=5.0)
    burst: BurstSpec = section(BurstSpec, "The burst each note blooms into.")
    label: str = param("", _LABEL)

    def problems(self) -> list[tuple[str, str]]:
        from .tones import tone_error

        if bool(self.tones) == bool(self.spheres):
            return [("tones", "give either tones (on one voice) or spheres (each its own tone), not "
                              + ("both" if self.tones else "neither"))]
        return [(f"tones[{i}]", err) for i, tone in enumerate(self.tones) if (err := tone_error(tone))]


@dataclass(frozen=True)
class RippleCue:
    """Rings on the stage surface, one after another: uncertain steps on liquid silver."""
    kind: Literal["ripple"] = param("ripple", "The cue's kind.")
    at: float = param(0.0, _AT, lo=0.0, hi=1e6)
    length: float = param(4.0, "How long each ring runs before it has died away, in the unit.",
                          gt=0.0, hi=1e5)
    points: tuple[Vec2, ...] = param(((0.0, 0.0),), "Where the rings start (x, z), metres from the "
                                     "performer's mark.", lo=-1e4, hi=1e4, min_items=1, max_items=64)
    step: float = param(0.8, "Time from one ring to the next, in the unit.", lo=0.0, hi=1e5)
    amplitude: float = param(0.05, "Height of each ring, metres.", lo=0.0, hi=5.0)
    label: str = param("", _LABEL)


POSE_ACTIONS = ("bow", "rise", "turn", "reach", "lean")


@dataclass(frozen=True)
class AudienceCue:
    """A group reacts, eased in over `fade` and out again by the cue's end.

    sway: phases pulled into unison, so the crowd sways together; breathe: breaths in unison and deeper;
    dissolve: the mist dissolves and reforms; bow, rise, turn (towards the stage), reach (out), lean (in,
    closer: eyes zoom in): poses.
    """
    kind: Literal["audience"] = param("audience", "The cue's kind.")
    at: float = param(0.0, _AT, lo=0.0, hi=1e6)
    length: float = param(6.0, "How long the reaction lasts, in the unit.", gt=0.0, hi=1e5)
    group: GroupRef = param(None, "The group (index or name); default: every group.", lo=0, hi=15)
    action: Literal["sway", "breathe", "dissolve", "bow", "rise", "turn", "reach", "lean"] = param(
        "sway", "What the group does.")
    amount: float = param(1.0, "How strongly, 0…1.", lo=0.0, hi=1.0)
    fade: float = param(1.5, "Time to ease in, and to ease out before the end, in the unit.", lo=0.0, hi=1e5)
    ease: Easing = param("smooth", _EASE)
    label: str = param("", _LABEL)


@dataclass(frozen=True)
class MoodCue:
    """A group's colour (and the sky screens that follow it) turns to a colour over the cue's length."""
    kind: Literal["mood"] = param("mood", "The cue's kind.")
    at: float = param(0.0, _AT, lo=0.0, hi=1e6)
    length: float = param(8.0, "How long the turn takes, in the unit.", lo=0.0, hi=1e5)
    group: GroupRef = param(None, "The group (index or name); default: every group.", lo=0, hi=15)
    to: Color = param("#ff2d3f", "The colour it turns to.")
    strength: float = param(1.0, "How far the glow moves to it, 0…1.", lo=0.0, hi=1.0)
    flicker: float = param(0.0, "How much the following screens flicker with it, 0…1.", lo=0.0, hi=1.0)
    ease: Easing = param("smooth", _EASE)
    label: str = param("", _LABEL)


@dataclass(frozen=True)
class FlawCue:
    """A flawed sphere fails further: each field given moves there over the cue's length, the others stay.

    A cue that gives none of reveal, flicker, buzz, detune and shards moves them all to the flaw that
    `props.spheres.flaw` declares (fully failed). A flawed sphere that a flaw cue names starts the
    performance whole (cracks hidden, steady light, pure tone, no shards); one that no cue names stays as
    declared throughout.
    """
    kind: Literal["flaw"] = param("flaw", "The cue's kind.")
    at: float = param(0.0, _AT, lo=0.0, hi=1e6)
    length: float = param(10.0, "How long the change takes, in the unit.", lo=0.0, hi=1e5)
    sphere: int = param(0, "The flawed sphere (index; it must be listed in props.spheres.flawed).",
                        lo=0, hi=63)
    reveal: Union[float, None] = param(None, "How far the fractures have spread along their length, 0…1.",
                                       lo=0.0, hi=1.0)
    flicker: Union[float, None] = param(None, "Depth of the flicker, 0…1.", lo=0.0, hi=1.0)
    buzz: Union[float, None] = param(None, "Buzz in its tone, 0…1.", lo=0.0, hi=1.0)
    detune: Union[float, None] = param(None, "How far its tone has soured, cents.", lo=-1200.0, hi=1200.0)
    shards: Union[float, None] = param(None, "How fast shards flake off, relative to the flaw's own rate.",
                                       lo=0.0, hi=20.0)
    shatter: bool = param(False, "It shatters at the end of the cue.")
    ease: Easing = param("smooth", _EASE)
    label: str = param("", _LABEL)


@dataclass(frozen=True)
class SkyCue:
    """The sky moves to another palette over the cue's length."""
    kind: Literal["sky"] = param("sky", "The cue's kind.")
    at: float = param(0.0, _AT, lo=0.0, hi=1e6)
    length: float = param(10.0, "How long the change takes, in the unit.", lo=0.0, hi=1e5)
    to: SkyPaletteName = param("night", "The palette it moves to.")
    ease: Easing = param("smooth", _EASE)
    label: str = param("", _LABEL)


@dataclass(frozen=True)
class LightCue:
    """A spotlight sweeps to a target, changes colour or strength, or switches on or off."""
    kind: Literal["light"] = param("light", "The cue's kind.")
    at: float = param(0.0, _AT, lo=0.0, hi=1e6)
    length: float = param(2.0, "How long the change takes, in the unit.", lo=0.0, hi=1e5)
    light: int = param(0, "Which spotlight (index in lights.spotlights).", lo=0, hi=15)
    target: Union[Literal["stage", "mark"], Vec3, None] = param(
        None, "Where it sweeps to: stage, mark or a point (x, y, z); default: where it points.",
        lo=-1e6, hi=1e6)
    color: Union[Color, None] = param(None, "Colour it turns to; default: unchanged.")
    intensity: Union[float, None] = param(None, "Strength it moves to; default: unchanged.", lo=0.0, hi=1e4)
    lit: Union[bool, None] = param(None, "false: it goes out; true: it comes back on (at `intensity`, or its "
                                         "own strength).")
    ease: Easing = param("smooth", _EASE)
    label: str = param("", _LABEL)


@dataclass(frozen=True)
class CameraCue:
    """A shot: a framing, or a position and look-at, reached by a cut or an eased move."""
    kind: Literal["camera"] = param("camera", "The cue's kind.")
    at: float = param(0.0, _AT, lo=0.0, hi=1e6)
    length: float = param(3.0, "How long an eased move takes, in the unit.", lo=0.0, hi=1e5)
    framing: Framing = param("stage", "The framing, where position or look_at is not given (as in `camera`).")
    position: Union[Vec3, None] = param(None, "Eye position (x, y, z); default: from `framing`.",
                                        lo=-1e7, hi=1e7)
    look_at: Union[Vec3, None] = param(None, "Point looked at; default: from `framing`.", lo=-1e7, hi=1e7)
    fov: Union[float, None] = param(None, "Field of view, degrees; default: the camera's.", lo=5.0, hi=150.0)
    move: Literal["cut", "ease"] = param("ease", "cut: jump there at `at`; ease: move there over `length`.")
    ease: Easing = param("smooth", _EASE)
    label: str = param("", _LABEL)


@dataclass(frozen=True)
class CountdownCue:
    """A chronometer in the scene that shows the time left, running from `seconds` to nothing."""
    kind: Literal["countdown"] = param("countdown", "The cue's kind.")
    at: float = param(0.0, _AT, lo=0.0, hi=1e6)
    length: Union[float, None] = param(None, "How long it runs, in the unit; default: `seconds`.",
                                       gt=0.0, hi=1e5)
    seconds: float = param(120.0, "The time it shows at its start, seconds.", gt=0.0, hi=1e6)
    style: Literal["stardust", "sand", "mercury"] = param(
        "stardust", "What it is made of: coalescing stardust, falling sand or flowing liquid mercury.")
    position: Vec3 = param((-9.0, 6.0, -4.0), "Where it floats, metres from the stage centre (x, y above "
                                             "the stage surface, z).", lo=-1e5, hi=1e5)
    size: float = param(3.0, "Its height, metres.", gt=0.0, hi=1e4)
    swirl: float = param(3.0, "How much faster it swirls at the end than at the start (0: steady).",
                         lo=0.0, hi=100.0)
    linger: float = param(2.0, "How long it stays at nothing after it runs out, seconds.", lo=0.0, hi=1e5)
    label: str = param("", _LABEL)


@dataclass(frozen=True)
class HumCue:
    """The ambient drone of the place moves: it deepens (lower pitch), swells or fades, or sours."""
    kind: Literal["hum"] = param("hum", "The cue's kind.")
    at: float = param(0.0, _AT, lo=0.0, hi=1e6)
    length: float = param(10.0, "How long the change takes, in the unit.", lo=0.0, hi=1e5)
    pitch: Union[Tone, None] = param(None, "The pitch it moves to (note name or Hz); default: unchanged.")
    level: Union[float, None] = param(None, "Loudness it moves to, 0…1; default: unchanged.", lo=0.0, hi=1.0)
    sour: Union[float, None] = param(None, "Dissonance it moves to, 0 (pure) … 1 (sour); default: unchanged.",
                                     lo=0.0, hi=1.0)
    ease: Easing = param("smooth", _EASE)
    label: str = param("", _LABEL)

    def problems(self) -> list[tuple[str, str]]:
        from .tones import tone_error

        err = tone_error(self.pitch) if self.pitch is not None else None
        return [("pitch", err)] if err else []


Cue = Union[NoteCue, PhraseCue, RippleCue, AudienceCue, MoodCue, FlawCue, SkyCue, LightCue, CameraCue,
            CountdownCue, HumCue]
"""One cue of the score; its `kind` says which."""
CUE_KINDS: dict[str, type] = {c.__dataclass_fields__["kind"].default: c for c in typing.get_args(Cue)}


@dataclass(frozen=True)
class HumSpec:
    """The ambient drone of the place, as the performance opens."""
    pitch: Tone = param("C2", "Its pitch (note name or Hz).")
    level: float = param(0.0, "Loudness, 0 (silent) … 1.", lo=0.0, hi=1.0)
    sour: float = param(0.0, "Dissonance, 0 (pure) … 1 (sour).", lo=0.0, hi=1.0)

    def problems(self) -> list[tuple[str, str]]:
        from .tones import tone_error

        err = tone_error(self.pitch)
        return [("pitch", err)] if err else []


@dataclass(frozen=True)
class PerformanceSpec:
    """The score: cues that change the scene over time. Without cues the scene is a still life with loops.

    Overlapping cues compose by one rule: a cue that moves a value (mood, flaw, sky, light, camera, hum)
    takes it over from wherever it stands when the cue starts, so the latest-started cue wins and an
    earlier one still running is cut off there; momentary cues (notes, ripples, audience reactions) add
    up, each with its own envelope, and the sum is clamped to its range.
    """
    duration: Union[float, None] = param(None, "Length of the performance, in `unit`; default: until the "
                                               "last cue has ended.", gt=0.0, hi=1e6)
    unit: Literal["seconds", "beats"] = param("seconds", "What `at`, `length` and `duration` count: seconds, "
                                                         "or beats at `tempo`.")
    tempo: Union[float, None] = param(None, "Beats per minute (needed when unit is beats).", gt=0.0, hi=1000.0)
    loop: bool = param(False, "Start again at the end (else the final state holds).")
    hum: HumSpec = section(HumSpec, "The ambient drone.")
    cues: tuple[Cue, ...] = param((), "The cues, in any order.", max_items=LIMITS["performance.cues"])

    def problems(self) -> list[tuple[str, str]]:
        if self.unit == "beats" and self.tempo is None:
            return [("tempo", "unit is beats, so a tempo (beats per minute) is needed")]
        return []


# ------------------------------------------------------------------------------------------------- seed

@dataclass(frozen=True)
class SeedSpec:
    """A scene, fully described: the seed and every section, defaults filled."""
    scenegen: Literal[1] = param(1, "Seed-file format version.")
    name: str = param("Untitled scene", "The scene's name.")
    description: str = param("", "What the scene is; free text.")
    seed: Union[int, str] = param(0, "The seed: an integer 0 … 2^64−1, or any string (hashed stably).",
                                  lo=0, hi=2**64 - 1)
    terrain: TerrainSpec = section(TerrainSpec, "The land.")
    stage: StageSpec = section(StageSpec, "The stage.")
    audience: tuple[AudienceGroupSpec, ...] = param(
        (AudienceGroupSpec(),), "Audience groups, each with its own layout and look.", max_items=16)
    props: PropsSpec = section(PropsSpec, "Spheres and the instrument.")
    sky: SkySpec = section(SkySpec, "The sky.")
    lights: LightsSpec = section(LightsSpec, "Lights.")
    camera: CameraSpec = section(CameraSpec, "The starting view.")
    performance: PerformanceSpec = section(PerformanceSpec, "The score that plays the scene over time.")

    def problems(self) -> list[tuple[str, str]]:
        total = sum(g.count for g in self.audience)
        if total > LIMITS["audience.total"]:
            return [("audience", f"{total} figures in all is above the limit of {LIMITS['audience.total']}")]
        return self._cue_problems()

    def _cue_problems(self) -> list[tuple[str, str]]:
        """Cues that name a sphere, group or light the scene does not have."""
        out: list[tuple[str, str]] = []
        spheres = self.props.spheres
        names = [g.name for g in self.audience]
        lights = len(self.lights.spotlights)
        notes = particles = 0

        def sphere(path: str, ref: Any) -> None:
            if ref == "instrument":
                if not self.props.instrument.enabled:
                    out.append((path, "the scene has no instrument (props.instrument.enabled is false)"))
            elif ref >= spheres.count:
                out.append((path, f"no sphere {ref}: the scene has {spheres.count} (0…{spheres.count - 1})"
                            if spheres.count else f"no sphere {ref}: the scene has no spheres"))

        for i, cue in enumerate(self.performance.cues):
            at = f"performance.cues[{i}]"
            if isinstance(cue, (NoteCue, PhraseCue)):
                count = 1 if isinstance(cue, NoteCue) else len(cue.tones) + len(cue.spheres)
                notes += count
                particles += count * cue.burst.count
                if isinstance(cue, NoteCue) or cue.tones:
                    sphere(f"{at}.sphere", cue.sphere)
                if isinstance(cue, PhraseCue):
                    for j, ref in enumerate(cue.spheres):
                        sphere(f"{at}.spheres[{j}]", ref)
            if isinstance(cue, (AudienceCue, MoodCue)) and cue.group is not None:
                if isinstance(cue.group, str) and cue.group not in names:
                    known = ", ".join(repr(n) for n in names if n) or "none has a name"
                    out.append((f"{at}.group", f"no audience group named {cue.group!r} (groups: {known})"))
                elif isinstance(cue.group, int) and cue.group >= len(self.audience):
                    out.append((f"{at}.group", f"no audience group {cue.group}: the scene has "
                                               f"{len(self.audience)}"))
            if isinstance(cue, FlawCue):
                if cue.sphere >= spheres.count:
                    sphere(f"{at}.sphere", cue.sphere)
                elif cue.sphere not in spheres.flawed:
                    out.append((f"{at}.sphere", f"sphere {cue.sphere} is not flawed (list it in "
                                                "props.spheres.flawed)"))
            if isinstance(cue, LightCue) and cue.light >= lights:
                out.append((f"{at}.light", f"no spotlight {cue.light}: the scene has {lights}"))
        if notes > LIMITS["performance.notes"]:
            out.append(("performance.cues", f"{notes} notes in all is above the limit of "
                                            f"{LIMITS['performance.notes']}"))
        if particles > LIMITS["burst.total"]:
            out.append(("performance.cues", f"{particles} burst particles in all is above the limit of "
                                            f"{LIMITS['burst.total']}"))
        return out
