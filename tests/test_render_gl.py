"""Rendering with a real OpenGL context (Mesa llvmpipe through headless EGL is enough): small frames, read back.

Skipped where no GL context can be made, unless SCENEGEN_REQUIRE_GL=1 asks for it to fail instead.
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from pathlib import Path

import numpy as np
import pytest

from scenegen.examples import EXAMPLES_DIR
from scenegen.gen.scene import Scene, generate
from scenegen.render import packing
from scenegen.render.camera import View
from scenegen.seedfile import load_seed
from scenegen.spec import SeedSpec

from .conftest import gl_context_or_skip

pytestmark = pytest.mark.gl

SEEDS = EXAMPLES_DIR
SIZE = (160, 90)


@pytest.fixture(scope="module", autouse=True)
def gl_context():
    return gl_context_or_skip()


@pytest.fixture(autouse=True)
def gl_errors_clear(gl_context):
    from scenegen.render.offscreen import check_gl
    check_gl("before the test")
    yield
    check_gl("after the test")


def small_spec(name: str, count: int = 1500, **sky_changes) -> SeedSpec:
    """An example seed file with fewer of everything, so a frame renders in well under a second."""
    spec = load_seed(SEEDS / name)
    stars = dataclasses.replace(spec.sky.stars, count=min(spec.sky.stars.count, 2000))
    sky = dataclasses.replace(spec.sky, stars=stars)
    for field, changes in sky_changes.items():
        sky = dataclasses.replace(sky, **{field: dataclasses.replace(getattr(sky, field), **changes)})
    return dataclasses.replace(
        spec, terrain=dataclasses.replace(spec.terrain, resolution=65),
        audience=tuple(dataclasses.replace(g, count=min(g.count, count)) for g in spec.audience), sky=sky)


def make(spec: SeedSpec) -> Scene:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")      # a crowd trimmed to fit is fine here
        return generate(spec)


@pytest.fixture(scope="module")
def silver() -> Scene:
    return make(small_spec("liquid-silver-stage.yaml"))


@pytest.fixture(scope="module")
def auditorium() -> Scene:
    return make(small_spec("grand-auditorium.yaml"))


def render(scene: Scene, size=SIZE, time=0.0, camera=None, layers=None):
    from scenegen.render.headless import render_image
    from scenegen.render.renderer import SceneRenderer
    r = SceneRenderer(scene, layers=layers)
    try:
        return render_image(scene, size=size, time=time, camera=camera, renderer=r), dict(r.stats)
    finally:
        r.delete()


def pixel_rays(view: View, size: tuple[int, int], px: np.ndarray) -> np.ndarray:
    """World directions through pixel centres px (…, 2) (x right, y down)."""
    w, h = size
    inv = np.linalg.inv(view.projection_matrix(w / h) @ view.view_matrix())
    ndc = np.stack([(px[..., 0] + 0.5) / w * 2 - 1, 1 - (px[..., 1] + 0.5) / h * 2, np.ones(px.shape[:-1])], -1)
    far = np.concatenate([ndc, np.ones(ndc.shape[:-1] + (1,))], -1) @ inv.T
    d = far[..., :3] / far[..., 3:] - np.array(view.eye)
    return d / np.linalg.norm(d, axis=-1, keepdims=True)


def luminance(img: np.ndarray) -> np.ndarray:
    return img[..., :3].astype(np.float64) @ np.array([0.2126, 0.7152, 0.0722])


# -------------------------------------------------------------------------------------------- the sky

@pytest.mark.parametrize("phase", [0.0, 0.5])
def test_sky_runs_from_zenith_to_horizon_colour(phase: float) -> None:
    spec = small_spec("liquid-silver-stage.yaml", streaks={"count": 0}, stars={"count": 0},
                      nebula={"density": 0.0})
    scene = make(spec)
    g = scene.sky.gradient
    time = phase * g.cycle
    # Looking up 40° with a 100° lens: the top row is past the zenith, the bottom row at the horizon.
    view = View(eye=(0.0, 0.0, 0.0), target=(0.0, math.sin(math.radians(40)), -math.cos(math.radians(40))),
                fov=100.0, near=0.1, far=1000.0)
    img, _ = render(scene, size=SIZE, time=time, camera=view, layers=("sky",))
    cols = np.array([10, 80, 150])
    rows = np.array([0, 20, 45, 70, 89])
    px = np.stack(np.meshgrid(cols, rows), -1).astype(np.float64)
    expected = packing.display_srgb8(packing.sky_gradient(scene.sky, pixel_rays(view, SIZE, px), time))
    got = img[rows][:, cols, :3].astype(np.float64)
    np.testing.assert_allclose(got, expected, atol=2.6)
    # And in plain words: the top is the palette's zenith colour, the bottom row near its horizon.
    palette = g.start if phase == 0.0 else g.to
    top = packing.display_srgb8(np.array(palette.zenith))
    assert np.abs(img[0, 80, :3] - top).max() <= 4.0
    bottom = img[89, 80, :3].astype(np.float64)
    glow_side = packing.display_srgb8(np.array(palette.horizon) * 0.5 + np.array(palette.glow) * 0.5)
    assert np.linalg.norm(bottom - glow_side) < np.linalg.norm(bottom - top)


@pytest.mark.parametrize("name,time", [("liquid-silver-stage.yaml", 0.0), ("grand-auditorium.yaml", 37.0)])
def test_sky_twin_matches_the_shader(name: str, time: float) -> None:
    """The whole sky (gradient, nebula, watercolour streaks) in numpy, which the glTF export bakes into the
    dome, is what the shader draws: compared pixel by pixel over a wide view."""
    from scenegen.skylook import sky_color

    scene = make(small_spec(name, stars={"count": 0}))
    assert scene.sky.nebula.density > 0 or len(scene.sky.streaks.color_s) > 0
    view = View(eye=(0.0, 0.0, 0.0), target=(0.3, math.sin(math.radians(30)), -math.cos(math.radians(30))),
                fov=90.0, near=0.1, far=1000.0)
    size = (240, 135)
    img, _ = render(scene, size=size, time=time, camera=view, layers=("sky",))
    ys, xs = np.mgrid[0:size[1], 0:size[0]]
    px = np.stack([xs, ys], -1).astype(np.float64)
    expected = packing.display_srgb8(sky_color(scene.sky, pixel_rays(view, size, px), time))
    diff = np.abs(img[..., :3].astype(np.float64) - expected)
    # Half a level of dither and float32 rounding; a hash that lands across a cell edge may flip a pixel.
    assert diff.mean() < 0.6 and np.percentile(diff, 99.9) < 4.0, (diff.mean(), np.percentile(diff, 99.9))
    # And the comparison has something to compare: the sky is far from flat here.
    assert expected.reshape(-1, 3).std(axis=0).max() > 10.0


# ------------------------------------------------------------------------------------------ the crowd

def test_audience_glows_where_figures_stand(silver: Scene) -> None:
    size = (320, 180)
    view = View.from_camera(silver.camera)
    with_crowd, _ = render(silver, size=size, camera=view)
    without, _ = render(silver, size=size, camera=view,
                        layers=("terrain", "stage", "sky", "screens", "props", "spotlights"))
    g = silver.audience[0]
    chest = g.pos_i.astype(np.float64) + np.stack([np.zeros(len(g.pos_i)), 0.6 * g.height_i,
                                                   np.zeros(len(g.pos_i))], -1)
    px, inside = view.project(chest, size)
    assert inside.sum() > 100
    ij = np.floor(px[inside]).astype(int)
    ij = ij[(ij[:, 0] >= 0) & (ij[:, 0] < size[0]) & (ij[:, 1] >= 0) & (ij[:, 1] < size[1])]
    lum_with = luminance(with_crowd)[ij[:, 1], ij[:, 0]]
    lum_without = luminance(without)[ij[:, 1], ij[:, 0]]
    assert (lum_with - lum_without).mean() > 15.0
    assert (lum_with > lum_without).mean() > 0.8
    # Where nobody stands (the sky at the top), the crowd adds nothing.
    np.testing.assert_array_equal(with_crowd[:5], without[:5])


def test_eyes_in_the_canopy_glow(auditorium: Scene) -> None:
    g = auditorium.audience[0]
    assert g.figure == "eye"
    centre = g.pos_i.astype(np.float64).mean(axis=0)
    view = View(eye=(0.0, 2.0, 0.0), target=tuple(centre), fov=60.0, near=0.1, far=2000.0)
    size = (320, 180)
    with_eyes, _ = render(auditorium, size=size, camera=view, layers=("sky", "audience"))
    without, _ = render(auditorium, size=size, camera=view, layers=("sky",))
    px, inside = view.project(g.pos_i.astype(np.float64), size)
    ij = np.clip(np.floor(px[inside]).astype(int), 0, [size[0] - 1, size[1] - 1])
    assert len(ij) > 50
    gain = luminance(with_eyes)[ij[:, 1], ij[:, 0]] - luminance(without)[ij[:, 1], ij[:, 0]]
    assert gain.mean() > 5.0
    assert (gain > 0).mean() > 0.8


def crowd_of(scene: Scene, n: int, spread: float = 0.3) -> Scene:
    """The scene with its first audience group repeated (and jittered) up to n figures."""
    g = scene.audience[0]
    rng = np.random.default_rng(5)
    arrays = {f.name: np.resize(getattr(g, f.name), (n,) + getattr(g, f.name).shape[1:])
              for f in dataclasses.fields(g) if f.name.endswith("_i")}
    arrays["pos_i"] = arrays["pos_i"] + rng.normal(0, spread, arrays["pos_i"].shape).astype(np.float32)
    return dataclasses.replace(scene, audience=(dataclasses.replace(g, **arrays),))


def test_draw_calls_do_not_grow_with_the_crowd(silver: Scene) -> None:
    _, small = render(crowd_of(silver, 1_000))
    _, big = render(crowd_of(silver, 100_000))
    assert small["draw_calls"] == big["draw_calls"]
    assert small["layers"]["audience"] == big["layers"]["audience"] == 3


@pytest.mark.parametrize("where", ["scene camera", "overview", "inside the crowd", "close up", "eyes"])
def test_skipping_clusters_changes_no_pixel(silver: Scene, auditorium: Scene, where: str) -> None:
    # The layer leaves out of each pass the clusters it can prove draw nothing there (out of view, or all
    # too large or too small for the pass): drawing every cluster in every pass gives the same pixels.
    from scenegen.render.headless import render_image
    from scenegen.render.layers.audience import PASSES, AudienceLayer
    from scenegen.render.renderer import SceneRenderer
    scene = auditorium if where == "eyes" else crowd_of(silver, 20_000, spread=4.0)
    g = scene.audience[-1]
    mid = g.pos_i.astype(np.float64).mean(axis=0)
    first = g.pos_i[0].astype(np.float64)
    view = {"scene camera": View.from_camera(scene.camera),
            "overview": View(eye=(mid[0], mid[1] + 300.0, mid[2] + 300.0), target=tuple(mid), fov=50.0, far=3000.0),
            "inside the crowd": View(eye=(mid[0], mid[1] + 1.7, mid[2]),
                                     target=(mid[0] + 30.0, mid[1] + 1.0, mid[2] - 20.0), fov=70.0, near=0.05),
            "close up": View(eye=tuple(first + (0.0, 1.0, 1.2)), target=tuple(first + (0.0, 1.0, 0.0)), fov=60.0,
                             near=0.05),
            "eyes": View(eye=(0.0, 2.0, 0.0), target=tuple(mid), fov=60.0, near=0.1, far=2000.0)}[where]
    images, submitted, figures = [], [], 0
    for cull in (True, False):
        r = SceneRenderer(scene, layers=("sky",))
        layer = AudienceLayer(scene.audience, scene.stage, scene.lights, cull=cull)
        r.layers.append(layer)
        try:
            images.append(render_image(scene, size=(320, 180), time=1.5, camera=view, renderer=r))
            frame = r.frame(1.5, view, (320, 180))
            submitted.append(sum(sum(cnt[:n]) for grp in layer.groups
                                 for _, cnt, n in layer._ranges(grp, frame).values()))
            figures = layer.figure_count
        finally:
            r.delete()
    np.testing.assert_array_equal(images[0], images[1])
    assert submitted[1] == len(PASSES) * figures
    # It did leave some out (the trimmed auditorium's few clusters of eyes all hold work for every pass),
    # and the picture has a crowd in it.
    assert submitted[0] < submitted[1] or where == "eyes"
    assert luminance(images[0]).std() > 1.0


# ------------------------------------------------------------------------------------- determinism

def test_same_inputs_same_pixels(auditorium: Scene) -> None:
    a, _ = render(auditorium, time=3.25)
    b, _ = render(auditorium, time=3.25)
    np.testing.assert_array_equal(a, b)
    again = make(small_spec("grand-auditorium.yaml"))
    c, _ = render(again, time=3.25)
    np.testing.assert_array_equal(a, c)


def test_time_animates(silver: Scene) -> None:
    a, _ = render(silver, time=0.0)
    b, _ = render(silver, time=1.5)
    assert np.abs(a.astype(int) - b.astype(int)).max() > 10


def test_renderer_reuse_matches_fresh(silver: Scene) -> None:
    from scenegen.render.headless import render_image
    from scenegen.render.renderer import SceneRenderer
    r = SceneRenderer(silver)
    try:
        first = render_image(silver, size=SIZE, time=2.0, renderer=r)
        render_image(silver, size=(64, 48), time=9.0, renderer=r)      # a resize in between
        second = render_image(silver, size=SIZE, time=2.0, renderer=r)
    finally:
        r.delete()
    np.testing.assert_array_equal(first, second)
    fresh, _ = render(silver, time=2.0)
    np.testing.assert_array_equal(first, fresh)


# ----------------------------------------------------------------------------------------- the rest

@pytest.mark.parametrize("material, shape", [("crystal", "polygon"), ("moonlight", "rectangle"),
                                             ("liquid-silver", "disc")])
def test_every_stage_material_draws(material: str, shape: str) -> None:
    spec = small_spec("liquid-silver-stage.yaml", count=200)
    spec = dataclasses.replace(spec, stage=dataclasses.replace(spec.stage, material=material, shape=shape))
    scene = make(spec)
    from scenegen.gen.camera import scene_shot
    view = View.of(scene_shot(scene, "stage"))          # the whole stage (the example opens on its crowd)
    img, stats = render(scene, camera=view)
    stage_px = view.project(np.array([[scene.stage.center[0], scene.stage.top, scene.stage.center[1]]]), SIZE)[0][0]
    x, y = int(stage_px[0]), int(stage_px[1])
    assert luminance(img)[y - 2:y + 3, x - 2:x + 3].mean() > 40.0
    assert stats["layers"]["stage"] == 1


def test_render_png_writes_a_png(tmp_path: Path, silver: Scene) -> None:
    from scenegen.render.headless import render_png
    out = render_png(silver, tmp_path / "frame.png", size=(64, 36), time=1.0)
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert int.from_bytes(data[16:20], "big") == 64 and int.from_bytes(data[20:24], "big") == 36


def test_props_layers_draw_the_flawed_sphere(auditorium: Scene) -> None:
    sph = auditorium.props.spheres
    flawed = sph.flaws[0].sphere
    c = sph.center_i[flawed].astype(np.float64)
    view = View(eye=tuple(c + np.array([0.0, 0.5, 4.0])), target=tuple(c), fov=40.0)
    img, stats = render(auditorium, camera=view, layers=("sky", "props"))
    assert stats["layers"]["props"] == 3           # spheres, cracks (ribbons), shards
    centre = luminance(img)[40:50, 75:85].mean()
    corner = luminance(img)[:10, :10].mean()
    assert centre > corner + 30.0
