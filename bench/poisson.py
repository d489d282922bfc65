"""Poisson-disc sampling at equal spacing: scenegen against Bridson (k = 30) and scipy's PoissonDisk.

    python bench/poisson.py             # ~1 minute on 2 shared cores
    python bench/poisson.py --quick

Every sampler fills a square at spacing 1 (scipy: the unit square at the equivalent radius). Density is
points per spacing² over the whole square (edges included, the same for all); speed is points per second.
Runs are interleaved and the median of each is reported, ours first as a ratio (the machine is shared:
only ratios measured in one run mean anything). scenegen runs as the audience uses it (4 batches) and
with one batch. Bridson is timed on ~20k points and scipy on ~8k (both O(n); their rates hold).
Peers: `pip install -e .[bench]` (scipy).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from audience import bridson  # bench/audience.py: Bridson's algorithm as usually written

from scenegen.gen.audience import _BATCHES
from scenegen.gen.poisson import poisson_disc


def scipy_disk(side: float, seed: int) -> int:
    from scipy.stats import qmc

    return len(qmc.PoissonDisk(d=2, radius=1.0 / side, ncandidates=30, rng=seed).fill_space())


def ours(side: float, seed: int, batches: int) -> int:
    return len(poisson_disc(np.random.default_rng(seed), (0.0, 0.0, side, side), 1.0, batches=batches))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="one round, smaller squares")
    args = ap.parse_args()
    rounds = 1 if args.quick else 3
    big = 300.0 if args.quick else 1000.0          # ours: ~50k / ~600k points
    rows: list[tuple[str, float, Callable[[int], int]]] = [
        (f"scenegen ({_BATCHES} batches, as the audience)", big, lambda s: ours(big, s, _BATCHES)),
        ("scenegen (1 batch)", big, lambda s: ours(big, s, 1)),
        ("Bridson k=30, pure Python", 180.0, lambda s: bridson(180.0, 180.0, 1.0, s)),
    ]
    try:
        import scipy

        rows.append((f"scipy {scipy.__version__} qmc.PoissonDisk (k=30)", 110.0, lambda s: scipy_disk(110.0, s)))
    except ImportError:
        print("(scipy not installed: pip install -e .[bench])")
    times: dict[str, list[float]] = {name: [] for name, _, _ in rows}
    counts: dict[str, int] = {}
    for rnd in range(rounds):
        for name, _, fn in rows:
            t0 = time.perf_counter()
            counts[name] = fn(rnd + 1)
            times[name].append(time.perf_counter() - t0)
    rate = {name: counts[name] / statistics.median(times[name]) for name, _, _ in rows}
    dens = {name: counts[name] / (side * side) for name, side, _ in rows}
    peer = {name: rate[name] for name, _, _ in rows if not name.startswith("scenegen")}
    fastest = max(peer, key=lambda k: peer[k])
    print(f"Poisson-disc at spacing 1, medians of {rounds} interleaved round(s); ratio = points/s over the "
          f"fastest peer ({fastest.split(',')[0]})\n")
    head = f"{'sampler':<44}{'ratio':>9}{'points/r²':>11}{'points':>10}{'points/s':>13}"
    print(head)
    print("-" * len(head))
    for name, _, _ in rows:
        ratio = f"{rate[name] / peer[fastest]:.1f}x"
        print(f"{name:<44}{ratio:>9}{dens[name]:>11.3f}{counts[name]:>10,}{rate[name]:>13,.0f}")
    print("\nTarget: >= 0.58 points/r² at >= 10x Bridson's speed.")


if __name__ == "__main__":
    main()
