"""The sky's look and the fog model below the renderer: pointwise values, what each part adds, the house rule."""

from __future__ import annotations

import subprocess
import sys

import numpy as np

from scenegen import skylook
from scenegen.gen.scene import Scene

from .conftest import ROOT


def _dirs(n: int, seed: int) -> np.ndarray:
    d = np.random.default_rng(seed).normal(size=(n, 3))
    return d / np.linalg.norm(d, axis=1, keepdims=True)


def test_a_direction_s_colour_does_not_depend_on_its_company(small_scene: Scene) -> None:
    # The bake skips work per point and shares lattice tables per call: a point's colour must come out the
    # same whichever other points are evaluated with it (a chunked bake equals a whole one).
    d = _dirs(4000, 1)
    whole = skylook.sky_color(small_scene.sky, d, 2.5)
    parts = np.concatenate([skylook.sky_color(small_scene.sky, d[i:i + 333], 2.5) for i in range(0, len(d), 333)])
    assert np.array_equal(whole, parts)
    one = np.stack([skylook.sky_color(small_scene.sky, d[i], 2.5) for i in range(0, len(d), 97)])
    assert np.array_equal(whole[::97], one)


def test_below_the_horizon_only_the_gradient(small_scene: Scene) -> None:
    sky = small_scene.sky
    assert len(sky.streaks.color_s) and sky.nebula.density > 0
    d = _dirs(3000, 2)
    low = d[np.arcsin(d[:, 1]) < -0.06]
    high = d[np.arcsin(d[:, 1]) > 0.2]
    assert np.array_equal(skylook.sky_color(sky, low, 1.0), skylook.sky_gradient(sky, low, 1.0))
    # Above it, the nebula and the streaks do add their colour.
    assert np.abs(skylook.sky_color(sky, high, 1.0) - skylook.sky_gradient(sky, high, 1.0)).max() > 0.02


def test_fog_thickens_with_distance_as_the_land_shader_fades(small_scene: Scene) -> None:
    t = small_scene.terrain
    far = skylook.fog_distance(t)
    f = skylook.fog_amount(t, np.array([0.0, 0.5 * far, far, 3.0 * far]))
    assert f[0] == 0.0 and np.all(np.diff(f) > 0) and f[-1] > 0.99
    assert abs(f[2] - (1.0 - np.exp(-1.0))) < 1e-12
    assert skylook.fog_uniforms(t) == {"u_fog_distance": far, "u_fog_exponent": skylook.FOG_EXPONENT}


def test_exporters_and_the_sky_look_never_import_the_renderer() -> None:
    code = ("import sys, warnings; warnings.simplefilter('ignore')\n"
            "from scenegen.seedfile import load_seed\nfrom scenegen.gen.scene import generate\n"
            "from scenegen.export.gltf import gltf_bytes\nfrom scenegen.export.json import dumps_scene\n"
            "import scenegen.skylook\n"
            f"s = generate(load_seed({str(ROOT / 'assets' / 'seeds' / 'minimal.yaml')!r}))\n"
            "gltf_bytes(s); dumps_scene(s)\n"
            "bad = sorted(m for m in sys.modules if m.startswith(('scenegen.render', 'pyglet')))\n"
            "print(bad)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout
