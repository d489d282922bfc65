"""Writing exports against the np.savez floor: scene JSON and .glb, as a ratio to saving the same arrays.

    python bench/files.py [--seed FILE] [--rounds N]

For one scene (default: the grand-auditorium example, 250,000 eyes), in one process, interleaved,
medians of N rounds, every file written to a temporary folder:
  * scene JSON (export_json: streamed, arrays base64) | np.savez of the scene's arrays (the same arrays,
    uncompressed: the floor for getting those bytes to disk) | ratio;
  * .glb (export_gltf: document built and the buffer streamed) | np.savez of the .glb's buffer pieces
    (the same bytes) | ratio; and the same .glb with its sky texture baked beforehand: the bake (the
    whole sky rendered into a panorama, the renderer's look) is timed on its own, as it is no part of
    building and writing the file.
Targets: JSON <= 3x, .glb <= 2x its floor. Peak memory beyond the scene is shown for both (tracemalloc).
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
import tempfile
import time
import tracemalloc
import warnings
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scenegen.export import gltf
from scenegen.export.json import export_json
from scenegen.gen.scene import generate
from scenegen.seedfile import load_seed

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SEED = ROOT / "scenegen" / "examples" / "grand-auditorium.yaml"


def arrays_of(value: Any, prefix: str = "") -> dict[str, np.ndarray]:
    """Every numpy array in a scene record, by path."""
    out: dict[str, np.ndarray] = {}
    if isinstance(value, np.ndarray):
        out[prefix] = value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            out.update(arrays_of(getattr(value, f.name), f"{prefix}.{f.name}"))
    elif isinstance(value, tuple):
        for i, v in enumerate(value):
            out.update(arrays_of(v, f"{prefix}[{i}]"))
    return out


def timed(fn: Any) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def peak_mib(fn: Any) -> float:
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=Path, default=DEFAULT_SEED)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scene = generate(load_seed(args.seed))
    arrays = arrays_of(scene)
    texture = gltf.sky_texture(scene.sky)
    t_bake = timed(lambda: gltf.sky_texture(scene.sky))
    _, w = gltf._document(scene, "gpu")

    def prebaked(fn: Any) -> None:
        """fn with the sky texture already baked: the .glb's own work (the document and the writing)."""
        real = gltf.sky_texture
        gltf.sky_texture = lambda sky: texture
        try:
            fn()
        finally:
            gltf.sky_texture = real

    pieces = {f"p{i}": np.frombuffer(p, dtype=np.uint8) for i, p in enumerate(w.parts) if len(p)}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        jobs = {
            "json": lambda: export_json(scene, folder / "scene.json"),
            "json floor": lambda: np.savez(folder / "arrays.npz", **arrays),
            "glb": lambda: gltf.export_gltf(scene, folder / "scene.glb"),
            "glb floor": lambda: np.savez(folder / "buffer.npz", **pieces),
            "glb, sky pre-baked": lambda: prebaked(lambda: gltf.export_gltf(scene, folder / "pre.glb")),
        }
        times: dict[str, list[float]] = {k: [] for k in jobs}
        for _ in range(args.rounds):
            for name, fn in jobs.items():
                times[name].append(timed(fn))
        med = {k: statistics.median(v) for k, v in times.items()}
        size = {k: (folder / f).stat().st_size for k, f in
                (("json", "scene.json"), ("json floor", "arrays.npz"), ("glb", "scene.glb"),
                 ("glb floor", "buffer.npz"))}
        peak = {k: peak_mib(jobs[k]) for k in ("json", "glb", "glb, sky pre-baked")}
    figures = sum(len(g.pos_i) for g in scene.audience)
    print(f"{args.seed.name}: {figures:,} figures, terrain {scene.terrain.resolution}²; medians of "
          f"{args.rounds} interleaved rounds; the sky texture bake alone: {t_bake * 1e3:.0f} ms\n")
    head = (f"{'file':<22}{'ours / floor':>14}{'ours':>10}{'np.savez':>11}{'ours MB':>10}{'floor MB':>10}"
            f"{'peak MiB':>10}{'target':>8}")
    print(head)
    print("-" * len(head))
    size["glb, sky pre-baked"] = size["glb"]
    for name, floor, target in (("json", "json floor", "3x"), ("glb", "glb floor", ""),
                                ("glb, sky pre-baked", "glb floor", "2x")):
        label = {"json": "scene JSON", "glb": ".glb"}.get(name, ".glb, sky pre-baked")
        print(f"{label:<22}{med[name] / med[floor]:>13.2f}x"
              f"{med[name] * 1e3:>8.0f}ms{med[floor] * 1e3:>9.0f}ms{size[name] / 1e6:>10.1f}"
              f"{size[floor] / 1e6:>10.1f}{peak[name]:>10.0f}{target:>8}")
    print("\n(peak: Python allocations while writing, beyond the scene itself)")


if __name__ == "__main__":
    main()
