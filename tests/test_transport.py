"""The viewer's playhead (transport.py), the HUD's cue strip and the video writer, without a window."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from scenegen.render.hud import HudState, status_lines
from scenegen.render.transport import CUE_COLORS, STRIP_ROWS, Transport, timeline_marks


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class FakeAudio:
    """A device that starts where asked and then runs at its own pace (set by the test)."""

    def __init__(self, works: bool = True) -> None:
        self.works = works
        self.at: float | None = None
        self.started: list[float] = []

    def start(self, at: float) -> bool:
        self.started.append(at)
        self.at = at if self.works else None
        return self.works

    def stop(self) -> None:
        self.at = None

    def time(self) -> float | None:
        return self.at


def test_wall_clock_plays_pauses_seeks_and_holds_at_the_end() -> None:
    clock = Clock()
    tr = Transport(10.0, clock=clock)
    assert not tr.playing and tr.position == 0.0
    tr.play()
    clock.now += 2.5
    assert tr.tick() == pytest.approx(2.5)
    tr.pause()
    clock.now += 5.0
    assert tr.tick() == pytest.approx(2.5) and not tr.playing
    assert tr.seek(7.0) == 7.0 and tr.position == 7.0
    tr.play()
    clock.now += 4.0                                   # past the end: holds the last moment, stops
    assert tr.tick() == 10.0 and not tr.playing
    tr.play()                                          # play at the end starts over
    clock.now += 1.0
    assert tr.tick() == pytest.approx(1.0)
    assert tr.seek(-3.0) == 0.0 and tr.seek(99.0) == 10.0
    tr.seek(4.0)
    assert tr.restart() == 0.0 and tr.playing


def test_looping_wraps_and_speed_scales_time() -> None:
    clock = Clock()
    tr = Transport(4.0, loop=True, clock=clock)
    tr.play()
    clock.now += 5.0
    assert tr.tick() == pytest.approx(1.0) and tr.playing
    tr.set_speed(2.0)
    clock.now += 1.0
    assert tr.tick() == pytest.approx(3.0)
    endless = Transport(None, clock=clock)
    endless.play()
    clock.now += 1e4
    assert endless.tick() == pytest.approx(1e4)


def test_the_audio_clock_leads_while_it_sounds() -> None:
    clock = Clock()
    audio = FakeAudio()
    tr = Transport(60.0, position=3.0, audio=audio, clock=clock)
    tr.play()
    assert audio.started == [3.0] and tr.led_by_audio
    clock.now += 1.0
    audio.at = 3.7                                     # the device is behind the wall clock: it wins
    assert tr.tick() == pytest.approx(3.7)
    tr.seek(20.0)                                      # a seek restarts the sound where the playhead goes
    assert audio.started[-1] == 20.0 and tr.position == 20.0
    tr.pause()
    assert audio.at is None and not tr.led_by_audio
    tr.set_speed(0.5)                                  # not ×1: the sound stays off, the wall clock runs
    tr.play()
    assert not tr.led_by_audio and audio.started[-1] == 20.0
    clock.now += 2.0
    assert tr.tick() == pytest.approx(21.0)
    silent = Transport(60.0, audio=FakeAudio(works=False), clock=clock)
    silent.play()
    clock.now += 1.5
    assert not silent.led_by_audio and silent.tick() == pytest.approx(1.5)


def test_a_new_soundtrack_takes_over_at_the_playhead() -> None:
    clock = Clock()
    tr = Transport(30.0, clock=clock)
    tr.play()
    clock.now += 4.0
    audio = FakeAudio()
    tr.set_audio(audio)
    assert audio.started == [pytest.approx(4.0)] and tr.led_by_audio


@dataclass
class _Cue:
    kind: str
    at: float
    length: float


@dataclass
class _Perf:
    duration: float
    cues: tuple[_Cue, ...]


def test_timeline_marks_place_each_cue_on_its_row() -> None:
    perf = _Perf(100.0, (_Cue("note", 10.0, 0.0), _Cue("sky", 50.0, 25.0), _Cue("mystery", 90.0, 50.0),
                         _Cue("phrase", 0.0, 5.0)))
    marks = timeline_marks(perf, 200.0)
    assert len(marks) == 4
    (x0, w0, r0, c0), (x1, w1, r1, c1), (x2, w2, r2, _), (x3, w3, r3, _) = marks
    assert c1 == CUE_COLORS["sky"] and x3 == 0.0
    assert x0 == pytest.approx(20.0) and w0 == 2.0 and r0 == STRIP_ROWS.index("note") and c0 == CUE_COLORS["note"]
    assert x1 == pytest.approx(100.0) and w1 == pytest.approx(50.0) and r1 == STRIP_ROWS.index("sky")
    assert x2 == pytest.approx(180.0) and x2 + w2 <= 200.0 + 1e-9 and r2 == len(STRIP_ROWS) - 1
    assert r3 == STRIP_ROWS.index("note") and w3 == pytest.approx(10.0)
    assert timeline_marks(None, 200.0) == [] and timeline_marks(_Perf(0.0, ()), 200.0) == []


def test_hud_clock_line_of_a_performance() -> None:
    line = status_lines(HudState(time=12.5, duration=120.0, paused=True, sound="silent"))[3]
    assert "12.50 / 120.00 s" in line and "paused" in line and "silent" in line
    assert "/ " not in status_lines(HudState(time=3.0))[3]


# --------------------------------------------------------------------------------------- video

def test_frame_times_come_from_one_clock() -> None:
    from scenegen.video import frame_count, frame_times
    t = frame_times(2.0, 5.0, 30)
    assert len(t) == 90 and t[0] == 2.0 and t[1] == pytest.approx(2.0 + 1 / 30)
    np.testing.assert_array_equal(t, 2.0 + np.arange(90) / 30.0)
    assert frame_count(0.0, 1.0, 29.97) == 30 and frame_count(0.0, 0.001, 30) == 1
    with pytest.raises(ValueError):
        frame_count(3.0, 3.0, 30)


def test_mp4_holds_h264_and_aac_of_the_right_length(tmp_path: Path) -> None:
    from scenegen.video import VideoError, VideoWriter, probe
    rate, fps = 48_000, 24
    n = int(1.5 * rate)
    tone = (np.sin(2 * np.pi * 440 * np.arange(n) / rate) * 9000).astype(np.int16)
    out = tmp_path / "clip.mp4"
    with VideoWriter(out, (64, 48), fps, audio=np.stack([tone, tone], axis=1), rate=rate) as w:
        for i in range(36):
            img = np.zeros((48, 64, 3), np.uint8)
            img[:, : 2 * i] = (255, 128, 0)
            w.add(img)
    info = probe(out)
    assert info.video is not None and info.audio is not None
    assert info.video.codec == "h264" and info.video.frames == 36 and info.video.size == (64, 48)
    assert info.video.duration == pytest.approx(1.5)
    assert info.audio.codec == "aac" and info.audio.channels == 2 and info.audio.rate == rate
    assert info.audio.duration == pytest.approx(1.5, abs=0.05)       # AAC pads up to one 1024-sample frame
    assert not list(tmp_path.glob(".*tmp*"))
    with pytest.raises(VideoError, match="even"):
        VideoWriter(tmp_path / "odd.mp4", (63, 48), fps)
    # A failure midway leaves nothing behind, and an existing file as it was.
    out.write_bytes(b"old")
    with pytest.raises(VideoError), VideoWriter(out, (64, 48), fps) as w:
        w.add(np.zeros((10, 10, 3), np.uint8))
    assert out.read_bytes() == b"old" and not list(tmp_path.glob(".*tmp*"))
