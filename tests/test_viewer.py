"""The viewer: its input logic without GL (camera, clock, keys, picking, re-roll, hot-reload watching), then the
window itself, headless, fed events and read back (GL-marked)."""

from __future__ import annotations

import dataclasses
import math
import os
from pathlib import Path

import numpy as np
import pytest

from scenegen.examples import EXAMPLES_DIR
from scenegen.gen.scene import Scene, generate
from scenegen.render import controls as ctl
from scenegen.render.camera import View
from scenegen.render.controls import Controls, action_for, help_rows, pick_sphere, reroll, sphere_centers_at
from scenegen.render.hud import HudState, help_text, status_lines
from scenegen.render.reload import SeedWatcher, saved_seed_path, seed_dependencies, seed_file_text
from scenegen.rng import seed_to_int
from scenegen.seedfile import load_seed, parse_seed

from .conftest import SMALL, gl_context_or_skip


def close(a, b, tol=1e-9) -> bool:
    return bool(np.allclose(np.asarray(a, dtype=float), np.asarray(b, dtype=float), atol=tol, rtol=0))


@pytest.fixture(scope="module")
def scene() -> Scene:
    return generate(parse_seed(SMALL))


@pytest.fixture
def c(scene: Scene) -> Controls:
    return Controls(View.of(scene.camera), extent=150.0)


# ----------------------------------------------------------------------------------------- the camera

def test_orbit_keeps_distance_and_target(c: Controls) -> None:
    d0, target = c.view.distance, c.view.target
    c.orbit_drag(120, 35)
    assert math.isclose(c.view.distance, d0, rel_tol=1e-9)
    assert close(c.view.target, target)
    assert not close(c.view.eye, c.home.eye, 1e-3)
    c.orbit_drag(0, 10_000)                        # never over the pole
    assert c.view.eye[1] - c.view.target[1] < d0


def test_orbit_stays_above_the_floor(scene: Scene) -> None:
    floor = lambda x, z: float(scene.terrain.height_at(np.asarray(x), np.asarray(z)))  # noqa: E731
    c = Controls(View.of(scene.camera), extent=150.0, floor=floor)
    for _ in range(50):
        c.orbit_drag(13, 40)                       # dragging up takes the eye down, towards the ground
        x, y, z = c.view.eye
        assert y >= floor(x, z) + ctl.GROUND_CLEARANCE - 1e-9
    assert math.isclose(c.view.distance, c.home.distance, rel_tol=1e-9)
    assert c.view.eye[1] < c.home.eye[1]           # it did go down, as far as the ground allows
    c.orbit_drag(0, -100)                          # and up again freely
    assert c.view.eye[1] > floor(c.view.eye[0], c.view.eye[2]) + 1.0


def test_orbit_follows_the_mouse(c: Controls) -> None:
    # Dragging right turns the scene right: the eye goes left, so the target appears further right.
    right = c.view.view_matrix()[0, :3]
    before = np.asarray(c.view.eye)
    c.orbit_drag(20, 0)
    assert float((np.asarray(c.view.eye) - before) @ right) < 0


def test_zoom_steps_and_clamps(c: Controls) -> None:
    d0 = c.view.distance
    c.zoom(1)
    assert math.isclose(c.view.distance, d0 * ctl.ZOOM_STEP, rel_tol=1e-9)
    c.zoom(500)
    assert math.isclose(c.view.distance, ctl.MIN_DISTANCE, rel_tol=1e-9)
    c.zoom(-500)
    assert math.isclose(c.view.distance, c.max_distance, rel_tol=1e-9)
    assert close(c.view.target, c.home.target)     # zoom moves the eye only
    assert close(c.view.forward, c.home.forward, 1e-9)


def test_pan_moves_eye_and_target_together(c: Controls) -> None:
    eye, target = np.asarray(c.view.eye), np.asarray(c.view.target)
    c.pan_drag(40, -10, 720)
    moved_eye, moved_target = np.asarray(c.view.eye) - eye, np.asarray(c.view.target) - target
    assert close(moved_eye, moved_target, 1e-9) and np.linalg.norm(moved_eye) > 0
    assert math.isclose(c.view.distance, c.home.distance, rel_tol=1e-9)


def test_fly_moves_along_the_view(c: Controls) -> None:
    c.orbit_drag(30, 40)                           # some arbitrary, tilted view
    forward = c.view.forward
    eye = np.asarray(c.view.eye)
    c.held = {"W"}
    assert not c.fly_step(1.0)                     # not flying: the keys do nothing
    c.toggle_fly()
    c.held = {"W"}
    assert c.fly_step(0.5)
    assert close(np.asarray(c.view.eye) - eye, forward * c.fly_speed * 0.5, 1e-9)
    assert close(c.view.forward, forward, 1e-12)   # moving does not turn
    eye = np.asarray(c.view.eye)
    c.held = {"D"}
    c.fly_step(1.0, fast=True)
    step = np.asarray(c.view.eye) - eye
    assert math.isclose(np.linalg.norm(step), c.fly_speed * ctl.FLY_FAST, rel_tol=1e-9)
    assert abs(float(step @ forward)) < 1e-9 and abs(step[1]) < 1e-9   # sideways, level
    eye = np.asarray(c.view.eye)
    c.held = {"E"}
    c.fly_step(1.0)
    assert close(np.asarray(c.view.eye) - eye, [0.0, c.fly_speed, 0.0], 1e-9)
    speed = c.fly_speed
    c.zoom(1)                                      # the wheel sets the flying speed
    assert math.isclose(c.fly_speed, speed * 1.25)
    assert close(np.asarray(c.view.eye) - eye, [0, c.fly_speed / 1.25, 0], 1e-9)


def test_fly_look_turns_about_the_eye(c: Controls) -> None:
    c.toggle_fly()
    eye = c.view.eye
    c.orbit_drag(50, 20)                           # in fly mode a drag looks around
    assert close(c.view.eye, eye) and not close(c.view.target, c.home.target, 1e-3)
    c.look(0, 1e6)
    assert c.view.forward[1] < math.sin(math.radians(89.5))


def test_reset_restores_the_scene_camera(scene: Scene, c: Controls) -> None:
    c.orbit_drag(200, 50)
    c.pan_drag(30, 30, 500)
    c.zoom(3)
    c.toggle_fly()
    c.reset()
    assert c.view == View.of(scene.camera) and not c.fly


def test_focus_frames_the_ball(c: Controls) -> None:
    c.focus((5.0, 2.0, -3.0), 1.5)
    assert close(c.view.target, (5.0, 2.0, -3.0))
    half = math.radians(c.view.fov) / 2
    assert c.view.distance * math.sin(half) > 1.5        # the whole ball is in view
    assert close(c.view.forward, c.home.forward, 1e-9)   # seen from the same direction


# ------------------------------------------------------------------------------------------ the clock

def test_pause_scrub_and_speed(c: Controls) -> None:
    c.advance(0.5)
    assert c.time == pytest.approx(0.5)
    assert not c.scrub(1)                          # playing: arrows do not scrub
    c.toggle_pause()
    c.advance(10.0)
    assert c.time == pytest.approx(0.5)
    assert c.scrub(1) and c.time == pytest.approx(0.6)
    assert c.scrub(1, big=True) and c.time == pytest.approx(1.6)
    c.scrub(-1, big=True)
    c.scrub(-1, big=True)
    assert c.time == 0.0                           # never before the start
    c.toggle_pause()
    c.faster()
    c.faster()
    c.advance(0.25)
    assert c.time == pytest.approx(1.0)
    for _ in range(40):
        c.slower()
    assert c.speed == ctl.SPEEDS[0]
    for _ in range(40):
        c.faster()
    assert c.speed == ctl.SPEEDS[1]


def test_double_click(c: Controls) -> None:
    assert not c.click(10.0, 1)
    assert c.click(10.3, 1)                        # second click on the same sphere: focus
    assert not c.click(10.5, 1)                    # a third starts over
    assert not c.click(11.5, 1)                    # too late
    assert not c.click(11.6, 2)                    # another sphere
    assert not c.click(11.7, None) and not c.click(11.8, None)


# -------------------------------------------------------------------------------------- keys and HUD

def test_key_bindings() -> None:
    assert action_for("S", ctrl=True) == "save_seed"
    assert action_for("S") is None and action_for("S", fly=True) is None      # S alone is a fly key
    assert action_for("E") == "export" and action_for("E", fly=True) is None
    assert action_for("E", ctrl=True, fly=True) == "export"
    assert action_for("R") == "reroll" and action_for("R", shift=True) == "file_seed"
    assert action_for("Q") is None and action_for("Q", ctrl=True) == "quit"
    assert action_for("_0") == action_for("NUM_0") == "reset_view" and action_for("HOME") == "restart"
    assert action_for("_1") == action_for("NUM_5") == "shot" and action_for("_5", shift=True) == "focus_sphere"
    assert action_for("BRACKETLEFT") == action_for("MINUS") == "slower"
    assert action_for("BRACKETRIGHT") == action_for("PLUS") == "faster"
    assert {action_for(k) for k, _ in ctl.LAYER_KEYS} == {f"layer:{n}" for _, n in ctl.LAYER_KEYS}
    # No key means two things in the same mode.
    seen: dict[tuple, str] = {}
    for b in ctl.BINDINGS:
        for k in b.keys:
            for fly in ((b.fly,) if b.fly is not None else (False, True)):
                for shift in ((b.shift,) if b.shift is not None else (False, True)):
                    where = (k, b.ctrl, shift, fly)
                    assert seen.setdefault(where, b.action) == b.action, where
    # Every action is in the help, and so is the mouse.
    text = help_text()
    for b in ctl.BINDINGS:
        assert any(b.action == o.action and o.shown and o.shown in text for o in ctl.BINDINGS) or not b.shown
    assert "F12" in text and "Ctrl+S" in text and "Wheel" in text and "Left drag" in text
    assert len(help_rows()) == len(text.splitlines())


def test_hud_lines() -> None:
    lines = status_lines(HudState(name="Velvet Hall", seed="velvet", figures=12345, spheres=7, fps=31.5,
                                  time=3.25, speed=0.5, paused=True, hidden=("sky",), wireframe=True))
    text = "\n".join(lines)
    assert lines[0] == "Velvet Hall" and "seed velvet" in lines[1]
    assert "12,345 figures" in text and "7 spheres" in text and "31.5 FPS" in text
    assert "3.25 s" in text and "×1/2" in text and "paused" in text and "hidden: sky" in text
    rerolled = status_lines(HudState(seed=42, file_seed="velvet"))
    assert "seed 42" in rerolled[1] and "re-rolled from velvet" in rerolled[1]


# ------------------------------------------------------------------------------------------ re-roll

def test_reroll_is_deterministic_and_changes_the_seed() -> None:
    a = reroll("grand-auditorium")
    assert a == reroll("grand-auditorium") == reroll(seed_to_int("grand-auditorium"))
    assert a != seed_to_int("grand-auditorium") and 0 <= a < 2**64
    chain = [a]
    for _ in range(20):
        chain.append(reroll(chain[-1]))
    assert len(set(chain)) == len(chain)
    assert reroll(0) != reroll(1)


def test_saved_seed_file_regenerates_the_same_scene(tmp_path: Path) -> None:
    spec = dataclasses.replace(parse_seed(SMALL), seed=reroll("small"))
    path = saved_seed_path(tmp_path / "dream.yaml", spec)
    assert path.parent == tmp_path and path.name == f"dream.seed-{seed_to_int(spec.seed):016x}"[:19] + ".yaml"
    assert saved_seed_path(path, spec) == path     # saving a saved file again: one suffix, not two
    path.write_text(seed_file_text(spec, origin=tmp_path / "dream.yaml"))
    again = load_seed(path)
    assert again == spec
    assert "extends" not in path.read_text()       # self-contained
    for name in ("grand-auditorium", "liquid-silver-stage", "minimal"):
        full = load_seed(EXAMPLES_DIR / f"{name}.yaml")
        assert parse_seed(seed_file_text(full)) == full


# ------------------------------------------------------------------------------------------- picking

def test_pick_hits_each_sphere_from_the_scene_camera(scene: Scene) -> None:
    sph = scene.props.spheres
    view = View.of(scene.camera)
    size = (1280, 720)
    for t in (0.0, 7.3):
        centres = sphere_centers_at(sph, t)
        px, inside = view.project(centres, size)
        assert inside.all()
        for i in range(len(centres)):
            assert pick_sphere(view, size, px[i, 0], px[i, 1], sph, time=t) == i
    # The sky above them: nothing.
    assert pick_sphere(view, size, 640, 2, sph) is None
    # A ray that grazes past sphere 0 just outside its radius misses it.
    c0 = sphere_centers_at(sph, 0.0)[0]
    r0 = float(sph.radius_i[0])
    right = view.view_matrix()[0, :3]
    edge_in, _ = view.project(c0 + right * r0 * 0.9, size)
    edge_out, _ = view.project(c0 + right * r0 * 1.6, size)
    assert pick_sphere(view, size, *edge_in, sph) == 0
    assert pick_sphere(view, size, *edge_out, sph) != 0


def test_sphere_motion_matches_the_record(scene: Scene) -> None:
    sph = scene.props.spheres
    assert close(sphere_centers_at(sph, 0.0)[:, [0, 2]], sph.center_i[:, [0, 2]], 1e-5)
    period = 1.0 / sph.float_rate
    if sph.spin_rate == 0.0:
        assert close(sphere_centers_at(sph, period), sphere_centers_at(sph, 0.0), 1e-6)
    moving = sphere_centers_at(sph, period / 4)
    assert np.abs(moving[:, 1] - sphere_centers_at(sph, 0.0)[:, 1]).max() > 0


# ------------------------------------------------------------------------------------------ watching

def test_watcher_sees_content_changes_only(tmp_path: Path) -> None:
    base = tmp_path / "base.yaml"
    base.write_text("terrain: {resolution: 17}\n")
    seed = tmp_path / "s.yaml"
    seed.write_text("seed: 1\nextends: base.yaml\n")
    w = SeedWatcher(seed)
    w.wait()                                                    # what it extends is found off this thread
    assert [p.name for p in w.files] == ["s.yaml", "base.yaml"]
    assert not w.poll()
    os.utime(seed, ns=(1, 1))                                   # touched, not changed
    assert not w.poll()
    seed.write_text("seed: 2\nextends: base.yaml\n")
    os.utime(seed, ns=(2_000_000_000, 2_000_000_000))
    assert w.poll() and not w.poll()
    base.write_text("terrain: {resolution: 33}\n")              # an extended file counts too
    os.utime(base, ns=(3_000_000_000, 3_000_000_000))
    assert w.poll()
    seed.write_text("seed: 2\nextends: [base.yaml, cosmos]\n")  # a new dependency is watched from now on
    os.utime(seed, ns=(4_000_000_000, 4_000_000_000))
    assert w.poll()
    w.wait()
    assert [p.name for p in w.files] == ["s.yaml", "base.yaml", "cosmos.yaml"]
    seed.unlink()
    assert w.poll()                                             # vanished (an editor mid-save): a change
    assert seed_dependencies(tmp_path / "missing.yaml") == [tmp_path / "missing.yaml"]


# ------------------------------------------------------------------------------- the window (GL tests)

SIZE = (192, 108)


@pytest.fixture(scope="module")
def gl_context():
    return gl_context_or_skip()


@pytest.fixture
def viewer(gl_context, tmp_path: Path):
    from scenegen.render import offscreen
    from scenegen.render.offscreen import check_gl
    from scenegen.render.viewer import Viewer
    seed = tmp_path / "small.yaml"
    seed.write_text(SMALL)
    v = Viewer(seed, size=SIZE, out_dir=tmp_path / "out", visible=False, sound=False)
    check_gl("opening the viewer")
    yield v
    v.switch_to()
    check_gl("after the test")
    v.close()
    if offscreen._window is not None:            # give the other GL tests their context back
        offscreen._window.switch_to()


def frame(v) -> np.ndarray:
    from scenegen.render.offscreen import check_gl
    v.on_draw()
    check_gl("drawing a viewer frame")
    return v.read_frame()


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


@pytest.mark.gl
def test_hud_shows_seed_name_figures(viewer) -> None:
    img = frame(viewer)
    assert img.shape == (SIZE[1], SIZE[0], 4)
    text = viewer.hud.text
    figures = sum(len(g.pos_i) for g in viewer.scene.audience)
    assert viewer.scene.name in text and "seed small" in text and f"{figures:,} figures" in text
    assert "draw calls" in text and "FPS" in text
    # The HUD is drawn: hiding it changes the top-left corner, where it sits.
    viewer.do("hud")
    bare = frame(viewer)
    assert np.abs(img[:20, :60, :3].astype(int) - bare[:20, :60, :3]).max() > 50
    viewer.do("help")
    frame(viewer)
    assert "F12" in viewer.hud.text and "Ctrl+S" in viewer.hud.text


@pytest.mark.gl
def test_screenshot_is_the_window_without_its_hud(viewer, tmp_path: Path) -> None:
    from pyglet.window import key

    from scenegen.render.headless import render_image
    viewer.on_key_press(key.H, 0)                  # HUD off: the window shows only the scene
    viewer.controls.time = 2.5
    seen = frame(viewer)
    viewer.on_key_press(key.F12, 0)
    shots = list((tmp_path / "out").glob("*.png"))
    assert len(shots) == 1 and png_size(shots[0]) == SIZE
    assert "screenshot" in viewer.message and str(shots[0]) in viewer.message
    ref = render_image(viewer.scene, size=SIZE, time=2.5, camera=viewer.controls.view, renderer=viewer.renderer)
    viewer.switch_to()
    # Window, screenshot and render agree. Not yet to the bit: since the sky's watercolour streaks are in
    # this frame, one pixel in about 60,000 differs by one level between the window's default framebuffer
    # and an offscreen one (cause not found yet); anything more is a real divergence.
    diff = np.abs(seen[..., :3].astype(np.int16) - ref[..., :3].astype(np.int16))
    assert diff.max() <= 1 and np.count_nonzero(diff) <= diff.size // 10_000
    viewer.on_key_press(key.F12, 0)
    assert len(list((tmp_path / "out").glob("*.png"))) == 2       # never overwrites


@pytest.mark.gl
def test_reroll_and_ctrl_s_write_a_seed_file_that_regenerates_the_scene(viewer, tmp_path: Path) -> None:
    from pyglet.window import key
    first = viewer.scene
    viewer.on_key_press(key.R, 0)
    assert viewer.wait_for_scene()
    assert viewer.scene.seed == reroll("small") and viewer.scene.seed_hex != first.seed_hex
    frame(viewer)
    assert f"seed {reroll('small')}" in viewer.hud.text and "re-rolled from small" in viewer.hud.text
    viewer.on_key_press(key.S, key.MOD_CTRL)
    saved = tmp_path / f"small.seed-{viewer.scene.seed_hex[:8]}.yaml"
    assert saved.exists() and str(saved) in viewer.message
    assert generate(load_seed(saved)) == viewer.scene
    viewer.on_key_press(key.R, key.MOD_SHIFT)      # back to the file's own seed
    assert viewer.wait_for_scene() and viewer.scene == first


@pytest.mark.gl
def test_export_writes_scene_json(viewer, tmp_path: Path) -> None:
    from pyglet.window import key

    from scenegen.export.json import load_scene
    viewer.on_key_press(key.E, 0)
    out = list((tmp_path / "out").glob("*.scene.json"))
    assert len(out) == 1 and load_scene(out[0]) == viewer.scene


@pytest.mark.gl
def test_hot_reload_and_broken_edits(viewer, tmp_path: Path) -> None:
    seed = tmp_path / "small.yaml"
    before = frame(viewer)
    assert not viewer.poll_files()
    seed.write_text(SMALL.replace("seed: small", "name: Edited Hall\nseed: edited"))
    os.utime(seed, ns=(5_000_000_000, 5_000_000_000))
    assert viewer.poll_files()
    assert viewer.wait_for_scene()
    assert viewer.scene.name == "Edited Hall" and viewer.scene.seed == "edited"
    edited = frame(viewer)
    assert "Edited Hall" in viewer.hud.text and not viewer.error
    assert np.abs(edited.astype(int) - before).max() > 30

    good = viewer.scene
    seed.write_text("name: Edited Hall\nseed: edited\nterrain:\n  resolution: 9999999\n")
    os.utime(seed, ns=(6_000_000_000, 6_000_000_000))
    assert viewer.poll_files()
    assert not viewer.wait_for_scene()
    assert viewer.scene is good                    # the last good scene stays on screen
    assert viewer.error.startswith(f"{seed}:4:") and "terrain.resolution" in viewer.error
    frame(viewer)
    assert viewer.error in viewer.hud.text

    seed.write_text(SMALL)                          # fixed: the error goes
    os.utime(seed, ns=(7_000_000_000, 7_000_000_000))
    assert viewer.poll_files() and viewer.wait_for_scene()
    assert viewer.error == "" and viewer.scene.seed == "small"
    frame(viewer)
    assert "terrain.resolution" not in viewer.hud.text


@pytest.mark.gl
def test_layer_toggles_and_wireframe_change_the_pixels(viewer) -> None:
    from pyglet.window import key
    viewer.on_key_press(key.H, 0)
    full = frame(viewer)
    viewer.on_key_press(key.F2, 0)                 # the land off: the sky shows where it was
    assert "terrain" in viewer.hidden and "terrain" not in [layer.name for layer in viewer.renderer.layers]
    no_land = frame(viewer)
    assert np.abs(full.astype(int) - no_land).mean() > 5
    viewer.on_key_press(key.F4, 0)                 # and the sky off too: darker still
    assert viewer.hidden == {"terrain", "sky"}
    assert no_land[..., :3].mean() - frame(viewer)[..., :3].mean() > 5
    viewer.on_key_press(key.F2, 0)
    viewer.on_key_press(key.F4, 0)
    np.testing.assert_array_equal(frame(viewer), full)
    viewer.on_key_press(key.Z, 0)                  # wireframe
    wire = frame(viewer)
    assert np.abs(full.astype(int) - wire).mean() > 1
    viewer.on_key_press(key.Z, 0)
    viewer.on_key_press(key.F10, 0)                # half resolution, stretched
    half = frame(viewer)
    assert viewer.render_scale == 0.5 and half.shape == full.shape
    assert np.abs(full.astype(int) - half).max() > 10
    viewer.on_key_press(key.F10, 0)
    viewer.on_key_press(key.F10, 0)
    np.testing.assert_array_equal(frame(viewer), full)


@pytest.mark.gl
def test_mouse_and_keys_move_camera_and_clock(viewer) -> None:
    from pyglet.window import key, mouse
    home = viewer.controls.view
    viewer.on_mouse_drag(50, 50, 40, 0, mouse.LEFT, 0)
    assert viewer.controls.view.distance == pytest.approx(home.distance)
    assert viewer.controls.view.eye != home.eye
    viewer.on_mouse_scroll(50, 50, 0, 2)
    assert viewer.controls.view.distance == pytest.approx(home.distance * ctl.ZOOM_STEP ** 2)
    target = viewer.controls.view.target
    viewer.on_mouse_drag(50, 50, 10, 5, mouse.RIGHT, 0)
    assert viewer.controls.view.target != target
    viewer.controls.time = 4.0
    viewer.on_key_press(key.HOME, 0)               # Home restarts the clock; 0 is the camera's home
    assert viewer.controls.time == 0.0 and viewer.controls.view != home
    viewer.on_key_press(key._0, 0)
    assert viewer.controls.view == home
    viewer.on_key_press(key._1, 0)                 # the first shot: the stage
    from scenegen.gen.camera import scene_shot, shot_names
    assert shot_names(viewer.scene)[0] == "stage"
    stage_shot = View.of(scene_shot(viewer.scene, "stage"))
    assert close(viewer.controls.view.target, stage_shot.target) and close(viewer.controls.view.eye, stage_shot.eye)
    viewer.on_key_press(key._3, 0)                 # the third: the audience, from the performer's mark
    st = viewer.scene.stage
    assert close(viewer.controls.view.eye, (st.mark[0], st.top + 1.7, st.mark[1]))
    viewer.on_key_press(key._2, key.MOD_SHIFT)     # Shift+2: sphere 2
    c1 = sphere_centers_at(viewer.scene.props.spheres, viewer.controls.time)[1]
    assert close(viewer.controls.view.target, c1)
    viewer.on_key_press(key.F, 0)
    assert viewer.controls.fly
    viewer.on_key_press(key.W, 0)
    eye = viewer.controls.view.eye
    viewer.tick(0.5)
    assert viewer.controls.view.eye != eye
    viewer.on_key_release(key.W, 0)
    viewer.on_key_press(key.ESCAPE, 0)
    assert not viewer.controls.fly
    t = viewer.controls.time
    viewer.on_key_press(key.SPACE, 0)
    viewer.tick(1.0)
    assert viewer.controls.time == t and viewer.controls.paused
    viewer.on_key_press(key.RIGHT, key.MOD_SHIFT)
    assert viewer.controls.time == pytest.approx(t + 1.0)
    viewer.on_key_press(key.BRACKETRIGHT, 0)
    assert viewer.controls.speed == 2.0
    frame(viewer)


@pytest.mark.gl
def test_clicking_a_sphere_plays_its_tone(viewer) -> None:
    from pyglet.window import key, mouse
    viewer.on_key_press(key.SPACE, 0)              # still time, so the sphere stays put
    sph = viewer.scene.props.spheres
    centres = sphere_centers_at(sph, viewer.controls.time)
    px, inside = viewer.controls.view.project(centres, SIZE)
    assert inside.all()
    i = 2                                          # the flawed one in SMALL
    viewer.on_mouse_press(px[i, 0], SIZE[1] - px[i, 1], mouse.LEFT, 0)
    assert viewer.sound.played == [("sphere", i)]
    assert f"sphere {i + 1}" in viewer.message and "flawed" in viewer.message
    viewer.on_mouse_press(px[i, 0], SIZE[1] - px[i, 1], mouse.LEFT, 0)   # again at once: focus on it
    assert close(viewer.controls.view.target, centres[i])
    viewer.on_mouse_press(2, SIZE[1] - 2, mouse.LEFT, 0)                 # the sky: nothing sings
    assert len(viewer.sound.played) == 2
    viewer.on_key_press(key.C, 0)
    assert viewer.sound.played[-1] == ("chord", None)
    frame(viewer)
