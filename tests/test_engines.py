"""Exports as other programs take them: the scene JSON read in plain JavaScript, and the README's key table."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from scenegen.export.gltf import terrain_arrays
from scenegen.export.json import KEYS_BEGIN, KEYS_END, export_json, keys_markdown, scene_keys
from scenegen.gen.scene import Scene

from .conftest import ROOT

JS = ROOT / "tests" / "js"
README = (ROOT / "README.md").read_text(encoding="utf-8")


def node() -> str:
    found = shutil.which("node")
    if found is None:
        pytest.fail("node is needed (./dev.sh test installs it)")
    return found


def test_readme_names_every_scene_json_key() -> None:
    start, end = README.index(KEYS_BEGIN), README.index(KEYS_END) + len(KEYS_END)
    assert README[start:end] == keys_markdown(), "regenerate: python -m scenegen.export.json"
    keys = [k for k, _, _ in scene_keys()]
    assert len(keys) == len(set(keys)) and {"terrain.height_zx", "audience[].pos_i", "camera.fov"} <= set(keys)
    assert all(d for _, _, d in scene_keys())              # every key says what it is


@pytest.mark.parametrize("inline", [False, True])
def test_javascript_reader_recovers_heights_and_figures_exactly(small_scene: Scene, tmp_path: Path,
                                                                inline: bool) -> None:
    path = tmp_path / "s.json"
    export_json(small_scene, path, inline=inline)
    out = subprocess.run([node(), str(JS / "read_scene_cli.mjs"), str(path)], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout)
    pos, _ = terrain_arrays(small_scene.terrain)
    assert np.array_equal(np.array(got["terrain"], dtype=np.float32).reshape(-1, 3), pos)
    assert np.array_equal(np.array(got["terrain"], dtype=np.float64).reshape(-1, 3), pos.astype(np.float64))
    assert [g["name"] for g in got["figures"]] == [g.name for g in small_scene.audience]
    for g, mine in zip(got["figures"], small_scene.audience):
        # Bit for bit: the float64 JavaScript holds is the float32 itself.
        assert np.array_equal(np.array(g["pos"], dtype=np.float64).reshape(-1, 3), mine.pos_i.astype(np.float64))
        assert np.array_equal(np.array(g["yaw"], dtype=np.float64), mine.facing_i.astype(np.float64))


# ------------------------------------------------------------------------------------------ animations

def resolve_pointer(doc: dict, pointer: str) -> Any:
    """The value a KHR_animation_pointer names in the glTF JSON (a KeyError/IndexError if it names nothing)."""
    v: Any = doc
    for part in pointer.strip("/").split("/"):
        v = v[int(part)] if isinstance(v, list) else v[part]
    return v


def sample(times: np.ndarray, values: np.ndarray, t: float, step: bool = False) -> np.ndarray:
    """A keyframe track at time t as a client interpolates it (LINEAR, or STEP), held past the ends."""
    i = int(np.searchsorted(times, t, side="right")) - 1
    if i < 0:
        return values[0]
    if i >= len(times) - 1 or step:
        return values[min(i, len(times) - 1)]
    u = (t - times[i]) / (times[i + 1] - times[i])
    return values[i] * (1.0 - u) + values[i + 1] * u


class Clips:
    """The animations of a glTF document, decoded: per clip a list of (target, times, values, step)."""

    def __init__(self, doc: dict, blob: bytes) -> None:
        self.doc, self.blob = doc, blob

    def array(self, index: int) -> np.ndarray:
        acc = self.doc["accessors"][index]
        view = self.doc["bufferViews"][acc["bufferView"]]
        width = {"SCALAR": 1, "VEC2": 2, "VEC3": 3, "VEC4": 4}[acc["type"]]
        data = np.frombuffer(self.blob, dtype="<f4", count=acc["count"] * width, offset=view["byteOffset"])
        return data.reshape(acc["count"], width).astype(np.float64)

    def clip(self, name: str) -> list[tuple[Any, np.ndarray, np.ndarray, bool]]:
        (anim,) = [a for a in self.doc["animations"] if a["name"] == name]
        out = []
        for ch in anim["channels"]:
            s = anim["samplers"][ch["sampler"]]
            tgt = ch["target"]
            key = (tgt["extensions"]["KHR_animation_pointer"]["pointer"] if tgt["path"] == "pointer"
                   else (tgt["node"], tgt["path"]))
            out.append((key, self.array(s["input"])[:, 0], self.array(s["output"]),
                        s.get("interpolation") == "STEP"))
        return out

    def track(self, name: str, key: Any) -> tuple[np.ndarray, np.ndarray, bool]:
        (found,) = [(t, v, st) for k, t, v, st in self.clip(name) if k == key]
        return found


def node_index(doc: dict, name: str) -> int:
    (i,) = [k for k, n in enumerate(doc["nodes"]) if n["name"] == name]
    return i


@pytest.fixture(scope="module")
def small_doc(small_scene: Scene) -> tuple[dict, bytes]:
    from scenegen.export.gltf import gltf_document

    return gltf_document(small_scene)


def test_ambience_clip_plays_the_scene_loops(small_scene: Scene, small_doc: tuple[dict, bytes]) -> None:
    """A client sampling the ambience clip at any time gets the spheres where the scene's loops put them
    and as bright, within what linear interpolation between keyframes costs."""
    from scenegen import ambience
    from scenegen.export.gltf_animation import AMBIENCE_FPS, ambience_length

    doc, blob = small_doc
    clips = Clips(doc, blob)
    sp = small_scene.props.spheres
    length = ambience_length(small_scene)
    anim = next(a for a in doc["animations"] if a["name"] == "ambience")
    assert anim["extras"]["loop"] is True and anim["extras"]["length"] == length
    dt = 1.0 / AMBIENCE_FPS
    for t in (0.0, 3.37, 0.5 * length, length - 0.21):
        centres = ambience.sphere_centers(sp, np.array([t]))[0]
        light = ambience.sphere_light(sp, np.array([t]))[0]
        for i in range(len(sp.center_i)):
            node = node_index(doc, f"sphere {i}")
            times, values, _ = clips.track("ambience", (node, "translation"))
            # The bob's curvature bounds the interpolation error: ⅛·(2π·rate)²·height·dt².
            bound = 0.125 * (2 * np.pi * sp.float_rate) ** 2 * sp.float_height * dt * dt + 1e-5
            assert np.abs(sample(times, values, t) - centres[i]).max() <= bound
            mesh = doc["meshes"][doc["nodes"][node]["mesh"]]
            mat = mesh["primitives"][0]["material"]
            pointer = f"/materials/{mat}/extensions/KHR_materials_emissive_strength/emissiveStrength"
            times, values, _ = clips.track("ambience", pointer)
            base = resolve_pointer(doc, pointer)
            assert base == pytest.approx(float(sp.glow_i[i]) * float(np.max(sp.color_i[i])), rel=1e-6)
            got = sample(times, values, t)[0] / base
            if int(sp.flaw_i[i]) < 0:                           # smooth: the pulse is held closely
                assert got == pytest.approx(light[i], abs=0.02)
    # The clip starts with the still file's values: a client that never plays it shows t = 0.
    node = node_index(doc, "sphere 0")
    times, values, _ = clips.track("ambience", (node, "translation"))
    assert times[0] == 0.0 and times[-1] == pytest.approx(length)
    assert np.allclose(values[0], ambience.sphere_centers(sp, np.array([0.0]))[0, 0], atol=1e-5)


def test_every_pointer_names_a_property_and_channels_fit(small_doc: tuple[dict, bytes]) -> None:
    doc, blob = small_doc
    clips = Clips(doc, blob)
    assert "KHR_animation_pointer" in doc["extensionsUsed"]
    assert "KHR_animation_pointer" not in doc.get("extensionsRequired", [])    # a still file without it
    widths = {"translation": 3, "rotation": 4, "scale": 3}
    seen = set()
    for anim in doc["animations"]:
        for key, times, values, _ in clips.clip(anim["name"]):
            assert (np.diff(times) > 0).all()
            if isinstance(key, str):
                current = resolve_pointer(doc, key)             # the property is in the file
                width = len(current) if isinstance(current, list) else 1
                assert values.shape == (len(times), width), key
                seen.add(key.split("/")[-1])
            else:
                node, path = key
                if path == "weights":
                    targets = len(doc["meshes"][doc["nodes"][node]["mesh"]]["primitives"][0]["targets"])
                    assert values.shape == (len(times) * targets, 1)
                    assert len(doc["nodes"][node]["weights"]) == targets
                else:
                    assert values.shape == (len(times), widths[path])
                seen.add(path)
    assert {"translation", "weights", "emissiveStrength"} <= seen


def test_the_crowd_moves_by_phase_subgroups(small_scene: Scene, small_doc: tuple[dict, bytes]) -> None:
    """Each group is cut by sway rate and phase into sub-groups; each sways and breathes with its own
    weights, and over the first ten seconds the sub-groups' sway follows the figures' own closer than the
    figures move (over a minute, rates a band apart drift: the README gives the numbers)."""
    from scenegen import ambience
    from scenegen.export.gltf import PHASE_GROUPS, RATE_GROUPS, SILHOUETTE_TARGETS, phase_groups

    doc, blob = small_doc
    clips = Clips(doc, blob)
    g = small_scene.audience[0]
    assert g.figure == "silhouette"
    group = doc["nodes"][node_index(doc, g.name)]
    members = [m for m in phase_groups(g.phase_i, g.sway_frequency_i) if len(m)]
    assert len(group["children"]) == len(members) > PHASE_GROUPS and len(members) <= PHASE_GROUPS * RATE_GROUPS
    sway_k = SILHOUETTE_TARGETS.index("sway")
    t = np.linspace(0.0, 10.0, 201)
    own = ambience.sway(g.sway_amplitude_i, g.sway_frequency_i, g.phase_i, t)       # (T, figures)
    err = []
    for child, idx in zip(group["children"], members):
        times, values, _ = clips.track("ambience", (child, "weights"))
        w = values.reshape(len(times), -1)
        got = np.array([sample(times, w[:, sway_k], x) for x in t])
        err.append(np.abs(got[:, None] - own[:, idx]))
    err_all = np.concatenate(err, axis=1)
    still = np.sqrt((own ** 2).mean())                           # the error of a crowd that does not move
    assert np.sqrt((err_all ** 2).mean()) < 0.75 * still
    # Two sub-groups are out of phase: the crowd does not sway as one body.
    w0 = clips.track("ambience", (group["children"][0], "weights"))[1].reshape(-1, len(SILHOUETTE_TARGETS))
    w2 = clips.track("ambience", (group["children"][2], "weights"))[1].reshape(-1, len(SILHOUETTE_TARGETS))
    assert np.corrcoef(w0[:, sway_k], w2[:, sway_k])[0, 1] < 0.5


# ------------------------------------------------------------------------------------------ pipeline tools

def _gltf_transform() -> Path:
    tool = JS / "node_modules" / ".bin" / "gltf-transform"
    if not tool.exists():
        pytest.fail("gltf-transform is needed: npm ci --prefix tests/js (./dev.sh test does it)")
    return tool


def _run_all(commands: list[list[str]], parallel: int = 3) -> list[subprocess.CompletedProcess[str]]:
    """Run commands a few at a time (the tools are single-threaded node processes)."""
    out: list[subprocess.CompletedProcess[str]] = []
    for k in range(0, len(commands), parallel):
        procs = [subprocess.Popen(c, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for c in commands[k:k + parallel]]
        for c, p in zip(commands[k:k + parallel], procs):
            so, se = p.communicate(timeout=300)
            out.append(subprocess.CompletedProcess(c, p.returncode, so, se))
    return out


@pytest.fixture(scope="module")
def example_glbs(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    from scenegen.export.gltf import export_gltf
    from scenegen.gen.scene import generate
    from scenegen.seedfile import load_seed

    from .conftest import EXAMPLES

    folder = tmp_path_factory.mktemp("examples")
    paths = []
    for seed in EXAMPLES:
        path = folder / f"{seed.stem}.glb"
        export_gltf(generate(load_seed(seed)), path)
        paths.append(path)
    return paths


def test_gltf_transform_processes_every_example(example_glbs: list[Path]) -> None:
    """inspect, optimize and meshopt succeed; the outputs validate and still animate. gltf-transform 4.5
    does not know KHR_animation_pointer: optimize prunes those channels; meshopt keeps them but drops their
    target extension (the validator then warns), and `gltf-transform prune` afterwards removes them. The
    core channels (spheres, crowd, camera, lights) survive every step."""
    from .test_gltf import validate

    tool = str(_gltf_transform())
    cmds = []
    for p in example_glbs:
        cmds += [[tool, "inspect", str(p)],
                 [tool, "optimize", str(p), str(p.with_suffix(".opt.glb"))],
                 [tool, "meshopt", str(p), str(p.with_suffix(".mo.glb"))]]
    for res in _run_all(cmds):
        assert res.returncode == 0, (res.args, res.stderr[-2000:])
    pruned = [[tool, "prune", str(p.with_suffix(".mo.glb")), str(p.with_suffix(".mo.pruned.glb"))]
              for p in example_glbs]
    for res in _run_all(pruned):
        assert res.returncode == 0, (res.args, res.stderr[-2000:])
    outputs = [p.with_suffix(s) for p in example_glbs for s in (".opt.glb", ".mo.glb", ".mo.pruned.glb")]
    assert all(_core_channels(_glb_json(p)) for p in example_glbs)          # each example moves
    for path, report in zip(outputs, validate(outputs)):
        issues = report["issues"]
        assert issues["numErrors"] == 0, (path.name, issues["messages"][:5])
        bad = [m for m in issues["messages"] if m["severity"] == 1]
        if path.name.endswith(".mo.glb"):
            assert all(m["code"] == "VALUE_NOT_IN_LIST" and m["pointer"].endswith("/target/path") for m in bad), bad
        else:
            assert not bad, (path.name, bad)
        # Still animates: every core channel of ours is there, on a node of the same name.
        assert _core_channels(_glb_json(path)) == _core_channels(_glb_json(example_glbs[outputs.index(path) // 3])), \
            path.name
    # Nothing merged our spheres: each animated sphere keeps its node, and its extras.
    doc = _glb_json(outputs[0])
    assert any(n.get("name") == "sphere 0" and "tone_hz" in n.get("extras", {}) for n in doc["nodes"])


def _core_channels(doc: dict) -> list[tuple[str, str, str]]:
    return sorted((a["name"], doc["nodes"][c["target"]["node"]].get("name", ""), c["target"]["path"])
                  for a in doc.get("animations", []) for c in a["channels"] if "node" in c["target"])


def _glb_json(path: Path) -> dict:
    data = path.read_bytes()
    length = int.from_bytes(data[12:16], "little")
    return json.loads(data[20:20 + length])


def test_trimesh_loads_and_reexports(small_scene: Scene, tmp_path: Path) -> None:
    trimesh = pytest.importorskip("trimesh", reason="trimesh reads glTF as many pipelines do (pip install trimesh)")
    from scenegen.export.gltf import export_gltf

    export_gltf(small_scene, tmp_path / "s.glb")
    loaded = trimesh.load(tmp_path / "s.glb")
    assert len(loaded.geometry) >= 5
    terrain = next(g for name, g in loaded.geometry.items() if name.startswith("terrain"))
    n = small_scene.terrain.resolution
    assert len(terrain.vertices) == n * n
    assert np.allclose(np.sort(terrain.vertices[:, 1]), np.sort(small_scene.terrain.height_zx.reshape(-1)), atol=1e-5)
    loaded.export(tmp_path / "again.glb")
    assert trimesh.load(tmp_path / "again.glb").geometry


# ------------------------------------------------------------------------------------------ twins

ORBIT = """
seed: 5
terrain: {resolution: 17, size: [60, 60]}
audience: []
props: {spheres: {count: 3, arrangement: orbit, flawed: [1], glow: 0.6}, instrument: {enabled: false}}
sky: {stars: {count: 0}}
performance:
  cues:
    - {kind: note, at: 2, length: 3, sphere: 2, tone: A4, flare: 1.0}
"""


def test_sphere_motion_twin_is_where_the_shader_draws() -> None:
    """scenegen.ambience puts the spheres (spin about the orbit's axis and bob) where the renderer draws
    them: the bright blob of each sphere in a real GL frame sits on the twin's projected centre."""
    from scenegen import ambience
    from scenegen.gen.scene import generate
    from scenegen.render.camera import View
    from scenegen.render.headless import render_image
    from scenegen.render.renderer import SceneRenderer
    from scenegen.seedfile import parse_seed

    from .conftest import gl_context_or_skip

    gl_context_or_skip()
    scene = generate(parse_seed(ORBIT))
    sp = scene.props.spheres
    assert sp.spin_rate > 0 and sp.float_height > 0
    view = View.from_camera(scene.camera)
    size = (320, 180)
    seen = []
    for t in (0.0, 7.5, 21.0):
        r = SceneRenderer(scene, layers=("props",))
        try:
            img = render_image(scene, size=size, time=t, camera=view, renderer=r)
        finally:
            r.delete()
        lum = img[..., :3].astype(np.float64).mean(axis=-1)
        px, inside = view.project(ambience.sphere_centers(sp, np.array([t]))[0], size)
        assert inside.all()
        for x0, y0 in px:
            ys, xs = np.mgrid[int(y0) - 12:int(y0) + 12, int(x0) - 12:int(x0) + 12]
            w = lum[ys, xs]
            m = w > 0.5 * w.max()
            centroid = np.array([(xs[m] * w[m]).sum(), (ys[m] * w[m]).sum()]) / w[m].sum() + 0.5
            assert np.abs(centroid - (x0, y0)).max() < 2.0, (t, centroid, (x0, y0))   # shading shifts it a little
        seen.append(px)
    assert np.abs(seen[1] - seen[0]).max() > 10.0            # they did move: the comparison means something


# ------------------------------------------------------------------------------------------ real clients

def chromium() -> str:
    found = shutil.which("chromium")
    if found is None:
        pytest.fail("Debian's chromium is needed for the browser checks (.ci/run installs it with apt-get)")
    return found


def test_babylon_plays_the_animations(tmp_path: Path) -> None:
    """Babylon.js (which reads KHR_animation_pointer itself) loads the file headless in chromium, makes an
    animation group of each clip with every channel, and seeking to a time puts each sphere where our
    renderer draws it then (the twin the GL test holds to the shader): the bright blob within 5 px of 320×180
    (Babylon lights the glass from above, which shifts a blob's centroid by up to 4 px), while the spheres
    travel tens of pixels between the times. A note's flare shows there as in our render: the sphere's disc
    (lit glass plus its glow, which the flare makes 2.5× in the file) at least 1.15× as bright in sRGB at the
    flare's peak as a moment before the note, in both (ours adds its own flare halo: 1.7× here; Babylon 1.2×)."""
    from PIL import Image

    from scenegen import ambience
    from scenegen.export.gltf import export_gltf
    from scenegen.gen.scene import generate
    from scenegen.render.camera import View
    from scenegen.seedfile import parse_seed

    scene = generate(parse_seed(ORBIT))
    export_gltf(scene, tmp_path / "orbit.glb")
    doc = _glb_json(tmp_path / "orbit.glb")
    times = (0.0, 7.5, 21.0)
    flare = (1.95, 2.03)                                         # just before the note, and at its peak
    shots = [f"ambience:{t:g}" for t in times] + [f"performance:{t:g}" for t in flare]
    out = subprocess.run([node(), str(JS / "babylon_play.mjs"), str(tmp_path / "orbit.glb"), str(tmp_path / "shots"),
                          *shots], capture_output=True, text=True, timeout=300,
                         env={**os.environ, "CHROMIUM": chromium(), "WIDTH": "320", "HEIGHT": "180"})
    assert out.returncode == 0, out.stderr[-3000:]
    report = json.loads(out.stdout.strip().splitlines()[-1])
    for name in ("ambience", "performance"):
        (group,) = [g for g in report["groups"] if g["name"] == name]
        (clip,) = [a for a in doc["animations"] if a["name"] == name]
        assert group["animations"] == len(clip["channels"])     # pointer channels included
    sp = scene.props.spheres
    view = View.from_camera(scene.camera)
    seen = []
    for t in times:
        img = np.asarray(Image.open(tmp_path / "shots" / f"ambience-{t:g}.png").convert("RGB")).astype(np.float64)
        lum = img.mean(axis=-1)
        px, inside = view.project(ambience.sphere_centers(sp, np.array([t]))[0], (320, 180))
        assert inside.all()
        for x0, y0 in px:
            ys, xs = np.mgrid[int(y0) - 8:int(y0) + 8, int(x0) - 8:int(x0) + 8]
            w = lum[ys, xs]
            m = w > 0.5 * (w.max() + w.min())
            centroid = np.array([(xs[m] * w[m]).sum(), (ys[m] * w[m]).sum()]) / w[m].sum() + 0.5
            assert np.abs(centroid - (x0, y0)).max() < 5.0, (t, centroid, (x0, y0))
        seen.append(px)
    assert np.abs(seen[1] - seen[0]).max() > 10.0
    # The flare: the mean of the sphere's disc before the note and at its peak, in Babylon and in ours.
    from scenegen.render.headless import render_image

    from .conftest import gl_context_or_skip

    gl_context_or_skip()
    for who in ("babylon", "ours"):
        means = []
        for t in flare:
            if who == "babylon":
                img = np.asarray(Image.open(tmp_path / "shots" / f"performance-{t:g}.png").convert("RGB"))
            else:
                img = render_image(scene, size=(320, 180), time=t, camera=view)[..., :3]
            px, _ = view.project(ambience.sphere_centers(sp, np.array([t]))[0, 2:3], (320, 180))
            x0, y0 = px[0]
            means.append(img[int(y0) - 2:int(y0) + 3, int(x0) - 2:int(x0) + 3].astype(np.float64).mean())
        assert means[0] < 200 and means[1] > 1.15 * means[0], (who, means)


# ------------------------------------------------------------------------------------------ performance

@pytest.fixture(scope="module")
def performer() -> Scene:
    """The liquid silver stage's performance (its phrase on the instrument, the crowd's reactions, the
    spotlight and the camera moving), with a smaller crowd."""
    import dataclasses

    from scenegen.examples import EXAMPLES_DIR
    from scenegen.gen.scene import generate
    from scenegen.seedfile import load_seed

    spec = load_seed(EXAMPLES_DIR / "liquid-silver-stage.yaml")
    spec = dataclasses.replace(spec, audience=tuple(dataclasses.replace(g, count=min(g.count, 400))
                                                    for g in spec.audience))
    scene = generate(spec)
    assert scene.performance.duration > 0 and len(scene.performance.cues) > 5
    return scene


def test_performance_clip_is_state_at_sampled(performer: Scene) -> None:
    """At every keyframe the clip holds state_at's values; between them, what a client interpolates stays
    close; and a note's flare, its 20 ms strike included, is in the clip at its peak."""
    from scenegen.export.gltf import gltf_document
    from scenegen.export.gltf_animation import performance_times
    from scenegen.perform import NoteEvent, state_at
    from scenegen.perform.timeline import FLARE_ATTACK, FLARE_GAIN

    doc, blob = gltf_document(performer)
    clips = Clips(doc, blob)
    anim = next(a for a in doc["animations"] if a["name"] == "performance")
    assert anim["extras"]["length"] == performer.performance.duration
    cam = node_index(doc, "camera")
    times, pos, _ = clips.track("performance", (cam, "translation"))
    assert np.array_equal(times.astype(np.float32), performance_times(performer.performance).astype(np.float32))
    for k in range(0, len(times), 7):
        assert np.allclose(pos[k], state_at(performer, float(times[k])).camera_pos3, atol=1e-4)
    moves = np.ptp(pos, axis=0).max()
    assert moves > 1.0                                          # the camera does move in this score
    for t in np.linspace(0.0, performer.performance.duration, 23)[1:-1]:
        assert np.abs(sample(times, pos, float(t)) - state_at(performer, float(t)).camera_pos3).max() < 0.05 * moves
    # The instrument flares with each note: at its peak, the clip's strength is state_at's.
    mat = next(i for i, m in enumerate(doc["materials"]) if m["name"].endswith("instrument crystal"))
    pointer = f"/materials/{mat}/extensions/KHR_materials_emissive_strength/emissiveStrength"
    times, strength, _ = clips.track("performance", pointer)
    base = resolve_pointer(doc, pointer)
    notes = [ev for ev in performer.performance.cues if isinstance(ev, NoteEvent) and ev.sphere < 0]
    assert notes
    for ev in notes:
        peak = ev.at + FLARE_ATTACK
        want = base * (1.0 + FLARE_GAIN * state_at(performer, peak).instrument_flare)
        assert sample(times, strength, peak)[0] == pytest.approx(want, rel=1e-4)   # float32 times
        assert want > 1.3 * base                                 # a real flare
        assert sample(times, strength, ev.at - 0.01)[0] < want   # and it rises into it


def test_performance_sound_ships_beside_the_file(performer: Scene, tmp_path: Path) -> None:
    from scenegen.export.gltf import export_gltf
    from scenegen.perform import mix, wav_bytes

    written = export_gltf(performer, tmp_path / "perf.glb")
    assert written == [tmp_path / "perf.glb", tmp_path / "perf.wav"]
    assert (tmp_path / "perf.wav").read_bytes() == wav_bytes(mix(performer), 48000)
    doc = _glb_json(tmp_path / "perf.glb")
    anim = next(a for a in doc["animations"] if a["name"] == "performance")
    assert anim["extras"]["sound"]["uri"] == "perf.wav" and anim["extras"]["sound"]["start"] == 0.0
    assert doc["scenes"][0]["extras"]["sound"] == anim["extras"]["sound"]
    assert export_gltf(performer, tmp_path / "quiet.glb", sound=False) == [tmp_path / "quiet.glb"]
    assert "sound" not in _glb_json(tmp_path / "quiet.glb")["scenes"][0]["extras"]
    # The same bytes every time, the sound included.
    (tmp_path / "again").mkdir()
    export_gltf(performer, tmp_path / "again" / "perf.glb")
    for name in ("perf.glb", "perf.wav"):
        assert (tmp_path / "again" / name).read_bytes() == (tmp_path / name).read_bytes()
