"""glTF animations of a scene: the looping ambience and the performance, sampled from the scene's clocks.

Two clips. "ambience" loops the scene's own motion (scenegen.ambience: the twins of the shaders' loops; the
sky cycle from scenegen.skylook) over one sky cycle. "performance" plays the score from 0 to its duration,
every value read from scenegen.perform.state_at on top of the same loops. Nothing here times anything itself.

Core channels (translation, rotation, scale, morph weights) move the spheres, the flaw's cracks and shards,
the camera, the spotlights' aim and the crowd's phase sub-groups. KHR_animation_pointer (used, not required:
a client without it shows the still file) carries what core channels cannot reach: emissive strength and
factor, base colours, light colour and intensity, the camera's field of view.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from .. import ambience
from ..skylook import sky_blend

__all__ = ["AMBIENCE_FPS", "PERFORMANCE_FPS", "FLICKER_FPS", "ambience_length", "performance_times", "animations"]

AMBIENCE_FPS = 10.0       # the loops are slow (pulse ≈ 0.5 Hz, bob 0.15 Hz): 10 samples a second hold them
# The performance is sampled on a grid of PERFORMANCE_FPS plus, for every cue, where it changes: just before
# and at its start, at the end of a note's 20 ms strike and along its fade, at the ends of its eases, and
# just before and at its end (a cut is two samples a millisecond apart). state_at costs ~2 ms a call.
PERFORMANCE_FPS = 5.0
_BEFORE = 1e-3
_NOTE_POINTS = (0.1, 0.25, 0.5, 0.75)
FLICKER_FPS = 30.0        # a flaw's flicker stutters at its own rate (a few Hz): it gets its own, finer times
_DEFAULT_LOOP = 60.0      # the ambience's length when the sky does not cycle
_MAX_LOOP = 600.0
_ANIMATION_POINTER = "KHR_animation_pointer"
_PI = math.pi


def ambience_length(scene: Any) -> float:
    """Seconds of the ambience clip: one whole sky cycle (it returns to its start), else _DEFAULT_LOOP."""
    g = scene.sky.gradient
    if g.to is not None and g.cycle > 0.0:
        return float(min(g.cycle, _MAX_LOOP))
    return _DEFAULT_LOOP


def _times(length: float, fps: float) -> np.ndarray:
    n = max(2, int(math.ceil(length * fps - 1e-9)) + 1)
    return np.linspace(0.0, length, n)


def _distinct(t: np.ndarray, length: float) -> np.ndarray:
    """Sorted times inside [0, length], each a distinct float32 (keyframe times must strictly increase)."""
    t32 = np.unique(np.clip(t, 0.0, length).astype(np.float32))
    return t32.astype(np.float64)


def performance_times(perf: Any) -> np.ndarray:
    """Where the performance clip samples state_at (see PERFORMANCE_FPS)."""
    from ..perform import NoteEvent
    from ..perform.timeline import FLARE_ATTACK

    pts = [_times(perf.duration, PERFORMANCE_FPS)]
    for ev in perf.cues:
        at, length = float(ev.at), float(getattr(ev, "length", 0.0) or 0.0)
        marks = [at - _BEFORE, at, at + length - _BEFORE, at + length]
        if isinstance(ev, NoteEvent):
            marks += [at + FLARE_ATTACK] + [at + f * length for f in _NOTE_POINTS]
        fade = float(getattr(ev, "fade", 0.0) or 0.0)
        if fade > 0.0:
            marks += [at + 0.5 * fade, at + fade, at + length - fade, at + length - 0.5 * fade]
        pts.append(np.array(marks, dtype=np.float64))
    return _distinct(np.concatenate(pts), perf.duration)


class _Clip:
    """Samplers and channels of one animation, their data in the writer's buffer."""

    def __init__(self, w: Any, name: str) -> None:
        self.w, self.name = w, name
        self.samplers: list[dict[str, Any]] = []
        self.channels: list[dict[str, Any]] = []
        self._inputs: dict[bytes, int] = {}

    def _input(self, t: np.ndarray) -> int:
        key = t.astype(np.float32).tobytes()
        if key not in self._inputs:
            self._inputs[key] = self.w.accessor(t.astype(np.float32), None, bounds=True)
        return self._inputs[key]

    def _sampler(self, t: np.ndarray, values: np.ndarray, step: bool) -> int:
        out = np.ascontiguousarray(values, dtype=np.float32)
        self.samplers.append({"input": self._input(t), "output": self.w.accessor(out, None),
                              **({"interpolation": "STEP"} if step else {})})
        return len(self.samplers) - 1

    def node(self, node: int, path: str, t: np.ndarray, values: np.ndarray, step: bool = False) -> None:
        """A core channel: values (T, k) for translation/rotation/scale, (T·targets,) for weights."""
        self.channels.append({"sampler": self._sampler(t, values, step), "target": {"node": node, "path": path}})

    def pointer(self, pointer: str, t: np.ndarray, values: np.ndarray, step: bool = False) -> None:
        self.w.used.add(_ANIMATION_POINTER)
        self.channels.append({"sampler": self._sampler(t, values, step), "target": {
            "path": "pointer", "extensions": {_ANIMATION_POINTER: {"pointer": pointer}}}})

    def done(self, extras: dict[str, Any]) -> dict[str, Any] | None:
        if not self.channels:
            return None
        return {"name": self.name, "channels": self.channels, "samplers": self.samplers, "extras": extras}


def _material(w: Any, index: int) -> dict[str, Any]:
    return w.doc["materials"][index]


def _strength_base(mat: dict[str, Any]) -> float:
    return float(mat["extensions"]["KHR_materials_emissive_strength"]["emissiveStrength"])


def _quats_looking(forward: np.ndarray, up: Any = (0.0, 1.0, 0.0)) -> np.ndarray:
    from .gltf import look_rotation

    return np.array([look_rotation(f, up) for f in forward], dtype=np.float64)


def _unflip(q: np.ndarray) -> np.ndarray:
    """Quaternions (T, 4) on one hemisphere after another, so that interpolation takes the short way."""
    out = q.copy()
    for i in range(1, len(out)):
        if float(out[i] @ out[i - 1]) < 0.0:
            out[i] = -out[i]
    return out


# ------------------------------------------------------------------------------------------- spheres

def _spheres(clip: _Clip, scene: Any, t: np.ndarray, tf: np.ndarray,
             state: Callable[[np.ndarray], dict[str, np.ndarray]] | None) -> None:
    """Centres (spin + bob [+ tremble]), glow (pulse × flicker [× note light]), scale [shatter]."""
    refs = clip.w.refs.get("spheres", [])
    sp = scene.props.spheres
    if not refs:
        return
    st = state(t) if state else None
    centres = ambience.sphere_centers(sp, t)
    if st is not None:
        centres = centres + st["sphere_offset_k3"]
    moves = sp.spin_rate != 0.0 or sp.float_height != 0.0 or (st is not None and np.any(st["sphere_offset_k3"]))
    for i, ref in enumerate(refs):
        if moves:
            clip.node(ref["node"], "translation", t, centres[:, i])
        flawed = int(sp.flaw_i[i]) >= 0
        times = _distinct(np.concatenate([tf, t]), float(t[-1])) if flawed else t
        if st is not None:
            # The flicker's own wave on its fine times; the cues' depth and light between their samples.
            depth = np.interp(times, t, st["flicker_k"][:, i])
            flick = np.zeros((len(times), len(sp.radius_i)))
            flick[:, i] = depth
            light = ambience.sphere_light(sp, times, flick)[:, i] * np.interp(times, t, st["sphere_light_k"][:, i])
        else:
            light = ambience.sphere_light(sp, times)[:, i]
        base = _strength_base(_material(clip.w, ref["material"]))
        clip.pointer(f"/materials/{ref['material']}/extensions/KHR_materials_emissive_strength/emissiveStrength",
                     times, base * light)
        if st is not None:
            r = float(sp.radius_i[i])
            gone = st["shattered_k"][:, i]
            if np.any(gone > 0.0):
                clip.node(ref["node"], "scale", t, np.repeat((r * (1.0 - gone))[:, None], 3, axis=1))
            kids = ref["children"]
            if flawed and kids:
                # Cracks show once revealed, shards while they flake: a node's scale can only switch them.
                shown = {"cracks": st["crack_reveal_k"][:, i] > 0.0, "shards": st["shard_rate_k"][:, i] > 0.0}
                for kid in kids:
                    on = shown.get(clip.w.doc["nodes"][kid]["name"])
                    if on is not None and not on.all():
                        clip.node(kid, "scale", t, np.repeat(on.astype(np.float64)[:, None], 3, axis=1), step=True)


# ------------------------------------------------------------------------------------------- the crowd

def _crowd(clip: _Clip, scene: Any, t: np.ndarray,
           state: Callable[[np.ndarray], dict[str, np.ndarray]] | None) -> None:
    """Each phase sub-group's morph weights (sway, breath, poses), each group's tint (mood) and alpha."""
    groups = scene.audience
    st = state(t) if state else None
    for ref in clip.w.refs.get("groups", []):
        g = groups[ref["group"]]
        names = ref["targets"]
        mood_w = ambience.mood(g, t) if st is None else st["group_mood_g"][:, g.index]
        if st is None:
            target = np.broadcast_to(np.asarray(g.mood_color if g.mood_color is not None else (1.0, 1.0, 1.0),
                                                dtype=np.float64), (len(t), 3))
        else:
            target = st["group_color_g3"][:, g.index]
        mat = _material(clip.w, ref["material"])
        base = np.asarray(mat["pbrMetallicRoughness"]["baseColorFactor"], dtype=np.float64)
        alpha = np.full(len(t), base[3])
        if st is not None:
            alpha = alpha * (1.0 - st["group_dissolve_g"][:, g.index])
        if np.any(mood_w) or (st is not None and np.any(alpha != base[3])):
            # A material multiplies the figures' own colours: the mood tints them towards its hue.
            hue = target / np.maximum(target.max(axis=1, keepdims=True), 1e-6)
            tint = base[:3] * (1.0 - mood_w[:, None]) + hue * mood_w[:, None]
            clip.pointer(f"/materials/{ref['material']}/pbrMetallicRoughness/baseColorFactor", t,
                         np.concatenate([np.clip(tint, 0.0, 1.0), alpha[:, None]], axis=1))
        for sub in ref["subgroups"]:
            weights = np.zeros((len(t), len(names)))
            phase = np.full(len(t), sub["phase"])
            breath_depth = np.ones(len(t))
            breath_phase = np.full(len(t), sub["phase"])
            if st is not None:
                sync = st["group_sync_g"][:, g.index]
                phase = phase * (1.0 - sync)                   # pulled towards one phase (0)
                together = st["group_breath_g"][:, g.index]
                breath_depth = 1.0 + together
                breath_phase = breath_phase + (g.breathing_phase - breath_phase) * together
            if g.breathing_unison:
                breath_phase = np.full(len(t), g.breathing_phase)
            b = g.breathing_depth * breath_depth * np.sin(2.0 * _PI * g.breathing_rate * t + breath_phase)
            if "breathe" in names:
                weights[:, names.index("breathe")] = b
            if "sway" in names:
                weights[:, names.index("sway")] = sub["sway_amplitude"] * np.sin(
                    2.0 * _PI * sub["sway_frequency"] * t + phase)
            if st is not None:
                from ..perform import POSES

                for k, pose in enumerate(POSES):
                    if pose in names:
                        weights[:, names.index(pose)] = st["group_pose_gp"][:, g.index, k]
            if names:
                clip.node(sub["node"], "weights", t, weights.reshape(-1))


# ------------------------------------------------------------------------------------------- the sky

def _sky(clip: _Clip, scene: Any, t: np.ndarray, state: Callable[[np.ndarray], dict[str, np.ndarray]] | None
         ) -> None:
    """The dome's glow tinted by the palette it has moved to (its texture holds t = 0); the screens' mood."""
    mat = clip.w.refs.get("sky_material")
    g = scene.sky.gradient
    if mat is not None:
        p0 = np.array([*g.start.zenith, *g.start.horizon, *g.start.glow], dtype=np.float64).reshape(3, 3)
        if state is None:
            if g.to is None:
                mat = None
            else:
                p1 = np.array([*g.to.zenith, *g.to.horizon, *g.to.glow], dtype=np.float64).reshape(3, 3)
                blend = np.array([sky_blend(scene.sky, float(x)) for x in t])
                now = p0[None] + (p1 - p0)[None] * blend[:, None, None]
        else:
            st = state(t)
            now = np.stack([st["sky_zenith3"], st["sky_horizon3"], st["sky_glow3"]], axis=1)
        if mat is not None:
            ratio = now.sum(axis=1) / np.maximum(p0.sum(axis=0), 1e-6)      # (T, 3): each channel's gain
            peak = np.maximum(ratio.max(axis=1), 1e-6)
            clip.pointer(f"/materials/{mat}/emissiveFactor", t, ratio / peak[:, None])
            clip.pointer(f"/materials/{mat}/extensions/KHR_materials_emissive_strength/emissiveStrength", t, peak)
    screen = clip.w.refs.get("screen_material")
    sc = scene.sky.screens
    if screen is not None and sc.follows is not None and 0 <= sc.follows < len(scene.audience):
        own = np.asarray(sc.color, dtype=np.float64)
        if state is None:
            grp = scene.audience[sc.follows]
            if grp.mood_color is None:
                return
            m = ambience.mood(grp, t)
            col = own + (np.asarray(grp.mood_color) - own) * m[:, None]
        else:
            st = state(t)
            col = own + (st["screen_color3"] - own) * st["screen_mood"][:, None]
        clip.pointer(f"/materials/{screen}/pbrMetallicRoughness/baseColorFactor", t,
                     np.concatenate([np.clip(col, 0.0, 1.0), np.ones((len(t), 1))], axis=1))


# ------------------------------------------------------------------------------------------- performance only

def _instrument(clip: _Clip, t: np.ndarray, st: dict[str, np.ndarray]) -> None:
    """The instrument's crystal flares with its notes as a sphere does: light × (1 + FLARE_GAIN·flare)."""
    from ..perform.timeline import FLARE_GAIN

    mat = clip.w.refs.get("instrument_material")
    flare = st["instrument_flare"]
    if mat is None or not np.any(flare):
        return
    pointer = f"/materials/{mat}/extensions/KHR_materials_emissive_strength/emissiveStrength"
    clip.pointer(pointer, t, _strength_base(_material(clip.w, mat)) * (1.0 + FLARE_GAIN * flare))


def _lights_camera(clip: _Clip, scene: Any, t: np.ndarray, st: dict[str, np.ndarray]) -> None:
    L = scene.lights
    for i, ref in enumerate(clip.w.refs.get("spots", [])):
        d = st["spot_dir_s3"][:, i]
        if np.ptp(d, axis=0).max() > 0.0:
            clip.node(ref["node"], "rotation", t, _unflip(_quats_looking(d)))
        dist = np.maximum(np.linalg.norm(st["spot_target_s3"][:, i] - L.spot_pos_s[i].astype(np.float64), axis=1),
                          1.0)
        col, inten = st["spot_color_s3"][:, i], _PI * st["spot_intensity_s"][:, i] * dist * dist
        light = f"/extensions/KHR_lights_punctual/lights/{ref['light']}"
        if np.ptp(col, axis=0).max() > 0.0:
            clip.pointer(f"{light}/color", t, col)
        if np.ptp(inten) > 0.0:
            clip.pointer(f"{light}/intensity", t, inten)
    cam = clip.w.refs.get("camera")
    if cam is not None:
        pos, look, fov = st["camera_pos3"], st["camera_look3"], st["camera_fov"]
        if np.ptp(pos, axis=0).max() > 0.0 or np.ptp(look, axis=0).max() > 0.0:
            up = tuple(scene.camera.up)
            clip.node(cam["node"], "translation", t, pos)
            clip.node(cam["node"], "rotation", t, _unflip(_quats_looking(look - pos, up)))
        if np.ptp(fov) > 0.0:
            clip.pointer(f"/cameras/{cam['camera']}/perspective/yfov", t, np.radians(fov))


def _stacked(scene: Any) -> Callable[[np.ndarray], dict[str, np.ndarray]]:
    """state_at over many times, each field stacked with T in front (cached per time array)."""
    from ..perform import state_at

    cache: dict[bytes, dict[str, np.ndarray]] = {}

    def at(t: np.ndarray) -> dict[str, np.ndarray]:
        key = t.tobytes()
        if key not in cache:
            states = [state_at(scene, float(x)) for x in t]
            fields = {}
            for name in vars(states[0]):
                v = [getattr(s, name) for s in states]
                if isinstance(v[0], np.ndarray) and name.endswith(("_p", "_p3", "_r", "_r2")):
                    continue                                  # particles and rings: counts vary with t
                fields[name] = np.array(v, dtype=np.float64)
            cache[key] = fields
        return cache[key]

    return at


# ------------------------------------------------------------------------------------------- entry

def animations(w: Any, scene: Any, sound: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """The clips of a scene written into `w` (the glTF writer whose refs name the targets)."""
    out = []
    length = ambience_length(scene)
    amb = _Clip(w, "ambience")
    t, tf = _times(length, AMBIENCE_FPS), _times(length, FLICKER_FPS)
    _spheres(amb, scene, t, tf, None)
    _crowd(amb, scene, t, None)
    _sky(amb, scene, t, None)
    clip = amb.done({"loop": True, "length": length,
                     "what": "the scene's own loops (sphere spin, bob, pulse and flicker, the crowd's sway and "
                             "breath, moods, the sky cycle) over one sky cycle; play it looping"})
    if clip:
        out.append(clip)
    perf = getattr(scene, "performance", None)
    if perf is not None and perf.duration > 0.0:
        state = _stacked(scene)
        t, tf = performance_times(perf), _times(perf.duration, FLICKER_FPS)
        pc = _Clip(w, "performance")
        _spheres(pc, scene, t, tf, state)
        _crowd(pc, scene, t, state)
        _sky(pc, scene, t, state)
        _lights_camera(pc, scene, t, state(t))
        _instrument(pc, t, state(t))
        extras: dict[str, Any] = {"loop": bool(perf.loop), "length": perf.duration,
                                  "what": "the performance's score from 0 to its end, on top of the scene's loops; "
                                          "it includes them, so play it instead of the ambience"}
        if sound is not None:
            extras["sound"] = sound
        clip = pc.done(extras)
        if clip:
            out.append(clip)
    return out
