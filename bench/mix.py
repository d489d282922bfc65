"""Benchmark the performance mix and print a table.

    python bench/mix.py [SEED] [--window SECONDS] [--repeat N]

Measures, in one process, on the grand auditorium's two-minute performance (or SEED's):
  * the whole mix (`perform.mix`: notes, hum, bursts, shatters, limiter, 16-bit stereo) — the target is 2 s;
  * a window of the performance (default 3 s, from the first note on) mixed by `perform.mix` and by the naive
    baseline: a Python loop over samples and, in each, over the notes sounding and their partials, with
    math.sin / math.exp (the same voice formula, the hum and sparkles left out, which favours the baseline);
  * the ratio of the two on that window, measured in the same run.
Every time is the fastest of N runs (other processes on a shared machine only ever add time).
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scenegen.audio import PARTIALS  # noqa: E402
from scenegen.examples import resolve  # noqa: E402
from scenegen.gen.scene import generate  # noqa: E402
from scenegen.perform import NoteEvent, mix  # noqa: E402
from scenegen.perform.sound import NOTE_GAIN, RATE  # noqa: E402
from scenegen.seedfile import load_seed  # noqa: E402


def fastest(fn: Callable[[], Any], repeat: int) -> float:
    """Fastest seconds of fn() over `repeat` runs."""
    best = math.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def naive_mix(scene: Any, start: float, end: float) -> list[int]:
    """The baseline: one sample at a time, one note at a time, one partial at a time (mono, notes only)."""
    notes = [ev for ev in scene.performance.cues if isinstance(ev, NoteEvent)]
    out = []
    for n in range(int(round(start * RATE)), int(round(end * RATE))):
        t = n / RATE
        acc = 0.0
        for ev in notes:
            tt = t - ev.at
            if not 0.0 <= tt < ev.length:
                continue
            tau = 1.4 * (523.25 / ev.hz) ** 0.3
            v = total = 0.0
            for ratio, amp, life in PARTIALS:
                v += amp * math.exp(-tt / (tau * life)) * math.sin(2.0 * math.pi * ev.hz * ratio * tt)
                total += amp
            onset = 0.5 - 0.5 * math.cos(math.pi * min(tt / 0.015, 1.0))
            acc += NOTE_GAIN * ev.level * v / total * onset
        out.append(int(round(max(-1.0, min(1.0, acc)) * 32767)))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("seed", nargs="?", default="grand-auditorium")
    parser.add_argument("--window", type=float, default=3.0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    scene = generate(load_seed(resolve(args.seed)))
    perf = scene.performance
    notes = [ev for ev in perf.cues if isinstance(ev, NoteEvent)]
    start = notes[0].at if notes else 0.0
    end = min(perf.duration, start + args.window)
    whole = fastest(lambda: mix(scene), args.repeat)
    ours = fastest(lambda: mix(scene, start, end), args.repeat)
    naive = fastest(lambda: naive_mix(scene, start, end), 1)
    rows = [
        (f"whole mix, {perf.duration:.0f} s, {len(notes)} notes", f"{whole:.3f} s", "—", "—"),
        (f"window {start:.1f}–{end:.1f} s", f"{ours:.3f} s", f"{naive:.3f} s", f"{naive / ours:.0f}×"),
    ]
    head = ("", "perform.mix", "per-sample loop", "ratio")
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(4)]
    for r in [head, *rows]:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)))
    print(f"(the whole mix {'meets' if whole <= 2.0 else 'misses'} the 2 s target on this machine; "
          f"the loop would take about {naive * perf.duration / max(end - start, 1e-9):.0f} s for the whole)")


if __name__ == "__main__":
    main()
