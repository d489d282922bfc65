"""Lights aimed where the seed file says, and a camera that frames the stage from the audience's side."""

from __future__ import annotations

import math

import numpy as np
import pytest

from scenegen.color import hex_to_linear
from scenegen.gen.camera import Camera, generate_camera
from scenegen.gen.lights import generate_lights
from scenegen.gen.stage import Stage, generate_stage
from scenegen.gen.terrain import Terrain
from scenegen.rng import stream
from scenegen.spec import AmbientSpec, CameraSpec, KeyLightSpec, LightsSpec, SpotlightSpec, StageSpec


def make_stage(**kw) -> Stage:
    return generate_stage(StageSpec(**kw), 1.0, stream(3, "stage"))


def make_terrain(height=lambda x, z: 0.0 * x + 1.0, size: float = 200.0, n: int = 65) -> Terrain:
    """A hand-built heightfield with the documented vertex layout."""
    g = (np.arange(n) / (n - 1) - 0.5) * size
    x, z = np.meshgrid(g, g)                       # rows are z, columns x
    h = np.asarray(height(x, z), dtype=np.float32)
    normal = np.zeros((n, n, 3), dtype=np.float32)
    normal[..., 1] = 1.0
    return Terrain(size=(size, size), resolution=n, height_zx=h, normal_zx=normal,
                   color_zx=np.zeros((n, n, 3), dtype=np.float32), pad_center=(0.0, 0.0), pad_radius=20.0,
                   pad_blend=10.0, pad_level=1.0, height_range=(float(h.min()), float(h.max())))


def ndc(camera: Camera, points: np.ndarray) -> np.ndarray:
    clip = camera.to_clip(points)
    assert np.all(clip[..., 3] > 0), "behind the camera"
    return clip[..., :3] / clip[..., 3:]


# ---------------------------------------------------------------------------------------------- lights

def distance_to_axis(point: np.ndarray, origin: np.ndarray, direction: np.ndarray) -> float:
    v = point - origin
    return float(np.linalg.norm(v - np.dot(v, direction) * direction))


def test_ambient_and_key() -> None:
    spec = LightsSpec(ambient=AmbientSpec(color="#4a4f80", intensity=0.5),
                      key=KeyLightSpec(direction=(0.0, -3.0, -4.0), color="#c9d2ff", intensity=2.0))
    lights = generate_lights(spec, make_stage())
    assert lights.ambient_color == pytest.approx(tuple(hex_to_linear("#4a4f80")))
    assert lights.ambient_intensity == 0.5
    assert lights.key_direction == pytest.approx((0.0, -0.6, -0.8))
    assert lights.key_color == pytest.approx(tuple(hex_to_linear("#c9d2ff")))
    assert lights.key_intensity == 2.0


def test_zero_key_direction_points_down() -> None:
    lights = generate_lights(LightsSpec(key=KeyLightSpec(direction=(0.0, 0.0, 0.0))), make_stage())
    assert lights.key_direction == (0.0, -1.0, 0.0)


def test_spotlight_on_the_mark() -> None:
    stage = make_stage(position=(5.0, -3.0), mark=(1.5, 4.0))
    lights = generate_lights(LightsSpec(spotlights=(SpotlightSpec(target="mark", cone=12.0, softness=0.25),)),
                             stage)
    mark = np.array([stage.mark[0], stage.top, stage.mark[1]])
    pos = lights.spot_pos_s[0].astype(np.float64)
    axis = lights.spot_dir_s[0].astype(np.float64)
    assert lights.spot_target_s[0] == pytest.approx(mark)
    assert np.linalg.norm(axis) == pytest.approx(1.0, abs=1e-6)
    assert distance_to_axis(mark, pos, axis) < 1e-4               # the cone's axis passes through the mark
    assert pos[1] > stage.top + 8.0                               # high above …
    assert pos[2] > mark[2]                                       # … in front, over the audience's side
    assert lights.spot_cone_s[0] == pytest.approx(math.radians(12.0))
    assert lights.spot_inner_s[0] == pytest.approx(math.radians(12.0) * 0.75)
    assert lights.spot_softness_s[0] == pytest.approx(0.25)
    assert lights.spot_color_s[0] == pytest.approx(hex_to_linear("#fff3d1"))


def test_spotlight_targets_and_positions() -> None:
    stage = make_stage(position=(2.0, 1.0))
    spots = (SpotlightSpec(target="stage"), SpotlightSpec(target="stage"),
             SpotlightSpec(target=(1.0, 2.0, 3.0), position=(4.0, 20.0, 9.0)),
             SpotlightSpec(target="stage", position=(2.0, 30.0, 1.0)))
    lights = generate_lights(LightsSpec(spotlights=spots), stage)
    centre = np.array([2.0, stage.top, 1.0])
    assert lights.spot_target_s[0] == pytest.approx(centre)
    # Two default lights on one target hang apart, both aimed at it.
    assert np.linalg.norm(lights.spot_pos_s[0] - lights.spot_pos_s[1]) > 3.0
    for i in (0, 1):
        assert distance_to_axis(centre, lights.spot_pos_s[i].astype(np.float64),
                                lights.spot_dir_s[i].astype(np.float64)) < 1e-4
    assert lights.spot_pos_s[2] == pytest.approx([4.0, 20.0, 9.0])
    assert lights.spot_dir_s[2] == pytest.approx(np.array([-3.0, -18.0, -6.0]) / math.sqrt(369.0))
    assert lights.spot_dir_s[3] == pytest.approx([0.0, -1.0, 0.0], abs=1e-6)


def test_no_spotlights() -> None:
    lights = generate_lights(LightsSpec(spotlights=()), make_stage())
    assert lights.spot_pos_s.shape == (0, 3) and lights.spot_cone_s.shape == (0,)


# ---------------------------------------------------------------------------------------------- camera

def test_default_camera_sees_the_stage() -> None:
    stage = make_stage(radius=16.0, position=(6.0, -4.0))
    cam = generate_camera(CameraSpec(), stage, make_terrain())
    centre = np.array([6.0, stage.top, -4.0])
    eye, look = np.array(cam.position), np.array(cam.look_at)
    assert eye[2] > centre[2] + 10.0 and eye[1] > stage.top + 2.0   # in front (+z), a little above
    assert look == pytest.approx(centre + [0.0, look[1] - stage.top, 0.0])
    assert 0.0 < look[1] - stage.top < 3.0                          # a little above the stage centre
    p = ndc(cam, centre)
    assert np.all(np.abs(p) < 1.0)                                   # the centre lands in the frame
    outline = np.column_stack([stage.outline_i[:, 0], np.full(len(stage.outline_i), stage.top),
                               stage.outline_i[:, 1]])
    q = ndc(cam, outline)
    assert np.all(np.abs(q) < 1.0)                                   # so does the whole stage
    width = q[:, 0].max() - q[:, 0].min()                            # of the frame's 2 NDC units
    assert 0.8 < width < 1.3                                         # roughly half the frame


def test_matrices_agree_with_to_clip() -> None:
    cam = generate_camera(CameraSpec(fov=40.0), make_stage(), make_terrain())
    pts = np.array([[1.0, 2.0, 3.0], [-5.0, 0.5, -8.0]])
    h = np.column_stack([pts, np.ones(2)])
    want = (cam.projection_matrix() @ cam.view_matrix() @ h.T).T
    assert cam.to_clip(pts) == pytest.approx(want)
    eye = cam.view_matrix() @ np.array([*cam.look_at, 1.0])
    assert eye[:3] == pytest.approx([0.0, 0.0, -np.linalg.norm(np.subtract(cam.look_at, cam.position))])


def test_far_covers_the_terrain() -> None:
    terrain = make_terrain(lambda x, z: 0.05 * x, size=300.0)
    cam = generate_camera(CameraSpec(), make_stage(), terrain)
    eye = np.array(cam.position)
    for cx in (-150.0, 150.0):
        for cz in (-150.0, 150.0):
            corner = np.array([cx, float(terrain.height_at(cx, cz)), cz])
            assert np.linalg.norm(corner - eye) < cam.far
    assert generate_camera(CameraSpec(), make_stage(), terrain, reach=5000.0).far > 5000.0


def test_hill_in_front_raises_the_eye() -> None:
    stage = make_stage(radius=10.0)
    flat = generate_camera(CameraSpec(), stage, make_terrain())
    ridge_z = (flat.position[2] + 12.0) / 2
    hill = make_terrain(lambda x, z: 1.0 + 12.0 * np.exp(-((z - ridge_z) / 4.0) ** 2))
    cam = generate_camera(CameraSpec(), stage, hill)
    assert cam.position[1] > flat.position[1]
    eye, edge = np.array(cam.position), np.array([0.0, stage.top, stage.radius + stage.rim_width])
    f = np.linspace(0.0, 0.9, 200)[:, None]
    line = eye + f * (edge - eye)
    assert np.all(line[:, 1] > hill.height_at(line[:, 0], line[:, 2]))   # nothing hides the stage


def test_explicit_camera_honoured() -> None:
    spec = CameraSpec(position=(0.0, 12.0, 60.0), look_at=(0.0, 2.0, 0.0), fov=50.0, near=0.5, far=900.0)
    cam = generate_camera(spec, make_stage(), make_terrain())
    assert (cam.position, cam.look_at, cam.fov, cam.near, cam.far) == ((0.0, 12.0, 60.0), (0.0, 2.0, 0.0),
                                                                       50.0, 0.5, 900.0)
    down = generate_camera(CameraSpec(position=(0.0, 50.0, 0.0), look_at=(0.0, 0.0, 0.0)), make_stage(),
                           make_terrain())
    assert down.up == (0.0, 0.0, -1.0)
    assert np.all(np.isfinite(down.view_matrix()))


def test_deterministic() -> None:
    stage, terrain = make_stage(), make_terrain()
    assert generate_camera(CameraSpec(), stage, terrain) == generate_camera(CameraSpec(), stage, terrain)
    spec = LightsSpec(spotlights=(SpotlightSpec(), SpotlightSpec(target="stage")))
    assert generate_lights(spec, stage) == generate_lights(spec, stage)


def test_performer_framing_looks_across_the_spheres_into_the_sky() -> None:
    from scenegen.gen.scene import generate
    from scenegen.seedfile import parse_seed

    scene = generate(parse_seed("seed: 2\nterrain: {resolution: 65}\ncamera: {framing: performer}\n"
                                "audience: [{count: 10}]\nsky: {stars: {count: 10}}\n"))
    cam, stage = scene.camera, scene.stage
    assert cam.position[2] > stage.center[1] + stage.radius          # at the front edge, +z side
    assert stage.top < cam.position[1] < stage.top + 5              # low, a person's height or so
    assert cam.look_at[1] > cam.position[1] and cam.look_at[2] < stage.center[1]   # up and across
    ndc = cam.to_clip(scene.props.spheres.center_i.astype(np.float64))
    ndc = ndc[:, :3] / ndc[:, 3:4]
    assert np.all(np.abs(ndc[:, :2]) < 1.0), "every sphere is in the frame"
