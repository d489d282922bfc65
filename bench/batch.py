"""Batches and worlds on Dask: variants per minute with 1 and 2 workers, world samples per second and peak
memory per worker at two world sizes, against doing the same work in one process.

    .venv/bin/python bench/batch.py [--variants N] [--sizes 2049,4097] [--chunk 1024]

Cluster start-up is timed apart (it is paid once per command, not per variant), and every process does
one small variant or chunk first (imports, its GL context, the compiled kernels). Peak memory is the
peak resident set (ru_maxrss) of the whole-grid process and of the busiest worker (a fresh cluster per size).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from scenegen.batch import run_batch, run_variant, seed_sweep
from scenegen.batch.run import Job, _key
from scenegen.cluster import open_client
from scenegen.seedfile import apply_overrides, parse_seed
from scenegen.world import world_spec, write_world

SEED = """\
seed: 1
terrain: {resolution: 129, size: [200, 200], island: {falloff: 0.6}}
stage: {radius: 10}
audience: [{layout: rows, count: 2000, spacing: 1.4}, {layout: sky-dome, figure: eye, count: 300, spacing: 4}]
props: {spheres: {count: 5}}
sky: {stars: {count: 3000}, nebula: {density: 0.5}}
"""
FORMATS = ("json", "glb", "png")


def _cpu_s() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _warm_variant(folder: str) -> None:
    """Pay a process's one-off costs (imports, the GL context, the compiled kernels) outside the timing."""
    spec = parse_seed(SEED.replace("resolution: 129", "resolution: 17"))
    run_variant(Job("warm", spec, {}, FORMATS, (320, 180), os.path.join(folder, str(os.getpid())),
                    _key(spec, FORMATS, (320, 180))))


def _warm_world() -> None:
    from scenegen.world import window
    ws = world_spec(parse_seed(SEED), 2049, levels=1)
    window(ws, (0, 1024), (0, 1024))


def bench_batch(n: int, tmp: Path) -> list[tuple[str, float, float, float]]:
    seed = tmp / "seed.yaml"
    seed.write_text(SEED)
    sweep = seed_sweep(str(seed), list(range(1, n + 1)))
    rows = []
    # one process, one variant after another (what a loop over `scenegen export` and `render` does,
    # without paying a process start per variant)
    _warm_variant(str(tmp / "warm"))
    t0, c0 = time.perf_counter(), _cpu_s()
    for v in sweep.variants:
        spec = apply_overrides(sweep.base, v.overrides)
        run_variant(Job(v.id, spec, v.values, FORMATS, (320, 180), str(tmp / "serial" / v.id),
                        _key(spec, FORMATS, (320, 180))))
    rows.append(("one process, in turn", 0.0, time.perf_counter() - t0, _cpu_s() - c0))
    for workers in (1, 2):
        out = tmp / f"w{workers}"
        t0 = time.perf_counter()
        with open_client(workers=workers, quiet=True) as client:
            client.wait_for_workers(workers)
            client.run(_warm_variant, str(tmp / "warm"))
            started = time.perf_counter() - t0
            t1, c1 = time.perf_counter(), client.run(_cpu_s)
            result = run_batch(sweep, out, client, formats=FORMATS)
            took = time.perf_counter() - t1
            cpu = sum(client.run(_cpu_s).values()) - sum(c1.values())
        assert result.count("done") == n, [r.get("reason") for r in result.records]
        rows.append((f"dask, {workers} worker{'s' * (workers > 1)}", started, took, cpu))
    return rows


def _whole(size: int) -> tuple[float, float]:
    """Seconds and peak MB of generate_terrain on the whole grown terrain, in a fresh process."""
    code = f"""
import resource, time
from scenegen.seedfile import parse_seed
from scenegen.world import grown_terrain
from scenegen.gen.terrain import generate_terrain, PadSite, land_field, grid_coords
from scenegen.gen.stage import footprint_radius
from scenegen.rng import stream
import numpy as np
spec = parse_seed({SEED!r})
t = grown_terrain(spec, {size})
field = land_field(t, PadSite(spec.stage.position, footprint_radius(spec.stage)), stream(spec.seed, "terrain"))
w = np.arange(1024)
field.heights(grid_coords(w, {size}, t.size[0]), grid_coords(w, {size}, t.size[1]))   # load the kernels
t0 = time.perf_counter()
i = np.arange({size})
h = field.heights(grid_coords(i, {size}, t.size[0]), grid_coords(i, {size}, t.size[1]))
print(time.perf_counter() - t0, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    return float(out[0]), float(out[1])


def bench_world(sizes: list[int], chunk: int, tmp: Path) -> list[tuple[str, int, float, float, float, str]]:
    spec = parse_seed(SEED)
    rows = []
    for size in sizes:
        seconds, mb = _whole(size)
        rows.append(("one process, whole grid (heights only)", size, seconds, mb, float(size) ** 2 / seconds, ""))
        ws = world_spec(spec, size, chunk=chunk, levels=1)
        with open_client(workers=2, quiet=True) as client:
            client.wait_for_workers(2)
            client.run(_warm_world)
            idle = client.run(_maxrss_mb)
            marks: dict[str, float] = {}
            c0 = client.run(_cpu_s)
            t0 = time.perf_counter()
            write_world(ws, tmp / f"world-{size}", client,
                        progress=lambda f, label, marks=marks: marks.setdefault(label.split()[0], time.perf_counter()))
            took = time.perf_counter() - t0
            peak = client.run(_maxrss_mb)
            cpu = sum(client.run(_cpu_s).values()) - sum(c0.values())
        split = (f"heights {marks['tiles'] - t0:.1f} s, tiles {t0 + took - marks['tiles']:.1f} s; "
                 f"workers' CPU {cpu:.1f} s = {float(size) ** 2 / cpu / 1e6:.2f} Msamples per CPU s")
        rows.append((f"dask, 2 workers, chunk {chunk} (+zarr, tiles)", size, took, max(peak.values()),
                     float(size) ** 2 / took, split))
        print(f"  (size {size}: worker peak {max(peak.values()):.0f} MB, {max(idle.values()):.0f} MB after one "
              "warm-up chunk)", file=sys.stderr)
        shutil.rmtree(tmp / f"world-{size}")
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--variants", type=int, default=8)
    ap.add_argument("--sizes", default="2049,4097")
    ap.add_argument("--chunk", type=int, default=1024)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="scenegen-bench-"))
    try:
        print(f"Variants ({args.variants} of a 129² terrain, 2,300 figures; json, glb, 320×180 png), "
              f"{os.cpu_count()} cores")
        rows = bench_batch(args.variants, tmp)
        base = rows[0][2]
        print(f"{'how':<24} {'start s':>8} {'run s':>7} {'variants/min':>13} {'ratio':>6} {'CPU s/variant':>14}")
        for how, start, took, cpu in rows:
            print(f"{how:<24} {start:>8.2f} {took:>7.2f} {60 * args.variants / took:>13.1f} {base / took:>6.2f} "
                  f"{cpu / args.variants:>14.3f}")
        print()
        sizes = [int(s) for s in args.sizes.split(",")]
        print("World (level 0 only; dask rows include the Zarr store and the 16-bit tiles)")
        print(f"{'how':<44} {'size':>6} {'s':>7} {'peak MB/process':>16} {'Msamples/s':>11}  where the time went")
        for how, size, took, mb, rate, split in bench_world(sizes, args.chunk, tmp):
            print(f"{how:<44} {size:>6} {took:>7.2f} {mb:>16.0f} {rate / 1e6:>11.2f}  {split}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
