"""Benchmark the exporters on the default scene and print a table.

    python bench/export.py [--repeat N]

Measures, in one process, on assets/seeds/grand-auditorium.yaml (its 250,000 eyes included):
  * the whole .glb (built and written) and the scene JSON (built and written), for scale;
  * the terrain's vertex buffer (POSITION, NORMAL, COLOR_0 bytes) built with numpy, against the naive
    baseline of a per-vertex Python loop with struct.pack;
  * the crowd's instance buffers (TRANSLATION, ROTATION, SCALE) built with numpy, against a per-figure loop;
  * the sky dome's texture (the whole sky baked as our renderer draws it), for scale;
  * the heightmap as a 16-bit PNG and as an EXR;
  * what the animations cost: the .glb document with and without its clips (the ambience and the
    performance), time per MiB of what they add against time per MiB of the still file (the sound's mix is
    left out: it is the performance's own cost, bench/mix.py).
The row "naive loops (derived)" is the .glb time with the two numpy parts replaced by the loops' times.
Every time is the fastest of N runs (other processes on a shared machine only ever add time).
"""

from __future__ import annotations

import argparse
import math
import struct
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scenegen.export import gltf_animation  # noqa: E402
from scenegen.export.gltf import (  # noqa: E402
    _SKY_TEXTURE,
    _yaw_pitch_quats,
    export_gltf,
    gltf_document,
    sky_texture,
    terrain_arrays,
)
from scenegen.export.heightmap import export_heightmap  # noqa: E402
from scenegen.export.json import export_json  # noqa: E402
from scenegen.gen.scene import generate  # noqa: E402
from scenegen.seedfile import load_seed  # noqa: E402

DEFAULT_SEED = ROOT / "scenegen" / "examples" / "grand-auditorium.yaml"


def fastest(fn: Callable[[], Any], repeat: int) -> float:
    """Fastest milliseconds of fn() over `repeat` runs."""
    best = math.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best * 1e3


# ------------------------------------------------------------------------------------ terrain buffer

def terrain_numpy(terrain: Any) -> bytes:
    pos, _ = terrain_arrays(terrain)
    return b"".join([pos.tobytes(), terrain.normal_zx.reshape(-1, 3).tobytes(),
                     terrain.color_zx.reshape(-1, 3).tobytes()])


def terrain_loop(terrain: Any) -> bytes:
    """The naive way: one struct.pack per vertex and attribute."""
    n = terrain.resolution
    sx, sz = terrain.size
    h, nrm, col = terrain.height_zx.tolist(), terrain.normal_zx.tolist(), terrain.color_zx.tolist()
    pos, normals, colors = bytearray(), bytearray(), bytearray()
    for r in range(n):
        z = (r / (n - 1) - 0.5) * sz
        for c in range(n):
            pos += struct.pack("<3f", (c / (n - 1) - 0.5) * sx, h[r][c], z)
            normals += struct.pack("<3f", *nrm[r][c])
            colors += struct.pack("<3f", *col[r][c])
    return bytes(pos + normals + colors)


# ------------------------------------------------------------------------------------ crowd buffers

def crowd_numpy(group: Any) -> bytes:
    rel = (group.pos_i.astype(np.float64) - group.pos_i[0].astype(np.float64)).astype(np.float32)
    scale = np.stack([group.width_i, group.height_i, group.width_i], axis=1)
    return rel.tobytes() + _yaw_pitch_quats(group.facing_i, group.pitch_i).tobytes() + scale.tobytes()


def crowd_loop(group: Any) -> bytes:
    """The naive way: one quaternion and three struct.packs per figure."""
    t, q, s = bytearray(), bytearray(), bytearray()
    x0, y0, z0 = group.pos_i[0].tolist()
    for (x, y, z), yaw, pitch, w, h in zip(group.pos_i.tolist(), group.facing_i.tolist(), group.pitch_i.tolist(),
                                           group.width_i.tolist(), group.height_i.tolist()):
        cy, sy, cp, sp = math.cos(yaw / 2), math.sin(yaw / 2), math.cos(-pitch / 2), math.sin(-pitch / 2)
        t += struct.pack("<3f", x - x0, y - y0, z - z0)
        q += struct.pack("<4f", cy * sp, sy * cp, -sy * sp, cy * cp)
        s += struct.pack("<3f", w, h, w)
    return bytes(t + q + s)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=3, help="runs per measurement (the fastest counts)")
    args = ap.parse_args()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scene = generate(load_seed(DEFAULT_SEED))
    crowd = max(scene.audience, key=lambda g: len(g.pos_i))
    n = scene.terrain.resolution
    assert terrain_numpy(scene.terrain) == terrain_loop(scene.terrain), "the two terrain buffers differ"
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        glb = fastest(lambda: export_gltf(scene, out / "s.glb", sound=False), args.repeat)
        js = fastest(lambda: export_json(scene, out / "s.json"), args.repeat)
        png = fastest(lambda: export_heightmap(scene, out / "h.png"), args.repeat)
        exr = fastest(lambda: export_heightmap(scene, out / "h.exr"), args.repeat)
        size = {p: (out / p).stat().st_size / 2**20 for p in ("s.glb", "s.json", "h.png", "h.exr")}
    rows.append((f".glb, whole scene ({size['s.glb']:.1f} MiB)", glb, None))
    rows.append((f"scene JSON, whole scene ({size['s.json']:.1f} MiB)", js, None))
    rows.append((f"terrain vertex buffer, {n}×{n} vertices", fastest(lambda: terrain_numpy(scene.terrain), args.repeat),
                 fastest(lambda: terrain_loop(scene.terrain), 1)))
    rows.append((f"crowd instance buffers, {len(crowd.pos_i):,} figures",
                 fastest(lambda: crowd_numpy(crowd), args.repeat), fastest(lambda: crowd_loop(crowd), 1)))
    # The whole .glb as the loops would make it: ours with the two numpy parts swapped for the loops.
    (_, t_np, t_loop), (_, c_np, c_loop) = rows[2], rows[3]
    rows.insert(1, (".glb, whole scene, naive loops (derived)", glb, glb - t_np - c_np + t_loop + c_loop))
    w, h = _SKY_TEXTURE
    rows.append((f"sky texture, {w}×{h} (part of the .glb)", fastest(lambda: sky_texture(scene.sky), args.repeat),
                 None))
    # The animations: the document with its clips, and without (the clips' builder swapped for nothing).
    full = fastest(lambda: gltf_document(scene), args.repeat)
    full_bytes = len(gltf_document(scene)[1])
    real = gltf_animation.animations
    gltf_animation.animations = lambda w, s, sound=None: []  # type: ignore[assignment]
    try:
        still = fastest(lambda: gltf_document(scene), args.repeat)
        still_bytes = len(gltf_document(scene)[1])
    finally:
        gltf_animation.animations = real  # type: ignore[assignment]
    added = (full_bytes - still_bytes) / 2**20
    rows.append((f".glb document, still ({still_bytes / 2**20:.1f} MiB)", still, None))
    rows.append((f".glb document, with both clips (+{added:.2f} MiB)", full, None))
    per_still, per_anim = still / (still_bytes / 2**20), (full - still) / max(added, 1e-9)
    rows.append(("  ms per MiB: still file / what the clips add", per_still, None))
    rows.append(("  ms per MiB of the clips", per_anim, None))
    rows.append((f"heightmap 16-bit PNG ({size['h.png']:.2f} MiB, + side-car)", png, None))
    rows.append((f"heightmap EXR ({size['h.exr']:.2f} MiB, + side-car)", exr, None))

    print(f"scene: {DEFAULT_SEED.relative_to(ROOT)} — fastest of {args.repeat}, baseline loops run once\n")
    head = ("task", "ours (ms)", "naive loop (ms)", "speed-up")
    width = max(len(r[0]) for r in rows) + 2
    print(f"| {head[0]:<{width}} | {head[1]:>10} | {head[2]:>16} | {head[3]:>9} |")
    print(f"|{'-' * (width + 2)}|{'-' * 11}:|{'-' * 17}:|{'-' * 10}:|")
    for name, ours, base in rows:
        b = f"{base:.1f}" if base is not None else "—"
        ratio = f"{base / ours:.0f}×" if base is not None else "—"
        print(f"| {name:<{width}} | {ours:>10.1f} | {b:>16} | {ratio:>9} |")


if __name__ == "__main__":
    main()
