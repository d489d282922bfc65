"""glTF export: the Khronos validator passes every example, a library that is not ours reads back what we
wrote (pygltflib), the bytes are golden, and the files are written atomically."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import io
import json
import math
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pytest

from scenegen.export import gltf as gltf_module
from scenegen.export.gltf import export_gltf, gltf_bytes, gltf_document, look_rotation, uv_sphere
from scenegen.gen.scene import Scene, generate
from scenegen.seedfile import load_seed, parse_seed, spec_to_data

from .conftest import EXAMPLES, ROOT

JS = ROOT / "tests" / "js"
# The .glb of the conftest SMALL scene. It changes only on purpose (the exporter or the generators
# changed what they make); a change that was not meant to move it is a determinism bug.
GOLDEN_SMALL_GLB = "c5ef3c0e35df079795b555e364e9767d01d52d62c4464e97aec44d6d1f032585"

# What the validator may say about our files, and why (all are infos, none a warning or error):
#   UNSUPPORTED_EXTENSION  it cannot check EXT_mesh_gpu_instancing (not among its extensions);
#   UNUSED_OBJECT          the accessors only that extension uses (it does not see them used);
#   INCOMPLETE_EXTENSION_SUPPORT  it checks KHR_animation_pointer's channels only in part.
ALLOWED_INFOS = {"UNSUPPORTED_EXTENSION", "UNUSED_OBJECT", "INCOMPLETE_EXTENSION_SUPPORT"}

EDGE = """
seed: edges
terrain: {resolution: 17, size: [60, 40]}
stage: {shape: polygon, sides: 6, radius: 5, material: crystal, rim: {height: 0}}
audience: []
props: {spheres: {count: 0}, instrument: {enabled: false}}
sky: {stars: {count: 0}}
lights: {spotlights: []}
"""

EDGE_2 = """
seed: 12
terrain: {resolution: 9, size: [30, 30]}
stage: {shape: rectangle, size: [6, 4], rotation: 30, material: liquid-silver}
audience: [{layout: scatter, count: 5, spacing: 2}]
props: {spheres: {count: 1, flawed: [0], flaw: {fractures: 0}}}
lights: {spotlights: [{target: stage, position: [0, 10, 0], softness: 0}]}
"""


# ------------------------------------------------------------------------------------------- helpers

def _validator() -> tuple[str, Path] | None:
    node = shutil.which("node")
    script = JS / "validate.mjs"
    if node is None or not (JS / "node_modules" / "gltf-validator").is_dir():
        return None
    return node, script


def validate(paths: list[Path]) -> list[dict[str, Any]]:
    """Validator reports of the files; fails (in CI, or when asked to) or skips when it is missing."""
    found = _validator()
    if found is None:
        why = ("the Khronos glTF-Validator is not installed: needs node and `npm ci --prefix tests/js` "
               "(./dev.sh test does both)")
        if os.environ.get("CI") or os.environ.get("SCENEGEN_REQUIRE_GLTF_VALIDATOR") == "1":
            pytest.fail(why)
        pytest.skip(why)
    node, script = found
    out = subprocess.run([node, str(script), *map(str, paths)], capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def check_report(report: dict[str, Any], doc: dict[str, Any]) -> None:
    issues = report["issues"]
    bad = [m for m in issues["messages"] if m["severity"] < 2]
    assert issues["numErrors"] == 0 and issues["numWarnings"] == 0, bad
    codes = {m["code"] for m in issues["messages"]}
    assert codes <= ALLOWED_INFOS, codes
    instanced = {a for n in doc.get("nodes", []) for a in
                 n.get("extensions", {}).get("EXT_mesh_gpu_instancing", {}).get("attributes", {}).values()}
    for m in issues["messages"]:
        if m["code"] == "UNUSED_OBJECT":
            assert m["pointer"].startswith("/accessors/"), m
            assert int(m["pointer"].split("/")[-1]) in instanced, m
        if m["code"] == "UNSUPPORTED_EXTENSION":
            assert "EXT_mesh_gpu_instancing" in m["message"], m
        if m["code"] == "INCOMPLETE_EXTENSION_SUPPORT":
            assert m["pointer"].endswith("/target/extensions/KHR_animation_pointer"), m


def small_crowds(scene_spec: Any, most: int) -> Any:
    groups = tuple(dataclasses.replace(g, count=min(g.count, most)) for g in scene_spec.audience)
    return dataclasses.replace(scene_spec, audience=groups)


class Read:
    """A glTF file read back by pygltflib; accessor data decoded from the buffer pygltflib hands out."""

    _DTYPES: ClassVar[dict[int, str]] = {5126: "<f4", 5125: "<u4", 5123: "<u2", 5121: "u1"}
    _WIDTH: ClassVar[dict[str, int]] = {"SCALAR": 1, "VEC2": 2, "VEC3": 3, "VEC4": 4}

    def __init__(self, path: Path) -> None:
        # Only the read-back tests need it: the validator runs without it.
        pygltflib = pytest.importorskip("pygltflib", reason="pygltflib reads our glTF back (pip install pygltflib)")
        self.g = pygltflib.GLTF2().load(str(path))
        uri = self.g.buffers[0].uri
        if uri is None:
            self.blob = self.g.binary_blob()
        elif uri.startswith("data:"):
            self.blob = self.g.get_data_from_buffer_uri(uri)
        else:
            self.blob = (path.parent / uri).read_bytes()
        assert len(self.blob) >= self.g.buffers[0].byteLength

    def array(self, index: int) -> np.ndarray:
        acc = self.g.accessors[index]
        view = self.g.bufferViews[acc.bufferView]
        width = self._WIDTH[acc.type]
        dtype = np.dtype(self._DTYPES[acc.componentType])
        start = (view.byteOffset or 0) + (acc.byteOffset or 0)
        data = np.frombuffer(self.blob, dtype=dtype, count=acc.count * width, offset=start)
        return data.reshape(acc.count, width) if width > 1 else data

    def node(self, name: str) -> Any:
        (node,) = [n for n in self.g.nodes if n.name == name]
        return node

    def mesh_of(self, name: str) -> Any:
        return self.g.meshes[self.node(name).mesh]

    def instances(self, name: str) -> dict[str, np.ndarray]:
        """A group's EXT_mesh_gpu_instancing attributes gathered from its phase sub-groups, in the group's
        figure order (each sub-group's _FIGURE says where its figures belong)."""
        node = self.node(name)
        assert node.mesh is None and node.children
        parts = [self.g.nodes[k].extensions["EXT_mesh_gpu_instancing"]["attributes"] for k in node.children]
        order = np.concatenate([self.array(a["_FIGURE"]) for a in parts]).astype(np.int64)
        assert np.array_equal(np.sort(order), np.arange(len(order)))            # every figure once
        out = {}
        for key in parts[0]:
            data = np.concatenate([self.array(a[key]) for a in parts])
            out[key] = np.empty_like(data)
            out[key][order] = data
        return out


def rotate(q: Any, v: Any) -> np.ndarray:
    """Rotate vectors v (…, 3) by unit quaternions q (…, 4) given as (x, y, z, w)."""
    q = np.asarray(q, dtype=np.float64)
    v = np.asarray(v, dtype=np.float64)
    u, w = q[..., :3], q[..., 3:4]
    t = 2.0 * np.cross(u, v)
    return v + w * t + np.cross(u, t)


@pytest.fixture(scope="module")
def small_glb(small_scene: Scene, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("gltf") / "small.glb"
    export_gltf(small_scene, path)
    return path


# ----------------------------------------------------------------------------------------- validator

def test_validator_passes_every_example(tmp_path: Path) -> None:
    paths, docs = [], []
    for seed in EXAMPLES:
        spec = load_seed(seed)
        scene = generate(spec)                   # in full: the crowds as they are, 250,000 eyes included
        path = tmp_path / f"{seed.stem}.glb"
        export_gltf(scene, path)
        paths.append(path)
        docs.append(gltf_document(scene)[0])
    for report, doc in zip(validate(paths), docs):
        check_report(report, doc)


def test_validator_passes_every_layout(small_scene: Scene, tmp_path: Path) -> None:
    scenes = {"small": small_scene, "edge": generate(parse_seed(EDGE)), "edge2": generate(parse_seed(EDGE_2)),
              "amphitheatre": generate(small_crowds(parse_seed("extends: amphitheatre\nseed: 3"), 500))}
    paths, docs = [], []
    for name, scene in scenes.items():
        doc = gltf_document(scene)[0]
        for suffix, embed in ((".glb", True), (".gltf", True), ("-side.gltf", False)):
            path = tmp_path / f"{name}{suffix}"
            export_gltf(scene, path, embed=embed)
            paths.append(path)
            docs.append(doc)
        path = tmp_path / f"{name}-nodes.glb"                 # the crowd as a node per figure
        export_gltf(scene, path, instances="nodes")
        paths.append(path)
        docs.append(gltf_document(scene, "nodes")[0])
        path = tmp_path / f"{name}-still.glb"                 # the crowd without morph targets (Blender)
        export_gltf(scene, path, crowd_motion="still")
        paths.append(path)
        still = gltf_document(scene, crowd_motion="still")[0]
        assert not any("targets" in p for m in still.get("meshes", []) for p in m["primitives"])
        docs.append(still)
    for report, doc in zip(validate(paths), docs):
        check_report(report, doc)


# ----------------------------------------------------------------------------------------- read back

def test_terrain_reads_back(small_scene: Scene, small_glb: Path) -> None:
    r = Read(small_glb)
    t = small_scene.terrain
    n = t.resolution
    (prim,) = r.mesh_of("terrain").primitives
    pos = r.array(prim.attributes.POSITION).reshape(n, n, 3)
    assert np.array_equal(pos[..., 1], t.height_zx)
    xs = (np.arange(n) / (n - 1) - 0.5) * t.size[0]
    zs = (np.arange(n) / (n - 1) - 0.5) * t.size[1]
    assert np.allclose(pos[0, :, 0], xs, atol=1e-5) and np.allclose(pos[:, 0, 2], zs, atol=1e-5)
    assert np.array_equal(r.array(prim.attributes.NORMAL).reshape(n, n, 3), t.normal_zx)
    rgba = r.array(prim.attributes.COLOR_0).reshape(n, n, 4)
    assert np.array_equal(rgba[..., :3], t.color_zx) and (rgba[..., 3] == 1.0).all()
    acc = r.g.accessors[prim.attributes.POSITION]
    assert acc.min == pos.reshape(-1, 3).min(axis=0).tolist() and acc.max == pos.reshape(-1, 3).max(axis=0).tolist()
    idx = r.array(prim.indices).reshape(-1, 3)
    assert len(idx) == 2 * (n - 1) ** 2 and idx.max() == n * n - 1
    # Front faces (counter-clockwise) look up.
    p = pos.reshape(-1, 3).astype(np.float64)
    g = np.cross(p[idx[:, 1]] - p[idx[:, 0]], p[idx[:, 2]] - p[idx[:, 0]])
    assert (g[:, 1] > 0).all()


def test_audience_instances_read_back(small_scene: Scene, small_glb: Path) -> None:
    r = Read(small_glb)
    assert "EXT_mesh_gpu_instancing" in r.g.extensionsUsed
    assert not r.g.extensionsRequired
    for group in small_scene.audience:
        node = r.node(group.name)
        attrs = r.instances(group.name)
        rel = attrs["TRANSLATION"].astype(np.float64)
        world = np.asarray(node.translation, dtype=np.float64) + rel
        assert node.translation == group.pos_i[0].tolist()
        tol = 4 * float(np.spacing(np.float32(np.abs(group.pos_i).max())))
        assert np.abs(world - group.pos_i).max() <= tol
        assert np.array_equal(attrs["SCALE"], np.stack([group.width_i, group.height_i, group.width_i], axis=1))
        assert np.array_equal(attrs["_COLOR_0"], group.color_i * group.brightness_i[:, None])
        assert np.array_equal(attrs["_PHASE"], group.phase_i)
        assert np.array_equal(attrs["_SWAY"], np.stack([group.sway_amplitude_i, group.sway_frequency_i], axis=1))
        q = attrs["ROTATION"]
        assert np.allclose(np.linalg.norm(q.astype(np.float64), axis=1), 1.0, atol=1e-6)
        front = rotate(q, [0.0, 0.0, 1.0])
        yaw, pitch = group.facing_i.astype(np.float64), group.pitch_i.astype(np.float64)
        want = np.stack([np.cos(pitch) * np.sin(yaw), np.sin(pitch), np.cos(pitch) * np.cos(yaw)], axis=1)
        assert np.allclose(front, want, atol=1e-6)
        assert node.extras["placed"] == group.placed and node.extras["mist"] == group.mist
        assert node.extras["breathing"]["rate"] == group.breathing_rate


def test_audience_as_nodes_reads_back(small_scene: Scene, tmp_path: Path) -> None:
    """For viewers without EXT_mesh_gpu_instancing: every figure its own node, where the instance was."""
    path = tmp_path / "nodes.glb"
    export_gltf(small_scene, path, instances="nodes")
    r = Read(path)
    assert "EXT_mesh_gpu_instancing" not in (r.g.extensionsUsed or [])
    export_gltf(small_scene, tmp_path / "gpu.glb")
    gpu = Read(tmp_path / "gpu.glb")
    for group in small_scene.audience:
        node = r.node(group.name)
        assert node.mesh is None and len(node.children) == len(group.pos_i)
        kids = [r.g.nodes[k] for k in node.children]
        assert len({k.mesh for k in kids}) == 1                       # one mesh, shared
        world = np.asarray(node.translation, dtype=np.float64) + np.array([k.translation for k in kids])
        tol = 4 * float(np.spacing(np.float32(np.abs(group.pos_i).max())))
        assert np.abs(world - group.pos_i).max() <= tol
        # The same transforms as the instances, to the bit.
        attrs = gpu.instances(group.name)
        for key, field in (("TRANSLATION", "translation"), ("ROTATION", "rotation"), ("SCALE", "scale")):
            assert np.array_equal(np.array([getattr(k, field) for k in kids], dtype=np.float32), attrs[key]), key
        mat = r.g.materials[r.g.meshes[kids[0].mesh].primitives[0].material]
        want = np.clip((group.color_i * group.brightness_i[:, None]).astype(np.float64).mean(axis=0), 0, 1)
        assert np.allclose(mat.pbrMetallicRoughness.baseColorFactor[:3], want, atol=1e-9)
    with pytest.raises(ValueError, match="instances"):
        gltf_document(small_scene, "sprites")


def test_camera_reads_back(small_scene: Scene, small_glb: Path) -> None:
    r = Read(small_glb)
    cam = small_scene.camera
    node = r.node("camera")
    persp = r.g.cameras[node.camera].perspective
    assert persp.yfov == math.radians(cam.fov)
    assert (persp.znear, persp.zfar, persp.aspectRatio) == (cam.near, cam.far, cam.aspect)
    assert node.translation == list(cam.position)
    # glTF cameras look down their −z with +y up.
    forward = np.array(cam.look_at) - np.array(cam.position)
    assert np.allclose(rotate(node.rotation, [0, 0, -1]), forward / np.linalg.norm(forward), atol=1e-12)
    up = rotate(node.rotation, [0, 1, 0])
    assert up[1] > 0 and abs(np.dot(up, forward)) < 1e-9


def test_metadata_and_props_read_back(small_scene: Scene, small_glb: Path) -> None:
    r = Read(small_glb)
    s = small_scene
    for extras in (r.g.asset.extras, r.g.scenes[0].extras):
        assert extras["seed"] == s.seed and extras["seed_hex"] == s.seed_hex
        assert extras["spec_hash"] == s.spec_hash and extras["generator_version"] == s.generator_version
    ex = r.g.scenes[0].extras
    assert ex["spec"] == json.loads(json.dumps(spec_to_data(s.spec)))
    sp = s.props.spheres
    assert [t["tone_hz"] for t in ex["sphere_tones"]] == sp.tone_hz_i.tolist()
    assert [t["sound_hz"] for t in ex["sphere_tones"]] == sp.sound_hz_i.tolist()
    assert ex["ambient"]["intensity"] == s.lights.ambient_intensity
    for i in range(len(sp.center_i)):
        node = r.node(f"sphere {i}")
        assert node.translation == sp.center_i[i].tolist()
        assert node.scale == [float(sp.radius_i[i])] * 3
        assert node.extras["tone_hz"] == float(sp.tone_hz_i[i])
        mat = r.g.materials[r.g.meshes[node.mesh].primitives[0].material]
        # Glow 2.5 is above glTF's emissive range: the strength extension carries it.
        assert mat.extensions["KHR_materials_emissive_strength"]["emissiveStrength"] == pytest.approx(
            float(sp.glow_i[i]) * float(max(sp.color_i[i])))
        assert mat.extensions["KHR_materials_transmission"]["transmissionFactor"] > 0
    flawed = r.node(f"sphere {sp.flaws[0].sphere}")
    assert flawed.extras["flaw"]["flicker"] == sp.flaws[0].flicker
    cracks = r.g.nodes[flawed.children[0]]
    (prim,) = r.g.meshes[cracks.mesh].primitives
    assert prim.mode == 1                                      # LINES
    pts = r.array(prim.attributes.POSITION)
    assert np.allclose(pts, sp.flaws[0].crack_point_j * gltf_module._CRACK_LIFT, atol=1e-6)
    stage = r.node("stage")
    assert stage.extras["ripple"]["amplitude"] == s.stage.ripple_amplitude
    body = r.g.materials[r.g.meshes[stage.mesh].primitives[0].material]
    assert body.pbrMetallicRoughness.baseColorFactor[:3] == list(s.stage.color)
    assert body.pbrMetallicRoughness.roughnessFactor == s.stage.roughness
    sky = r.g.meshes[r.node("sky").mesh]
    assert r.g.materials[sky.primitives[1].material].extensions == {"KHR_materials_unlit": {}}
    stars = [p for p in sky.primitives if p.mode == 0]
    assert len(stars) == 1 and r.g.accessors[stars[0].attributes.POSITION].count == len(s.sky.stars.dir_i)


def test_sky_dome_glows_with_the_rendered_sky(small_scene: Scene, small_glb: Path) -> None:
    """The dome's texture, read back with Pillow through the file's own texture coordinates, holds the sky
    our renderer draws (its numpy twin, which the GL tests hold to the shader) in each vertex's direction."""
    from PIL import Image

    from scenegen.color import linear_to_srgb
    from scenegen.skylook import sky_color

    r = Read(small_glb)
    node = r.node("sky")
    dome = r.g.meshes[node.mesh].primitives[0]
    mat = r.g.materials[dome.material]
    # It glows by itself (seen by reflections and bounce light too), with no lit colour of its own.
    assert mat.pbrMetallicRoughness.baseColorFactor[:3] == [0.0, 0.0, 0.0]
    # Its strength is there for the sky cycle's animation to point at, and is 1 in the still file.
    assert mat.extensions == {"KHR_materials_emissive_strength": {"emissiveStrength": 1.0}}
    assert mat.emissiveFactor == [1.0, 1.0, 1.0]
    tex = r.g.textures[mat.emissiveTexture.index]
    image = r.g.images[tex.source]
    assert image.mimeType == "image/png"
    view = r.g.bufferViews[image.bufferView]
    png = r.blob[view.byteOffset:view.byteOffset + view.byteLength]
    img = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(np.float64)
    assert img.shape == (gltf_module._SKY_TEXTURE[1], gltf_module._SKY_TEXTURE[0], 3)
    sampler = r.g.samplers[tex.sampler]
    assert (sampler.wrapS, sampler.wrapT) == (10497, 33071)         # round the azimuth, held at the ends
    pos = r.array(dome.attributes.POSITION).astype(np.float64)
    uv = r.array(dome.attributes.TEXCOORD_0).astype(np.float64)
    dirs = pos - np.array(node.extras["center"])
    dirs /= np.linalg.norm(dirs, axis=1, keepdims=True)
    # Away from the poles and the seam, and above the texture's lowest row: bilinear samples there.
    keep = (np.abs(dirs[:, 1]) < 0.95) & (uv[:, 0] > 0.01) & (uv[:, 0] < 0.99) & (uv[:, 1] < 0.99)
    assert keep.sum() > 2000
    h, w = img.shape[:2]
    x, y = uv[keep, 0] * w - 0.5, uv[keep, 1] * h - 0.5
    x0, y0 = np.floor(x).astype(int), np.floor(y).astype(int)
    fx, fy = (x - x0)[:, None], (y - y0)[:, None]
    got = ((img[y0, x0] * (1 - fx) + img[y0, x0 + 1] * fx) * (1 - fy)
           + (img[y0 + 1, x0] * (1 - fx) + img[y0 + 1, x0 + 1] * fx) * fy)
    want = linear_to_srgb(np.clip(sky_color(small_scene.sky, dirs[keep]), 0.0, 1.0)) * 255.0
    diff = np.abs(got - want)
    # Bilinear between texels 0.35° apart against the exact value: close everywhere, closer on average.
    assert np.median(diff) < 1.5 and np.percentile(diff, 99) < 12.0, (np.median(diff), np.percentile(diff, 99))
    # The sky is not one colour: the streaks and nebula made it into the texture.
    assert img.reshape(-1, 3).std(axis=0).max() > 10.0


@pytest.mark.parametrize("size", [0, 1, 65535, 65536, 200_003])
def test_stored_png_data_is_plain_zlib(size: int) -> None:
    """The sky texture's PNG is stored, not deflated (the same bytes from any zlib): any zlib reads it."""
    import zlib

    from scenegen.export.heightmap import _stored_zlib

    data = np.random.default_rng(size).integers(0, 256, size, dtype=np.uint8).tobytes()
    assert zlib.decompress(_stored_zlib(data)) == data


def test_fog_for_viewers_in_extras(small_scene: Scene, small_glb: Path) -> None:
    from scenegen.render import packing
    from scenegen.skylook import sky_fog

    fog = Read(small_glb).g.scenes[0].extras["fog"]
    assert fog["distance"] == packing.fog_distance(small_scene.terrain) and fog["exponent"] == packing.FOG_EXPONENT
    cam = small_scene.camera
    ahead = np.subtract(cam.look_at, cam.position)
    want = sky_fog(small_scene.sky, ahead / np.linalg.norm(ahead))
    assert np.allclose(fog["color"], want, atol=1e-6)
    # Towards the horizon glow the fog is the glow's colour, not the zenith's.
    g = small_scene.sky.gradient.start
    assert np.linalg.norm(np.subtract(fog["color"], g.zenith)) > 0.05


def test_lights_read_back(small_scene: Scene, small_glb: Path) -> None:
    r = Read(small_glb)
    lights = r.g.extensions["KHR_lights_punctual"]["lights"]
    L = small_scene.lights
    key = r.node("key light")
    assert lights[key.extensions["KHR_lights_punctual"]["light"]]["type"] == "directional"
    assert np.allclose(rotate(key.rotation, [0, 0, -1]), L.key_direction, atol=1e-12)
    for i in range(len(L.spot_pos_s)):
        node = r.node(f"spotlight {i}")
        light = lights[node.extensions["KHR_lights_punctual"]["light"]]
        assert light["type"] == "spot"
        cone = light["spot"]
        assert 0 <= cone["innerConeAngle"] < cone["outerConeAngle"] == float(L.spot_cone_s[i]) <= math.pi / 2
        assert np.allclose(rotate(node.rotation, [0, 0, -1]), L.spot_dir_s[i], atol=1e-6)
        assert node.translation == L.spot_pos_s[i].tolist()


def test_gltf_forms_hold_the_same_buffer(small_scene: Scene, tmp_path: Path) -> None:
    export_gltf(small_scene, tmp_path / "a.glb")
    export_gltf(small_scene, tmp_path / "b.gltf")
    written = export_gltf(small_scene, tmp_path / "c.gltf", embed=False)
    assert written == [tmp_path / "c.gltf", tmp_path / "c.bin"]
    blobs = [Read(tmp_path / n).blob for n in ("a.glb", "b.gltf", "c.gltf")]
    size = len(blobs[1])
    assert blobs[0][:size] == blobs[1] == blobs[2] and set(blobs[0][size:]) <= {0}
    doc = json.loads((tmp_path / "c.gltf").read_text())
    assert doc["buffers"] == [{"byteLength": size, "uri": "c.bin"}]
    embedded = json.loads((tmp_path / "b.gltf").read_text())
    assert base64.b64decode(embedded["buffers"][0]["uri"].split(",", 1)[1]) == blobs[1]


def test_layout_rules(small_scene: Scene) -> None:
    doc, blob = gltf_document(small_scene)
    assert len(blob) % 4 == 0
    for view in doc["bufferViews"]:
        assert view["byteOffset"] % 4 == 0 and view["byteOffset"] + view["byteLength"] <= len(blob)
    for acc in doc["accessors"]:
        assert acc["count"] > 0
        assert "byteOffset" not in acc                     # one accessor per view, tightly packed
    for mesh in doc["meshes"]:
        for prim in mesh["primitives"]:
            assert "min" in doc["accessors"][prim["attributes"]["POSITION"]]
    assert "extensionsRequired" not in doc


# ------------------------------------------------------------------------------------- determinism

def test_golden_small_glb(small_scene: Scene) -> None:
    data, _ = gltf_bytes(small_scene)
    assert hashlib.sha256(data).hexdigest() == GOLDEN_SMALL_GLB
    assert gltf_bytes(small_scene)[0] == data


def test_glb_is_streamed_from_the_arrays(small_scene: Scene, tmp_path: Path) -> None:
    # The file goes out piece by piece, the buffer's pieces being views of the arrays, never one joined copy.
    main, side = gltf_module._file_pieces(small_scene, True, None, "gpu")
    assert side is None and len(main) > 10
    normals = small_scene.terrain.normal_zx
    assert any(isinstance(p, memoryview) and np.shares_memory(np.frombuffer(p, np.uint8), normals) for p in main)
    export_gltf(small_scene, tmp_path / "s.glb")
    assert (tmp_path / "s.glb").read_bytes() == b"".join(main) == gltf_bytes(small_scene)[0]


# ---------------------------------------------------------------------------------------- geometry

@pytest.mark.parametrize("slices,stacks", [(3, 2), (8, 5), (48, 24)])
def test_uv_sphere_is_closed_and_outward(slices: int, stacks: int) -> None:
    pos, tris = uv_sphere(slices, stacks)
    p = pos.astype(np.float64)
    g = np.cross(p[tris[:, 1]] - p[tris[:, 0]], p[tris[:, 2]] - p[tris[:, 0]])
    area = np.linalg.norm(g, axis=1)
    assert (area > 1e-9).all()                              # no degenerate triangles at the poles
    centroid = p[tris].mean(axis=1)
    assert ((g * centroid).sum(axis=1) > 0).all()           # counter-clockwise seen from outside
    assert np.allclose(np.linalg.norm(p, axis=1), 1.0, atol=1e-6)


def test_look_rotation_points_minus_z() -> None:
    for forward in ([0, 0, -1], [1, 0, 0], [0, -1, 0], [0, 1, 0], [0.3, -1.0, -0.5]):
        q = look_rotation(forward)
        f = np.array(forward, dtype=np.float64)
        assert np.allclose(rotate(q, [0, 0, -1]), f / np.linalg.norm(f), atol=1e-12)
        assert abs(np.linalg.norm(q) - 1.0) < 1e-12


# ----------------------------------------------------------------------------------------- writing

def test_suffix_decides_the_form(small_scene: Scene, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"glb or \.gltf"):
        export_gltf(small_scene, tmp_path / "scene.obj")
    export_gltf(small_scene, tmp_path / "scene.bin3d", binary=True)
    assert (tmp_path / "scene.bin3d").read_bytes()[:4] == b"glTF"


def test_nothing_half_written(small_scene: Scene, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "s.gltf").write_text("old")
    calls = []
    real = os.fsync

    def failing(fd: int) -> None:
        calls.append(fd)
        if len(calls) == 2:                                  # the .bin is written, the .gltf fails
            raise OSError("disk full")
        real(fd)

    monkeypatch.setattr(gltf_module.os, "fsync", failing)
    with pytest.raises(OSError, match="disk full"):
        export_gltf(small_scene, tmp_path / "s.gltf", embed=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.gltf"]
    assert (tmp_path / "s.gltf").read_text() == "old"


def test_material_names_are_unique_and_carry_the_scene(small_scene: Scene) -> None:
    # Godot's importer keys materials by name: two spheres named alike would share one colour, and
    # two files with a "sky" would share one sky.
    doc = gltf_document(small_scene)[0]
    names = [m["name"] for m in doc["materials"]]
    assert len(set(names)) == len(names)
    assert all(n.startswith(f"{small_scene.name}: ") for n in names)
    spheres = small_scene.props.spheres
    used = {doc["meshes"][n["mesh"]]["primitives"][0]["material"] for n in doc["nodes"]
            if n["name"].startswith("sphere ")}
    assert len(used) == len(spheres.center_i) > 1          # a material of its own per sphere
