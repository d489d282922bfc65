"""MP4 video with its soundtrack (H.264 + AAC, played by every browser) through PyAV, and the probe that reads it back.

PyAV's wheels carry their own FFmpeg with libx264 and FFmpeg's AAC encoder, so nothing is needed from the
system, and frames go from numpy to the encoder in this process: no pipe to a child ffmpeg, no raw frames
copied through it, and the time spent encoding is measured here (bench/video.py). Nothing here draws: the
frames come from the renderer, the samples from the performance's mix, both at times of one clock
(`frame_times`).
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from .fileio import OutputSet

__all__ = ["frame_times", "frame_count", "VideoWriter", "StreamInfo", "Probe", "probe", "VideoError"]

CRF = 20                # x264 quality: visually clean for glows and fine particles, ~1/3 the bytes of CRF 14
PRESET = "fast"         # "medium" is ~1.6× dearer on 2 cores for a few percent fewer bytes
AUDIO_BITRATE = 192_000
# Frame rates are kept as exact fractions with a small denominator: 30 → 30/1, 29.97 → 30000/1001.
_FPS_DENOMINATOR = 1001


class VideoError(RuntimeError):
    """The encoder cannot make this video (a size it refuses, a codec missing from the build)."""


def _rate(fps: float) -> Fraction:
    return Fraction(fps).limit_denominator(_FPS_DENOMINATOR)


def frame_count(start: float, end: float, fps: float) -> int:
    """Frames in [start, end) at `fps`: the video lasts count / fps seconds, the span rounded to a frame."""
    if not (math.isfinite(start) and math.isfinite(end) and end > start):
        raise ValueError(f"the span {start:g} … {end:g} s is empty")
    if not (math.isfinite(fps) and fps > 0):
        raise ValueError(f"fps {fps!r} is not a positive number")
    return max(1, int(round((end - start) * float(_rate(fps)))))


def frame_times(start: float, end: float, fps: float) -> np.ndarray:
    """The performance time of each frame: start + i / fps, exactly as one clock gives it (float64)."""
    n = frame_count(start, end, fps)
    rate = _rate(fps)
    return start + np.arange(n, dtype=np.float64) * (rate.denominator / rate.numerator)


class VideoWriter:
    """Writes an MP4 (H.264 yuv420p, BT.709, fast start) frame by frame, with an optional stereo soundtrack.

    `audio`: int16 samples (n, 2) at `rate` that start with the first frame; they are encoded (AAC) as
    the frames reach them, so the two streams interleave in the file. The file appears at `path` only
    when `close()` finishes; until then it is a temporary beside it, removed by `abort()` or on an error.
    Width and height must be even (4:2:0 chroma halves both).
    """

    def __init__(self, path: str | os.PathLike[str], size: tuple[int, int], fps: float,
                 audio: np.ndarray | None = None, rate: int = 48_000, crf: int = CRF, preset: str = PRESET) -> None:
        import av
        w, h = int(size[0]), int(size[1])
        if w % 2 or h % 2:
            raise VideoError(f"video size {w}×{h}: width and height must be even for H.264 (4:2:0)")
        self.path = Path(path)
        self.size = (w, h)
        self.fps = _rate(fps)
        self.frames = 0
        self.encode_ms = 0.0
        # The one all-or-nothing writer (scenegen.fileio): the encoder writes a temporary by name.
        self._set = OutputSet()
        self._tmp = self._set.reserve(self.path)
        self._out: Any = None
        try:
            self._out = av.open(str(self._tmp), mode="w", format="mp4", options={"movflags": "+faststart"})
            self._video = self._out.add_stream("libx264", rate=self.fps)
            cc = self._video.codec_context
            cc.width, cc.height, cc.pix_fmt = w, h, "yuv420p"
            cc.options = {"crf": str(int(crf)), "preset": preset}
            # Tagged as what the RGB→YUV conversion below does, so players convert it back the same way.
            cc.colorspace = cc.color_primaries = cc.color_trc = 1       # BT.709
            cc.color_range = 1                                          # limited (MPEG) range
            self._audio = None
            self._samples = None
            if audio is not None:
                samples = np.ascontiguousarray(audio, dtype=np.int16)
                if samples.ndim != 2 or samples.shape[1] != 2:
                    raise VideoError(f"audio must be int16 samples (n, 2), not {samples.shape}")
                self._samples = samples
                self._audio = self._out.add_stream("aac", rate=int(rate), layout="stereo")
                self._audio.codec_context.bit_rate = AUDIO_BITRATE
                self._rate_hz = int(rate)
                self._sent = 0
        except Exception as err:
            self._discard()
            if isinstance(err, VideoError):
                raise
            raise VideoError(f"the encoder cannot start: {type(err).__name__}: {err}") from err

    def __enter__(self) -> VideoWriter:
        return self

    def __exit__(self, kind: Any, *rest: Any) -> None:
        if kind is None:
            self.close()
        else:
            self.abort()

    def add(self, rgb: np.ndarray) -> None:
        """Append one frame: (height, width, 3) uint8 sRGB, top row first."""
        import time

        import av
        if rgb.shape != (self.size[1], self.size[0], 3) or rgb.dtype != np.uint8:
            raise VideoError(f"frame {rgb.shape} {rgb.dtype}: expected ({self.size[1]}, {self.size[0]}, 3) uint8")
        t0 = time.perf_counter()
        frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb), format="rgb24")
        frame = frame.reformat(format="yuv420p", dst_colorspace="itu709")
        frame.pts = self.frames
        frame.time_base = 1 / self.fps
        self._out.mux(self._video.encode(frame))
        self.frames += 1
        self._feed_audio(self.frames / self.fps)
        self.encode_ms += (time.perf_counter() - t0) * 1e3

    def _feed_audio(self, until: Fraction | None) -> None:
        """Encode the soundtrack up to `until` seconds (None: all of it)."""
        import av
        if self._audio is None or self._samples is None:
            return
        n = len(self._samples)
        end = n if until is None else min(n, int(until * self._rate_hz))
        if end <= self._sent:
            if until is None:
                self._out.mux(self._audio.encode(None))
            return
        chunk = self._samples[self._sent:end]
        frame = av.AudioFrame.from_ndarray(chunk.reshape(1, -1), format="s16", layout="stereo")
        frame.sample_rate = self._rate_hz
        frame.pts = self._sent
        frame.time_base = Fraction(1, self._rate_hz)
        self._out.mux(self._audio.encode(frame))
        self._sent = end
        if until is None:
            self._out.mux(self._audio.encode(None))

    def close(self) -> Path:
        """Flush both encoders, finish the file and move it into place."""
        import time
        t0 = time.perf_counter()
        try:
            self._out.mux(self._video.encode(None))
            self._feed_audio(None)
            self._out.close()
        except Exception as err:
            self._discard()
            raise VideoError(f"the encoder failed: {type(err).__name__}: {err}") from err
        self.encode_ms += (time.perf_counter() - t0) * 1e3
        self._set.commit()
        return self.path

    def abort(self) -> None:
        """Stop and leave nothing behind (the target, if it existed, stays as it was)."""
        self._discard()

    def _discard(self) -> None:
        out = getattr(self, "_out", None)
        if out is not None:
            try:
                out.close()
            except Exception:
                pass
            self._out = None
        self._set.abort()


@dataclass(frozen=True)
class StreamInfo:
    """One stream of a media file, as its container and codec say."""
    kind: str            # "video" or "audio"
    codec: str           # "h264", "aac", …
    duration: float      # seconds
    frames: int          # video frames, or audio samples decoded
    rate: float          # frames per second, or samples per second
    size: tuple[int, int] | None = None
    channels: int = 0


@dataclass(frozen=True)
class Probe:
    video: StreamInfo | None
    audio: StreamInfo | None


def probe(path: str | os.PathLike[str]) -> Probe:
    """Read a media file back with the encoder's own library: every packet decoded, durations counted from
    what was decoded (frames / rate), not only from the container's header."""
    import av
    video = audio = None
    with av.open(str(path)) as f:
        for s in f.streams:
            if s.type == "video":
                n = sum(1 for _ in f.decode(s))
                fps = float(s.average_rate or s.base_rate or 0)
                video = StreamInfo("video", s.codec_context.name, n / fps if fps else 0.0, n, fps,
                                   (s.codec_context.width, s.codec_context.height))
                f.seek(0)
        for s in f.streams:
            if s.type == "audio":
                n = sum(fr.samples for fr in f.decode(s))
                rate = float(s.codec_context.sample_rate)
                audio = StreamInfo("audio", s.codec_context.name, n / rate if rate else 0.0, n, rate,
                                   channels=s.codec_context.channels)
    return Probe(video, audio)
