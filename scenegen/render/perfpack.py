"""The performance's State at one moment → the uniforms and small arrays the programs take (pure numpy, no GL).

Every animated value comes from `scenegen.perform.state_at(scene, t)`; this module only lays it out for
the shaders, as packing.py does for the Scene. The uniforms it adds are zero when nothing performs
(`u_performing`, `u_sphere_perf`, `u_sphere_offset`, `u_group_perf`, `u_pose`, …), so a program drawn
without them looks exactly as it did before performances existed; the ones it overrides (sky palette,
spotlights, sphere lights for reflections, screen colour) are the Scene's own uniforms with the State's
values in them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import packing

__all__ = ["PerfUniforms", "performance_of", "state_for", "perf_uniforms", "BURST_DTYPE", "pack_bursts",
           "RING_DTYPE", "pack_rings", "MAX_RINGS", "POSE_SLOTS", "shot_view", "aimed_lights",
           "countdown_uniforms"]

# Poses the audience shader draws, in the order of its u_pose vec4 and then u_lean (shaders/audience.glsl).
POSE_SLOTS = ("bow", "rise", "turn", "reach", "lean")
MAX_RINGS = 16
RING_REFERENCE = 0.05    # metres: a ring this high (the seed file's default ripple) shows at full strength


def performance_of(scene: Any) -> Any:
    """The scene's Performance, or None for a still scene (none, or one of no length)."""
    perf = getattr(scene, "performance", None)
    if perf is None or not float(getattr(perf, "duration", 0.0)) > 0.0:
        return None
    return perf


def state_for(scene: Any, t: float) -> Any:
    """state_at(scene, t), or None for a scene without a performance."""
    if performance_of(scene) is None:
        return None
    from ..perform import state_at
    return state_at(scene, float(t))


@dataclass
class PerfUniforms:
    """`common`: set on every program that declares them; `screens`: the sky screens' own (their mood
    uniforms share names with the audience's); `groups`: one dict per audience group, in the scene's
    order; `spot_target`: (s, 3) for re-aiming the beams' meshes."""
    common: dict[str, Any] = field(default_factory=dict)
    screens: dict[str, Any] = field(default_factory=dict)
    groups: list[dict[str, Any]] = field(default_factory=list)
    spot_target: np.ndarray | None = None


def _f32(a: Any, shape: tuple[int, ...]) -> np.ndarray:
    out = np.asarray(a, dtype=np.float64).reshape(shape)
    if not np.isfinite(out).all():
        raise ValueError("the performance state holds a non-finite value")
    return out


def perf_uniforms(scene: Any, state: Any) -> PerfUniforms:
    """The uniforms of `state` (None: the neutral values, which change nothing)."""
    sph = scene.props.spheres
    k = min(len(sph.radius_i), packing.MAX_SPHERES)
    groups = list(scene.audience)
    if state is None:
        return PerfUniforms(
            common={"u_sphere_perf": np.zeros((packing.MAX_SPHERES, 4), np.float32),
                    "u_sphere_offset": np.zeros((packing.MAX_SPHERES, 3), np.float32),
                    "u_performing": 0.0, "u_instrument_flare": 0.0},
            groups=[{"u_group_perf": (0.0, 0.0, 0.0, 0.0), "u_group_tint": (0.0, 0.0, 0.0),
                     "u_pose": (0.0, 0.0, 0.0, 0.0), "u_lean": 0.0} for _ in groups])
    n = len(sph.radius_i)
    light = _f32(state.sphere_light_k, (n,))[:k]
    flare = _f32(state.sphere_flare_k, (n,))[:k]
    reveal = _f32(state.crack_reveal_k, (n,))[:k]
    flicker = _f32(state.flicker_k, (n,))[:k]
    rate = _f32(state.shard_rate_k, (n,))[:k]
    shattered = _f32(state.shattered_k, (n,))[:k]
    # The flicker's depth replaces the flaw's own (the shader reads a_flicker.x): hand on the difference.
    base_flicker = np.zeros(n)
    for flaw in sph.flaws:
        base_flicker[int(flaw.sphere)] = float(flaw.flicker)
    perf = np.zeros((packing.MAX_SPHERES, 4), np.float32)
    perf[:k, 0] = (light - 1.0) * (1.0 - shattered)
    perf[:k, 1] = flare
    perf[:k, 2] = flicker - base_flicker[:k]
    perf[:k, 3] = 1.0 - np.clip(reveal, 0.0, 1.0)
    shard = np.zeros((packing.MAX_SPHERES, 4), np.float32)
    shard[:k, 0] = rate
    shard[:k, 1] = np.clip(shattered, 0.0, 1.0)
    # The shards' own clock (∫ rate dt): their age runs on it, so a rate that changes never makes them jump.
    shard[:k, 2] = _f32(state.shard_clock_k, (n,))[:k]
    offset = np.zeros((packing.MAX_SPHERES, 3), np.float32)
    offset[:k] = _f32(state.sphere_offset_k3, (n, 3))[:k]
    # What other surfaces reflect of the spheres follows their light too.
    reflect = np.zeros((packing.MAX_SPHERES, 3), np.float32)
    reflect[:k] = (sph.color_i[:k] * sph.glow_i[:k, None]
                   * (light * (1.0 + 2.0 * flare) * (1.0 - shattered))[:, None])
    zen, hor, glow = (tuple(float(x) for x in _f32(v, (3,)))
                      for v in (state.sky_zenith3, state.sky_horizon3, state.sky_glow3))
    common: dict[str, Any] = {
        "u_sphere_perf": perf, "u_sphere_shard": shard, "u_sphere_offset": offset, "u_sphere_light": reflect,
        "u_performing": 1.0,
        "u_sky_zenith": [zen, zen], "u_sky_horizon": [hor, hor], "u_sky_glow": [glow, glow], "u_sky_cycle": 0.0,
        "u_instrument_flare": float(state.instrument_flare),
    }
    screens = {"u_mood_color": tuple(float(x) for x in _f32(state.screen_color3, (3,))),
               "u_mood": (1.0, float(np.clip(state.screen_mood, 0.0, 1.0))),
               "u_screen_perf": (1.0, float(np.clip(state.screen_flicker, 0.0, 1.0)))}
    out = PerfUniforms(common=common, screens=screens)
    lights = scene.lights
    s = min(len(lights.spot_pos_s), packing.MAX_SPOTS)
    if s:
        target = _f32(state.spot_target_s3, (len(lights.spot_pos_s), 3))[:s]
        d = _f32(state.spot_dir_s3, (len(lights.spot_pos_s), 3))[:s]
        length = np.linalg.norm(target - lights.spot_pos_s[:s].astype(np.float64), axis=1)
        intensity = _f32(state.spot_intensity_s, (len(lights.spot_pos_s),))[:s]
        cone = np.stack([np.cos(lights.spot_cone_s[:s]), np.cos(lights.spot_inner_s[:s]), intensity,
                         lights.spot_softness_s[:s]], axis=1)
        tgt = np.zeros((packing.MAX_SPOTS, 4), np.float32)
        tgt[:s, :3] = target
        tgt[:s, 3] = length
        common.update({
            "u_spot_dir": packing._rows(d, packing.MAX_SPOTS, 3),
            "u_spot_color": packing._rows(_f32(state.spot_color_s3, (len(lights.spot_pos_s), 3))[:s],
                                          packing.MAX_SPOTS, 3),
            "u_spot_cone": packing._rows(cone, packing.MAX_SPOTS, 4),
            "u_spot_target": tgt,
        })
        out.spot_target = target
    g = len(groups)
    sync = _f32(state.group_sync_g, (g,))
    breath = _f32(state.group_breath_g, (g,))
    dissolve = _f32(state.group_dissolve_g, (g,))
    color = _f32(state.group_color_g3, (g, 3))
    pose = np.asarray(state.group_pose_gp, dtype=np.float64).reshape(g, -1) if g else np.zeros((0, 0))
    from ..perform import POSES
    slots = [POSES.index(p) if p in POSES else -1 for p in POSE_SLOTS]
    mood = np.clip(_f32(state.group_mood_g, (g,)), 0.0, 1.0)
    for i in range(len(groups)):
        w = tuple(float(np.clip(pose[i, j], 0.0, 1.0)) if j >= 0 else 0.0 for j in slots)
        out.groups.append({
            "u_group_perf": (float(np.clip(sync[i], 0, 1)), float(np.clip(breath[i], 0, 1)),
                             float(np.clip(dissolve[i], 0, 1)), float(mood[i])),
            "u_group_tint": tuple(float(x) for x in color[i]),
            "u_pose": w[:4],
            "u_lean": w[4],
        })
    return out


# ------------------------------------------------------------------------------------- small buffers

BURST_DTYPE = np.dtype([("a_pos", np.float32, 3), ("a_color", np.float32, 3), ("a_size", np.float32),
                        ("a_alpha", np.float32)])


def pack_bursts(state: Any) -> np.ndarray:
    """The burst particles alive at the State's moment, one BURST_DTYPE record each."""
    if state is None:
        return np.zeros(0, dtype=BURST_DTYPE)
    pos = np.asarray(state.burst_pos_p3, dtype=np.float32).reshape(-1, 3)
    p = len(pos)
    out = np.empty(p, dtype=BURST_DTYPE)
    out["a_pos"] = pos
    out["a_color"] = np.asarray(state.burst_color_p3, dtype=np.float32).reshape(p, 3)
    out["a_size"] = np.asarray(state.burst_size_p, dtype=np.float32).reshape(p)
    out["a_alpha"] = np.asarray(state.burst_alpha_p, dtype=np.float32).reshape(p)
    keep = (out["a_alpha"] > 0.0) & (out["a_size"] > 0.0)
    return packing._check(np.ascontiguousarray(out[keep]), BURST_DTYPE, (int(keep.sum()),), "bursts")


RING_DTYPE = np.float32


def pack_rings(state: Any) -> tuple[np.ndarray, int]:
    """The stage's note rings as (MAX_RINGS, 4) float32 rows (centre x, z, age s, strength: the height
    over RING_REFERENCE) and their count; the youngest are kept when more are alive than the shader takes."""
    rows = np.zeros((MAX_RINGS, 4), dtype=np.float32)
    if state is None:
        return rows, 0
    center = np.asarray(state.ring_center_r2, dtype=np.float64).reshape(-1, 2)
    age = np.asarray(state.ring_age_r, dtype=np.float64).reshape(-1)
    amp = np.asarray(state.ring_amp_r, dtype=np.float64).reshape(-1)
    alive = np.flatnonzero((amp > 0.0) & (age >= 0.0))
    alive = alive[np.argsort(age[alive], kind="stable")][:MAX_RINGS]
    r = len(alive)
    rows[:r, 0:2] = center[alive]
    rows[:r, 2] = age[alive]
    rows[:r, 3] = amp[alive] / RING_REFERENCE
    return rows, r


def shot_view(state: Any, base: Any) -> Any:
    """The View of the State's camera shot (near and far planes from `base`, a View)."""
    from dataclasses import replace
    eye = tuple(float(x) for x in np.asarray(state.camera_pos3, dtype=np.float64))
    look = tuple(float(x) for x in np.asarray(state.camera_look3, dtype=np.float64))
    fov = float(state.camera_fov)
    if not (math.dist(eye, look) > 1e-9 and 1.0 <= fov <= 179.0):
        return base
    return replace(base, eye=eye, target=look, fov=fov)


def aimed_lights(lights: Any, target: np.ndarray) -> Any:
    """The Lights record with its first len(target) spotlights aimed at `target` (s, 3)."""
    from dataclasses import replace
    s = len(target)
    tgt = lights.spot_target_s.copy()
    tgt[:s] = target
    d = tgt.astype(np.float64) - lights.spot_pos_s.astype(np.float64)
    n = np.linalg.norm(d, axis=1)
    dirs = np.where(n[:, None] > 1e-9, d / np.maximum(n, 1e-9)[:, None], lights.spot_dir_s)
    return replace(lights, spot_target_s=tgt.astype(lights.spot_target_s.dtype),
                   spot_dir_s=dirs.astype(lights.spot_dir_s.dtype))


def countdown_uniforms(scene: Any, state: Any) -> dict[str, Any]:
    """The chronometer's uniforms for the countdown cue the State shows: where it floats and how tall,
    its style's look, u_count (seconds left, share left, swirl angle, visibility)."""
    from ..gen.chronometer import STYLES, SWIRL_RATE
    perf = performance_of(scene)
    i = int(state.countdown_cue)
    if perf is None or not 0 <= i < len(perf.cues):
        return {"u_count": (0.0, 0.0, 0.0, 0.0)}
    cue = perf.cues[i]
    left = max(float(state.countdown_left), 0.0)
    seconds = float(getattr(cue, "seconds", 0.0)) or 1.0
    color, grain, twinkle, shimmer = STYLES.get(str(getattr(cue, "style", "stardust")), STYLES["stardust"])
    return {"u_count": (left, min(left / seconds, 1.0), SWIRL_RATE * float(state.countdown_spin),
                        float(np.clip(state.countdown_visible, 0.0, 1.0))),
            "u_chrono_center": tuple(float(x) for x in cue.position), "u_half": 0.5 * float(cue.size),
            "u_grain_color": color, "u_grain_size": grain, "u_look": (twinkle, shimmer)}
