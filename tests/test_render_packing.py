"""Render packing without GL: GPU array layouts, values carried from the Scene, camera maths, shader sources."""

from __future__ import annotations

import dataclasses
import math
import re
import struct
import zlib

import numpy as np
import pytest

from scenegen.gen.scene import Scene
from scenegen.render import packing
from scenegen.render.camera import View, gl_matrix, look_at, perspective
from scenegen.render.headless import encode_png
from scenegen.render.shaders import SHADER_DIR, stage_source


def _fields(dtype: np.dtype) -> dict[str, tuple[np.dtype, int]]:
    return {name: (dtype.fields[name][0], dtype.fields[name][1]) for name in dtype.names}


# ------------------------------------------------------------------------------------------- layouts

@pytest.mark.parametrize("dtype, itemsize", [
    (packing.AUDIENCE_DTYPE, 60), (packing.STAR_DTYPE, 44), (packing.TERRAIN_DTYPE, 36),
    (packing.STAGE_DTYPE, 28), (packing.SPHERE_DTYPE, 96), (packing.SHARD_DTYPE, 76),
    (packing.CONE_DTYPE, 16), (packing.SCREEN_DTYPE, 48),
])
def test_layouts_are_packed_float32(dtype: np.dtype, itemsize: int) -> None:
    # Attribute pointers assume tightly packed float32 fields, each named a_<what> for its GLSL input.
    assert dtype.itemsize == itemsize
    for name, (sub, _) in _fields(dtype).items():
        assert name.startswith("a_")
        assert sub.base == np.dtype(np.float32)
    offsets = sorted(off for _, off in _fields(dtype).values())
    assert offsets[0] == 0


def test_audience_values_carried(small_scene: Scene) -> None:
    for group in small_scene.audience:
        data = packing.pack_audience(group)
        n = len(group.pos_i)
        assert data.dtype == packing.AUDIENCE_DTYPE and data.shape == (n,)
        assert data.strides == (60,) and data.flags.c_contiguous
        np.testing.assert_array_equal(data["a_pos"], group.pos_i)
        np.testing.assert_array_equal(data["a_size"][:, 0], group.width_i)
        np.testing.assert_array_equal(data["a_size"][:, 1], group.height_i)
        np.testing.assert_array_equal(data["a_gaze"][:, 0], group.facing_i)
        np.testing.assert_array_equal(data["a_gaze"][:, 1], group.pitch_i)
        np.testing.assert_array_equal(data["a_color"], group.color_i)
        np.testing.assert_array_equal(data["a_brightness"], group.brightness_i)
        np.testing.assert_array_equal(data["a_phase"], group.phase_i)
        np.testing.assert_array_equal(data["a_sway"][:, 0], group.sway_amplitude_i)
        np.testing.assert_array_equal(data["a_sway"][:, 1], group.sway_frequency_i)
        np.testing.assert_array_equal(data["a_shimmer"], group.shimmer_i)
        u = packing.audience_uniforms(group)
        assert u["u_mist"] == pytest.approx(group.mist)
        assert u["u_breathing"][3] == (1.0 if group.breathing_unison else 0.0)


def test_audience_packs_a_million_figures_as_one_block(small_scene: Scene) -> None:
    g = small_scene.audience[0]
    n = 1_000_000
    big = dataclasses.replace(g, **{f.name: np.resize(getattr(g, f.name), (n,) + getattr(g, f.name).shape[1:])
                                    for f in dataclasses.fields(g) if f.name.endswith("_i")})
    data = packing.pack_audience(big)
    assert data.nbytes == 60 * n
    np.testing.assert_array_equal(data["a_pos"][-1], big.pos_i[-1])


def test_terrain_grid_matches_the_terrain_record(small_scene: Scene) -> None:
    t = small_scene.terrain
    n = t.resolution
    v, idx = packing.pack_terrain(t)
    assert v.shape == (n * n,) and idx.shape == (6 * (n - 1) ** 2,) and idx.dtype == np.uint32
    assert int(idx.max()) == n * n - 1
    pos = v["a_position"].reshape(n, n, 3)
    np.testing.assert_array_equal(pos[..., 1], t.height_zx)
    assert pos[0, 0, 0] == pytest.approx(-t.size[0] / 2) and pos[0, -1, 0] == pytest.approx(t.size[0] / 2)
    assert pos[0, 0, 2] == pytest.approx(-t.size[1] / 2) and pos[-1, 0, 2] == pytest.approx(t.size[1] / 2)
    np.testing.assert_array_equal(v["a_normal"].reshape(n, n, 3), t.normal_zx)
    np.testing.assert_array_equal(v["a_color"].reshape(n, n, 3), t.color_zx)
    # Triangles face up (counter-clockwise seen from above): their normals agree with +y.
    p = v["a_position"].astype(np.float64)
    tri = idx.reshape(-1, 3)
    g = np.cross(p[tri[:, 1]] - p[tri[:, 0]], p[tri[:, 2]] - p[tri[:, 0]])
    assert (g[:, 1] > 0).all()


def test_stage_mesh(small_scene: Scene) -> None:
    s = small_scene.stage
    v, idx = packing.pack_stage(s)
    surface = v[v["a_part"] == packing.STAGE_SURFACE]
    assert np.allclose(surface["a_position"][:, 1], s.top)
    rim = v[v["a_part"] == packing.STAGE_RIM_TOP]
    assert np.allclose(rim["a_position"][:, 1], s.top + s.rim_height)
    wall = v[v["a_part"] == packing.STAGE_WALL]
    assert np.isclose(wall["a_position"][:, 1].min(), s.base)
    # Every triangle's winding agrees with its normal, so no face is culled the wrong way round.
    p = v["a_position"].astype(np.float64)
    tri = idx.reshape(-1, 3)
    g = np.cross(p[tri[:, 1]] - p[tri[:, 0]], p[tri[:, 2]] - p[tri[:, 0]])
    assert ((g * v["a_normal"][tri[:, 0]]).sum(axis=1) >= -1e-9).all()
    u = packing.stage_uniforms(s)
    o = len(s.ripple_origin_i)
    np.testing.assert_array_equal(u["u_ripple_origin"][:o, :2], s.ripple_origin_i)
    np.testing.assert_array_equal(u["u_ripple_origin"][:o, 2], s.ripple_phase_i)
    assert u["u_ripple_count"] == min(o, packing.MAX_RIPPLES)
    assert u["u_ripple"] == (s.ripple_amplitude, s.ripple_wavelength, s.ripple_speed, s.ripple_damping)


def test_polygon_stage_walls_are_flat(small_spec) -> None:
    from scenegen.gen.stage import generate_stage
    from scenegen.rng import stream
    spec = dataclasses.replace(small_spec.stage, shape="polygon", sides=6)
    s = generate_stage(spec, 0.0, stream("x", "stage"))
    v, idx = packing.pack_stage(s)
    wall = v[v["a_part"] == packing.STAGE_WALL]
    assert len(wall) == 4 * 6
    assert np.allclose(wall["a_normal"][:, 1], 0.0)


def test_stars_and_sky_uniforms(small_scene: Scene) -> None:
    sky = small_scene.sky
    stars = packing.pack_stars(sky.stars)
    np.testing.assert_array_equal(stars["a_dir"], sky.stars.dir_i)
    np.testing.assert_array_equal(stars["a_rate"], sky.stars.rate_i)
    np.testing.assert_array_equal(stars["a_tint"], sky.stars.tint_i)
    u = packing.sky_uniforms(sky)
    s = len(sky.streaks.color_s)
    assert u["u_streak_count"] == s
    assert u["u_streak_color"].shape == (packing.MAX_STREAKS, 3)
    np.testing.assert_array_equal(u["u_streak_color"][:s], sky.streaks.color_s)
    assert not u["u_streak_color"][s:].any()
    np.testing.assert_array_equal(u["u_streak_geom"][:s, 0], sky.streaks.azimuth_s)
    np.testing.assert_array_equal(u["u_neb_color"][:len(sky.nebula.color_c)], sky.nebula.color_c)
    assert u["u_sky_zenith"][0] == sky.gradient.start.zenith


def test_sky_gradient_twin(small_scene: Scene) -> None:
    sky = small_scene.sky
    g = sky.gradient
    up = packing.sky_gradient(sky, np.array([0.0, 1.0, 0.0]))
    np.testing.assert_allclose(up, g.start.zenith, atol=2e-3)
    # Level, facing away from the glow: mostly the horizon colour.
    away = packing.sky_gradient(sky, np.array([math.sin(g.glow_azimuth + math.pi), 0.0,
                                              -math.cos(g.glow_azimuth + math.pi)]))
    h, glow = np.array(g.start.horizon), np.array(g.start.glow)
    np.testing.assert_allclose(away, h + (glow - h) * 0.2 * 0.75, atol=1e-6)
    if g.to is not None:
        half = packing.sky_gradient(sky, np.array([0.0, 1.0, 0.0]), time=g.cycle / 2)
        np.testing.assert_allclose(half, g.to.zenith, atol=2e-3)


def test_props_packing(small_scene: Scene) -> None:
    sph = small_scene.props.spheres
    data = packing.pack_spheres(sph)
    np.testing.assert_array_equal(data["a_center"], sph.center_i)
    np.testing.assert_array_equal(data["a_radius"], sph.radius_i)
    for flaw in sph.flaws:
        assert data["a_flicker"][flaw.sphere, 0] == pytest.approx(flaw.flicker)
        np.testing.assert_array_equal(data["a_flicker_freq"][flaw.sphere, :len(flaw.flicker_freq_h)],
                                      flaw.flicker_freq_h[:4])
    sound = [i for i in range(len(sph.center_i)) if sph.flaw_i[i] < 0]
    assert not data["a_flicker"][sound].any()
    ribbons = packing.pack_ribbons(small_scene.props)
    cracks = ribbons[ribbons["a_kind"] == packing.RIBBON_CRACK]
    expected = sum(int((f.crack_count_k - 1).clip(0).sum()) for f in sph.flaws)
    assert len(cracks) == expected
    shards = packing.pack_shards(sph)
    assert len(shards) == sum(len(f.shard_dir_s) for f in sph.flaws)
    inst = small_scene.props.instrument
    if inst is not None:
        light = ribbons[ribbons["a_kind"] == packing.RIBBON_LIGHT]
        np.testing.assert_array_equal(light["a_p0"], inst.light_j[:-1])
        assert light["a_flow"][0, 2] == pytest.approx(inst.flow_rate)


def test_cones_stop_at_the_stage_plane(small_scene: Scene) -> None:
    lights = small_scene.lights
    v, idx = packing.pack_cones(lights)
    assert len(idx) % 3 == 0 and (idx < len(v)).all()
    for s in range(len(lights.spot_pos_s)):
        mine = v[v["a_spot"] == s]
        np.testing.assert_allclose(mine["a_position"][0], lights.spot_pos_s[s])
        assert mine["a_position"][1:, 1].min() >= lights.spot_target_s[s, 1] - 1e-4


def test_screens_packing(small_scene: Scene) -> None:
    scr = small_scene.sky.screens
    data = packing.pack_screens(scr)
    np.testing.assert_array_equal(data["a_center"], scr.center_q)
    u = packing.screen_uniforms(scr, small_scene.audience)
    assert u["u_screen_size"] == scr.size


def test_check_refuses_wrong_layouts() -> None:
    with pytest.raises(TypeError):
        packing._check(np.zeros(3, np.float64), np.float32, (3,), "x")
    with pytest.raises(ValueError):
        packing._check(np.zeros((3, 2), np.float32), np.float32, (3, 3), "x")


def test_tone_curve_keeps_dark_colours_exact() -> None:
    c = np.linspace(0.0, 0.69, 50)
    np.testing.assert_array_equal(packing.tone_curve(c), c)
    hi = packing.tone_curve(np.array([0.8, 1.2, 2.0]))
    assert (np.diff(hi) > 0).all() and hi.max() < 1.0


# -------------------------------------------------------------------------------------------- camera

def test_look_at_target_projects_to_the_centre() -> None:
    v = View(eye=(3.0, 7.0, 40.0), target=(-2.0, 1.0, 0.5), fov=50.0)
    px, inside = v.project(np.array([v.target]), (1280, 720))
    np.testing.assert_allclose(px[0], (640.0, 360.0), atol=1e-6)
    assert inside[0]
    behind = 2 * np.array(v.eye) - np.array(v.target)
    _, inside = v.project(np.array([behind]), (1280, 720))
    assert not inside[0]


def test_projection_edges_and_up() -> None:
    v = View(eye=(0.0, 0.0, 10.0), target=(0.0, 0.0, 0.0), fov=90.0)
    # fov 90°: at distance 10, y = 10 is the top edge; right of the eye is +x on screen.
    px, _ = v.project(np.array([[0.0, 10.0, 0.0], [5.0, 0.0, 0.0]]), (200, 100))
    np.testing.assert_allclose(px[0], (100.0, 0.0), atol=1e-9)
    assert px[1, 0] > 100.0


def test_matrices_agree_with_the_scene_camera(small_scene: Scene) -> None:
    cam = small_scene.camera
    v = View.from_camera(cam)
    np.testing.assert_allclose(v.view_matrix(), cam.view_matrix(), atol=1e-9)
    np.testing.assert_allclose(v.projection_matrix(16 / 9), cam.projection_matrix(16 / 9), atol=1e-9)
    np.testing.assert_allclose(look_at(cam.position, cam.look_at), cam.view_matrix(), atol=1e-9)
    np.testing.assert_allclose(perspective(cam.fov, 2.0, cam.near, cam.far), cam.projection_matrix(2.0))


def test_gl_matrix_is_column_major() -> None:
    m = np.arange(16, dtype=np.float64).reshape(4, 4)
    assert gl_matrix(m)[:4] == (0.0, 4.0, 8.0, 12.0)


def test_orbit_dolly_pan() -> None:
    v = View(eye=(0.0, 5.0, 20.0), target=(0.0, 1.0, 0.0))
    o = v.orbit(math.pi / 2, 0.0)
    assert o.distance == pytest.approx(v.distance)
    assert o.eye[0] == pytest.approx(v.distance * math.cos(math.asin(4.0 / v.distance)))
    top = v.orbit(0.0, 10.0)                       # clamped below the pole: never flips over
    assert top.eye[1] < top.target[1] + top.distance
    assert v.dolly(0.5).distance == pytest.approx(v.distance / 2)
    p = v.pan(2.0, 0.0)
    assert np.allclose(np.array(p.eye) - v.eye, np.array(p.target) - v.target)


# ------------------------------------------------------------------------------------------- shaders

def _programs() -> list[str]:
    return sorted(p.stem for p in SHADER_DIR.glob("*.glsl")
                  if "VERTEX_SHADER" in p.read_text() and "FRAGMENT_SHADER" in p.read_text())


def test_every_program_has_both_stages() -> None:
    names = _programs()
    assert {"sky", "stars", "terrain", "stage", "audience", "spheres", "ribbons", "shards", "spotlight",
            "screens", "post"} <= set(names)
    for name in names:
        for stage in ("VERTEX_SHADER", "FRAGMENT_SHADER"):
            src = stage_source(name, stage, {"MAX_SPOTS": 4})
            assert src.startswith("#version 330 core\n")
            assert f"#define {stage} 1" in src
            assert "#include" not in src
            assert "void main()" in src


def test_sources_name_their_variables_by_role() -> None:
    for path in SHADER_DIR.glob("*.glsl"):
        text = path.read_text()
        for kind, prefix in (("uniform", "u_"), ("in", "a_")):
            for m in re.finditer(rf"^{kind}\s+\w+\s+(\w+)", text, re.M):
                if kind == "in" and not m.group(1).startswith(("a_", "v_")):
                    raise AssertionError(f"{path.name}: input {m.group(1)}")
                if kind == "uniform":
                    assert m.group(1).startswith(prefix), f"{path.name}: uniform {m.group(1)}"


def test_include_cycle_is_refused(tmp_path, monkeypatch) -> None:
    from scenegen.render import shaders
    (tmp_path / "a.glsl").write_text('#include "b.glsl"\n')
    (tmp_path / "b.glsl").write_text('#include "a.glsl"\n')
    monkeypatch.setattr(shaders, "SHADER_DIR", tmp_path)
    shaders._read.cache_clear()
    try:
        with pytest.raises(ValueError):
            shaders.stage_source("a", "VERTEX_SHADER")
    finally:
        shaders._read.cache_clear()


# ----------------------------------------------------------------------------------------------- png

def test_png_encoder_round_trip() -> None:
    rng = np.random.default_rng(3)
    img = rng.integers(0, 256, size=(7, 5, 4), dtype=np.uint8)
    data = encode_png(img)
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    w, h, depth, ctype = struct.unpack(">IIBB", data[16:26])
    assert (w, h, depth, ctype) == (5, 7, 8, 6)
    i = data.index(b"IDAT")
    n = struct.unpack(">I", data[i - 4:i])[0]
    raw = np.frombuffer(zlib.decompress(data[i + 4:i + 4 + n]), np.uint8).reshape(7, 1 + 5 * 4)
    assert not raw[:, 0].any()
    np.testing.assert_array_equal(raw[:, 1:].reshape(7, 5, 4), img)
    with pytest.raises(ValueError):
        encode_png(np.zeros((2, 2), np.uint8))
