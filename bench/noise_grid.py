"""Benchmark scenegen.noise against every Python-reachable Perlin peer; prints side-by-side tables, ratios first.

Run as ``python bench/noise_grid.py [--rounds N]``; the peers come with ``pip install --no-build-isolation
-e .[bench]``. Two tables, every row timed interleaved in one process (medians of N rounds):
  grid: 1024² x 6 octaves (persistence 0.5, lacunarity 2) at 64 and at 4 pixels per lattice cell;
  points: 1M scattered points in ±1000 cells x 6 octaves.
Peers, each called the fastest way it offers:
  pyfastnoisesimd (FastNoiseSIMD; genAsGrid / genFromCoords, one worker thread, the widest SIMD the CPU has),
  FastNoiseLite (pyfastnoiselite; gen_from_coords on float32 coordinates),
  the C `noise` package (pnoise2 in a list comprehension over Python floats, its fastest call from Python).
Ratios are speed ratios ("ours is 2x" a row: that row takes twice ours' time). Ours runs on the compiled
engine (numba) and is also shown on numpy alone.

The algorithms are not the same, so the ratios compare work of one kind, not identical output:
  scenegen: 2-D improved Perlin (Perlin's gradient set), float64, bit-identical on every CPU (no fast-math,
      no FMA contraction, no BLAS), seed=None reproducing `noise.pnoise2` to its own float32 rounding;
  pyfastnoisesimd: 3-D Perlin evaluated on a z = 0 slice, float32, SIMD code paths that differ by CPU
      (SSE2 / AVX2 / AVX-512 give different low bits), its own hash and gradient set;
  FastNoiseLite: 2-D Perlin in float32, its own hash and gradients;
  C noise: the reference algorithm in float32 (x, y rounded to float32 on entry), one point per call.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import noise

from scenegen import jit
from scenegen import noise as sn

OCTAVES, PERSISTENCE, LACUNARITY = 6, 0.5, 2.0
N_GRID = 1024
N_POINTS = 1 << 20


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def engine(numpy_only: bool) -> None:
    if numpy_only:
        os.environ["SCENEGEN_NO_JIT"] = "1"
    else:
        os.environ.pop("SCENEGEN_NO_JIT", None)
    jit.reset()
    jit.prepare(jit.LOAD_WORK)


def with_engine(fn: Callable[[], object], numpy_only: bool) -> Callable[[], object]:
    def run() -> object:
        engine(numpy_only)
        try:
            return fn()
        finally:
            engine(False)

    return run


def peers() -> dict[str, object]:
    """The installed peer modules, by name."""
    out: dict[str, object] = {}
    if not hasattr(np, "product"):
        np.product = np.prod  # type: ignore[attr-defined]  # pyfastnoisesimd 0.4 still calls np.product
    try:
        import pyfastnoisesimd

        out["fns"] = pyfastnoisesimd
    except ImportError:
        print("(pyfastnoisesimd not installed)")
    try:
        from pyfastnoiselite import pyfastnoiselite

        out["fnl"] = pyfastnoiselite
    except ImportError:
        print("(pyfastnoiselite not installed)")
    return out


def fns_noise(fns: object, frequency: float) -> object:
    m: object = fns
    n = m.Noise(seed=1, numWorkers=1)  # type: ignore[attr-defined]
    n.noiseType = m.NoiseType.Perlin  # type: ignore[attr-defined]
    n.fractal.fractalType = m.FractalType.FBM  # type: ignore[attr-defined]
    n.fractal.octaves = OCTAVES
    n.fractal.lacunarity = LACUNARITY
    n.fractal.gain = PERSISTENCE
    n.frequency = frequency
    return n


def fnl_noise(fnl: object) -> object:
    m: object = fnl
    n = m.FastNoiseLite(1)  # type: ignore[attr-defined]
    n.noise_type = m.NoiseType.NoiseType_Perlin  # type: ignore[attr-defined]
    n.fractal_type = m.FractalType.FractalType_FBm  # type: ignore[attr-defined]
    n.fractal_octaves = OCTAVES
    n.fractal_lacunarity = LACUNARITY
    n.fractal_gain = PERSISTENCE
    n.frequency = 1.0
    return n


def c_loop(xs: list[float], ys: list[float]) -> Callable[[], object]:
    p = noise.pnoise2

    def run() -> object:
        return [p(x, y, OCTAVES, PERSISTENCE, LACUNARITY) for x, y in zip(xs, ys)]

    return run


def measure(jobs: dict[str, Callable[[], object]], rounds: int, slow: set[str]) -> dict[str, float]:
    """Median seconds of each job over interleaved rounds (jobs in `slow` run once per two rounds)."""
    for name, fn in jobs.items():
        if name not in slow:
            fn()  # warm: kernels loaded, caches filled
    times: dict[str, list[float]] = {k: [] for k in jobs}
    for r in range(rounds):
        for name, fn in jobs.items():
            if name in slow and r % 2 and times[name]:
                continue
            t0 = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t0)
    return {k: statistics.median(v) for k, v in times.items()}


def table(title: str, med: dict[str, float], peer_names: list[str], work: float) -> None:
    fastest = min(peer_names, key=lambda k: med[k])
    print(f"{title}: ours vs the fastest peer ({fastest}) = {med[fastest] / med['ours']:.2f}x"
          f"   [numpy only: {med[fastest] / med['ours, numpy only']:.2f}x]")
    head = f"  {'':<40}{'ours is':>9}{'ms':>10}{'M point·octaves/s':>20}"
    print(head)
    for name in ["ours", "ours, numpy only", *peer_names]:
        rel = f"{med[name] / med['ours']:.2f}x" if name != "ours" else "-"
        print(f"  {name:<40}{rel:>9}{med[name] * 1e3:>10.1f}{work / med[name] / 1e6:>20.0f}")
    print()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    t_start = time.perf_counter()
    engine(False)
    eng = f"numba {__import__('numba').__version__}" if jit.loaded() else "numpy (numba not installed)"
    print(f"CPU: {cpu_model()} ({os.cpu_count()} logical CPUs); Python {platform.python_version()}, "
          f"numpy {np.__version__}, engine: {eng}; medians of {args.rounds} interleaved rounds\n")
    mods = peers()

    for px in (64, 4):
        coords = np.arange(N_GRID) * (1.0 / px)
        gx, gy = np.meshgrid(coords, coords)
        ours = lambda c=coords: sn.perlin2_grid(c, c, OCTAVES, PERSISTENCE, LACUNARITY)  # noqa: E731
        jobs: dict[str, Callable[[], object]] = {"ours": ours, "ours, numpy only": with_engine(ours, True)}
        names = []
        if "fns" in mods:
            n = fns_noise(mods["fns"], 1.0 / px)
            jobs["pyfastnoisesimd (3-D, z = 0, float32)"] = lambda n=n: n.genAsGrid([1, N_GRID, N_GRID])  # type: ignore[attr-defined]
            names.append("pyfastnoisesimd (3-D, z = 0, float32)")
        if "fnl" in mods:
            n2 = fnl_noise(mods["fnl"])
            xy = np.stack([gx.ravel(), gy.ravel()]).astype(np.float32)
            jobs["FastNoiseLite (float32)"] = lambda n=n2, c=xy: n.gen_from_coords(c)  # type: ignore[attr-defined]
            names.append("FastNoiseLite (float32)")
        jobs["C noise loop (Python floats)"] = c_loop(gx.ravel().tolist(), gy.ravel().tolist())
        names.append("C noise loop (Python floats)")
        med = measure(jobs, args.rounds, {"C noise loop (Python floats)"})
        table(f"grid {N_GRID}² x {OCTAVES} octaves, {px} px per cell", med, names, N_GRID * N_GRID * OCTAVES)

    rng = np.random.default_rng(0)
    px_ = rng.uniform(-1000.0, 1000.0, N_POINTS)
    py_ = rng.uniform(-1000.0, 1000.0, N_POINTS)
    ours_pts = lambda: sn.perlin2(px_, py_, OCTAVES, PERSISTENCE, LACUNARITY)  # noqa: E731
    jobs = {"ours": ours_pts, "ours, numpy only": with_engine(ours_pts, True)}
    names = []
    if "fnl" in mods:
        n2 = fnl_noise(mods["fnl"])
        xy = np.stack([px_, py_]).astype(np.float32)
        jobs["FastNoiseLite (float32)"] = lambda n=n2, c=xy: n.gen_from_coords(c)  # type: ignore[attr-defined]
        names.append("FastNoiseLite (float32)")
    if "fns" in mods:
        n = fns_noise(mods["fns"], 1.0)
        co = mods["fns"].empty_coords(N_POINTS)  # type: ignore[attr-defined]
        co[0, :], co[1, :], co[2, :] = px_, py_, 0.0
        jobs["pyfastnoisesimd genFromCoords (3-D)"] = lambda n=n, c=co: n.genFromCoords(c)  # type: ignore[attr-defined]
        names.append("pyfastnoisesimd genFromCoords (3-D)")
    jobs["C noise loop (Python floats)"] = c_loop(px_.tolist(), py_.tolist())
    names.append("C noise loop (Python floats)")
    med = measure(jobs, args.rounds, {"C noise loop (Python floats)"})
    table(f"points: 1M scattered x {OCTAVES} octaves", med, names, N_POINTS * OCTAVES)
    print(f"(target: every row >= 1.5x the fastest peer; total {time.perf_counter() - t_start:.0f} s)")


if __name__ == "__main__":
    main()
