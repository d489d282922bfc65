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
    (packing.STAR_DTYPE, 44), (packing.TERRAIN_DTYPE, 36),
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


def test_audience_layout_is_compact() -> None:
    # 36 bytes a figure: float32 positions, every other field unsigned 16-bit (the shader divides by 65535).
    dtype = packing.AUDIENCE_DTYPE
    assert dtype.itemsize == 36
    fields = _fields(dtype)
    assert all(name.startswith("a_") for name in fields)
    assert fields["a_pos"] == (np.dtype((np.float32, 3)), 0)
    assert all(sub.base == np.dtype(np.uint16) for name, (sub, _) in fields.items() if name != "a_pos")


def _turns(a: np.ndarray, start: float = -math.pi) -> np.ndarray:
    return np.mod(np.asarray(a, dtype=np.float64) - start, 2 * math.pi) / (2 * math.pi)


def _same_turn(a: np.ndarray, b: np.ndarray, tol: float) -> None:
    d = np.abs(np.asarray(a, dtype=np.float64) - b)
    np.testing.assert_array_less(np.minimum(d, 1.0 - d), tol)


def test_audience_values_carried(small_scene: Scene) -> None:
    one = 1.0 / 65535.0
    for group in small_scene.audience:
        order = packing.audience_order(group)
        n = len(group.pos_i)
        np.testing.assert_array_equal(np.sort(order), np.arange(n))     # every figure once
        data = packing.pack_audience(group, order)
        assert data.dtype == packing.AUDIENCE_DTYPE and data.shape == (n,)
        assert data.strides == (36,) and data.flags.c_contiguous
        np.testing.assert_array_equal(packing.pack_audience(group), data)    # the default order is this one
        size, bright, amp, freq = packing.audience_scales(group)
        u = data["a_size"].astype(np.float64) * one
        np.testing.assert_array_equal(data["a_pos"], group.pos_i[order])
        np.testing.assert_allclose(u[:, 0] * size, group.width_i[order], atol=size * one)
        np.testing.assert_allclose(u[:, 1] * size, group.height_i[order], atol=size * one)
        c = data["a_color"].astype(np.float64) * one
        np.testing.assert_allclose(c[:, :3], group.color_i[order], atol=one)
        np.testing.assert_allclose(c[:, 3] * bright, group.brightness_i[order], atol=bright * one)
        g = data["a_gaze"].astype(np.float64) * one
        _same_turn(g[:, 0], _turns(group.facing_i[order]), 2 * one)
        _same_turn(g[:, 1], _turns(group.pitch_i[order]), 2 * one)
        m = data["a_motion"].astype(np.float64) * one
        _same_turn(m[:, 0], _turns(group.phase_i[order], 0.0), 2 * one)
        np.testing.assert_allclose(m[:, 1] * amp, group.sway_amplitude_i[order], atol=amp * one)
        np.testing.assert_allclose(m[:, 2] * freq, group.sway_frequency_i[order], atol=freq * one)
        np.testing.assert_allclose(m[:, 3], group.shimmer_i[order], atol=one)
        u = packing.audience_uniforms(group)
        assert u["u_mist"] == pytest.approx(group.mist)
        assert u["u_breathing"][3] == (1.0 if group.breathing_unison else 0.0)
        assert u["u_scale"] == (size, bright, amp, freq)


def _big(g, n: int, seed: int = 1):
    rng = np.random.default_rng(seed)
    arrays = {f.name: np.resize(getattr(g, f.name), (n,) + getattr(g, f.name).shape[1:])
              for f in dataclasses.fields(g) if f.name.endswith("_i")}
    # Spread over a field of about a square metre per figure, as a real crowd of that size would be.
    side = math.sqrt(n)
    arrays["pos_i"] = np.stack([rng.uniform(-side, side, n), rng.uniform(0.0, 3.0, n),
                                rng.uniform(-side, side, n)], -1).astype(np.float32)
    return dataclasses.replace(g, **arrays)


def test_audience_packs_a_million_figures_as_one_block(small_scene: Scene) -> None:
    big = _big(small_scene.audience[0], 1_000_000)
    order = packing.audience_order(big)
    data = packing.pack_audience(big, order)
    assert data.nbytes == 36 * 1_000_000
    np.testing.assert_array_equal(data["a_pos"][-1], big.pos_i[order[-1]])


def test_audience_clusters_are_compact_patches(small_scene: Scene) -> None:
    # Figures a cluster apart in the buffer are neighbours on the ground: each cluster's sphere holds all of
    # its figures' anchors, and is far smaller than the crowd.
    big = _big(small_scene.audience[0], 100_000)
    order = packing.audience_order(big)
    data = packing.pack_audience(big, order)
    reach = 1.4
    clusters = packing.audience_clusters(data, packing.audience_scales(big)[0], reach)
    k = packing.AUDIENCE_CLUSTER
    assert len(clusters) == -(-len(data) // k)
    np.testing.assert_array_equal(clusters["first"], np.arange(0, len(data), k))
    assert clusters["count"].sum() == len(data)
    which = np.arange(len(data)) // k
    pos = data["a_pos"].astype(np.float64)
    height = big.height_i[order].astype(np.float64)
    gap = np.linalg.norm(pos - clusters["centre"][which], axis=1)
    assert (gap + reach * height <= clusters["radius"][which] + 1e-3).all()
    assert (clusters["height"][which, 0] <= height).all() and (height <= clusters["height"][which, 1]).all()
    crowd = np.linalg.norm(pos.max(axis=0) - pos.min(axis=0)) / 2
    assert np.median(clusters["radius"]) < crowd / 10


def _figure_px(pos: np.ndarray, view: np.ndarray, projection: np.ndarray, size) -> tuple[np.ndarray, np.ndarray]:
    """The vertex shader's own: clip position of each point, and pixels per metre there."""
    clip = np.c_[pos, np.ones(len(pos))] @ (projection @ view).T
    return clip, projection[1, 1] * 0.5 * size[1] / np.maximum(clip[:, 3], 1e-4)


@pytest.mark.parametrize("eye, target", [((0.0, 30.0, 120.0), (0.0, 0.0, 0.0)),     # all of it, from afar
                                         ((5.0, 2.0, 0.0), (40.0, 1.0, -30.0)),     # from inside the crowd
                                         ((0.0, 400.0, 1.0), (0.0, 0.0, 0.0))])     # straight down
def test_cluster_sizes_bound_every_figure(small_scene: Scene, eye, target) -> None:
    # What a frame skips must hold nothing the shader would draw: a figure inside the view belongs to a
    # cluster in view, and its pixels per metre lie within its cluster's bounds.
    big = _big(small_scene.audience[0], 20_000, seed=3)
    order = packing.audience_order(big)
    data = packing.pack_audience(big, order)
    clusters = packing.audience_clusters(data, packing.audience_scales(big)[0], 1.4)
    size = (320, 180)
    v = View(eye=eye, target=target, fov=60.0, near=0.1, far=2000.0)
    view, projection = v.view_matrix(), v.projection_matrix(size[0] / size[1])
    seen, least, most = packing.cluster_sizes(clusters, view, projection, size)
    which = np.arange(len(data)) // packing.AUDIENCE_CLUSTER
    clip, px = _figure_px(data["a_pos"].astype(np.float64), view, projection, size)
    w = clip[:, 3]
    inside = (w > 0) & (np.abs(clip[:, :3]) <= w[:, None]).all(axis=1)
    assert inside.any()
    assert seen[which[inside]].all()
    ahead = w > 1e-3
    assert (least[which[ahead]] <= px[ahead] * (1 + 1e-6)).all()
    assert (px[ahead] <= most[which[ahead]] * (1 + 1e-6)).all()
    assert not seen.all() or eye[1] > 100       # from inside the crowd, some of it lies behind


def test_cluster_ranges_merge_neighbours() -> None:
    clusters = np.zeros(5, dtype=packing.CLUSTER_DTYPE)
    clusters["first"] = [0, 256, 512, 768, 1024]
    clusters["count"] = [256, 256, 256, 256, 7]
    first, count = packing.cluster_ranges(clusters, np.array([1, 1, 0, 1, 1], dtype=bool))
    np.testing.assert_array_equal(first, [0, 768])
    np.testing.assert_array_equal(count, [512, 263])
    assert first.dtype == count.dtype == np.int32
    first, count = packing.cluster_ranges(clusters, np.zeros(5, dtype=bool))
    assert len(first) == len(count) == 0


def test_folded_outline_is_the_same_field() -> None:
    # The shader's figure_sdf folds each pair of limbs into one at |x| and measures its upright and level
    # segments without a division: the numpy twin of that folding gives the same field as the plain one.
    x, y = np.meshgrid(np.linspace(-0.7, 0.7, 141), np.linspace(-0.1, 1.1, 121))
    for wr in (0.12, 0.28, 0.375, 0.6):
        sh = 0.5 * wr
        ax = np.abs(x)

        def seg(px, py, a, b, r):
            return packing._capsule(px, py, a, b, r)

        head = np.hypot(x, y - 0.905) - 0.066
        neck = np.hypot(x, y - np.clip(y, 0.80, 0.87)) - 0.032
        shoulders = np.hypot(np.maximum(ax - abs(sh - 0.05), 0.0), y - 0.775) - 0.048
        ty = np.clip(y, 0.42, 0.72)
        torso = np.hypot(x, y - ty) - sh * (0.55 + 0.23 * (ty - 0.42) / 0.3)
        arms = seg(ax, y, (sh - 0.045, 0.765), (sh - 0.02, 0.44), 0.034)
        legs = seg(ax, y, (0.055, 0.44), (0.065, 0.03), 0.05)
        d = packing._smin(head, neck, 0.02)
        for part, k in ((shoulders, 0.03), (torso, 0.05), (arms, 0.02), (legs, 0.06)):
            d = packing._smin(d, part, k)
        np.testing.assert_allclose(d, packing.silhouette_sdf(x, y, wr), atol=1e-12)


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
    v, _idx = packing.pack_stage(s)
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
