"""The spheres' tones: pitch (FFT), the flawed sphere's detune and buzz, the chord, range, determinism."""

from __future__ import annotations

import numpy as np
import pytest

from scenegen import audio
from scenegen.gen.scene import generate
from scenegen.seedfile import parse_seed
from scenegen.tones import detune

SR = audio.SAMPLE_RATE

# Seven spheres like the Grand Auditorium's, the smallest (E6) flawed; no crowd, a tiny terrain.
SEED = """
seed: tones
terrain: {resolution: 17, size: [80, 80]}
audience: []
sky: {stars: {count: 10}}
props: {spheres: {count: 7, tones: [C5, D5, E5, G5, A5, C6, E6], flawed: [6], flaw: {detune: -38, buzz: 0.6}}}
"""


@pytest.fixture(scope="module")
def spheres():
    return generate(parse_seed(SEED)).props.spheres


def peak_hz(x: np.ndarray, lo: float = 20.0, hi: float = 20_000.0) -> float:
    """Frequency of the strongest spectral peak in [lo, hi], refined by a parabola through the log-magnitudes."""
    n = len(x) * 8
    mag = np.abs(np.fft.rfft(x * np.hanning(len(x)), n))
    freqs = np.fft.rfftfreq(n, 1.0 / SR)
    band = np.flatnonzero((freqs >= lo) & (freqs <= hi))
    k = int(band[np.argmax(mag[band])])
    a, b, c = np.log(mag[k - 1:k + 2])
    return float((k + 0.5 * (a - c) / (a - 2 * b + c)) * SR / n)


def envelope(x: np.ndarray) -> np.ndarray:
    """Amplitude envelope: magnitude of the analytic signal (Hilbert transform by FFT)."""
    n = len(x)
    h = np.zeros(n)
    h[0] = 1.0
    h[1:(n + 1) // 2] = 2.0
    if n % 2 == 0:
        h[n // 2] = 1.0
    return np.abs(np.fft.ifft(np.fft.fft(x) * h))


def test_each_tone_sounds_at_its_sphere_frequency(spheres) -> None:
    for i, hz in enumerate(spheres.sound_hz_i):
        x = audio.sphere_tone(spheres, i).astype(np.float64)
        assert abs(peak_hz(x) - float(hz)) < 1.0, (i, hz)
        # The fundamental is meant: the inharmonic partials are quieter (a bell, not a buzzer).
        assert peak_hz(x, lo=float(hz) * 1.5) > float(hz) * 2.5


def test_flawed_tone_is_detuned_by_its_cents(spheres) -> None:
    i = int(np.flatnonzero(spheres.flaw_i >= 0)[0])
    flaw = spheres.flaws[int(spheres.flaw_i[i])]
    assert flaw.detune_cents == -38.0
    expected = detune(float(spheres.tone_hz_i[i]), flaw.detune_cents)
    got = peak_hz(audio.sphere_tone(spheres, i).astype(np.float64))
    assert abs(got - expected) < 1.0
    # 38 cents flat of E6 is about 29 Hz: clearly not the tone it should sing.
    assert float(spheres.tone_hz_i[i]) - got > 20.0


def test_flawed_tone_buzzes_at_buzz_hz(spheres) -> None:
    i = int(np.flatnonzero(spheres.flaw_i >= 0)[0])
    flaw = spheres.flaws[int(spheres.flaw_i[i])]
    t = np.arange(int(3.0 * SR)) / SR
    keep = (t > 0.05) & (t < 2.5)

    def modulation(x: np.ndarray) -> tuple[float, float]:
        """(frequency, strength) of the strongest amplitude modulation between 20 Hz and 1 kHz."""
        log_env = np.log(envelope(x.astype(np.float64))[keep] + 1e-9)
        log_env -= np.polyval(np.polyfit(t[keep], log_env, 2), t[keep])      # the decay, removed
        n = len(log_env) * 4
        mag = np.abs(np.fft.rfft(log_env * np.hanning(len(log_env)), n))
        freqs = np.fft.rfftfreq(n, 1.0 / SR)
        band = (freqs > 20.0) & (freqs < 1000.0)
        k = np.argmax(mag[band])
        return float(freqs[band][k]), float(mag[band][k])

    f_buzz, strength = modulation(audio.sphere_tone(spheres, i))
    assert abs(f_buzz - flaw.buzz_hz) < 1.0
    # A sound sphere's envelope has no such rasp: the strongest wobble is far weaker.
    _, clean = modulation(audio.sphere_tone(spheres, 5))
    assert strength > 20 * clean


def test_chord_holds_every_tone(spheres) -> None:
    x = audio.chord(spheres).astype(np.float64)
    n = len(x) * 4
    mag = np.abs(np.fft.rfft(x * np.hanning(len(x)), n))
    freqs = np.fft.rfftfreq(n, 1.0 / SR)
    floor = np.median(mag[(freqs > 200) & (freqs < 4000)])
    for hz in spheres.sound_hz_i:
        near = np.abs(freqs - float(hz)) < 1.0
        assert mag[near].max() > 100 * floor, hz


def test_samples_in_range_and_deterministic(spheres) -> None:
    for x in (audio.sphere_tone(spheres, 0), audio.sphere_tone(spheres, 6), audio.chord(spheres),
              audio.bell_tone(18_000.0), audio.bell_tone(40.0, buzz=1.0, buzz_hz=200.0)):
        assert x.dtype == np.float32 and np.isfinite(x).all()
        assert np.abs(x).max() <= 1.0
        assert abs(x[0]) < 1e-3 and abs(x[-1]) < 1e-3          # soft attack, faded end: no clicks
    again = generate(parse_seed(SEED)).props.spheres
    assert audio.sphere_tone(spheres, 6).tobytes() == audio.sphere_tone(again, 6).tobytes()
    assert audio.chord(spheres).tobytes() == audio.chord(again).tobytes()


def test_soft_attack_and_long_decay() -> None:
    x = np.abs(audio.bell_tone(523.25, duration=3.0).astype(np.float64))
    ms = SR // 1000
    assert x[:2 * ms].max() < 0.5 * x[:100 * ms].max()                 # rises, no click
    early, late = x[100 * ms:200 * ms].max(), x[2000 * ms:2100 * ms].max()
    assert 0.05 < late / early < 0.6                                    # still ringing after 2 s


def test_pcm16_bytes() -> None:
    pcm = audio.to_pcm16(np.array([0.0, 1.0, -1.0, 2.0], dtype=np.float32))
    assert np.frombuffer(pcm, "<i2").tolist() == [0, 32767, -32767, 32767]


def test_sound_player_is_silent_without_a_device(spheres) -> None:
    from scenegen.render.sound import SoundPlayer
    said: list[str] = []
    player = SoundPlayer(notice=said.append)
    player.set_spheres(spheres)
    played = player.play_sphere(2)
    player.play_chord()
    player.play_sphere(99)                                             # no such sphere: nothing, no error
    assert player.played == [("sphere", 2), ("chord", None), ("sphere", 99)]
    if not player.available:                                           # no audio here: one line, once
        assert not played and len(said) == 1 and "silent" in said[0]
    player.delete()
    muted = SoundPlayer(enabled=False)
    muted.set_spheres(spheres)
    assert muted.play_sphere(0) is False and muted.available is None
