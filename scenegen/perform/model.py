"""The resolved score: a Performance record of events in seconds, world units and linear colours (scene JSON data)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Union

import numpy as np

from ..gen.sky import SkyPalette
from ..model import Record, array, value

__all__ = ["NoteEvent", "RippleEvent", "AudienceEvent", "MoodEvent", "FlawEvent", "SkyEvent", "LightEvent",
           "CameraEvent", "CountdownEvent", "HumEvent", "Event", "Performance", "POSES", "EVENT_KINDS"]

POSES = ("bow", "rise", "turn", "reach", "lean")
"""The pose vocabulary of audience reactions, in the order of `State.group_pose_gp`'s columns."""

Vec3 = tuple[float, float, float]


@dataclass(frozen=True, eq=False)
class _Event(Record):
    """What every event of the score has, first: its kind, its start and length, and where it came from."""
    kind: str = value("The event's kind (its record's KIND).")
    at: float = value("Start, seconds.")
    length: float = value("How long it sounds, runs or takes, seconds.")
    source: int = value("Index of the seed file's cue it comes from (a phrase gives several notes).")
    label: str = value("Caption for the timeline.")


@dataclass(frozen=True, eq=False)
class NoteEvent(_Event):
    """A note: a voice sounds, flares, blooms into a burst of particles and starts a ring on the stage.

    Burst particle p (0 ≤ p < burst_count) at age a = t − at: see `perform.timeline.bursts`; every
    particle is a pure function of (burst_seed, p, a).
    """
    KIND: ClassVar[str] = "note"
    sphere: int = value("The sphere that sounds, or −1 for the instrument.")
    hz: float = value("The tone played, Hz (a flawed sphere sounds it detuned by its flaw at `at`).")
    level: float = value("Loudness, 0…1.")
    flare: float = value("How brightly the voice flares, 0…1.")
    position: Vec3 = value("Where it sounds (the sphere's centre, the instrument's crown), world metres.")
    color: Vec3 = value("Colour of the voice's light, linear RGB.")
    pan: float = value("Stereo position, −1 (left) … 1 (right), from where it stands across the stage.")
    ripple: float = value("Height of the ripple ring beneath it, metres (0: none).")
    ring_center: tuple[float, float] = value("Where the ring starts on the stage (x, z), world metres.")
    burst_palette_c: np.ndarray = array("float32", ("c", 3), "Colours of the burst's particles, linear RGB.")
    burst_count: int = value("Particles in the burst.")
    burst_spread: float = value("How far they fly out, metres.")
    burst_drift: float = value("How fast they rise once flung out, metres per second.")
    burst_life: float = value("Longest a particle glows, seconds.")
    burst_size: float = value("Particle size, metres.")
    burst_seed: int = value("Seed of the particles' hash (below 2^32).")


@dataclass(frozen=True, eq=False)
class RippleEvent(_Event):
    """A ring on the stage surface that runs out and dies away over `length`."""
    KIND: ClassVar[str] = "ripple"
    center: tuple[float, float] = value("Where it starts (x, z), world metres.")
    amplitude: float = value("Height, metres.")


@dataclass(frozen=True, eq=False)
class AudienceEvent(_Event):
    """An audience reaction: weight amount·in(t)·out(t), eased in over `fade` and out by the end."""
    KIND: ClassVar[str] = "audience"
    groups: tuple[int, ...] = value("Indices of the groups that react.")
    action: str = value("sway, breathe, dissolve, bow, rise, turn, reach or lean.")
    amount: float = value("How strongly, 0…1.")
    fade: float = value("Ease-in and ease-out time, seconds.")
    ease: str = value("Easing of the fades.")


@dataclass(frozen=True, eq=False)
class MoodEvent(_Event):
    """Groups' colour moves to `color` (weight `strength`), and the screens that follow them with it."""
    KIND: ClassVar[str] = "mood"
    groups: tuple[int, ...] = value("Indices of the groups whose colour turns.")
    color: Vec3 = value("The colour, linear RGB.")
    strength: float = value("How far the glow moves to it, 0…1.")
    flicker: float = value("How much the following screens flicker, 0…1.")
    ease: str = value("Easing.")


@dataclass(frozen=True, eq=False)
class FlawEvent(_Event):
    """A flawed sphere's state moves to these values over the cue's length (none: that one stays where it is),
    and with `shatter` it breaks at the end."""
    KIND: ClassVar[str] = "flaw"
    sphere: int = value("The sphere.")
    reveal: Union[float, None] = value("How far the cracks have spread along their length, 0…1.")
    flicker: Union[float, None] = value("Depth of the flicker, 0…1.")
    buzz: Union[float, None] = value("Buzz in its tone, 0…1.")
    detune: Union[float, None] = value("How far its tone is off, cents.")
    shards: Union[float, None] = value("Rate the shards flake off, relative to the flaw's own.")
    shatter: bool = value("It shatters at at + length.")
    ease: str = value("Easing.")


@dataclass(frozen=True, eq=False)
class SkyEvent(_Event):
    """The sky moves to `palette`."""
    KIND: ClassVar[str] = "sky"
    palette: SkyPalette = value("The palette it moves to.")
    ease: str = value("Easing.")


@dataclass(frozen=True, eq=False)
class LightEvent(_Event):
    """A spotlight moves to a target, colour and strength (none: that one is left as it is)."""
    KIND: ClassVar[str] = "light"
    light: int = value("Index of the spotlight.")
    target: Union[Vec3, None] = value("Point it sweeps to, world metres.")
    color: Union[Vec3, None] = value("Colour, linear RGB.")
    intensity: Union[float, None] = value("Strength.")
    ease: str = value("Easing.")


@dataclass(frozen=True, eq=False)
class CameraEvent(_Event):
    """A shot: the camera moves (ease) or cuts (step) to this eye, target and field of view."""
    KIND: ClassVar[str] = "camera"
    position: Vec3 = value("Eye position, world metres.")
    look_at: Vec3 = value("Point looked at, world metres.")
    fov: float = value("Vertical field of view, degrees.")
    ease: str = value("Easing (step: a cut).")


@dataclass(frozen=True, eq=False)
class CountdownEvent(_Event):
    """A chronometer: shows `seconds`·(1 − progress) from `at` to at + length, then nothing for `linger`."""
    KIND: ClassVar[str] = "countdown"
    seconds: float = value("The time it shows at its start, seconds.")
    style: str = value("stardust, sand or mercury.")
    position: Vec3 = value("Centre of the prop, world metres.")
    size: float = value("Height of the prop, metres.")
    swirl: float = value("Extra swirl at the end: the rate grows as 1 + swirl·progress³.")
    linger: float = value("Seconds it stays at nothing after running out.")


@dataclass(frozen=True, eq=False)
class HumEvent(_Event):
    """The drone moves to this pitch, level and sourness (none: that one is left as it is)."""
    KIND: ClassVar[str] = "hum"
    hz: Union[float, None] = value("Pitch, Hz.")
    level: Union[float, None] = value("Loudness, 0…1.")
    sour: Union[float, None] = value("Dissonance, 0…1.")
    ease: str = value("Easing.")


Event = Union[NoteEvent, RippleEvent, AudienceEvent, MoodEvent, FlawEvent, SkyEvent, LightEvent, CameraEvent,
              CountdownEvent, HumEvent]
EVENT_KINDS: dict[str, type] = {c.KIND: c for c in (NoteEvent, RippleEvent, AudienceEvent, MoodEvent,
                                                     FlawEvent, SkyEvent, LightEvent, CameraEvent,
                                                     CountdownEvent, HumEvent)}


@dataclass(frozen=True, eq=False)
class Performance(Record):
    """The score, resolved: events sorted by start (then by seed-file order), in seconds.

    Overlaps compose by one rule: an event that moves a value takes it over from wherever it stands at
    the event's start (the latest-started wins); notes, ripples and audience reactions add, clamped.
    """
    duration: float = value("Length, seconds (0: no performance, a still scene).")
    loop: bool = value("It starts again at the end (else the final state holds).")
    tempo: Union[float, None] = value("Beats per minute, when the seed file counts in beats.")
    hum_hz: float = value("Pitch of the drone as it opens, Hz.")
    hum_level: float = value("Loudness of the drone as it opens, 0…1.")
    hum_sour: float = value("Dissonance of the drone as it opens, 0…1.")
    cues: tuple[Event, ...] = value("The events, sorted by start.")
