"""The viewer's input → camera and clock state: key bindings, orbit/pan/zoom/fly, time, picking (pure, no GL).

Keys are named as pyglet's `key.symbol_string` names them ('A', '_1', 'NUM_1', 'F12', 'BRACKETLEFT'), so
this module never imports pyglet and every rule here is testable without a window.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from ..rng import seed_to_int
from .camera import View, vec3

__all__ = ["Binding", "BINDINGS", "MOUSE", "LAYER_KEYS", "action_for", "help_rows", "Controls", "reroll",
           "sphere_centers_at", "pixel_ray", "ray_spheres", "pick_sphere"]

# ------------------------------------------------------------------------------------------- bindings


@dataclass(frozen=True)
class Binding:
    """Keys that trigger one action. `shown` is how the help overlay and the README write the keys."""
    action: str
    keys: tuple[str, ...]
    shown: str
    help: str
    ctrl: bool = False          # needs Ctrl (Cmd on macOS is reported as Ctrl by pyglet's MOD_ACCEL)
    shift: bool | None = None   # True: needs Shift; False: not with Shift; None: either
    fly: bool | None = None     # True: only in fly mode; False: only outside it; None: both


# Layers the function keys toggle, in the renderer's names.
LAYER_KEYS: tuple[tuple[str, str], ...] = (
    ("F2", "terrain"), ("F3", "stage"), ("F4", "sky"), ("F5", "screens"), ("F6", "props"),
    ("F7", "audience"), ("F8", "spotlights"),
)

_DIGITS = tuple(f"_{d}" for d in range(10))
_NUMPAD = tuple(f"NUM_{d}" for d in range(10))

BINDINGS: tuple[Binding, ...] = (
    Binding("help", ("F1",), "F1", "this help"),
    Binding("escape", ("ESCAPE",), "Esc", "close the help, leave fly mode, or quit"),
    Binding("quit", ("Q",), "Ctrl+Q", "quit", ctrl=True),
    Binding("reset_view", ("_0", "NUM_0"), "0", "back to the scene's camera (a performance: to its camera shots)"),
    Binding("restart", ("HOME",), "Home", "back to the start (time 0)"),
    Binding("shot", _DIGITS[1:] + _NUMPAD[1:], "1 … 9",
            "the scene's shots: stage, performer, audience, sphere, sky, flaw, then the seed file's own",
            shift=False),
    Binding("focus_sphere", _DIGITS[1:], "Shift+1 … 9", "focus on sphere 1 … 9", shift=True),
    Binding("fly", ("F",), "F", "fly mode on/off: mouse looks, W A S D move, Q/E down/up, Shift: faster"),
    Binding("pause", ("SPACE",), "Space", "pause / play (a performance: with its sound)"),
    Binding("slower", ("BRACKETLEFT", "MINUS", "NUM_SUBTRACT"), "[ ] or - +", "half / double speed"),
    Binding("faster", ("BRACKETRIGHT", "PLUS", "EQUAL", "NUM_ADD"), "", ""),
    Binding("scrub_back", ("LEFT",), "Left Right",
            "paused: step time 0.1 s back / on (Shift: 1 s); a performance playing: seek 1 s (Shift: 10 s)"),
    Binding("scrub_forward", ("RIGHT",), "", ""),
    Binding("reroll", ("R",), "R", "re-roll the seed (derived from this one)", shift=False),
    Binding("file_seed", ("R",), "Shift+R", "back to the seed file's own seed", shift=True),
    Binding("save_seed", ("S",), "Ctrl+S", "save the seed file: NAME.seed-XXXXXXXX.yaml beside it", ctrl=True),
    Binding("export", ("E",), "E", "export the scene JSON (Ctrl+E in fly mode)", fly=False),
    Binding("export", ("E",), "", "", ctrl=True),
    Binding("chord", ("C",), "C", "play the chord of all the spheres"),
    Binding("screenshot", ("F12",), "F12", "screenshot PNG"),
    *(Binding(f"layer:{name}", (key,), "F2 … F8" if i == 0 else "",
              "show/hide " + ", ".join(n for _, n in LAYER_KEYS) if i == 0 else "")
      for i, (key, name) in enumerate(LAYER_KEYS)),
    Binding("wireframe", ("F9", "Z"), "F9 or Z", "wireframe on/off"),
    Binding("resolution", ("F10",), "F10", "render resolution: full, 1/2, 1/4 (slow GL)"),
    Binding("fullscreen", ("F11",), "F11", "full screen on/off"),
    Binding("hud", ("H",), "H", "hide/show the HUD"),
)

# Movement keys held in fly mode (not actions: read every frame).
FLY_KEYS = {"W": (0, 0, 1), "S": (0, 0, -1), "D": (1, 0, 0), "A": (-1, 0, 0), "E": (0, 1, 0), "Q": (0, -1, 0)}

MOUSE: tuple[tuple[str, str], ...] = (
    ("Left drag", "orbit (fly mode: look around)"),
    ("Right drag", "pan (also middle drag, Shift+left drag)"),
    ("Wheel", "zoom (fly mode: flying speed)"),
    ("Click a sphere", "hear its tone; click it again at once to focus on it"),
)


def action_for(key: str, ctrl: bool = False, shift: bool = False, fly: bool = False) -> str | None:
    """The action a key press means, or None. `key` is pyglet's symbol_string of the key."""
    for b in BINDINGS:
        if key not in b.keys or b.ctrl != ctrl:
            continue
        if b.shift is not None and b.shift != shift:
            continue
        if b.fly is not None and b.fly != fly:
            continue
        return b.action
    return None


def help_rows() -> list[tuple[str, str]]:
    """(keys, what they do) for every key and mouse binding, in the order the help overlay shows them."""
    rows = [(b.shown, b.help) for b in BINDINGS if b.shown]
    return rows + list(MOUSE)


# ------------------------------------------------------------------------------------------- re-roll

def reroll(seed: int | str) -> int:
    """A new seed derived from `seed`: SHA-256 of its 64-bit value, first 8 bytes. Deterministic, so
    pressing R from the same seed always gives the same world, and repeated presses walk a fixed chain."""
    value = seed_to_int(seed)
    digest = hashlib.sha256(b"scenegen/reroll:" + value.to_bytes(8, "little")).digest()
    return int.from_bytes(digest[:8], "little")


# -------------------------------------------------------------------------------------------- picking

def _rotate(p: np.ndarray, center: np.ndarray, axis: np.ndarray, angle: float) -> np.ndarray:
    """Rodrigues rotation of points p (n, 3) about the line through `center` along unit `axis`."""
    if angle == 0.0:
        return p
    v = p - center
    c, s = math.cos(angle), math.sin(angle)
    k = axis
    cross = np.stack([k[1] * v[:, 2] - k[2] * v[:, 1], k[2] * v[:, 0] - k[0] * v[:, 2],
                      k[0] * v[:, 1] - k[1] * v[:, 0]], axis=-1)
    dot = (v * k).sum(axis=-1, keepdims=True)
    return center + v * c + cross * s + k * dot * (1.0 - c)


def sphere_centers_at(spheres: Any, time: float) -> np.ndarray:
    """Where the spheres are at `time` (float64 (n, 3)): the spin and the bob of the Spheres record, the
    same motion the sphere shader draws (spheres_common.glsl), so a click lands on what is seen."""
    c = np.asarray(spheres.center_i, dtype=np.float64).reshape(-1, 3)
    c = _rotate(c, np.asarray(spheres.spin_center, dtype=np.float64),
                np.asarray(spheres.spin_axis, dtype=np.float64), float(spheres.spin_rate) * time)
    bob = float(spheres.float_height) * np.sin(2.0 * math.pi * float(spheres.float_rate) * time
                                               + np.asarray(spheres.float_phase_i, dtype=np.float64))
    c = c.copy()
    c[:, 1] += bob
    return c


def pixel_ray(view: View, size: tuple[int, int], x: float, y: float) -> tuple[np.ndarray, np.ndarray]:
    """Origin and unit direction of the ray through the point (x right, y down from the top-left corner)
    of a frame of `size`, as View.project maps world points to pixels."""
    w, h = size
    inv = np.linalg.inv(view.view_projection(w / h))
    ndc = np.array([2.0 * x / w - 1.0, 1.0 - 2.0 * y / h, 1.0, 1.0])
    far = inv @ ndc
    origin = np.asarray(view.eye, dtype=np.float64)
    d = far[:3] / far[3] - origin
    return origin, d / np.linalg.norm(d)


def ray_spheres(origin: np.ndarray, direction: np.ndarray, centers: np.ndarray, radii: np.ndarray) -> np.ndarray:
    """Distance along the ray to the first hit of each sphere (inf where it misses or lies behind)."""
    oc = np.asarray(centers, dtype=np.float64) - origin
    b = oc @ direction
    c = (oc * oc).sum(axis=-1) - np.asarray(radii, dtype=np.float64) ** 2
    disc = b * b - c
    root = np.sqrt(np.maximum(disc, 0.0))
    near, far = b - root, b + root
    t = np.where(near > 0.0, near, far)     # from inside a sphere, the way out
    return np.where((disc >= 0.0) & (t > 0.0), t, np.inf)


def pick_sphere(view: View, size: tuple[int, int], x: float, y: float, spheres: Any,
                time: float = 0.0) -> int | None:
    """Index of the nearest sphere under the point (x, y down), or None."""
    if spheres is None or len(spheres.radius_i) == 0:
        return None
    origin, direction = pixel_ray(view, size, x, y)
    t = ray_spheres(origin, direction, sphere_centers_at(spheres, time), spheres.radius_i)
    i = int(np.argmin(t))
    return i if np.isfinite(t[i]) else None


# ------------------------------------------------------------------------------------------ the state

ORBIT_RAD_PER_PX = 0.006
LOOK_RAD_PER_PX = 0.003
ZOOM_STEP = 0.85            # distance kept per wheel click towards the target
MIN_DISTANCE = 0.5
SPEEDS = (1 / 64, 64.0)     # slowest and fastest playback
SCRUB_STEP, SCRUB_BIG = 0.1, 1.0
FLY_FAST = 4.0
DOUBLE_CLICK_S = 0.4
GROUND_CLEARANCE = 0.5      # metres an orbiting eye keeps above the floor


class Controls:
    """The camera, the clock and the modes of a viewer, changed by input events; no GL, no window.

    `home` is the scene's own camera; `extent` (metres) bounds zooming out and sets the flying speed;
    `floor(x, z)`, when given, is the ground height an orbiting eye stays above (flying goes anywhere).
    """

    def __init__(self, home: View, extent: float = 200.0, time: float = 0.0,
                 floor: Callable[[float, float], float] | None = None) -> None:
        self.home = home
        self.floor = floor
        self.view = home
        self.extent = max(float(extent), 1.0)
        self.time = max(0.0, float(time))
        self.paused = False
        self.speed = 1.0
        self.fly = False
        self.fly_speed = max(2.0, self.extent / 40.0)     # metres per second
        self.held: set[str] = set()
        self._last_click: tuple[float, int | None] = (-1e9, None)

    # ------------------------------------------------------------------------------------ the camera
    @property
    def max_distance(self) -> float:
        return 4.0 * self.extent

    def orbit_drag(self, dx: float, dy: float) -> None:
        """Left drag: the scene turns with the mouse (the eye goes the other way); in fly mode, look."""
        if self.fly:
            self.look(dx, dy)
            return
        view = self.view.orbit(-dx * ORBIT_RAD_PER_PX, -dy * ORBIT_RAD_PER_PX)
        if self.floor is not None and view.eye[1] < self.view.eye[1]:
            x, y, z = view.eye
            if y < self.floor(x, z) + GROUND_CLEARANCE:
                # Turn, but do not sink under the land: only the downward part of the drag is refused.
                view = self.view.orbit(-dx * ORBIT_RAD_PER_PX, 0.0)
        self.view = view

    def pan_drag(self, dx: float, dy: float, height: int) -> None:
        """Pan: the point under the cursor (at the target's depth) follows the cursor."""
        metres = 2.0 * self.view.distance * math.tan(math.radians(self.view.fov) / 2.0) / max(1, height)
        self.view = self.view.pan(-dx * metres, -dy * metres)

    def zoom(self, clicks: float) -> None:
        """Wheel: positive clicks go towards the target, clamped to [MIN_DISTANCE, max_distance]; in
        fly mode the wheel sets the flying speed instead."""
        if self.fly:
            self.fly_speed = min(1e4, max(0.1, self.fly_speed * 1.25 ** clicks))
            return
        view = self.view.dolly(ZOOM_STEP ** clicks, min_distance=MIN_DISTANCE)
        if view.distance > self.max_distance:
            view = view.dolly(self.max_distance / view.distance)
        self.view = view

    def look(self, dx: float, dy: float) -> None:
        """Turn the view about the eye (fly mode): the target swings around, the eye stays."""
        v = self.view
        eye = np.asarray(v.eye, dtype=np.float64)
        d = np.asarray(v.target, dtype=np.float64) - eye
        r = float(np.linalg.norm(d)) or 1.0
        yaw = math.atan2(d[0], d[2]) - dx * LOOK_RAD_PER_PX
        pitch = math.asin(max(-1.0, min(1.0, d[1] / r))) + dy * LOOK_RAD_PER_PX
        pitch = max(math.radians(-89.0), min(math.radians(89.0), pitch))
        fwd = np.array([math.cos(pitch) * math.sin(yaw), math.sin(pitch), math.cos(pitch) * math.cos(yaw)])
        self.view = replace(v, target=vec3(eye + r * fwd), up=(0.0, 1.0, 0.0))

    def toggle_fly(self) -> None:
        self.fly = not self.fly
        self.held.clear()

    def fly_step(self, dt: float, fast: bool = False) -> bool:
        """Move along the view with the held keys for dt seconds (fly mode); True if the view moved."""
        if not self.fly or dt <= 0.0:
            return False
        move = np.zeros(3)
        for key in self.held:
            if key in FLY_KEYS:
                move += FLY_KEYS[key]
        if not move.any():
            return False
        v = self.view
        fwd = v.forward
        right = np.cross(fwd, np.array([0.0, 1.0, 0.0]))
        n = float(np.linalg.norm(right))
        right = right / n if n > 1e-9 else np.array([1.0, 0.0, 0.0])
        step = (move[0] * right + move[1] * np.array([0.0, 1.0, 0.0]) + move[2] * fwd)
        step *= self.fly_speed * (FLY_FAST if fast else 1.0) * dt
        self.view = replace(v, eye=vec3(np.asarray(v.eye) + step),
                            target=vec3(np.asarray(v.target) + step))
        return True

    def reset(self) -> None:
        """Back to the scene's own camera (and out of fly mode)."""
        self.view = self.home
        self.fly = False
        self.held.clear()

    def focus(self, center: Iterable[float], radius: float) -> None:
        """Look at a ball (centre, radius) from the current direction, framing it with some margin."""
        c = np.asarray(tuple(center), dtype=np.float64)
        back = -self.view.forward
        half = math.radians(self.view.fov) / 2.0
        dist = min(self.max_distance, max(MIN_DISTANCE, 1.3 * float(radius) / math.sin(half)))
        self.view = replace(self.view, eye=vec3(c + back * dist),
                            target=vec3(c), up=(0.0, 1.0, 0.0))
        self.fly = False

    # ------------------------------------------------------------------------------------- the clock
    def advance(self, dt: float) -> None:
        """Real seconds dt have passed: scene time moves by dt × speed unless paused."""
        if not self.paused and dt > 0.0:
            self.time += dt * self.speed

    def toggle_pause(self) -> None:
        self.paused = not self.paused

    def faster(self) -> None:
        self.speed = min(SPEEDS[1], self.speed * 2.0)

    def slower(self) -> None:
        self.speed = max(SPEEDS[0], self.speed / 2.0)

    def scrub(self, direction: int, big: bool = False) -> bool:
        """Step time while paused (direction ±1); never below 0. False (and nothing changes) when playing."""
        if not self.paused:
            return False
        step = SCRUB_BIG if big else SCRUB_STEP
        self.time = max(0.0, round(self.time + direction * step, 9))
        return True

    # ------------------------------------------------------------------------------------------ clicks
    def click(self, now: float, sphere: int | None) -> bool:
        """Record a click on `sphere` at `now` seconds; True when it is the second click on the same sphere
        within DOUBLE_CLICK_S (a double click)."""
        last_t, last_i = self._last_click
        double = sphere is not None and sphere == last_i and now - last_t <= DOUBLE_CLICK_S
        self._last_click = (-1e9, None) if double else (now, sphere)
        return double
