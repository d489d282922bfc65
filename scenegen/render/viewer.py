"""The viewer window: a scene drawn live with SceneRenderer, explored with mouse and keys, hot-reloaded from its file.

Input goes to Controls (pure state), the HUD text to hud.py, tones to sound.py, file watching and background
generation to reload.py, a performance's playhead to transport.py; this module wires them to a pyglet
window and draws. Every key is listed by F1 and in controls.BINDINGS.
"""

from __future__ import annotations

import os
import time as _time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .offscreen import GLUnavailable, check_gl, configure_pyglet

configure_pyglet()   # before pyglet.window is imported: headless (EGL) where there is no display

import pyglet  # noqa: E402
from pyglet import gl  # noqa: E402
from pyglet.window import key, mouse  # noqa: E402

from ..fileio import write_output, write_together  # noqa: E402
from ..starter import seed_file_outputs  # noqa: E402
from .camera import View  # noqa: E402
from .controls import Controls, action_for, pick_sphere, reroll, sphere_centers_at  # noqa: E402
from .hud import Hud, HudState  # noqa: E402
from .perfpack import performance_of, shot_view, state_for  # noqa: E402
from .reload import POLL_S, Loaded, Regenerator, SeedWatcher, first_line, load_scene, saved_seed_path, seed_file_text  # noqa: E402
from .sound import SoundPlayer  # noqa: E402
from .transport import Transport  # noqa: E402

__all__ = ["Viewer", "open_window_config", "run"]

MESSAGE_S = 5.0                 # how long a message stays on the HUD
SCALES = (1.0, 0.5, 0.25)       # render resolutions F10 cycles through
SLOW_AFTER, SLOW_FPS = 5, 4.0   # after this many frames below this rate, the HUD suggests F10
# Layers drawn as lines in wireframe mode: the sky and the point-sprite crowd have no edges worth seeing.
WIREFRAME_LAYERS = ("terrain", "stage", "screens", "props", "spotlights")


def open_window_config() -> list[Any]:
    """GL configs to try, best first: OpenGL 3.3 core, RGBA8 + depth 24 (Mesa's default headless surface
    is RGB565), double-buffered, then single-buffered."""
    base = dict(major_version=3, minor_version=3, forward_compatible=True, red_size=8, green_size=8,
                blue_size=8, alpha_size=8, depth_size=24)
    # gl.Config is the platform's concrete class at run time; pyglet's annotations name the abstract base.
    return [gl.Config(double_buffer=True, **base), gl.Config(double_buffer=False, **base)]  # type: ignore[abstract]


def _extent(scene: Any) -> float:
    lo = np.asarray(scene.bounds_min, dtype=np.float64)
    hi = np.asarray(scene.bounds_max, dtype=np.float64)
    return float(np.linalg.norm(hi - lo) / 2.0)


class _Wire:
    """A layer drawn with polygons as lines (wireframe), the rest of the frame (post-processing) untouched."""

    def __init__(self, layer: Any) -> None:
        self.layer = layer
        self.name = layer.name

    def draw(self, frame: Any) -> int:
        gl.glPolygonMode(gl.GL_FRONT_AND_BACK, gl.GL_LINE)
        try:
            return self.layer.draw(frame)
        finally:
            gl.glPolygonMode(gl.GL_FRONT_AND_BACK, gl.GL_FILL)

    def delete(self) -> None:
        self.layer.delete()


class Viewer(pyglet.window.Window):
    """A window onto one seed file's scene.

    seed_path: the file (watched for edits). loaded: its scene already generated (else generated here).
    camera: the opening View (default: the scene's camera). out_dir: where screenshots and exports go.
    """

    def __init__(self, seed_path: str | os.PathLike, loaded: Loaded | None = None,
                 size: tuple[int, int] = (1280, 720), time: float = 0.0, camera: View | None = None,
                 scale: float = 1.0, out_dir: str | os.PathLike = ".", sound: bool = True,
                 visible: bool = True, watch: bool = True, overrides: Sequence[Any] = ()) -> None:
        self.seed_path = Path(seed_path)
        self.loaded = loaded if loaded is not None else load_scene(self.seed_path, overrides=overrides)
        scene = self.loaded.scene
        last: Exception | None = None
        for config in open_window_config():
            try:
                super().__init__(width=int(size[0]), height=int(size[1]), caption=f"scenegen — {scene.name}",
                                 resizable=True, config=config, visible=visible)
                break
            except pyglet.window.NoSuchConfigException as err:
                last = err
        else:
            raise GLUnavailable(f"no OpenGL 3.3 core window: {last}")
        self.switch_to()
        self.out_dir = Path(out_dir)
        self.camera_arg = camera
        self.seed_override: int | str | None = None
        self.hidden: set[str] = set()
        self.wireframe = False
        self.render_scale = float(scale) if scale in SCALES else 1.0
        self.error = ""
        self.message = ""
        self._message_until = 0.0
        self.notes: list[str] = []
        self._fps = 0.0
        self._frame_ms = 0.0
        self._last_draw: float | None = None
        self._frames = 0
        self._press: tuple[float, float] | None = None
        self._target: Any = None
        self.renderer: Any = None
        self._all_layers: list[Any] = []
        self.sound = SoundPlayer(enabled=sound, notice=self._note)
        self.transport: Transport | None = None       # a performance's playhead (None: time just runs)
        self.follow_shots = camera is None            # a performance's camera shots, until the user moves
        self._mixing: Any = None                      # the soundtrack being mixed in the background
        self._sound_state = ""
        self._start_time = max(0.0, float(time))
        self.hud = Hud(self.width, self.height)
        self.controls = Controls(View.of(camera) if camera is not None else View.of(scene.camera),
                                 extent=_extent(scene), time=time)
        self._install(self.loaded, keep_view=False)
        self.watcher = SeedWatcher(self.seed_path) if watch else None
        self.regen = Regenerator(overrides)
        self._scheduled = (self.tick, self.poll_files)
        pyglet.clock.schedule(self.tick)
        if watch:
            pyglet.clock.schedule_interval(self.poll_files, POLL_S)
        check_gl("opening the viewer")

    # ------------------------------------------------------------------------------------------ scene
    @property
    def scene(self) -> Any:
        return self.loaded.scene

    def _install(self, loaded: Loaded, keep_view: bool = True) -> None:
        """Make `loaded` the scene on screen: new GL resources, the old ones freed."""
        from .renderer import SceneRenderer
        self.switch_to()
        renderer = SceneRenderer(loaded.scene)
        self._delete_renderer()
        self.renderer = renderer
        self._all_layers = list(renderer.layers)
        self.loaded = loaded
        home = View.of(self.camera_arg) if self.camera_arg is not None else View.of(loaded.scene.camera)
        self.controls.home = home
        self.controls.extent = max(_extent(loaded.scene), 1.0)
        terrain = loaded.scene.terrain
        self.controls.floor = lambda x, z: float(terrain.height_at(np.asarray(x), np.asarray(z)))
        if not keep_view:
            self.controls.view = home
        self.sound.set_spheres(loaded.scene.props.spheres)
        self._install_performance(loaded.scene)
        for w in loaded.warnings:
            self._note(f"warning: {w}")
        self._apply_layers()

    def _delete_renderer(self) -> None:
        if self.renderer is not None:
            self.renderer.layers = self._all_layers     # hidden layers are freed too
            self.renderer.delete()
            self.renderer = None
            self._all_layers = []

    def _apply_layers(self) -> None:
        """Draw only the layers not hidden; wrap the wireframe ones."""
        if self.renderer is None:
            return
        shown = []
        for layer in self._all_layers:
            if layer.name in self.hidden:
                continue
            shown.append(_Wire(layer) if self.wireframe and layer.name in WIREFRAME_LAYERS else layer)
        self.renderer.layers = shown

    def _install_performance(self, scene: Any) -> None:
        """A performance gets a playhead (kept where it was over a reload) and its soundtrack, mixed in
        the background; until the mix is ready, and without a device, it plays silently on the wall clock."""
        perf = performance_of(scene)
        old = self.transport
        if old is not None and old.audio is not None:
            old.set_audio(None)
        self.hud.set_performance(perf)
        if perf is None:
            self.transport = None
            return
        playing = old.playing if old is not None else True
        position = old.position if old is not None else self._start_time
        self.transport = Transport(float(perf.duration), bool(getattr(perf, "loop", False)), position)
        self.transport.set_speed(self.controls.speed)
        if playing:
            self.transport.play()
        self.controls.time = self.transport.position
        self._sound_state = ""
        if self.sound.enabled:
            import threading
            self._sound_state = "mixing…"
            box: dict[str, Any] = {"scene": scene}

            def work() -> None:
                try:
                    from ..perform import mix
                    from .movie import SAMPLE_RATE
                    box["samples"] = mix(scene, rate=SAMPLE_RATE)
                except Exception as err:    # reported on the HUD, never fatal
                    box["error"] = err

            thread = threading.Thread(target=work, name="scenegen-mix", daemon=True)
            box["thread"] = thread
            self._mixing = box
            thread.start()
        else:
            self._sound_state = "muted"

    def _poll_mix(self) -> None:
        box = self._mixing
        if box is None or box["thread"].is_alive():
            return
        self._mixing = None
        if box["scene"] is not self.scene or self.transport is None:
            return
        if "error" in box:
            self._sound_state = "silent"
            self.say(f"the soundtrack failed to mix: {first_line(box['error'])}")
            return
        from .movie import SAMPLE_RATE
        track = self.sound.soundtrack(box["samples"], SAMPLE_RATE)
        self._sound_state = "sound" if track is not None else "silent"
        if track is not None:
            self.transport.set_audio(track)

    def wait_for_sound(self, timeout: float = 30.0) -> bool:
        """Block until the soundtrack is mixed and handed to the playhead (tests, scripts)."""
        box = self._mixing
        if box is not None:
            box["thread"].join(timeout)
        self._poll_mix()
        return self._mixing is None

    def current_view(self) -> View:
        """What the window shows from: the performance's shot while following it, else the user's camera."""
        if self.follow_shots and self.transport is not None:
            state = state_for(self.scene, self.controls.time)
            if state is not None:
                return shot_view(state, self.controls.view)
        return self.controls.view

    def _take_camera(self) -> None:
        """The user moves the camera: it starts from the shot on screen and stops following the shots."""
        if self.follow_shots and self.transport is not None:
            self.controls.view = self.current_view()
        self.follow_shots = False

    @property
    def layer_names(self) -> list[str]:
        return [layer.name for layer in self._all_layers]

    def regenerate(self) -> None:
        """Generate the file's scene again (with the re-rolled seed, if any) in the background."""
        self.regen.request(self.seed_path, self.seed_override)

    def apply_result(self, result: Loaded | BaseException | None) -> bool:
        """Swap in a finished generation, or show why it failed (keeping the scene on screen)."""
        if result is None:
            return False
        if isinstance(result, BaseException):
            self.error = first_line(result)
            return False
        old_file_seed = self.loaded.file_spec.seed
        if self.seed_override is not None and result.file_spec.seed != old_file_seed:
            # The file's own seed was edited: that edit wins over an earlier re-roll.
            self.seed_override = None
            self.regenerate()
            return False
        self.error = ""
        self._install(result, keep_view=True)
        return True

    def poll_files(self, dt: float = 0.0) -> bool:
        """Look for edits of the seed file (and what it extends); start regenerating if there are any."""
        if self.watcher is not None and self.watcher.poll():
            self.regenerate()
            return True
        return False

    def wait_for_scene(self, timeout: float = 60.0) -> bool:
        """Block until the background generation is done and apply it (tests, scripts)."""
        return self.apply_result(self.regen.wait(timeout))

    # ------------------------------------------------------------------------------------------- clock
    def tick(self, dt: float) -> None:
        """Every frame: the clock, flying, a finished background generation."""
        if self.transport is not None:
            self.controls.time = self.transport.tick()
            self.controls.paused = not self.transport.playing
            self._poll_mix()
        else:
            self.controls.advance(dt)
        fast = bool({"LSHIFT", "RSHIFT"} & self.controls.held)
        self.controls.fly_step(dt, fast=fast)
        self.apply_result(self.regen.poll())

    # -------------------------------------------------------------------------------------- messages
    def _note(self, line: str) -> None:
        self.notes.append(line)
        self.say(line)

    def say(self, line: str) -> None:
        self.message = line
        self._message_until = _time.monotonic() + MESSAGE_S

    def hud_state(self) -> HudState:
        scene = self.scene
        if self.message and _time.monotonic() > self._message_until:
            self.message = ""
        return HudState(
            name=scene.name, seed=scene.seed, seed_hex=scene.seed_hex,
            file_seed=self.loaded.file_spec.seed if self.seed_override is not None else None,
            figures=sum(len(g.pos_i) for g in scene.audience), spheres=len(scene.props.spheres.radius_i),
            fps=self._fps, frame_ms=self._frame_ms,
            draw_calls=int(self.renderer.stats.get("draw_calls", 0)) if self.renderer else 0,
            time=self.controls.time, speed=self.controls.speed, paused=self.controls.paused,
            fly=self.controls.fly, fly_speed=self.controls.fly_speed,
            hidden=tuple(n for n in self.layer_names if n in self.hidden), wireframe=self.wireframe,
            scale=self.render_scale, busy=self.regen.busy, error=self.error, message=self.message,
            duration=self.transport.duration if self.transport is not None else None, sound=self._sound_state)

    # -------------------------------------------------------------------------------------------- draw
    def on_draw(self) -> None:
        t0 = _time.perf_counter()
        self.switch_to()
        fw, fh = self.get_framebuffer_size()
        gl.glBindFramebuffer(gl.GL_FRAMEBUFFER, 0)
        gl.glViewport(0, 0, fw, fh)
        gl.glClearColor(0.0, 0.0, 0.0, 1.0)
        self.clear()
        if self.renderer is not None and fw > 0 and fh > 0:
            if self.render_scale == 1.0:
                self.renderer.draw(self.controls.time, self._draw_camera(), (fw, fh))
            else:
                self._draw_scaled(fw, fh)
        gl.glBindFramebuffer(gl.GL_FRAMEBUFFER, 0)
        gl.glViewport(0, 0, fw, fh)
        gl.glDisable(gl.GL_DEPTH_TEST)
        self.hud.update(self.hud_state())
        self.hud.draw()
        now = _time.perf_counter()
        self._frame_ms = (now - t0) * 1e3
        if self._last_draw is not None:
            interval = max(now - self._last_draw, 1e-6)
            self._fps = 1.0 / interval if self._fps == 0.0 else 0.8 * self._fps + 0.2 / interval
            self._frames += 1
            if self._frames == SLOW_AFTER and self._fps < SLOW_FPS and self.render_scale == 1.0:
                self.say(f"slow OpenGL here ({self._fps:.1f} FPS): F10 draws at a lower resolution")
        self._last_draw = now

    def _draw_scaled(self, fw: int, fh: int) -> None:
        """Draw at a fraction of the window's resolution and stretch it over the window (slow GL)."""
        from .offscreen import Framebuffer
        w, h = max(1, int(fw * self.render_scale)), max(1, int(fh * self.render_scale))
        if self._target is None or self._target.size != (w, h):
            if self._target is not None:
                self._target.delete()
            self._target = Framebuffer(w, h, hdr=False, depth=False)
        self._target.bind()
        self.renderer.draw(self.controls.time, self._draw_camera(), (w, h))
        gl.glBindFramebuffer(gl.GL_READ_FRAMEBUFFER, self._target.fbo)
        gl.glBindFramebuffer(gl.GL_DRAW_FRAMEBUFFER, 0)
        gl.glBlitFramebuffer(0, 0, w, h, 0, 0, fw, fh, gl.GL_COLOR_BUFFER_BIT, gl.GL_LINEAR)
        gl.glBindFramebuffer(gl.GL_FRAMEBUFFER, 0)

    def _draw_camera(self) -> Any:
        # None: the renderer takes the State's shot (it works the State out anyway).
        return None if self.follow_shots and self.transport is not None else self.controls.view

    def read_frame(self) -> np.ndarray:
        """What the window shows now, (height, width, 4) uint8, top row first (tests, screen captures)."""
        import ctypes
        fw, fh = self.get_framebuffer_size()
        out = np.empty((fh, fw, 4), dtype=np.uint8)
        gl.glBindFramebuffer(gl.GL_READ_FRAMEBUFFER, 0)
        gl.glPixelStorei(gl.GL_PACK_ALIGNMENT, 1)
        gl.glReadPixels(0, 0, fw, fh, gl.GL_RGBA, gl.GL_UNSIGNED_BYTE, out.ctypes.data_as(ctypes.c_void_p))
        return out[::-1].copy()

    def on_resize(self, width: int, height: int) -> None:
        self.hud.resize(width, height)

    # ------------------------------------------------------------------------------------------- mouse
    def on_mouse_press(self, x: int, y: int, button: int, modifiers: int) -> None:
        self._press = (x, y)
        if button == mouse.LEFT and not modifiers & key.MOD_SHIFT and not self.controls.fly:
            self.click(x, y)

    def click(self, x: float, y: float) -> int | None:
        """A click at window point (x, y up): the sphere under it sings; a second click focuses on it."""
        i = pick_sphere(self.current_view(), (self.width, self.height), x, self.height - y,
                        self.scene.props.spheres, self.controls.time)
        if i is None:
            self.controls.click(_time.monotonic(), None)
            return None
        self.sound.play_sphere(i)
        if self.controls.click(_time.monotonic(), i):
            self.focus_sphere(i)
        self.say(self._sphere_text(i))
        return i

    def _sphere_text(self, i: int) -> str:
        sph = self.scene.props.spheres
        text = f"sphere {i + 1}: {float(sph.sound_hz_i[i]):.1f} Hz"
        k = int(sph.flaw_i[i])
        if k >= 0:
            f = sph.flaws[k]
            text += (f" (flawed: {f.detune_cents:+g} cents off {float(sph.tone_hz_i[i]):.1f} Hz, "
                     f"buzzing at {f.buzz_hz:.0f} Hz)")
        return text

    def on_mouse_drag(self, x: int, y: int, dx: int, dy: int, buttons: int, modifiers: int) -> None:
        self._take_camera()
        if buttons & (mouse.RIGHT | mouse.MIDDLE) or (buttons & mouse.LEFT and modifiers & key.MOD_SHIFT):
            self.controls.pan_drag(dx, dy, self.height)
        elif buttons & mouse.LEFT:
            self.controls.orbit_drag(dx, dy)

    def on_mouse_motion(self, x: int, y: int, dx: int, dy: int) -> None:
        if self.controls.fly:
            self.controls.look(dx, dy)

    def on_mouse_scroll(self, x: int, y: int, scroll_x: float, scroll_y: float) -> None:
        self._take_camera()
        self.controls.zoom(scroll_y)

    # -------------------------------------------------------------------------------------------- keys
    def on_key_press(self, symbol: int, modifiers: int) -> None:
        name = key.symbol_string(symbol)
        self.controls.held.add(name)
        ctrl = bool(modifiers & (key.MOD_CTRL | key.MOD_COMMAND))
        shift = bool(modifiers & key.MOD_SHIFT)
        action = action_for(name, ctrl=ctrl, shift=shift, fly=self.controls.fly)
        if action is not None:
            self.do(action, key_name=name, shift=shift)

    def on_key_release(self, symbol: int, modifiers: int) -> None:
        self.controls.held.discard(key.symbol_string(symbol))

    def do(self, action: str, key_name: str = "", shift: bool = False) -> None:
        """Carry out one action of controls.BINDINGS."""
        c = self.controls
        if action in ("shot",):
            self._take_camera()
        if action == "help":
            self.hud.show_help = not self.hud.show_help
        elif action == "escape":
            if self.hud.show_help:
                self.hud.show_help = False
            elif c.fly:
                self._set_fly(False)
            else:
                self.close()
        elif action == "quit":
            self.close()
        elif action == "reset_view":
            c.reset()
            self._set_fly(False)
            self.follow_shots = self.camera_arg is None
        elif action == "restart":
            if self.transport is not None:
                self.transport.restart()
                c.time = self.transport.position
            else:
                c.time = 0.0
        elif action == "shot":
            self.take_shot(int(key_name.lstrip("_").replace("NUM_", "")) - 1)
        elif action == "focus_sphere":
            digit = int(key_name.lstrip("_").replace("NUM_", ""))
            self.focus_sphere(digit - 1)
        elif action == "fly":
            self._set_fly(not c.fly)
        elif action == "pause":
            if self.transport is not None:
                c.paused = not self.transport.toggle()
                c.time = self.transport.position
            else:
                c.toggle_pause()
        elif action in ("slower", "faster"):
            c.slower() if action == "slower" else c.faster()
            if self.transport is not None:
                self.transport.set_speed(c.speed)
        elif action in ("scrub_back", "scrub_forward") and self.transport is not None:
            sign = -1.0 if action == "scrub_back" else 1.0
            step = (10.0 if shift else 1.0) if self.transport.playing else (1.0 if shift else 0.1)
            c.time = self.transport.seek(round(self.transport.position + sign * step, 9))
        elif action in ("scrub_back", "scrub_forward"):
            if not c.scrub(-1 if action == "scrub_back" else 1, big=shift):
                self.say("pause (Space) to step through time")
        elif action == "reroll":
            self.seed_override = reroll(self.scene.seed)
            self.say(f"re-rolled: seed {self.seed_override}")
            self.regenerate()
        elif action == "file_seed":
            if self.seed_override is not None:
                self.seed_override = None
                self.regenerate()
        elif action == "save_seed":
            self.save_seed()
        elif action == "export":
            self.export_json()
        elif action == "chord":
            self.sound.play_chord()
            self.say("the chord: " + ", ".join(f"{float(h):.1f}" for h in self.scene.props.spheres.sound_hz_i) + " Hz")
        elif action == "screenshot":
            self.screenshot()
        elif action.startswith("layer:"):
            self.toggle_layer(action.split(":", 1)[1])
        elif action == "wireframe":
            self.wireframe = not self.wireframe
            self._apply_layers()
        elif action == "resolution":
            self.render_scale = SCALES[(SCALES.index(self.render_scale) + 1) % len(SCALES)]
            self.say(f"render resolution {'full' if self.render_scale == 1 else f'1/{1 / self.render_scale:g}'}")
        elif action == "fullscreen":
            try:
                self.set_fullscreen(not self.fullscreen)
            except Exception as err:
                self.say(f"no full screen here ({err})")
        elif action == "hud":
            self.hud.visible = not self.hud.visible

    def _set_fly(self, on: bool) -> None:
        if on:
            self._take_camera()
        if on != self.controls.fly:
            self.controls.toggle_fly()
        try:
            self.set_exclusive_mouse(on)
        except Exception:
            pass

    def take_shot(self, i: int) -> None:
        """Cut to the scene's shot i (gen.camera.shot_names order)."""
        from ..gen.camera import scene_shot, shot_names
        names = shot_names(self.scene)
        if not 0 <= i < len(names):
            self.say(f"there is no shot {i + 1} (the scene has {len(names)})")
            return
        self.controls.view = View.of(scene_shot(self.scene, names[i]))
        self._set_fly(False)
        self.say(f"shot {i + 1}: {names[i]}")

    def focus_sphere(self, i: int) -> None:
        sph = self.scene.props.spheres
        if not 0 <= i < len(sph.radius_i):
            self.say(f"there is no sphere {i + 1} (the scene has {len(sph.radius_i)})")
            return
        centre = sphere_centers_at(sph, self.controls.time)[i]
        self._take_camera()
        self.controls.focus(centre, float(sph.radius_i[i]))
        self._set_fly(False)

    def toggle_layer(self, name: str) -> None:
        if name not in self.layer_names:
            self.say(f"this scene has no {name}")
            return
        self.hidden ^= {name}
        self._apply_layers()
        self.say(f"{name} {'hidden' if name in self.hidden else 'shown'}")

    # ----------------------------------------------------------------------------------------- outputs
    def _stem(self) -> str:
        return f"{self.seed_path.stem}-{self.scene.seed_hex[:8]}"

    def _free(self, pattern: str) -> Path:
        self.out_dir.mkdir(parents=True, exist_ok=True)
        n = 1
        while (self.out_dir / pattern.format(n)).exists():
            n += 1
        return self.out_dir / pattern.format(n)

    def screenshot(self, path: str | os.PathLike | None = None) -> Path | None:
        """The scene as the window shows it (without the HUD), at the window's full resolution, as a PNG
        (sRGB, 8-bit RGB), read back from the renderer's framebuffer."""
        from .headless import encode_png, render_image
        out = Path(path) if path is not None else self._free(self._stem() + "-{:03d}.png")
        try:
            image = render_image(self.scene, size=self.get_framebuffer_size(), time=self.controls.time,
                                 camera=self._draw_camera(), renderer=self.renderer)
            data = encode_png(image[..., :3])
            write_output(out, data)
        except OSError as err:
            self.say(f"{out}: cannot write ({err.strerror or err})")
            return None
        finally:
            self.switch_to()
        self.say(f"screenshot: {out}")
        return out

    def save_seed(self) -> Path | None:
        """The resolved seed file (every field, this seed) beside the original, as NAME.seed-XXXXXXXX.yaml
        (a shipped example's in the output folder: the installed package is no place for the user's files)."""
        from ..examples import EXAMPLES_DIR

        out = saved_seed_path(self.seed_path, self.scene.spec)
        if out.resolve().parent == EXAMPLES_DIR.resolve():
            self.out_dir.mkdir(parents=True, exist_ok=True)
            out = self.out_dir / out.name
        text = seed_file_text(self.scene.spec, origin=self.seed_path)
        try:
            files, _ = seed_file_outputs(out, text)     # with the schema its modeline names, where none is
            write_together(files)
        except OSError as err:
            self.say(f"{out}: cannot write ({err.strerror or err})")
            return None
        self.say(f"seed file: {out}")
        return out

    def export_json(self, path: str | os.PathLike | None = None) -> Path | None:
        """The scene JSON (scenegen.scene/1), as `scenegen export` writes it."""
        from ..export.json import export_json
        out = Path(path) if path is not None else self.out_dir / f"{self._stem()}.scene.json"
        try:
            self.out_dir.mkdir(parents=True, exist_ok=True)
            export_json(self.scene, out)
        except OSError as err:
            self.say(f"{out}: cannot write ({err.strerror or err})")
            return None
        self.say(f"scene JSON: {out}")
        return out

    # ----------------------------------------------------------------------------------------- closing
    def on_close(self) -> None:
        self.close()

    def close(self) -> None:
        if getattr(self, "_closed", False):
            return
        self._closed = True
        for fn in getattr(self, "_scheduled", ()):
            pyglet.clock.unschedule(fn)
        if getattr(self, "regen", None) is not None:
            self.regen.close()
        try:
            if self.context is not None:
                self.switch_to()
                self._delete_renderer()
                if self._target is not None:
                    self._target.delete()
                    self._target = None
                self.hud.delete()
        finally:
            if self.transport is not None:
                self.transport.set_audio(None)
            self.sound.delete()
            super().close()


def run(viewer: Viewer) -> None:
    """Run the window until it is closed (redrawn up to 60 times a second)."""
    pyglet.app.run(1 / 60)
