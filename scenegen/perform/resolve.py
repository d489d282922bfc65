"""Seed-file score → Performance: beats to seconds, phrases to notes, names to indices, framings to shots."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..color import hex_to_linear
from ..spec import (
    AudienceCue,
    CameraCue,
    CountdownCue,
    FlawCue,
    HumCue,
    LightCue,
    MoodCue,
    NoteCue,
    PerformanceSpec,
    PhraseCue,
    RippleCue,
    SkyCue,
    SpotlightSpec,
)
from ..tones import tone_to_hz
from .model import (
    AudienceEvent,
    CameraEvent,
    CountdownEvent,
    Event,
    FlawEvent,
    HumEvent,
    LightEvent,
    MoodEvent,
    NoteEvent,
    Performance,
    RippleEvent,
    SkyEvent,
)

__all__ = ["resolve_performance", "INSTRUMENT_TONE", "SHATTER_TIME", "COUNTDOWN_FADE", "note_ring_life"]

INSTRUMENT_TONE = "C5"
"""The instrument's tone where a note cue gives none."""
_NOTE_RING_LIFE = 6.0        # seconds a note's ripple ring runs before it has died away
COUNTDOWN_FADE = 0.5         # seconds the chronometer takes to appear and to vanish
SHATTER_TIME = 1.2           # seconds from the first crack of a shatter to nothing left of the sphere


def _t3(v: Any) -> tuple[float, float, float]:
    return (float(v[0]), float(v[1]), float(v[2]))


def _seed32(spec_seed: int, source: int, sub: int) -> int:
    """A burst's hash seed: stable in the scene seed, the cue and the note within it (splitmix64 mix)."""
    z = (spec_seed * 0x9E3779B97F4A7C15 + source * 0xBF58476D1CE4E5B9 + sub * 0x94D049BB133111EB) % (1 << 64)
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) % (1 << 64)
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) % (1 << 64)
    return int((z ^ (z >> 31)) & 0xFFFFFFFF)


def _groups(ref: Any, names: Sequence[str]) -> tuple[int, ...]:
    if ref is None:
        return tuple(range(len(names)))
    if isinstance(ref, int):
        return (ref,)
    return tuple(i for i, n in enumerate(names) if n == ref)


class _Resolver:
    def __init__(self, spec: Any, seed: int, stage: Any, audience: Sequence[Any], props: Any, lights: Any,
                 camera: Any, terrain: Any, reach: float):
        self.spec, self.seed = spec, seed
        self.stage, self.props, self.lights, self.camera = stage, props, lights, camera
        self.terrain, self.reach, self.audience = terrain, reach, tuple(audience)
        self.names = [g.name for g in audience]
        perf: PerformanceSpec = spec.performance
        self.scale = 60.0 / perf.tempo if perf.unit == "beats" and perf.tempo else 1.0

    def sec(self, x: float) -> float:
        return float(x) * self.scale

    # ----------------------------------------------------------------------------------------- notes

    def voice(self, ref: Any) -> tuple[int, tuple[float, float, float], tuple[float, float, float], float]:
        """(sphere index or −1, where it sounds, its colour, its own tone in Hz)."""
        if ref == "instrument":
            inst = self.props.instrument
            base = inst.base
            pos = (base[0], base[1] + inst.height, base[2])
            return -1, _t3(pos), _t3(inst.light_color), tone_to_hz(INSTRUMENT_TONE)
        s = self.props.spheres
        return (int(ref), _t3(s.center_i[ref].astype(np.float64)), _t3(s.color_i[ref].astype(np.float64)),
                float(s.tone_hz_i[ref]))

    def note(self, cue: NoteCue | PhraseCue, source: int, sub: int, at: float, length: float, ref: Any,
             tone: Any) -> NoteEvent:
        sphere, pos, color, own = self.voice(ref)
        hz = own if tone is None else tone_to_hz(tone)
        stage = self.stage
        half = max(stage.radius, 1e-6)
        pan = float(np.clip((pos[0] - stage.center[0]) / half, -1.0, 1.0))
        b = cue.burst
        palette = np.stack([hex_to_linear(c) for c in b.palette]).astype(np.float32)
        return NoteEvent(
            kind="note", at=at, length=length, source=source, label=cue.label, sphere=sphere, hz=float(hz),
            level=float(cue.level), flare=float(cue.flare), position=pos, color=color, pan=pan,
            ripple=float(cue.ripple), ring_center=(pos[0], pos[2]), burst_palette_c=palette,
            burst_count=int(b.count), burst_spread=float(b.spread), burst_drift=float(b.drift),
            burst_life=float(b.life), burst_size=float(b.size), burst_seed=_seed32(self.seed, source, sub))

    def notes(self, cue: NoteCue | PhraseCue, source: int) -> list[Event]:
        at = self.sec(cue.at)
        if isinstance(cue, NoteCue):
            return [self.note(cue, source, 0, at, self.sec(cue.length), cue.sphere, cue.tone)]
        voices: list[tuple[Any, Any]] = ([(cue.sphere, t) for t in cue.tones] if cue.tones
                                         else [(k, None) for k in cue.spheres])
        out: list[Event] = []
        for j, (ref, tone) in enumerate(voices):
            last = j == len(voices) - 1 and cue.last is not None
            length = self.sec(cue.last if last else cue.length)   # type: ignore[arg-type]
            out.append(self.note(cue, source, j, at + j * self.sec(cue.step), length, ref, tone))
        return out

    # ---------------------------------------------------------------------------------------- others

    def ripples(self, cue: RippleCue, source: int) -> list[Event]:
        mx, mz = self.stage.mark
        return [RippleEvent(kind="ripple", at=self.sec(cue.at) + j * self.sec(cue.step),
                            length=self.sec(cue.length), source=source, label=cue.label,
                            center=(float(mx + x), float(mz + z)), amplitude=float(cue.amplitude))
                for j, (x, z) in enumerate(cue.points)]

    def flaw(self, cue: FlawCue, source: int) -> FlawEvent:
        spheres = self.props.spheres
        own = spheres.flaws[int(spheres.flaw_i[cue.sphere])]
        given = [cue.reveal, cue.flicker, cue.buzz, cue.detune, cue.shards]
        if all(v is None for v in given):     # no field given: all the way to the declared flaw
            given = [1.0, own.flicker, own.buzz, own.detune_cents, 1.0]

        def num(v: float | None) -> float | None:
            return None if v is None else float(v)

        reveal, flicker, buzz, detune, shards = (num(v) for v in given)
        return FlawEvent(
            kind="flaw", at=self.sec(cue.at), length=self.sec(cue.length), source=source, label=cue.label,
            sphere=cue.sphere, reveal=reveal, flicker=flicker, buzz=buzz, detune=detune, shards=shards,
            shatter=bool(cue.shatter), ease=cue.ease)

    def light(self, cue: LightCue, source: int) -> LightEvent:
        from ..gen.lights import spot_target

        target = None
        if cue.target is not None:
            target = _t3(spot_target(SpotlightSpec(target=cue.target), self.stage))
        own = self.spec.lights.spotlights[cue.light]
        intensity = cue.intensity
        if cue.lit is False:
            intensity = 0.0
        elif cue.lit is True and intensity is None:
            intensity = float(own.intensity)
        color = _t3(hex_to_linear(cue.color)) if cue.color is not None else None
        return LightEvent(kind="light", at=self.sec(cue.at), length=self.sec(cue.length), source=source,
                          label=cue.label, light=cue.light, target=target, color=color,
                          intensity=None if intensity is None else float(intensity), ease=cue.ease)

    def shot(self, cue: CameraCue, source: int) -> CameraEvent:
        from ..gen.camera import generate_camera

        cam_spec = dataclasses.replace(self.spec.camera, framing=cue.framing, position=cue.position,
                                       look_at=cue.look_at, fov=cue.fov if cue.fov is not None
                                       else self.spec.camera.fov)
        cam = generate_camera(cam_spec, self.stage, self.terrain, reach=self.reach, props=self.props,
                              audience=self.audience)
        cut = cue.move == "cut"
        return CameraEvent(kind="camera", at=self.sec(cue.at), length=0.0 if cut else self.sec(cue.length),
                           source=source, label=cue.label, position=_t3(cam.position), look_at=_t3(cam.look_at),
                           fov=float(cam.fov), ease="step" if cut else cue.ease)

    def countdown(self, cue: CountdownCue, source: int) -> CountdownEvent:
        cx, cz = self.stage.center
        x, y, z = cue.position
        length = self.sec(cue.length) if cue.length is not None else float(cue.seconds)
        return CountdownEvent(kind="countdown", at=self.sec(cue.at), length=length, source=source,
                              label=cue.label, seconds=float(cue.seconds), style=cue.style,
                              position=(float(cx + x), float(self.stage.top + y), float(cz + z)),
                              size=float(cue.size), swirl=float(cue.swirl), linger=float(cue.linger))

    def events(self, i: int, cue: Any) -> list[Event]:
        at, length = self.sec(cue.at), self.sec(cue.length) if cue.length is not None else 0.0
        if isinstance(cue, (NoteCue, PhraseCue)):
            return self.notes(cue, i)
        if isinstance(cue, RippleCue):
            return self.ripples(cue, i)
        if isinstance(cue, AudienceCue):
            fade = min(self.sec(cue.fade), 0.5 * length)
            return [AudienceEvent(kind="audience", at=at, length=length, source=i, label=cue.label,
                                  groups=_groups(cue.group, self.names), action=cue.action,
                                  amount=float(cue.amount), fade=fade, ease=cue.ease)]
        if isinstance(cue, MoodCue):
            return [MoodEvent(kind="mood", at=at, length=length, source=i, label=cue.label,
                              groups=_groups(cue.group, self.names), color=_t3(hex_to_linear(cue.to)),
                              strength=float(cue.strength), flicker=float(cue.flicker), ease=cue.ease)]
        if isinstance(cue, FlawCue):
            return [self.flaw(cue, i)]
        if isinstance(cue, SkyCue):
            from ..gen.sky import _palette

            return [SkyEvent(kind="sky", at=at, length=length, source=i, label=cue.label,
                             palette=_palette(cue.to), ease=cue.ease)]
        if isinstance(cue, LightCue):
            return [self.light(cue, i)]
        if isinstance(cue, CameraCue):
            return [self.shot(cue, i)]
        if isinstance(cue, CountdownCue):
            return [self.countdown(cue, i)]
        if isinstance(cue, HumCue):
            return [HumEvent(kind="hum", at=at, length=length, source=i, label=cue.label,
                             hz=None if cue.pitch is None else tone_to_hz(cue.pitch),
                             level=None if cue.level is None else float(cue.level),
                             sour=None if cue.sour is None else float(cue.sour), ease=cue.ease)]
        raise TypeError(f"unknown cue {cue!r}")   # a cue kind declared in spec.py but not resolved here


def _end(ev: Event) -> float:
    if isinstance(ev, NoteEvent):
        return ev.at + max(ev.length, ev.burst_life if ev.burst_count else 0.0,
                           _NOTE_RING_LIFE if ev.ripple > 0 else 0.0)
    if isinstance(ev, CountdownEvent):
        return ev.at + ev.length + ev.linger + COUNTDOWN_FADE
    if isinstance(ev, FlawEvent) and ev.shatter:
        return ev.at + ev.length + SHATTER_TIME
    return ev.at + ev.length


def note_ring_life() -> float:
    """Seconds a note's ripple ring runs."""
    return _NOTE_RING_LIFE


def resolve_performance(spec: Any, seed: int, stage: Any, audience: Sequence[Any], props: Any, lights: Any,
                        camera: Any, terrain: Any, reach: float = 0.0) -> Performance:
    """The Performance of `spec.performance` for the generated scene parts it refers to. Pure."""
    perf: PerformanceSpec = spec.performance
    r = _Resolver(spec, seed, stage, audience, props, lights, camera, terrain, reach)
    events: list[tuple[float, int, int, Event]] = []
    for i, cue in enumerate(perf.cues):
        for j, ev in enumerate(r.events(i, cue)):
            events.append((ev.at, i, j, ev))
    events.sort(key=lambda e: e[:3])
    cues = tuple(e[3] for e in events)
    if perf.duration is not None:
        duration = r.sec(perf.duration)
    else:
        duration = max((_end(ev) for ev in cues), default=0.0)
    return Performance(duration=float(duration), loop=bool(perf.loop),
                       tempo=None if perf.tempo is None else float(perf.tempo),
                       hum_hz=tone_to_hz(perf.hum.pitch), hum_level=float(perf.hum.level),
                       hum_sour=float(perf.hum.sour), cues=cues)
