"""Peak memory of the largest scene each output format accepts, and what the format's size estimate said.

    python bench/export_memory.py [--scale F] [--only json,glb,...]

Each row runs `scenegen export` in a child process on the largest scene that format accepts (the seed-file
limits: a 4097² terrain, 4,000,000 figures, 1,000,000 stars; smaller where scenegen.export.limits refuses
more) and reports the child's peak resident memory (ru_maxrss from wait4), the file size written and the
estimate the refusal check uses (which must not be below it). --scale F multiplies the counts and the
terrain's cells (a quick look on a small machine; the README's table is from --scale 1).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scenegen.export.limits import estimate_bytes, refusal  # noqa: E402
from scenegen.seedfile import parse_seed  # noqa: E402

# format: (suffix, extra arguments, terrain resolution, figures, stars, estimate kind)
ROWS = {
    "json": (".json", [], 4097, 4_000_000, 1_000_000, "json"),
    "glb": (".glb", [], 4097, 4_000_000, 1_000_000, "glb"),
    "gltf --separate-bin": (".gltf", ["--separate-bin"], 4097, 4_000_000, 1_000_000, "glb"),
    "gltf (embedded)": (".gltf", [], 2049, 700_000, 1_000_000, "gltf"),
    "glb --instances nodes": (".glb", ["--instances", "nodes"], 4097, 1_000_000, 1_000_000, "nodes"),
    "json --inline": (".json", ["--inline"], 1025, 600_000, 1_000_000, "inline"),
}


def seed_text(resolution: int, figures: int, stars: int) -> str:
    half = figures // 2
    groups = [f"  - {{layout: scatter, count: {c}, spacing: 0.15, extent: [390, 390]}}" for c in (half, figures - half)
              if c]
    return (f"seed: memory\nterrain: {{resolution: {resolution}, size: [400, 400]}}\n"
            + ("audience:\n" + "\n".join(groups) + "\n" if groups else "audience: []\n")
            + f"sky: {{stars: {{count: {stars}}}}}\n")


def measure(args: list[str]) -> tuple[int, float, int]:
    """(exit status, seconds, peak RSS in bytes) of one child."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode:
        print(f"    exit {proc.returncode}: {err.strip()[-300:]}", file=sys.stderr)
    return proc.returncode, time.perf_counter() - t0, usage.ru_maxrss * 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--only", default="", help="comma-separated row names (default: all)")
    opts = parser.parse_args()
    rows = {k: v for k, v in ROWS.items() if not opts.only or k in opts.only.split(",")}
    print(f"{'format':<24}{'terrain':>9}{'figures':>11}{'stars':>11}{'peak RSS':>11}{'file':>11}{'estimate':>11}"
          f"{'time':>8}")
    with tempfile.TemporaryDirectory() as tmp:
        for name, (suffix, extra, res, figures, stars, kind) in rows.items():
            res = max(17, int((res - 1) * opts.scale ** 0.5) + 1)
            figures, stars = int(figures * opts.scale), int(stars * opts.scale)
            seed = Path(tmp) / "largest.yaml"
            seed.write_text(seed_text(res, figures, stars))
            spec = parse_seed(seed.read_text())
            why = refusal(spec, suffix, inline="--inline" in extra, embed="--separate-bin" not in extra,
                          instances="nodes" if "nodes" in extra else "gpu")
            assert why is None, f"{name}: {why}"
            out = Path(tmp) / f"out{suffix}"
            code, took, peak = measure([sys.executable, "-m", "scenegen", "export", str(seed), "-o", str(out),
                                        "-q", *extra])
            size = sum(p.stat().st_size for p in Path(tmp).glob("out.*")) if code == 0 else 0
            for p in Path(tmp).glob("out.*"):
                p.unlink()
            print(f"{name:<24}{res:>9}{figures:>11,}{stars:>11,}{peak / 2**30:>9.2f} G{size / 2**20:>9.0f} M"
                  f"{estimate_bytes(spec, kind) / 2**20:>9.0f} M{took:>7.0f}s" + ("" if code == 0 else "  FAILED"),
                  flush=True)


if __name__ == "__main__":
    main()
