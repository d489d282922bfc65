"""A performance as the renderer, the video writer and the viewer play it: real pixels on Mesa, a real MP4."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from scenegen.gen.scene import Scene, generate
from scenegen.seedfile import parse_seed

from .conftest import gl_context_or_skip

# A tiny stage with a score: a green burst from sphere 0, a bow of the rows, the sky turning to day,
# a countdown. Small on purpose: every test below renders a few frames of it at a few dozen pixels.
PERFORMED = """
seed: performed
terrain: {resolution: 33, size: [120, 120]}
stage: {radius: 8}
audience:
  - {layout: rows, count: 40, spacing: 1.5}
props: {spheres: {count: 3, flawed: [2]}}
sky: {stars: {count: 100}, streaks: {count: 0}}
performance:
  duration: 8
  cues:
    - {kind: note, at: 1.0, length: 2.0, sphere: 0, flare: 1.0,
       burst: {palette: ["#10ff20", "#40ff10"], count: 600, spread: 1.6, size: 0.1, life: 2.5}}
    - {kind: audience, at: 2.0, length: 4.0, group: 0, action: bow, fade: 0.5}
    - {kind: sky, at: 3.0, length: 2.0, to: day, ease: linear}
    - {kind: countdown, at: 0, seconds: 8, style: stardust}
"""
NOTE_AT = 1.0
SIZE = (192, 108)


@pytest.fixture(scope="module")
def gl_context():
    return gl_context_or_skip()


@pytest.fixture(scope="module")
def scene() -> Scene:
    return generate(parse_seed(PERFORMED))


@pytest.fixture(scope="module")
def renderer(gl_context, scene: Scene):
    from scenegen.render.renderer import SceneRenderer
    r = SceneRenderer(scene)
    yield r
    r.delete()


def _image(scene: Scene, renderer, t: float, camera=None, size=SIZE) -> np.ndarray:
    from scenegen.render.headless import render_image
    return render_image(scene, size=size, time=t, camera=camera, renderer=renderer)[..., :3].astype(np.int32)


def _sphere_camera(scene: Scene):
    from scenegen.render.camera import View
    c = scene.props.spheres.center_i[0].astype(np.float64)
    eye = c + np.array([0.0, 0.8, 6.0])
    return View(eye=tuple(eye), target=tuple(c), up=(0.0, 1.0, 0.0), fov=50.0, near=0.1, far=400.0)


# ------------------------------------------------------------------------------------------ pure parts

def test_still_scenes_get_neutral_uniforms(scene: Scene) -> None:
    from scenegen.render.perfpack import pack_bursts, pack_rings, perf_uniforms, state_for
    still = generate(parse_seed("seed: still\nterrain: {resolution: 17}\n"))
    assert state_for(still, 3.0) is None
    neutral = perf_uniforms(still, None)
    assert not np.any(neutral.common["u_sphere_perf"]) and neutral.common["u_performing"] == 0.0
    assert all(not any(g["u_pose"]) for g in neutral.groups)
    assert len(pack_bursts(None)) == 0 and pack_rings(None)[1] == 0
    # Playing: the State's values, laid out; bursts and rings only while alive.
    from scenegen.perform import state_at
    before, after = state_at(scene, NOTE_AT - 0.1), state_at(scene, NOTE_AT + 0.4)
    assert len(pack_bursts(before)) == 0 and len(pack_bursts(after)) == len(after.burst_pos_p3) > 0
    u = perf_uniforms(scene, after)
    assert u.common["u_sphere_perf"][0, 1] == pytest.approx(float(after.sphere_flare_k[0]), rel=1e-6)
    bow = perf_uniforms(scene, state_at(scene, 4.0)).groups[0]["u_pose"]
    assert bow[0] == pytest.approx(1.0) and bow[1:] == (0.0, 0.0, 0.0)


def test_chronometer_is_deterministic_and_ranked() -> None:
    from scenegen.gen.chronometer import generate_chronometer
    a, b = generate_chronometer("x", grains=500), generate_chronometer("x", grains=500)
    assert a == b and a != generate_chronometer("y", grains=500)
    sand = a.param_i[a.kind_i == 0]
    assert len(sand) == 500 and np.all(np.diff(sand[:, 0]) > 0) and sand[0, 0] > 0 and sand[-1, 0] < 1


# ---------------------------------------------------------------------------------------------- pixels

@pytest.mark.gl
def test_a_note_brightens_its_sphere_and_bursts_in_its_palette(scene: Scene, renderer) -> None:
    from scenegen.render.camera import View
    from scenegen.render.renderer import SceneRenderer
    cam = _sphere_camera(scene)
    before = _image(scene, renderer, NOTE_AT - 0.05, cam)
    bloom = _image(scene, renderer, NOTE_AT + 1.0, cam)
    # The sphere's own light, without the burst in front of it: the props layer alone.
    props = SceneRenderer(scene, layers=("props",))
    try:
        dark = _image(scene, props, NOTE_AT - 0.05, cam)
        flare = _image(scene, props, NOTE_AT + 0.15, cam)
    finally:
        props.delete()
    # The sphere's own screen region: a disc around its projected centre.
    view = View.of(cam)
    c = scene.props.spheres.center_i[0].astype(np.float64)
    xy, _ = view.project(c[None, :], SIZE)
    px, py = float(xy[0, 0]), float(xy[0, 1])
    yy, xx = np.mgrid[: SIZE[1], : SIZE[0]]
    r = np.hypot(xx - px, yy - py)
    disc = r < 14
    assert flare[disc].sum(axis=1).mean() > 1.3 * dark[disc].sum(axis=1).mean() + 20

    def palette_pixels(img: np.ndarray) -> int:
        # The burst's greens, around the sphere: nothing else in this scene is green.
        green = (img[..., 1] > img[..., 0] + 40) & (img[..., 1] > img[..., 2] + 40)
        return int((green & (r > 8) & (r < 60)).sum())

    assert palette_pixels(before) == 0 and palette_pixels(bloom) >= 20


@pytest.mark.gl
def test_a_bow_changes_the_silhouettes(gl_context, scene: Scene) -> None:
    from scenegen.render.camera import View
    from scenegen.render.renderer import SceneRenderer
    g = scene.audience[0]
    p = g.pos_i[np.argmin(np.linalg.norm(g.pos_i[:, [0, 2]] - g.pos_i[:, [0, 2]].mean(axis=0), axis=1))]
    p = p.astype(np.float64)
    height = float(g.height_i.max())
    cam = View(eye=(p[0], p[1] + 0.5 * height, p[2] + 3.0 * height), target=(p[0], p[1] + 0.5 * height, p[2]),
               up=(0.0, 1.0, 0.0), fov=50.0, near=0.05, far=400.0)
    crowd = SceneRenderer(scene, layers=("audience",))
    try:
        standing = _image(scene, crowd, 1.9, cam, (96, 96))
        bowing = _image(scene, crowd, 4.0, cam, (96, 96))
    finally:
        crowd.delete()

    def lit_top(img: np.ndarray) -> int:
        rows = np.flatnonzero((img.sum(axis=2) > 60).any(axis=1))
        return int(rows[0]) if len(rows) else img.shape[0]

    mask_a, mask_b = standing.sum(axis=2) > 60, bowing.sum(axis=2) > 60
    assert mask_a.sum() > 200
    assert (mask_a ^ mask_b).sum() > 0.1 * mask_a.sum()          # the outlines changed
    assert lit_top(bowing) > lit_top(standing) + 2                # heads lowered: bowing


@pytest.mark.gl
def test_a_sky_cue_moves_the_top_of_the_frame_to_its_palette(scene: Scene) -> None:
    from dataclasses import replace

    from scenegen.perform import state_at
    from scenegen.render.camera import View
    from scenegen.render.controls import pixel_ray
    from scenegen.render.packing import display_srgb8
    from scenegen.render.perfpack import shot_view
    from scenegen.render.renderer import SceneRenderer
    from scenegen.skylook import sky_gradient
    size = (64, 36)
    sky = SceneRenderer(scene, layers=("sky",))
    try:
        before, mid, after = (_image(scene, sky, t, None, size) for t in (2.9, 4.0, 5.5))
    finally:
        sky.delete()
    # What the top rows would show in the palette the cue moves to (the shader's numpy twin).
    end = state_at(scene, 5.5)
    g = scene.sky.gradient
    palette = replace(g.start, zenith=tuple(end.sky_zenith3), horizon=tuple(end.sky_horizon3),
                      glow=tuple(end.sky_glow3))
    target_sky = replace(scene.sky, gradient=replace(g, start=palette, to=None))
    view = shot_view(end, View.of(scene.camera))             # what the renderer draws from, given no camera
    dirs = np.array([pixel_ray(view, size, x + 0.5, y + 0.5)[1] for y in range(3) for x in range(size[0])])
    target = display_srgb8(sky_gradient(target_sky, dirs)).mean(axis=0)
    start = display_srgb8(np.asarray(state_at(scene, 2.9).sky_zenith3))
    assert np.abs(display_srgb8(np.asarray(end.sky_zenith3)) - start).max() > 30   # the cue does change it

    def distance(img: np.ndarray) -> float:
        return float(np.abs(img[:3].reshape(-1, 3).mean(axis=0) - target).sum())

    assert distance(before) > distance(mid) > distance(after)
    assert distance(after) < 12                                 # there, give or take the stars and nebula


# ---------------------------------------------------------------------------------------- video, sound

def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYGLET_HEADLESS": "1"}
    return subprocess.run([sys.executable, "-m", "scenegen", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120)


@pytest.mark.gl
def test_render_writes_the_performance_as_mp4_and_wav(gl_context, scene: Scene, tmp_path: Path, capsys) -> None:
    from scenegen.cli import main
    from scenegen.perform import mix, wav_bytes
    from scenegen.video import probe
    seed = tmp_path / "performed.yaml"
    seed.write_text(PERFORMED)
    done = _cli("render", str(seed), "-o", "perf.mp4", "--from", "0.5", "--to", "2.0", "--fps", "12",
                "--size", "64x36", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    info = probe(tmp_path / "perf.mp4")
    assert info.video is not None and info.audio is not None
    assert info.video.codec == "h264" and info.video.frames == 18 and info.video.size == (64, 36)
    assert info.video.duration == pytest.approx(1.5)
    assert info.audio.codec == "aac" and info.audio.duration == pytest.approx(1.5, abs=0.05)
    wav = tmp_path / "perf.wav"
    assert main(["render", str(seed), "-o", str(wav), "--from", "0.5", "--to", "2.0", "-q"]) == 0
    assert wav.read_bytes() == wav_bytes(mix(scene, 0.5, 2.0))
    # Bad input: one line, exit 2, nothing written.
    capsys.readouterr()
    for args in (["-o", "odd.mp4", "--size", "63x36"], ["-o", "x.mp4", "--from", "3", "--to", "2"],
                 ["-o", "x.png", "--from", "1"], ["-o", "x.mp4", "--frames", "3"], ["-o", "x.mp4", "--fps", "0"]):
        paths = [str(tmp_path / a) if a.endswith((".mp4", ".png")) else a for a in args]
        assert main(["render", str(seed), *paths]) == 2
        err = capsys.readouterr().err
        assert len(err.strip().splitlines()) == 1, (args, err)
    assert not list(tmp_path.glob("odd*")) and not list(tmp_path.glob("x*"))
    still = tmp_path / "still.yaml"
    still.write_text("seed: still\nterrain: {resolution: 17}\n")
    assert main(["render", str(still), "-o", str(tmp_path / "s.wav")]) == 2
    assert "no performance" in capsys.readouterr().err


# ---------------------------------------------------------------------------------------------- viewer

class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.gl
def test_viewer_plays_pauses_seeks_and_keeps_the_playhead_over_a_reload(gl_context, tmp_path: Path) -> None:
    from pyglet.window import key

    from scenegen.render import offscreen
    from scenegen.render.viewer import Viewer
    seed = tmp_path / "performed.yaml"
    seed.write_text(PERFORMED)
    v = Viewer(seed, size=(128, 72), visible=False, sound=False)
    try:
        clock = _Clock()
        tr = v.transport
        assert tr is not None and tr.playing and tr.duration == 8.0
        tr.clock = clock
        tr.seek(0.0)
        clock.now += 0.5
        v.tick(0.5)
        assert v.controls.time == pytest.approx(0.5)
        v.on_key_press(key.SPACE, 0)                      # pause: the clock runs, the playhead stays
        clock.now += 2.0
        v.tick(2.0)
        assert v.controls.time == pytest.approx(0.5) and v.controls.paused
        v.on_key_press(key.RIGHT, 0)                      # paused: a fine step
        assert v.controls.time == pytest.approx(0.6)
        v.on_key_press(key.SPACE, 0)
        v.on_key_press(key.RIGHT, key.MOD_SHIFT)          # playing: a big seek, clamped to the end
        v.tick(0.0)
        assert v.controls.time == pytest.approx(8.0) and not tr.playing
        v.on_key_press(key.HOME, 0)
        assert v.controls.time == 0.0
        v.on_draw()
        assert "0.00 / 8.00 s" in v.hud.text and len(v.hud.marks) == 4
        x0 = v.hud.playhead.x
        tr.seek(NOTE_AT - 0.05)
        v.tick(0.0)
        v.on_draw()
        before = v.read_frame()
        tr.seek(NOTE_AT + 0.6)
        v.tick(0.0)
        v.on_draw()
        after = v.read_frame()
        assert v.hud.playhead.x > x0
        assert np.abs(after[..., :3].astype(int) - before[..., :3]).max() > 40   # the note shows
        # An edit reloads the scene; the playhead stays where it was.
        tr.seek(3.25)
        seed.write_text(PERFORMED.replace("seed: performed", "seed: performed-again"))
        os.utime(seed, ns=(9_000_000_000, 9_000_000_000))
        assert v.poll_files() and v.wait_for_scene()
        assert v.scene.seed == "performed-again" and v.transport is not tr
        assert v.transport.position == pytest.approx(3.25, abs=0.05)
    finally:
        v.close()
        if offscreen._window is not None:
            offscreen._window.switch_to()
