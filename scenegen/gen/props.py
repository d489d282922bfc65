"""Props: the Harmonious Spheres (placement, size, light, tone, flaws with cracks and shards) and the instrument."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..color import hex_to_linear
from ..model import Record, array, check_arrays, value
from ..rng import split
from ..spec import FlawSpec, InstrumentSpec, PropsSpec, SpheresSpec
from ..tones import detune, pentatonic, tone_to_hz
from .stage import Stage

__all__ = ["Flaw", "Spheres", "Instrument", "Props", "generate_props"]

# Arc: neighbours at least this far apart in angle, and the crescent never wider than this, so it
# stays in front of the performer however many spheres there are.
_ARC_STEP = math.radians(30.0)
_ARC_MAX = math.radians(60.0)
_ARC_GAP = 3.8                    # neighbours on an arc: centres at least this many radii apart
# Line: how far in front of the mark the row floats, beyond the largest sphere (an arm's reach).
_LINE_REACH = 1.2
# Orbit: tilt of the ring from the horizontal, and one slow turn a minute.
_ORBIT_TILT = math.radians(20.0)
_ORBIT_RATE = 2.0 * math.pi / 60.0
# Floating gently: a slow bob, a fraction of the largest radius.
_FLOAT_HEIGHT = 0.12
_FLOAT_RATE = 0.15
# Pulse rates vary a little per sphere so the spheres breathe together but never in lockstep.
_PULSE_JITTER = 0.08
# Cracks: random walks along great circles of the unit sphere, in steps of this many radians.
_CRACK_STEP = 0.07
_CRACK_WIGGLE = 0.22           # standard deviation of the turn at each step, radians
_CRACK_STEPS = (8, 22)         # primary cracks: 0.56 … 1.5 rad long
_BRANCH_STEPS = (3, 9)
_BRANCH_ANGLE = (0.35, 0.9)    # radians off the parent crack
_CRACK_WIDTH = 0.012           # angular width on the unit sphere: hairline, thin as spider silk
# Shards: splinters leave through the cracks, drift out, fall a little and turn to grey smoke.
_SMOKE = "#6e6e73"
_SHARD_FALL = 0.6              # m/s², gentle: they dissolve before they reach the stage
_FLICKER_HARMONICS = (1.0, 1.618034, 2.718282, 3.141593)   # incommensurate: never repeats


@dataclass(frozen=True, eq=False)
class Flaw(Record):
    """How one flawed sphere fails: erratic flicker, glowing hairline cracks, shards, a detuned buzzing tone.

    Flicker on the GPU: s(t) = mean over h of sin(2π·flicker_freq_h·t + flicker_phase_h); the light
    drops by up to `flicker` where s dips below zero, like a failing bulb.
    Shards on the GPU: age = fract(t / life + phase) ∈ [0, 1); a shard sits at
    centre + dir·(radius + speed·age·life) − (0, ½·shard_fall·(age·life)², 0) and fades from the
    sphere's colour into `smoke_color` as age reaches 1.
    """
    sphere: int = value("Index of the sphere.")
    flicker: float = value("How far the light drops at its worst, 0…1.")
    flicker_rate: float = value("Base rate of the flicker, Hz.")
    flicker_seed: int = value("Seed for a GPU hash noise (below 2^24, exact in float32).")
    flicker_freq_h: np.ndarray = array("float32", ("h",), "Frequencies of the flicker's components, Hz.")
    flicker_phase_h: np.ndarray = array("float32", ("h",), "Phases of the flicker's components, radians.")
    crack_color: tuple[float, float, float] = value("Glow colour of the cracks, linear RGB.")
    crack_glow: float = value("Emission strength of the cracks.")
    crack_width: float = value("Width of a crack on the unit sphere, radians.")
    crack_point_j: np.ndarray = array("float32", ("j", 3), "Crack polyline points on the unit sphere "
                                                         "(scale by the radius, add the centre).")
    crack_age_j: np.ndarray = array("float32", ("j",), "When each point is reached as the cracks spread, "
                                                      "0 (first) … 1 (last).")
    crack_start_k: np.ndarray = array("int32", ("k",), "First point of each crack polyline.")
    crack_count_k: np.ndarray = array("int32", ("k",), "Number of points of each crack polyline.")
    crack_parent_k: np.ndarray = array("int32", ("k",), "Crack this one branches from; −1 for a primary crack.")
    shard_dir_s: np.ndarray = array("float32", ("s", 3), "Unit direction each shard flies off in.")
    shard_speed_s: np.ndarray = array("float32", ("s",), "Speed, metres per second.")
    shard_life_s: np.ndarray = array("float32", ("s",), "Lifetime before it is smoke, seconds.")
    shard_phase_s: np.ndarray = array("float32", ("s",), "Offset of its life cycle, 0…1.")
    shard_size_s: np.ndarray = array("float32", ("s",), "Size, metres.")
    shard_fall: float = value("Downward acceleration of the shards, m/s².")
    smoke_color: tuple[float, float, float] = value("Colour the shards dissolve into, linear RGB.")
    detune_cents: float = value("How far the tone is off, cents.")
    sound_hz: float = value("The frequency it actually sounds, Hz.")
    buzz: float = value("Grating buzz mixed into the tone, 0…1.")
    buzz_hz: float = value("Rate of the buzz (amplitude rasp), Hz: a fly in amber.")


@dataclass(frozen=True, eq=False)
class Spheres(Record):
    """The Harmonious Spheres: floating crystal globes with inner light, each with its own tone.

    Pulse on the GPU: glow·(1 − depth·(½ − ½·cos(2π·rate·t + phase))). Float: y += float_height ·
    sin(2π·float_rate·t + float_phase). Spin: centres turn about `spin_axis` through `spin_center` at
    `spin_rate` radians per second (0: still).
    """
    arrangement: str = value("arc, ring, line or orbit.")
    center_i: np.ndarray = array("float32", ("n", 3), "Centre of each sphere, world metres.")
    radius_i: np.ndarray = array("float32", ("n",), "Radius, metres; the highest tone is the smallest.")
    color_i: np.ndarray = array("float32", ("n", 3), "Colour of the inner light, linear RGB.")
    glow_i: np.ndarray = array("float32", ("n",), "Strength of the inner light.")
    pulse_rate_i: np.ndarray = array("float32", ("n",), "Pulses per second.")
    pulse_depth_i: np.ndarray = array("float32", ("n",), "How far the glow dims between pulses, 0…1.")
    pulse_phase_i: np.ndarray = array("float32", ("n",), "Pulse phase, radians.")
    float_phase_i: np.ndarray = array("float32", ("n",), "Phase of the gentle bob, radians.")
    tone_hz_i: np.ndarray = array("float32", ("n",), "The tone each sphere is meant to sing, Hz.")
    sound_hz_i: np.ndarray = array("float32", ("n",), "The tone it does sing, Hz (detuned when flawed).")
    flaw_i: np.ndarray = array("int32", ("n",), "Index into `flaws`, or −1 for a sound sphere.")
    float_height: float = value("Amplitude of the bob, metres.")
    float_rate: float = value("Bobs per second.")
    spin_center: tuple[float, float, float] = value("Point the arrangement turns about, world metres.")
    spin_axis: tuple[float, float, float] = value("Unit axis the arrangement turns about.")
    spin_rate: float = value("Turn rate, radians per second; 0 for a still arrangement.")
    flaws: tuple[Flaw, ...] = value("The flawed spheres, in the order the seed file lists them.")


@dataclass(frozen=True, eq=False)
class Instrument(Record):
    """A living instrument: a tapering spiral of crystal with a strand of light woven around it.

    Flow on the GPU: light travels up the woven strand: brightness along it follows
    ½ + ½·sin(2π·(flow_rate·t − u·turns)), u = point index / (m − 1).
    """
    base: tuple[float, float, float] = value("Foot of the spiral's axis, on the stage at the mark.")
    height: float = value("Height, metres.")
    turns: float = value("Turns of the crystal spiral.")
    crystal_j: np.ndarray = array("float32", ("m", 3), "Centreline of the crystal spiral, world metres.")
    thickness_j: np.ndarray = array("float32", ("m",), "Radius of the crystal strand at each point, metres.")
    light_j: np.ndarray = array("float32", ("m", 3), "Centreline of the light woven around the crystal.")
    color: tuple[float, float, float] = value("Colour of the crystal, linear RGB.")
    light_color: tuple[float, float, float] = value("Colour of the woven light, linear RGB.")
    glow: float = value("Strength of its light.")
    flow_rate: float = value("Pulses of light running up the strand per second.")


@dataclass(frozen=True, eq=False)
class Props(Record):
    """Things on and above the stage."""
    spheres: Spheres = value("The Harmonious Spheres.")
    instrument: Instrument | None = value("The crystal instrument, when enabled.")


# ---------------------------------------------------------------------------------------------- helpers

def _tuple3(c: np.ndarray) -> tuple[float, float, float]:
    return (float(c[0]), float(c[1]), float(c[2]))


# Elementwise vector helpers: no BLAS, so results are the same bytes on every CPU.
def _dot(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return a[..., 0] * b[..., 0] + a[..., 1] * b[..., 1] + a[..., 2] * b[..., 2]


def _cross(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.stack([a[..., 1] * b[..., 2] - a[..., 2] * b[..., 1],
                     a[..., 2] * b[..., 0] - a[..., 0] * b[..., 2],
                     a[..., 0] * b[..., 1] - a[..., 1] * b[..., 0]], axis=-1)


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.sqrt(_dot(v, v))[..., None]


# -------------------------------------------------------------------------------------------- placement

def _centres(spec: SpheresSpec, stage: Stage, radius: float, rng: np.random.Generator
             ) -> tuple[np.ndarray, tuple[float, float, float], tuple[float, float, float], float]:
    """Sphere centres (n, 3) and the spin (centre, axis, rate) of the arrangement."""
    n = spec.count
    mx, mz = stage.mark
    y = stage.top + spec.elevation
    up = (0.0, 1.0, 0.0)
    i = np.arange(n, dtype=np.float64)
    if spec.arrangement == "arc":
        # A crescent before the mark, bulging towards the audience (+z): the performer faces it, its
        # middle `spread` in front of her. Shallow (at most _ARC_MAX round) and no tighter than _ARC_GAP
        # radii between neighbours, on a wider circle where it takes that: seen from the front, each
        # sphere stands beside the next rather than behind it.
        span = min(_ARC_MAX, _ARC_STEP * (n - 1))
        bend = spec.spread
        if n > 1:
            bend = max(bend, _ARC_GAP * radius / (2.0 * math.sin(0.5 * span / (n - 1))))
        theta = -0.5 * span + (span * i / (n - 1) if n > 1 else 0.0 * i)
        cz = mz + spec.spread - bend
        pts = np.stack([mx + bend * np.sin(theta), np.full(n, y), cz + bend * np.cos(theta)], 1)
        return pts, (mx, y, cz), up, 0.0
    if spec.arrangement == "ring":
        # All around the performer, the first sphere straight in front of her.
        theta = 2.0 * np.pi * i / max(n, 1)
        pts = np.stack([mx + spec.spread * np.sin(theta), np.full(n, y), mz + spec.spread * np.cos(theta)], 1)
        return pts, (mx, y, mz), up, 0.0
    if spec.arrangement == "line":
        # A row across the view, floating an arm's reach in front of the mark.
        x = (i / (n - 1) - 0.5) * spec.spread if n > 1 else 0.0 * i
        z = mz + radius + _LINE_REACH
        pts = np.stack([mx + x, np.full(n, y), np.full(n, z)], 1)
        return pts, (mx, y, z), up, 0.0
    # orbit: a ring tilted about a horizontal axis at a seeded azimuth, circling the stage centre; raised
    # so that its lowest point still floats `elevation` above the stage.
    cx, cz = stage.center
    psi = rng.uniform(0.0, 2.0 * np.pi)
    axis = np.array([math.cos(psi), 0.0, math.sin(psi)])           # tilt axis, horizontal
    normal = np.array([-math.sin(psi) * math.sin(_ORBIT_TILT), math.cos(_ORBIT_TILT),
                       math.cos(psi) * math.sin(_ORBIT_TILT)])      # (0, 1, 0) tilted about `axis`
    other = _cross(normal, axis)
    centre = np.array([cx, y + spec.spread * math.sin(_ORBIT_TILT), cz])
    theta = 2.0 * np.pi * i / max(n, 1) + rng.uniform(0.0, 2.0 * np.pi)
    pts = centre + spec.spread * (np.cos(theta)[:, None] * axis + np.sin(theta)[:, None] * other)
    return pts, _tuple3(centre), _tuple3(normal), _ORBIT_RATE


def _radii(spec: SpheresSpec, tone: np.ndarray) -> np.ndarray:
    """Radius by pitch: the highest tone is the smallest sphere (a soprano bell is a small bell).

    The shrink is quadratic in pitch rank, so the others stay close to full size and the smallest
    stands clearly apart.
    """
    n = spec.count
    order = np.lexsort((np.arange(n), tone))       # ascending pitch, ties by index
    rank = np.empty(n, dtype=np.float64)
    rank[order] = np.arange(n)
    t = rank / (n - 1) if n > 1 else np.zeros(n)
    return spec.radius * (1.0 - spec.sizes * t * t)


# ------------------------------------------------------------------------------------------------ flaws

def _walk(p: np.ndarray, t: np.ndarray, steps: int, turn: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Walk each (point, tangent) along its great circle, turning by `turn[:, s]` before step s.

    Returns points and tangents, shape (k, steps + 1, 3). The tangent is parallel-transported, so
    without turns each walk stays on one great circle.
    """
    k = len(p)
    P = np.empty((k, steps + 1, 3))
    T = np.empty((k, steps + 1, 3))
    P[:, 0], T[:, 0] = p, t
    c, s = math.cos(_CRACK_STEP), math.sin(_CRACK_STEP)
    for i in range(steps):
        w = turn[:, i, None]
        t = t * np.cos(w) + _cross(p, t) * np.sin(w)
        p, t = p * c + t * s, t * c - p * s
        p = _unit(p)
        t = _unit(t - _dot(t, p)[:, None] * p)
        P[:, i + 1], T[:, i + 1] = p, t
    return P, T


def _tangent(rng: np.random.Generator, p: np.ndarray) -> np.ndarray:
    v = rng.normal(size=p.shape)
    return _unit(v - _dot(v, p)[:, None] * p)


def _cracks(rng: np.random.Generator, count: int
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Branching hairline cracks: (points, ages, starts, counts, parents) of the polylines."""
    if count == 0:
        return (np.zeros((0, 3)), np.zeros(0), np.zeros(0, np.int64), np.zeros(0, np.int64),
                np.zeros(0, np.int64))
    # Primary cracks: start anywhere on the surface, wander along great circles.
    p0 = _unit(rng.normal(size=(count, 3)))
    t0 = _tangent(rng, p0)
    n1 = rng.integers(_CRACK_STEPS[0], _CRACK_STEPS[1] + 1, size=count)
    S1 = int(n1.max())
    P1, T1 = _walk(p0, t0, S1, rng.normal(0.0, _CRACK_WIGGLE, size=(count, S1)))
    # Branches: 0–2 per primary, splitting off an inner point at an angle.
    per = rng.integers(0, 3, size=count)
    parent = np.repeat(np.arange(count), per)
    at = rng.integers(1, n1[parent])                       # inner points only
    side = np.where(rng.random(len(parent)) < 0.5, -1.0, 1.0)
    ang = side * rng.uniform(*_BRANCH_ANGLE, size=len(parent))
    pb, tb = P1[parent, at], T1[parent, at]
    tb = tb * np.cos(ang)[:, None] + _cross(pb, tb) * np.sin(ang)[:, None]
    n2 = rng.integers(_BRANCH_STEPS[0], _BRANCH_STEPS[1] + 1, size=len(parent))
    S2 = int(n2.max()) if len(parent) else 0
    P2, _ = _walk(pb, tb, S2, rng.normal(0.0, _CRACK_WIGGLE, size=(len(parent), S2)))
    # Ages: arc length from where the crack pattern started, so a branch appears after its parent
    # reaches the fork.
    s1 = np.arange(S1 + 1, dtype=np.float64)
    s2 = np.arange(S2 + 1, dtype=np.float64)
    age1 = np.broadcast_to(s1, (count, S1 + 1))
    age2 = at[:, None] + s2[None, :]
    keep1 = s1[None, :] <= n1[:, None]
    keep2 = s2[None, :] <= n2[:, None]
    points = np.concatenate([P1[keep1], P2[keep2]])
    ages = np.concatenate([age1[keep1], age2[keep2]])
    ages = ages / ages.max()
    counts = np.concatenate([n1 + 1, n2 + 1])
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    parents = np.concatenate([np.full(count, -1), parent])
    return points, ages, starts, counts, parents


def _flaw(spec: FlawSpec, sphere: int, radius: float, glow: float, tone_hz: float,
          rng: np.random.Generator) -> Flaw:
    r_flicker, r_cracks, r_shards, r_sound = split(rng, 4)
    rate = r_flicker.uniform(6.0, 11.0)
    freq = rate * np.array(_FLICKER_HARMONICS) * r_flicker.uniform(0.9, 1.1, size=len(_FLICKER_HARMONICS))
    phase = r_flicker.uniform(0.0, 2.0 * np.pi, size=len(_FLICKER_HARMONICS))
    seed = int(r_flicker.integers(0, 2**24))

    points, ages, starts, counts, parents = _cracks(r_cracks, spec.fractures)

    # Splinters flake off the cracks; a sphere without cracks sheds them from anywhere.
    s = spec.shards
    if len(points):
        src = points[r_shards.integers(0, len(points), size=s)]
    else:
        src = _unit(r_shards.normal(size=(s, 3)))
    dirs = _unit(src + r_shards.normal(0.0, 0.08, size=(s, 3)))
    speed = radius * r_shards.uniform(0.4, 1.2, size=s)
    life = r_shards.uniform(0.8, 2.2, size=s)
    sphase = r_shards.random(s)
    size = radius * r_shards.uniform(0.02, 0.06, size=s)

    flaw = Flaw(
        sphere=sphere, flicker=float(spec.flicker), flicker_rate=float(rate), flicker_seed=seed,
        flicker_freq_h=freq.astype(np.float32), flicker_phase_h=phase.astype(np.float32),
        crack_color=_tuple3(hex_to_linear(spec.crack_color)), crack_glow=float(1.5 * glow),
        crack_width=_CRACK_WIDTH, crack_point_j=points.astype(np.float32),
        crack_age_j=ages.astype(np.float32), crack_start_k=starts.astype(np.int32),
        crack_count_k=counts.astype(np.int32), crack_parent_k=parents.astype(np.int32),
        shard_dir_s=dirs.astype(np.float32), shard_speed_s=speed.astype(np.float32),
        shard_life_s=life.astype(np.float32), shard_phase_s=sphase.astype(np.float32),
        shard_size_s=size.astype(np.float32), shard_fall=_SHARD_FALL,
        smoke_color=_tuple3(hex_to_linear(_SMOKE)), detune_cents=float(spec.detune),
        sound_hz=detune(tone_hz, spec.detune), buzz=float(spec.buzz),
        buzz_hz=float(r_sound.uniform(150.0, 230.0)),
    )
    check_arrays(flaw)
    return flaw


# ------------------------------------------------------------------------------------------- generators

def _spheres(spec: SpheresSpec, stage: Stage, rng: np.random.Generator) -> Spheres:
    r_place, r_light, r_flaws = split(rng, 3)
    n = spec.count
    tone = np.array([tone_to_hz(t) for t in spec.tones] if spec.tones else pentatonic(n), dtype=np.float64)
    radius = _radii(spec, tone)
    centre, spin_c, spin_a, spin_r = _centres(spec, stage, spec.radius, r_place)
    palette = np.stack([hex_to_linear(c) for c in spec.colors])
    color = palette[np.arange(n) % len(palette)]
    rate = spec.pulse.rate * r_light.uniform(1.0 - _PULSE_JITTER, 1.0 + _PULSE_JITTER, size=n)
    pulse_phase = r_light.uniform(0.0, 2.0 * np.pi, size=n)
    float_phase = r_light.uniform(0.0, 2.0 * np.pi, size=n)

    # One stream per sphere index: flawing another sphere never reshapes this one's cracks.
    flaw_rngs = split(r_flaws, 64)
    flaws = tuple(_flaw(spec.flaw, i, float(radius[i]), spec.glow, float(tone[i]), flaw_rngs[i])
                  for i in spec.flawed)
    flaw_i = np.full(n, -1, dtype=np.int32)
    sound = tone.copy()
    for k, f in enumerate(flaws):
        flaw_i[f.sphere] = k
        sound[f.sphere] = f.sound_hz

    spheres = Spheres(
        arrangement=spec.arrangement, center_i=centre.astype(np.float32).reshape(n, 3),
        radius_i=radius.astype(np.float32), color_i=color.astype(np.float32).reshape(n, 3),
        glow_i=np.full(n, spec.glow, dtype=np.float32), pulse_rate_i=rate.astype(np.float32),
        pulse_depth_i=np.full(n, spec.pulse.depth, dtype=np.float32),
        pulse_phase_i=pulse_phase.astype(np.float32), float_phase_i=float_phase.astype(np.float32),
        tone_hz_i=tone.astype(np.float32), sound_hz_i=sound.astype(np.float32), flaw_i=flaw_i,
        float_height=float(_FLOAT_HEIGHT * spec.radius), float_rate=_FLOAT_RATE,
        spin_center=spin_c, spin_axis=spin_a, spin_rate=spin_r, flaws=flaws,
    )
    check_arrays(spheres)
    return spheres


def _instrument(spec: InstrumentSpec, stage: Stage, rng: np.random.Generator) -> Instrument:
    """A conical spiral standing on the mark, narrowing as it rises, with light woven around it."""
    m = max(16, math.ceil(spec.turns * 64)) + 1
    u = np.arange(m, dtype=np.float64) / (m - 1)
    a = rng.uniform(0.0, 2.0 * np.pi) + 2.0 * np.pi * spec.turns * u
    r = 0.22 * spec.height * (1.0 - 0.75 * u)
    mx, mz = stage.mark
    out = np.stack([np.cos(a), np.zeros(m), np.sin(a)], axis=1)      # outward from the axis
    crystal = np.stack([mx + r * np.cos(a), stage.top + spec.height * u, mz + r * np.sin(a)], axis=1)
    thickness = 0.035 * spec.height * (1.0 - 0.6 * u)
    # The light winds around the crystal strand five times per turn, in the plane of outward and up.
    w = 5.0 * a
    light = crystal + (2.2 * thickness * np.cos(w))[:, None] * out
    light[:, 1] += 2.2 * thickness * np.sin(w)
    color = hex_to_linear(spec.color)
    inst = Instrument(
        base=(mx, stage.top, mz), height=float(spec.height), turns=float(spec.turns),
        crystal_j=crystal.astype(np.float32), thickness_j=thickness.astype(np.float32),
        light_j=light.astype(np.float32), color=_tuple3(color),
        light_color=_tuple3(0.5 * color + 0.5), glow=float(spec.glow), flow_rate=0.6,
    )
    check_arrays(inst)
    return inst


def generate_props(spec: PropsSpec, stage: Stage, rng: np.random.Generator) -> Props:
    """The spheres and the instrument for `stage`; `rng` is the props' own stream. Pure."""
    r_spheres, r_instrument = split(rng, 2)
    spheres = _spheres(spec.spheres, stage, r_spheres)
    instrument = _instrument(spec.instrument, stage, r_instrument) if spec.instrument.enabled else None
    return Props(spheres=spheres, instrument=instrument)
