"""Terrain generation against its own noise: how much a whole terrain costs beyond the fractal it samples.

    python bench/terrain.py            # ~1-2 minutes on 2 shared cores
    python bench/terrain.py --quick    # 2049² only, one round

For each case, in one process, interleaved, medians: the whole `generate_terrain` (heights, pad, normals,
colour ramp, slope shade; compiled kernels where numba is installed), the noise alone (the same number of
values and octaves through perlin2_grid / perlin2), and the same terrain on the numpy engine alone
(SCENEGEN_NO_JIT). The target is a default 4097² terrain within 3x its noise time. A fresh process pays
the numba load once (~0.2-1.4 s, disk cache warm or cold); it is timed here separately, not in the rows.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scenegen import jit
from scenegen import noise as sn
from scenegen.gen.terrain import PadSite, generate_terrain
from scenegen.spec import NoiseSpec, TerrainSpec, WarpSpec

SITE = PadSite(center=(0.0, 0.0), radius=12.0)


def engine(numpy_only: bool) -> None:
    if numpy_only:
        os.environ["SCENEGEN_NO_JIT"] = "1"
    else:
        os.environ.pop("SCENEGEN_NO_JIT", None)
    jit.reset()


def noise_alone(spec: TerrainSpec) -> None:
    """The noise a terrain of `spec` samples: the fractal's grid (or points, under a warp), no shaping."""
    n = spec.resolution
    jit.prepare(n * n * (spec.noise.octaves + 2 * spec.warp.octaves))
    xs = (np.arange(n) / (n - 1) - 0.5) * spec.size[0] / spec.noise.scale + 17.3
    for r0 in range(0, n, 256):
        ys = xs[r0:r0 + 256]
        if spec.warp.amount > 0.0:
            for _ in range(2):  # the two warp fields, then the fractal's octaves at the warped points
                sn.perlin2_grid(xs, ys, spec.warp.octaves, 0.5, 2.0, seed=5)
            gx, gy = np.meshgrid(xs, ys)
            for k in range(spec.noise.octaves):
                sn.perlin2(gx * 2.0**k, gy * 2.0**k, 1, seed=5)
        else:
            sn.perlin2_grid(xs, ys, spec.noise.octaves, spec.noise.persistence, spec.noise.lacunarity, seed=5)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="2049² only, one round")
    args = ap.parse_args()
    n = 2049 if args.quick else 4097
    rounds = 1 if args.quick else 3
    cases = [
        ("default (fbm, 6 octaves)", TerrainSpec(resolution=n)),
        ("ridged + warp", dataclasses.replace(TerrainSpec(resolution=n), noise=NoiseSpec(type="ridged"),
                                              warp=WarpSpec(amount=30.0))),
    ]
    engine(False)
    t0 = time.perf_counter()
    jit.prepare(jit.LOAD_WORK)
    generate_terrain(TerrainSpec(resolution=129), SITE, np.random.default_rng(0))
    load = time.perf_counter() - t0
    print(f"{n}² terrains, medians of {rounds} interleaved round(s); numba load in this process: {load:.2f} s\n")
    head = (f"{'case':<26}{'terrain / noise':>16}{'terrain':>10}{'noise':>9}{'numpy only':>12}"
            f"{'numpy / ours':>14}")
    print(head)
    print("-" * len(head))
    for name, spec in cases:
        times: dict[str, list[float]] = {"terrain": [], "noise": [], "numpy": []}
        for _ in range(rounds):
            engine(False)
            t = time.perf_counter()
            generate_terrain(spec, SITE, np.random.default_rng(1))
            times["terrain"].append(time.perf_counter() - t)
            t = time.perf_counter()
            noise_alone(spec)
            times["noise"].append(time.perf_counter() - t)
            engine(True)
            t = time.perf_counter()
            generate_terrain(spec, SITE, np.random.default_rng(1))
            times["numpy"].append(time.perf_counter() - t)
        med = {k: statistics.median(v) for k, v in times.items()}
        print(f"{name:<26}{med['terrain'] / med['noise']:>15.1f}x{med['terrain']:>9.2f}s{med['noise']:>8.2f}s"
              f"{med['numpy']:>11.2f}s{med['numpy'] / med['terrain']:>13.1f}x")
    engine(False)
    print("\nTarget: a default terrain within 3x its noise time.")


if __name__ == "__main__":
    main()
