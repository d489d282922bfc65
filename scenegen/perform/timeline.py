"""The one clock: `state_at(scene, t)`, every animated quantity of a performance at time t (pure numpy).

Everything here is a closed-form function of the resolved events and t: no simulation state, no
randomness (burst particles come from a counter hash of their note's seed and their index), so the same
scene and t give the same values bit for bit, and any consumer can ask for any moment in any order.

Time: t is seconds from the start of the performance. Cue-driven values read the performance clock:
t clamped to [0, duration] (the final state holds), or t modulo the duration when the performance loops.
The scene's own loops (the sky's palette cycle, the mood drift) keep running on t itself until a cue
takes their value over.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..model import value
from .model import (
    POSES,
    AudienceEvent,
    CameraEvent,
    CountdownEvent,
    FlawEvent,
    HumEvent,
    LightEvent,
    MoodEvent,
    NoteEvent,
    Performance,
    RippleEvent,
    SkyEvent,
)
from .resolve import COUNTDOWN_FADE, SHATTER_TIME, note_ring_life

__all__ = ["State", "state_at", "performance_clock", "hum_at", "ease", "ease_integral", "track", "note_envelope",
           "reaction_envelope", "bursts", "FLARE_GAIN", "FLARE_ATTACK", "SHATTER_TIME"]

FLARE_GAIN = 1.5            # a full flare makes the voice's light 2.5× its own
FLARE_ATTACK = 0.02         # seconds for a flare to reach its peak: a struck crystal, not a fade-in
_TREMBLE = 0.02             # a buzzing sphere trembles by this fraction of its radius at full buzz
_TREMBLE_HZ = (7.3, 5.1, 6.7)
_BURST_OUT = 0.35           # time constant of the burst's outward flight, seconds


# ------------------------------------------------------------------------------------------ easing

def ease(name: str, u: Any) -> np.ndarray:
    """Eased progress e(u) for u in [0, 1] (step: 1 from the start)."""
    u = np.asarray(u, dtype=np.float64)
    if name == "linear":
        return u
    if name == "smooth":
        return u * u * (3.0 - 2.0 * u)
    if name == "in":
        return u * u
    if name == "out":
        return u * (2.0 - u)
    if name == "step":
        return np.ones_like(u)
    raise ValueError(f"unknown easing {name!r}")


def ease_integral(name: str, u: Any) -> np.ndarray:
    """∫₀ᵘ e(s) ds: how much of a rate change has accumulated (shard clocks, the chronometer's spin)."""
    u = np.asarray(u, dtype=np.float64)
    if name == "linear":
        return 0.5 * u * u
    if name == "smooth":
        return u ** 3 - 0.5 * u ** 4
    if name == "in":
        return u ** 3 / 3.0
    if name == "out":
        return u * u - u ** 3 / 3.0
    if name == "step":
        return u
    raise ValueError(f"unknown easing {name!r}")


def _progress(ev: Any, t: Any) -> np.ndarray:
    t = np.asarray(t, dtype=np.float64)
    if ev.length <= 0.0:
        return np.where(t >= ev.at, 1.0, 0.0)
    return np.clip((t - ev.at) / ev.length, 0.0, 1.0)


def _eased(ev: Any, t: Any) -> np.ndarray:
    return ease(getattr(ev, "ease", "linear"), _progress(ev, t))


def track(t: Any, base: Callable[[np.ndarray], np.ndarray], events: Sequence[Any],
          target: Callable[[Any], Any], t_scene: Any = None) -> np.ndarray:
    """A value moved by transition events: the composition rule of every cue that sets a value.

    Before its first event the value is `base(t_scene)` (the scene's own, perhaps looping); each event
    eases it from wherever it stood at the event's start to `target(ev)` (None: the event leaves this
    value alone), and a later-starting event takes over from an earlier one still running.
    t may be an array (shape (…,)); the result has shape (…, d).
    """
    t = np.asarray(t, dtype=np.float64)
    ts = t if t_scene is None else np.asarray(t_scene, dtype=np.float64)
    out = np.asarray(base(ts), dtype=np.float64)
    if out.ndim != ts.ndim + 1:          # a constant base, shape (d,)
        out = np.broadcast_to(out, t.shape + out.shape)
    prev: tuple[Any, np.ndarray, np.ndarray] | None = None
    for ev in events:
        goal = target(ev)
        if goal is None:
            continue
        goal = np.asarray(goal, dtype=np.float64)
        if prev is None:
            start = np.asarray(base(np.asarray(ev.at, dtype=np.float64)), dtype=np.float64)
        else:
            p_ev, p_start, p_goal = prev
            w_at = _eased(p_ev, ev.at)
            start = p_goal if w_at >= 1.0 else p_start + (p_goal - p_start) * w_at
        w = _eased(ev, t)[..., None]
        moving = np.where(w >= 1.0, goal, start + (goal - start) * w)     # arrives exactly at its goal
        out = np.where((t >= ev.at)[..., None], moving, out)
        prev = (ev, start, goal)
    return out


def _const(v: Any) -> Callable[[np.ndarray], np.ndarray]:
    """A base that does not move: the value `v` (a number or a vector) at every time."""
    arr = np.atleast_1d(np.asarray(v, dtype=np.float64))
    return lambda _x: arr


def _field(key: str) -> Callable[[Any], Any]:
    """The target an event sets for its field `key` (None: it leaves the value alone)."""
    def target(ev: Any) -> Any:
        v = getattr(ev, key)
        return None if v is None else np.atleast_1d(np.asarray(v, dtype=np.float64))
    return target


def _track_integral(t: float, base: float, events: Sequence[Any], target: Callable[[Any], Any]) -> float:
    """∫₀ᵗ of a scalar `track` with a constant base: the clock a changing rate drives."""
    def moved(ev: Any, x: float) -> float:     # ∫ from ev.at to x of the eased progress
        if ev.length <= 0.0:
            return x - ev.at
        u = min((x - ev.at) / ev.length, 1.0)
        name = getattr(ev, "ease", "linear")
        return ev.length * float(ease_integral(name, u)) + max(0.0, x - ev.at - ev.length)

    total, cur = 0.0, 0.0
    active: tuple[Any, float, float] | None = None

    def span(x0: float, x1: float) -> float:
        if active is None:
            return base * (x1 - x0)
        ev, start, goal = active
        return start * (x1 - x0) + (goal - start) * (moved(ev, x1) - moved(ev, x0))

    for ev in events:
        goal = target(ev)
        if goal is None:
            continue
        if ev.at > t:
            break
        total += span(cur, ev.at)
        if active is None:
            start = base
        else:
            a_ev, a_start, a_goal = active
            start = a_start + (a_goal - a_start) * float(_eased(a_ev, ev.at))
        active, cur = (ev, start, float(np.asarray(goal).reshape(-1)[0])), ev.at
    return total + span(cur, t)


# --------------------------------------------------------------------------------------- envelopes

def note_envelope(dt: Any, length: float) -> np.ndarray:
    """A note's flare, 0…1, at dt seconds after it starts: a quick strike, then a fade to 0 by its end."""
    dt = np.asarray(dt, dtype=np.float64)
    u = np.clip(dt / length, 0.0, 1.0)
    strike = np.clip(dt / FLARE_ATTACK, 0.0, 1.0)
    return np.where((dt >= 0.0) & (dt < length), strike * (1.0 - u) ** 2, 0.0)


def reaction_envelope(ev: AudienceEvent, t: Any) -> np.ndarray:
    """An audience reaction's weight at t: eased in over `fade`, held, eased out to 0 by the end."""
    t = np.asarray(t, dtype=np.float64)
    if ev.fade <= 0.0:
        inside = (t >= ev.at) & (t < ev.at + ev.length)
        return np.where(inside, ev.amount, 0.0)
    rise = ease(ev.ease, np.clip((t - ev.at) / ev.fade, 0.0, 1.0))
    fall = ease(ev.ease, np.clip((ev.at + ev.length - t) / ev.fade, 0.0, 1.0))
    return ev.amount * rise * fall


# ------------------------------------------------------------------------------------------ bursts

_M1, _M2, _M3 = np.uint64(0x9E3779B97F4A7C15), np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)


def _hash01(seed: int, p: np.ndarray, k: int) -> np.ndarray:
    """Uniform [0, 1) floats from (seed, particle index, channel): splitmix64, vectorized over p."""
    with np.errstate(over="ignore"):
        z = (np.uint64(seed) + p.astype(np.uint64) * _M1 + np.uint64(k + 1) * _M3)
        z = (z ^ (z >> np.uint64(30))) * _M2
        z = (z ^ (z >> np.uint64(27))) * _M3
        z = z ^ (z >> np.uint64(31))
    return (z >> np.uint64(11)).astype(np.float64) * (1.0 / (1 << 53))


def bursts(note: NoteEvent, age: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The particles of `note`'s burst alive at `age` seconds after it: positions, colours, sizes, alphas.

    Particle p flies out along a hashed direction, slows (time constant _BURST_OUT), then rises with
    `burst_drift` and fades over its own life (0.6…1 × burst_life). A pure function of (seed, p, age).
    """
    n = note.burst_count
    p = np.arange(n, dtype=np.int64)
    h = [_hash01(note.burst_seed, p, k) for k in range(7)]
    life = note.burst_life * (0.6 + 0.4 * h[0])
    alive = (age >= 0.0) & (age < life)
    z = 2.0 * h[1] - 1.0
    phi = 2.0 * math.pi * h[2]
    r = np.sqrt(np.maximum(0.0, 1.0 - z * z))
    direction = np.stack([r * np.cos(phi), z, r * np.sin(phi)], axis=1)
    reach = note.burst_spread * (0.5 + 0.5 * h[3]) * (1.0 - math.exp(-age / _BURST_OUT))
    swirl = 0.3 * (h[4] - 0.5) * age
    pos = np.array(note.position, dtype=np.float64) + direction * reach[:, None]
    pos[:, 0] += swirl * direction[:, 2]
    pos[:, 2] -= swirl * direction[:, 0]
    pos[:, 1] += note.burst_drift * age * (0.7 + 0.6 * h[5])
    palette = note.burst_palette_c.astype(np.float64)
    color = palette[np.minimum((h[6] * len(palette)).astype(np.int64), len(palette) - 1)]
    a = np.clip(age / life, 0.0, 1.0)
    size = note.burst_size * (0.6 + 0.8 * h[5]) * (1.0 - 0.5 * a)
    alpha = (1.0 - a) ** 1.5 * min(1.0, age / FLARE_ATTACK) if age > 0 else 0.0 * a
    alpha = np.asarray(alpha, dtype=np.float64)
    return pos[alive], color[alive], size[alive], alpha[alive]


# ------------------------------------------------------------------------------------------- state

@dataclass(frozen=True, eq=False)
class State:
    """Every animated quantity of the scene at one moment (plain numpy float64 arrays and floats).

    Suffixes name the axes: _k spheres, _p burst particles, _r ripple rings, _g audience groups, _s
    spotlights, a trailing 3 or 2 the components.
    """
    t: float = value("The time asked for, seconds.")
    clock: float = value("The performance clock it maps to: t held at the end, or wrapped when looping.")
    duration: float = value("Length of the performance, seconds.")
    sphere_light_k: np.ndarray = value("Emissive multiplier of each sphere's light (1: its own).")
    sphere_flare_k: np.ndarray = value("Flare of each sphere from its notes, 0…1.")
    sphere_offset_k3: np.ndarray = value("Displacement of each sphere (a buzzing tremble), metres.")
    crack_reveal_k: np.ndarray = value("How far each sphere's cracks show along their length, 0…1 "
                                       "(compare with Flaw.crack_age_j); 0 for a sound sphere.")
    flicker_k: np.ndarray = value("Depth of each sphere's flicker, 0…1.")
    buzz_k: np.ndarray = value("Buzz in each sphere's tone, 0…1.")
    detune_k: np.ndarray = value("How far each sphere's tone is off, cents.")
    shard_rate_k: np.ndarray = value("Rate shards flake off, relative to the flaw's own (0: none).")
    shard_clock_k: np.ndarray = value("The shards' own clock, seconds (∫ rate dt): age = fract(clock / "
                                      "life + phase).")
    shattered_k: np.ndarray = value("How far each sphere has shattered, 0 (whole) … 1 (gone).")
    instrument_flare: float = value("Flare of the instrument from its notes, 0…1.")
    burst_pos_p3: np.ndarray = value("Burst particles alive at t: positions, world metres.")
    burst_color_p3: np.ndarray = value("Their colours, linear RGB.")
    burst_size_p: np.ndarray = value("Their sizes, metres.")
    burst_alpha_p: np.ndarray = value("Their opacity, 0…1.")
    ring_center_r2: np.ndarray = value("Ripple rings running at t: where each started (x, z), world metres.")
    ring_age_r: np.ndarray = value("Seconds since each started (radius = ripple speed × age).")
    ring_amp_r: np.ndarray = value("Each ring's height now, metres.")
    group_sync_g: np.ndarray = value("How far each group's sway phases are pulled into unison, 0…1.")
    group_breath_g: np.ndarray = value("How far each group breathes in unison and deeper, 0…1.")
    group_pose_gp: np.ndarray = value("Weights of the poses (POSES: bow, rise, turn, reach, lean), 0…1.")
    group_dissolve_g: np.ndarray = value("How far each group's mist has dissolved, 0…1.")
    group_color_g3: np.ndarray = value("The mood colour each group's glow moves towards, linear RGB.")
    group_mood_g: np.ndarray = value("How far the glow has moved to it, 0…1.")
    screen_color3: np.ndarray = value("Colour of the sky screens' mood streaks, linear RGB.")
    screen_mood: float = value("How strongly the mood breaks through on the screens, 0…1.")
    screen_flicker: float = value("How much the screens flicker, 0…1.")
    sky_zenith3: np.ndarray = value("Sky colour straight up, linear RGB.")
    sky_horizon3: np.ndarray = value("Sky colour at the horizon, linear RGB.")
    sky_glow3: np.ndarray = value("Glow just above the horizon, linear RGB.")
    spot_target_s3: np.ndarray = value("Point each spotlight is aimed at, world metres.")
    spot_dir_s3: np.ndarray = value("Unit direction of each cone's axis.")
    spot_color_s3: np.ndarray = value("Colour of each spotlight, linear RGB.")
    spot_intensity_s: np.ndarray = value("Strength of each spotlight.")
    camera_pos3: np.ndarray = value("Eye position, world metres.")
    camera_look3: np.ndarray = value("Point looked at, world metres.")
    camera_fov: float = value("Vertical field of view, degrees.")
    countdown_cue: int = value("Index in performance.cues of the chronometer showing, or −1.")
    countdown_left: float = value("Seconds it shows.")
    countdown_swirl: float = value("Its swirl rate, relative to its own (1 at the start).")
    countdown_spin: float = value("Its swirl's own clock, seconds (∫ swirl dt).")
    countdown_visible: float = value("How visible it is, 0…1.")
    hum_pitch: float = value("Pitch of the drone, Hz.")
    hum_level: float = value("Loudness of the drone, 0…1.")
    hum_sour: float = value("Dissonance of the drone, 0…1.")


def performance_clock(performance: Performance, t: float) -> float:
    """t on the performance's clock: clamped to [0, duration], or wrapped when it loops."""
    d = performance.duration
    if d <= 0.0:
        return 0.0
    if performance.loop:
        return float(math.fmod(t, d)) if t >= 0 else float(d - math.fmod(-t, d)) % d
    return min(max(float(t), 0.0), d)


def _of(events: Sequence[Any], kind: type) -> list[Any]:
    return [ev for ev in events if isinstance(ev, kind)]


def _spheres(scene: Any, cues: Sequence[Any], c: float, t: float) -> dict[str, Any]:
    spheres = scene.props.spheres
    n = len(spheres.radius_i)
    flare = np.zeros(n)
    inst = 0.0
    for ev in _of(cues, NoteEvent):
        if ev.at <= c < ev.at + ev.length:
            e = float(note_envelope(c - ev.at, ev.length)) * ev.flare
            if ev.sphere < 0:
                inst += e
            else:
                flare[ev.sphere] += e
    flare = np.minimum(flare, 1.0)
    out = {name: np.zeros(n) for name in ("crack_reveal_k", "flicker_k", "buzz_k", "detune_k", "shard_rate_k",
                                          "shard_clock_k", "shattered_k")}
    flaws = _of(cues, FlawEvent)
    for flaw in spheres.flaws:
        k = flaw.sphere
        mine = [ev for ev in flaws if ev.sphere == k]
        if mine:
            base = {"reveal": 0.0, "flicker": 0.0, "buzz": 0.0, "detune": 0.0, "shards": 0.0}
        else:
            base = {"reveal": 1.0, "flicker": flaw.flicker, "buzz": flaw.buzz, "detune": flaw.detune_cents,
                    "shards": 1.0}
        for key, name in (("reveal", "crack_reveal_k"), ("flicker", "flicker_k"), ("buzz", "buzz_k"),
                          ("detune", "detune_k"), ("shards", "shard_rate_k")):
            out[name][k] = float(track(c, _const(base[key]), mine, _field(key))[0])
        out["shard_clock_k"][k] = _track_integral(c, base["shards"], mine, _field("shards"))
        ends = [ev.at + ev.length for ev in mine if ev.shatter]
        if ends:
            out["shattered_k"][k] = min(max((c - min(ends)) / SHATTER_TIME, 0.0), 1.0)
    light = (1.0 + FLARE_GAIN * flare) * (1.0 - out["shattered_k"])
    wobble = np.array([math.sin(2.0 * math.pi * f * t + i) for i, f in enumerate(_TREMBLE_HZ)])
    offset = (_TREMBLE * spheres.radius_i.astype(np.float64) * out["buzz_k"] * (1.0 - out["shattered_k"]))
    return {"sphere_light_k": light, "sphere_flare_k": flare, "sphere_offset_k3": offset[:, None] * wobble,
            "instrument_flare": min(inst, 1.0), **out}


def _particles(cues: Sequence[Any], c: float) -> dict[str, Any]:
    parts = [bursts(ev, c - ev.at) for ev in _of(cues, NoteEvent)
             if ev.burst_count and ev.at <= c < ev.at + ev.burst_life]
    if not parts:
        return {"burst_pos_p3": np.zeros((0, 3)), "burst_color_p3": np.zeros((0, 3)),
                "burst_size_p": np.zeros(0), "burst_alpha_p": np.zeros(0)}
    return {"burst_pos_p3": np.concatenate([p[0] for p in parts]),
            "burst_color_p3": np.concatenate([p[1] for p in parts]),
            "burst_size_p": np.concatenate([p[2] for p in parts]),
            "burst_alpha_p": np.concatenate([p[3] for p in parts])}


def _rings(cues: Sequence[Any], c: float) -> dict[str, Any]:
    rows: list[tuple[float, float, float, float]] = []
    life = note_ring_life()
    for ev in cues:
        if isinstance(ev, NoteEvent) and ev.ripple > 0:
            center, amp, span = ev.ring_center, ev.ripple, life
        elif isinstance(ev, RippleEvent):
            center, amp, span = ev.center, ev.amplitude, ev.length
        else:
            continue
        age = c - ev.at
        if 0.0 <= age < span:
            rows.append((center[0], center[1], age, amp * (1.0 - age / span) ** 2))
    arr = np.array(rows, dtype=np.float64).reshape(-1, 4)
    return {"ring_center_r2": arr[:, :2].copy(), "ring_age_r": arr[:, 2].copy(), "ring_amp_r": arr[:, 3].copy()}


def _audience(scene: Any, cues: Sequence[Any], c: float, t: float) -> dict[str, Any]:
    groups = scene.audience
    g = len(groups)
    sync, breath, dissolve = np.zeros(g), np.zeros(g), np.zeros(g)
    pose = np.zeros((g, len(POSES)))
    for ev in _of(cues, AudienceEvent):
        w = float(reaction_envelope(ev, c))
        if w == 0.0:
            continue
        for i in ev.groups:
            if ev.action == "sway":
                sync[i] += w
            elif ev.action == "breathe":
                breath[i] += w
            elif ev.action == "dissolve":
                dissolve[i] += w
            else:
                pose[i, POSES.index(ev.action)] += w
    moods = _of(cues, MoodEvent)
    color, mood, flicker = np.zeros((g, 3)), np.zeros(g), np.zeros(g)
    for i, group in enumerate(groups):
        mine = [ev for ev in moods if i in ev.groups]
        own = group.mood_color
        base_color = np.array(own if own is not None else (mine[0].color if mine else (0.0, 0.0, 0.0)))
        color[i] = track(c, _const(base_color), mine, _field("color"))

        def drift(x: np.ndarray, group: Any = group) -> np.ndarray:
            if group.mood_color is None:
                return np.zeros(np.shape(x) + (1,))
            w = group.mood_strength * (0.5 - 0.5 * np.cos(2.0 * np.pi * x / group.mood_period))
            return np.asarray(w)[..., None]

        mood[i] = float(track(c, drift, mine, _field("strength"), t_scene=t)[0])
        flicker[i] = float(track(c, _const(0.0), mine, _field("flicker"))[0])
    screens = scene.sky.screens
    f = screens.follows
    if f is not None and 0 <= f < g:
        screen = {"screen_color3": color[f].copy(), "screen_mood": float(mood[f]),
                  "screen_flicker": float(flicker[f])}
    else:
        screen = {"screen_color3": np.array(screens.color, dtype=np.float64), "screen_mood": 0.0,
                  "screen_flicker": 0.0}
    return {"group_sync_g": np.minimum(sync, 1.0), "group_breath_g": np.minimum(breath, 1.0),
            "group_pose_gp": np.minimum(pose, 1.0), "group_dissolve_g": np.minimum(dissolve, 1.0),
            "group_color_g3": color, "group_mood_g": mood, **screen}


def _sky(scene: Any, cues: Sequence[Any], c: float, t: float) -> dict[str, Any]:
    g = scene.sky.gradient
    start = np.array([*g.start.zenith, *g.start.horizon, *g.start.glow], dtype=np.float64)
    to = g.to if g.to is not None else g.start
    end = np.array([*to.zenith, *to.horizon, *to.glow], dtype=np.float64)

    def cycle(x: np.ndarray) -> np.ndarray:
        w = 0.5 - 0.5 * np.cos(2.0 * np.pi * x / g.cycle) if g.to is not None else np.zeros_like(x)
        return start + (end - start) * np.asarray(w)[..., None]

    v = track(c, cycle, _of(cues, SkyEvent),
              lambda ev: [*ev.palette.zenith, *ev.palette.horizon, *ev.palette.glow], t_scene=t)
    return {"sky_zenith3": v[0:3], "sky_horizon3": v[3:6], "sky_glow3": v[6:9]}


def _lights(scene: Any, cues: Sequence[Any], c: float) -> dict[str, Any]:
    lights = scene.lights
    s = len(lights.spot_intensity_s)
    events = _of(cues, LightEvent)
    target, color, intensity = np.zeros((s, 3)), np.zeros((s, 3)), np.zeros(s)
    for i in range(s):
        mine = [ev for ev in events if ev.light == i]
        b_t = lights.spot_target_s[i].astype(np.float64)
        b_c = lights.spot_color_s[i].astype(np.float64)
        b_i = np.array([float(lights.spot_intensity_s[i])])
        target[i] = track(c, _const(b_t), mine, _field("target"))
        color[i] = track(c, _const(b_c), mine, _field("color"))
        intensity[i] = track(c, _const(b_i), mine, _field("intensity"))[0]
    d = target - lights.spot_pos_s.astype(np.float64)
    norm = np.sqrt(d[:, 0] ** 2 + d[:, 1] ** 2 + d[:, 2] ** 2)
    safe = np.where(norm > 1e-12, norm, 1.0)[:, None]
    direction = np.where(norm[:, None] > 1e-12, d / safe, lights.spot_dir_s.astype(np.float64))
    return {"spot_target_s3": target, "spot_dir_s3": direction, "spot_color_s3": color,
            "spot_intensity_s": intensity}


def _camera(scene: Any, cues: Sequence[Any], c: float) -> dict[str, Any]:
    cam = scene.camera
    base = np.array([*cam.position, *cam.look_at, cam.fov], dtype=np.float64)
    v = track(c, lambda _x: base, _of(cues, CameraEvent), lambda ev: [*ev.position, *ev.look_at, ev.fov])
    return {"camera_pos3": v[0:3], "camera_look3": v[3:6], "camera_fov": float(v[6])}


def _countdown(cues: Sequence[Any], c: float) -> dict[str, Any]:
    shown = [(i, ev) for i, ev in enumerate(cues) if isinstance(ev, CountdownEvent)
             and ev.at <= c < ev.at + ev.length + ev.linger + (COUNTDOWN_FADE if ev.linger > 0 else 0.0)]
    if not shown:
        return {"countdown_cue": -1, "countdown_left": 0.0, "countdown_swirl": 0.0, "countdown_spin": 0.0,
                "countdown_visible": 0.0}
    i, ev = shown[-1]
    u = min((c - ev.at) / ev.length, 1.0)
    spin = ev.length * (u + ev.swirl * u ** 4 / 4.0)
    appear = float(ease("smooth", min((c - ev.at) / COUNTDOWN_FADE, 1.0)))
    gone = ev.at + ev.length + ev.linger
    vanish = float(ease("smooth", min(max((gone + COUNTDOWN_FADE - c) / COUNTDOWN_FADE, 0.0), 1.0)))
    left = ev.seconds * max(ev.length - (c - ev.at), 0.0) / ev.length
    return {"countdown_cue": i, "countdown_left": left,
            "countdown_swirl": 1.0 + ev.swirl * u ** 3 if u < 1.0 else 0.0, "countdown_spin": spin,
            "countdown_visible": appear * (vanish if ev.linger > 0 or c < gone else 0.0)}


def hum_at(performance: Performance, c: Any) -> np.ndarray:
    """(pitch Hz, level, sour) of the drone at performance clock c (scalar or array → (…, 3))."""
    base = np.array([performance.hum_hz, performance.hum_level, performance.hum_sour], dtype=np.float64)
    hums = _of(performance.cues, HumEvent)
    out = np.empty(np.shape(c) + (3,))
    for j, key in enumerate(("hz", "level", "sour")):
        out[..., j] = track(c, _const(base[j]), hums, _field(key))[..., 0]
    return out


def state_at(scene: Any, t: float) -> State:
    """Every animated quantity of `scene` at time `t` seconds. Pure: same scene and t, same values."""
    perf: Performance = scene.performance
    t = float(t)
    c = performance_clock(perf, t)
    cues = perf.cues
    hum = hum_at(perf, c)
    return State(t=t, clock=c, duration=perf.duration, **_spheres(scene, cues, c, t), **_particles(cues, c),
                 **_rings(cues, c), **_audience(scene, cues, c, t), **_sky(scene, cues, c, t),
                 **_lights(scene, cues, c), **_camera(scene, cues, c), **_countdown(cues, c),
                 hum_pitch=float(hum[0]), hum_level=float(hum[1]), hum_sour=float(hum[2]))
