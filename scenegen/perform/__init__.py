"""Performances: the score resolved to events, the one function of time (`state_at`) and the sound mix."""

from .model import (
                    EVENT_KINDS,
                    POSES,
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
from .resolve import resolve_performance
from .sound import RATE, mix, note_sound_hz, wav_bytes, write_wav
from .timeline import State, hum_at, performance_clock, state_at

__all__ = ["Performance", "State", "state_at", "mix", "write_wav", "wav_bytes", "note_sound_hz", "RATE",
           "performance_clock", "hum_at", "resolve_performance", "POSES",
           "Event", "EVENT_KINDS", "NoteEvent", "RippleEvent", "AudienceEvent", "MoodEvent", "FlawEvent",
           "SkyEvent", "LightEvent", "CameraEvent", "CountdownEvent", "HumEvent"]
