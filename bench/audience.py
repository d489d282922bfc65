"""Audience benchmark: scenegen's generator against a plain-Python Bridson sampler, side by side.

    python bench/audience.py            # about a minute on 2 cores
    python bench/audience.py --quick    # 10k and 100k only

"ours" is the whole group (`generate_audience`, ring layout: Poisson-disc placement, clipping to the
terrain and the stage, heights from the terrain, per-figure looks and facing); "sampler" is
`poisson_disc` alone over a square holding the count. The baseline is Bridson's algorithm (2007) as
usually written: a background grid, an active list, k = 30 tries in the annulus r…2r, pure Python.
It is timed in the same run on the smaller counts and extrapolated linearly (Bridson is O(n); the
table marks those times with *). Times are the best of a few runs, in seconds.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import random
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scenegen.gen.audience import generate_audience
from scenegen.gen.poisson import poisson_disc
from scenegen.gen.stage import footprint_radius, generate_stage
from scenegen.gen.terrain import PadSite, generate_terrain
from scenegen.rng import stream
from scenegen.spec import AudienceGroupSpec, StageSpec, TerrainSpec

SPACING = 1.0


def bridson(width: float, height: float, r: float, seed: int, k: int = 30) -> int:
    """Bridson's Poisson-disc sampling, straightforward pure Python. Returns the number of points."""
    rnd = random.Random(seed)
    cell = r / math.sqrt(2.0)
    gw, gh = int(math.ceil(width / cell)), int(math.ceil(height / cell))
    grid: list[int] = [-1] * (gw * gh)
    pts: list[tuple[float, float]] = []

    def fits(x: float, y: float) -> bool:
        gx, gy = int(x / cell), int(y / cell)
        for j in range(max(gy - 2, 0), min(gy + 3, gh)):
            row = j * gw
            for i in range(max(gx - 2, 0), min(gx + 3, gw)):
                q = grid[row + i]
                if q >= 0:
                    px, py = pts[q]
                    if (px - x) ** 2 + (py - y) ** 2 < r * r:
                        return False
        return True

    def add(x: float, y: float) -> None:
        grid[int(y / cell) * gw + int(x / cell)] = len(pts)
        pts.append((x, y))
        active.append(len(pts) - 1)

    active: list[int] = []
    add(rnd.uniform(0, width), rnd.uniform(0, height))
    while active:
        a = rnd.randrange(len(active))
        px, py = pts[active[a]]
        for _ in range(k):
            ang = rnd.uniform(0.0, 2.0 * math.pi)
            rad = r * math.sqrt(rnd.uniform(1.0, 4.0))
            x, y = px + rad * math.cos(ang), py + rad * math.sin(ang)
            if 0.0 <= x < width and 0.0 <= y < height and fits(x, y):
                add(x, y)
                break
        else:
            active[a] = active[-1]
            active.pop()
    return len(pts)


def best(fn, runs: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(runs):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="10k and 100k only")
    args = ap.parse_args()
    counts = [10_000, 100_000] if args.quick else [10_000, 100_000, 1_000_000]
    began = time.perf_counter()

    # The land: large enough for a million at 1 m (coarse heights: only height_at matters here).
    stage_spec = StageSpec()
    site = PadSite(center=stage_spec.position, radius=footprint_radius(stage_spec))
    terrain = generate_terrain(TerrainSpec(size=(2400.0, 2400.0), resolution=257), site, stream(1, "terrain"))
    stage = generate_stage(stage_spec, terrain.pad_level, stream(1, "stage"))

    # Baseline rate, measured now: Bridson fills to ~0.68 points per r², so the square is sized for that.
    base: dict[int, tuple[float, bool]] = {}
    measured = [10_000, 50_000]
    for n in measured:
        side = math.sqrt(n / 0.68) * SPACING
        t, got = best(lambda side=side: bridson(side, side, SPACING, seed=1), 1)
        base[n] = (t / int(got) * n, False)      # per point, scaled to exactly n
    rate = base[measured[-1]][0] / measured[-1]   # seconds per point at the larger size
    for n in counts:
        if n not in base:
            base[n] = (rate * n, True)

    rows = []
    for n in counts:
        runs = 3 if n <= 100_000 else 2
        spec = AudienceGroupSpec(layout="ring", count=n, spacing=SPACING)
        t_ours, g = best(lambda spec=spec: generate_audience(spec, 0, terrain, stage, stream(1, "audience/0")), runs)
        assert g.placed == n, (g.placed, n)
        side = math.sqrt(n / 0.5115) * SPACING
        t_samp, pts = best(lambda side=side: poisson_disc(np.random.default_rng(1), (0.0, 0.0, side, side), SPACING),
                           runs)
        t_base, extrapolated = base[n]
        rows.append((n, t_ours, t_samp, len(pts), t_base, extrapolated))

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"audience benchmark: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, numpy {np.__version__}, load {load:.2f}")
    print(f"spacing {SPACING:g} m; ours = generate_audience (ring), sampler = poisson_disc alone, "
          f"baseline = pure-Python Bridson (k=30)\n")
    head = (f"{'figures':>10} | {'ours s':>8} {'figures/s':>11} | {'sampler s':>9} {'points/s':>11} | "
            f"{'baseline s':>11} {'points/s':>10} | {'ours vs baseline':>16}")
    print(head)
    print("-" * len(head))
    for n, t_ours, t_samp, n_samp, t_base, ext in rows:
        mark = "*" if ext else " "
        print(f"{n:>10,} | {t_ours:>8.3f} {n / t_ours:>11,.0f} | {t_samp:>9.3f} {n_samp / t_samp:>11,.0f} | "
              f"{t_base:>10.2f}{mark} {n / t_base:>10,.0f} | {t_base / t_ours:>15.0f}×")
    print(f"\n* extrapolated from the baseline's measured rate at {measured[-1]:,} points "
          f"({measured[-1] / base[measured[-1]][0]:,.0f} points/s; at {measured[0]:,}: "
          f"{measured[0] / base[measured[0]][0]:,.0f} points/s)")
    print(f"target: 1,000,000 figures in ≤ 2 s; total benchmark time {time.perf_counter() - began:.1f} s")


if __name__ == "__main__":
    main()
