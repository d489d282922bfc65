"""Benchmark scenegen.noise against per-point calls of the C `noise` package; prints a side-by-side table.

Run as ``python bench/noise_grid.py``. Rows:
  1024^2 x 6 octaves, at two scales: the C baseline (noise.pnoise2 with positional arguments in a list
      comprehension over the same points, the fastest way to call it from Python) and perlin2_grid,
      timed interleaved in one run, best of several repeats;
  4096^2 x 6 octaves: perlin2_grid, with its peak memory beyond the output (tracemalloc);
  1M random points x 6 octaves: perlin2 and the C baseline.
Each of ours is timed with the engine in use (numba where installed) and with numpy alone.
"""

from __future__ import annotations

import os
import platform
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import noise

from scenegen import jit
from scenegen import noise as sn

OCTAVES, PERSISTENCE, LACUNARITY = 6, 0.5, 2.0


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def best_of(fn: Callable[[], object], repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def use_numpy_only(flag: bool) -> None:
    if flag:
        os.environ["SCENEGEN_NO_JIT"] = "1"
    else:
        os.environ.pop("SCENEGEN_NO_JIT", None)
    jit.reset()
    jit.prepare(jit.LOAD_WORK)


def c_baseline(xs: list[float], ys: list[float]) -> Callable[[], object]:
    p = noise.pnoise2

    def run() -> object:
        return [p(x, y, OCTAVES, PERSISTENCE, LACUNARITY) for x, y in zip(xs, ys)]

    return run


def grid_row(n: int, cells: int, rounds: int) -> tuple[str, float, float, float]:
    """Baseline and ours, interleaved over `rounds`, best of each."""
    coords = np.arange(n) * (cells / n)
    gx, gy = np.meshgrid(coords, coords)
    base = c_baseline(gx.ravel().tolist(), gy.ravel().tolist())
    ours = lambda: sn.perlin2_grid(coords, coords, OCTAVES, PERSISTENCE, LACUNARITY)  # noqa: E731
    use_numpy_only(True)
    ours()
    t_numpy = best_of(ours, 5)
    use_numpy_only(False)
    ours()  # compile / load the kernels outside the timing
    t_base, t_ours = float("inf"), float("inf")
    for _ in range(rounds):
        t_base = min(t_base, best_of(base, 1))
        t_ours = min(t_ours, best_of(ours, 5))
    return f"{n}^2 x {OCTAVES} oct, {n // cells} px/cell", t_base, t_ours, t_numpy


def main() -> None:
    t_start = time.perf_counter()
    use_numpy_only(False)
    engine = f"numba {__import__('numba').__version__}" if jit.loaded() else "numpy (numba not installed)"
    print(f"CPU: {cpu_model()} ({os.cpu_count()} logical CPUs)")
    print(f"Python {platform.python_version()}, numpy {np.__version__}, engine: {engine}")
    print()
    header = (
        f"{'case':<34}{'C noise.pnoise2':>17}{'ours':>11}{'ratio':>9}{'ours, numpy only':>19}{'ratio':>8}"
    )
    print(header)
    print("-" * len(header))

    for cells in (8, 4):
        name, t_base, t_ours, t_numpy = grid_row(1024, cells, rounds=3)
        print(
            f"{name:<34}{t_base * 1e3:>14.0f} ms{t_ours * 1e3:>8.1f} ms{t_base / t_ours:>8.0f}x"
            f"{t_numpy * 1e3:>16.1f} ms{t_base / t_numpy:>7.0f}x"
        )

    big = np.arange(4096) * (32 / 4096)
    run_big = lambda: sn.perlin2_grid(big, big, OCTAVES, PERSISTENCE, LACUNARITY)  # noqa: E731
    use_numpy_only(False)
    run_big()
    t_big = best_of(run_big, 3)
    tracemalloc.start()
    result = run_big()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    extra = (peak - result.nbytes) / result.nbytes
    del result
    use_numpy_only(True)
    t_big_numpy = best_of(run_big, 1)
    use_numpy_only(False)
    name = f"4096^2 x {OCTAVES} oct, 128 px/cell"
    print(f"{name:<34}{'-':>17}{t_big * 1e3:>8.0f} ms{'':>9}{t_big_numpy * 1e3:>16.0f} ms")
    print(f"{'':<34}peak memory beyond the output: {extra:.2f}x the output ({peak / 2**20:.0f} MiB peak)")

    rng = np.random.default_rng(0)
    px = rng.uniform(-1000.0, 1000.0, 1 << 20)
    py = rng.uniform(-1000.0, 1000.0, 1 << 20)
    base = c_baseline(px.tolist(), py.tolist())
    ours_pts = lambda: sn.perlin2(px, py, OCTAVES, PERSISTENCE, LACUNARITY)  # noqa: E731
    use_numpy_only(True)
    t_pts_numpy = best_of(ours_pts, 1)
    use_numpy_only(False)
    ours_pts()
    t_pts_base = best_of(base, 1)
    t_pts = best_of(ours_pts, 3)
    name = "1M random points x 6 oct (perlin2)"
    print(
        f"{name:<34}{t_pts_base * 1e3:>14.0f} ms{t_pts * 1e3:>8.0f} ms{t_pts_base / t_pts:>8.0f}x"
        f"{t_pts_numpy * 1e3:>16.0f} ms{t_pts_base / t_pts_numpy:>7.1f}x"
    )
    print()
    total = time.perf_counter() - t_start
    print(f"(best of several runs; baseline and ours interleaved; total {total:.0f} s)")


if __name__ == "__main__":
    main()
