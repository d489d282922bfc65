"""Named shots and the opening views: what the dream is about is in sight and nothing hides it."""

from __future__ import annotations

import dataclasses
import math
import warnings

import numpy as np
import pytest

from scenegen.examples import EXAMPLES_DIR
from scenegen.gen.camera import FRAMINGS, scene_shot, shot_names, spheres_apart
from scenegen.gen.scene import Scene, generate
from scenegen.seedfile import load_seed, parse_seed
from scenegen.spec import ShotSpec

from .test_cli_render import gl_or_skip, png_header, run


def _scene(name: str) -> Scene:
    spec = load_seed(EXAMPLES_DIR / name)
    spec = dataclasses.replace(spec, terrain=dataclasses.replace(spec.terrain, resolution=65),
                               audience=tuple(dataclasses.replace(g, count=min(g.count, 3000))
                                              for g in spec.audience))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return generate(spec)


@pytest.fixture(scope="module", params=["grand-auditorium.yaml", "liquid-silver-stage.yaml", "minimal.yaml"])
def example(request: pytest.FixtureRequest) -> Scene:
    return _scene(request.param)


def _ndc(cam, points: np.ndarray) -> np.ndarray:
    clip = cam.to_clip(points)
    return clip[:, :2] / clip[:, 3:4]


def test_the_opening_view_shows_every_sphere_whole_and_apart(example: Scene) -> None:
    sph = example.props.spheres
    inst = example.props.instrument
    if inst is not None:                                      # the instrument in sight too
        assert np.all(np.abs(_ndc(example.camera, inst.crystal_j.astype(float))) < 0.95)
    if not len(sph.center_i):
        assert inst is not None                               # the liquid silver stage: its instrument
        return
    assert spheres_apart(example.camera, sph.center_i.astype(float), sph.radius_i.astype(float)) >= 1.1
    # The smallest (the grand auditorium's flawed Azure Sphere) among them, not hidden.
    ndc = _ndc(example.camera, sph.center_i.astype(float))
    assert np.all(np.abs(ndc) < 0.9)


def test_every_shot_is_a_camera_that_sees_its_subject(example: Scene) -> None:
    names = shot_names(example)
    assert names[:len(FRAMINGS)] == FRAMINGS
    sph = example.props.spheres
    for name in names:
        cam = scene_shot(example, name)
        assert all(math.isfinite(x) for x in cam.position + cam.look_at)
        if name in ("sphere", "flaw") and len(sph.center_i):
            k = int(sph.flaws[0].sphere) if name == "flaw" and sph.flaws else None
            if name == "flaw" and k is None:
                k = int(np.argmin(sph.radius_i))
            if k is not None:
                # The flawed sphere in the middle of the frame, a good part of it.
                assert np.abs(_ndc(cam, sph.center_i[k:k + 1].astype(float))).max() < 0.05
    with pytest.raises(KeyError):
        scene_shot(example, "no such shot")


def test_the_audience_shot_sees_the_crowd_from_the_front(example: Scene) -> None:
    cam = scene_shot(example, "audience")
    g = max(example.audience, key=lambda g: len(g.pos_i))
    pos = g.pos_i.astype(float)
    ndc = _ndc(cam, pos)
    ahead = (pos - np.array(cam.position)) @ (np.array(cam.look_at) - np.array(cam.position)) > 0
    seen = ahead & np.all(np.abs(ndc) < 1.0, axis=1)
    assert seen.mean() > 0.3                                  # a good share of the crowd in the frame
    # Their fronts turned towards the eye: faces and eyes, not backs.
    front = np.stack([np.sin(g.facing_i), np.zeros(len(pos)), np.cos(g.facing_i)], 1)[seen]
    to_eye = np.array(cam.position) - pos[seen]
    assert ((front * to_eye).sum(axis=1) > 0).mean() > 0.9


def test_a_seed_file_names_its_own_shots() -> None:
    spec = parse_seed("scenegen: 1\nseed: 3\nterrain: {resolution: 65}\naudience: [{count: 200}]\n"
                      "camera:\n  shots:\n    - {name: balcony, position: [0, 30, 60], look_at: [0, 0, 0], fov: 35}\n"
                      "    - {name: stage, framing: sky}\n")
    scene = generate(spec)
    names = shot_names(scene)
    assert names == FRAMINGS + ("balcony",)
    cam = scene_shot(scene, "balcony")
    assert cam.position == (0.0, 30.0, 60.0) and cam.fov == 35.0
    assert scene_shot(scene, "stage").look_at[1] > scene_shot(scene, "stage").position[1]   # the sky's framing
    assert isinstance(spec.camera.shots[0], ShotSpec)


@pytest.mark.gl
def test_render_takes_a_named_shot(tmp_path) -> None:
    out = tmp_path / "sky.png"
    r = run("render", "minimal", "-o", str(out), "--size", "64x36", "--shot", "sky")
    gl_or_skip(r)
    assert r.returncode == 0, r.stderr
    assert png_header(out) == (64, 36, 8, 2)
    r = run("render", "minimal", "-o", str(tmp_path / "x.png"), "--size", "64x36", "--shot", "nowhere")
    assert r.returncode == 2 and "--shot 'nowhere': no such shot" in r.stderr and "performer" in r.stderr
    assert not (tmp_path / "x.png").exists()
