"""Scene assembly: components agree with each other (the stage on its pad, bounds around everything)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from scenegen.gen.scene import Scene, generate
from scenegen.seedfile import parse_seed


@pytest.mark.parametrize("shape", ["disc", "rectangle", "polygon"])
def test_stage_sits_exactly_on_its_flat_pad(shape: str) -> None:
    scene = generate(parse_seed(f"seed: 5\nterrain: {{resolution: 129, size: [160, 160]}}\n"
                                f"stage: {{shape: {shape}, position: [6, -4], rotation: 20}}\n"
                                "audience: [{count: 10}]\nsky: {stars: {count: 10}}\n"))
    t, st = scene.terrain, scene.stage
    assert st.base == t.pad_level and st.top == pytest.approx(t.pad_level + 0.6)
    n = t.resolution
    x = (np.arange(n) / (n - 1) - 0.5) * t.size[0]
    z = (np.arange(n) / (n - 1) - 0.5) * t.size[1]
    under = st.contains(x[None, :], z[:, None])
    assert under.sum() > 50
    assert np.all(t.height_zx[under] == np.float32(t.pad_level))
    # And every point of the outline stands on flat ground too.
    hx = t.height_at(st.outline_i[:, 0].astype(np.float64), st.outline_i[:, 1].astype(np.float64))
    assert np.allclose(hx, t.pad_level, atol=1e-5)


def test_bounds_hold_the_land_the_stage_and_the_crowd(small_scene: Scene) -> None:
    lo, hi = np.array(small_scene.bounds_min), np.array(small_scene.bounds_max)
    for group in small_scene.audience:
        assert np.all(group.pos_i >= lo - 1e-3) and np.all(group.pos_i <= hi + 1e-3)
    assert hi[1] >= small_scene.stage.top and lo[1] <= small_scene.terrain.height_range[0]


def test_without_a_pad_the_stage_stands_on_the_land(small_spec) -> None:
    spec = dataclasses.replace(small_spec, terrain=dataclasses.replace(
        small_spec.terrain, pad=dataclasses.replace(small_spec.terrain.pad, enabled=False)))
    scene = generate(spec)
    assert scene.terrain.pad_radius == 0
    assert scene.stage.base == pytest.approx(float(scene.terrain.height_at(np.array(0.0), np.array(0.0))))


def test_progress_is_reported_in_order(small_spec) -> None:
    seen: list[tuple[float, str]] = []
    generate(small_spec, progress=lambda f, label: seen.append((f, label)))
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[0] == 0.0 and fractions[-1] == 1.0
    assert {"terrain", "audience", "sky"} <= {label for _, label in seen}
