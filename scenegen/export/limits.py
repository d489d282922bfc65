"""What each export format can hold: its size estimated from the spec, checked before anything is generated.

JSON text is read whole by its readers, and JavaScript's (Node, browsers, three.js, the glTF validator) cannot
hold a string longer than V8's limit of 2^29 − 24 characters: a .gltf, a node-per-figure glTF's JSON chunk or
an --inline scene JSON past it can be written but never read there, and building it costs gigabytes. Such a
combination is refused up front, naming the limit and a format that holds the scene. The estimates are upper
bounds (every figure asked for is counted, placed or not), from sizes per unit measured on real exports; the
tests keep them above what is written.
"""

from __future__ import annotations

from typing import Any

__all__ = ["JS_STRING_MAX", "MAX_NODE_FIGURES", "estimate_bytes", "refusal"]

JS_STRING_MAX = (1 << 29) - 24      # V8's String::kMaxLength on 64-bit machines
MAX_NODE_FIGURES = 1_000_000        # --instances nodes: a node per figure (about 250 bytes of JSON each)

# Bytes written per terrain vertex, figure and star (and a fixed part: the sky texture, the stage, spheres),
# measured on exports of scenes that vary one of them (bench/export_memory.py compares them with the
# largest scenes); each rounded up, a few per cent over what was measured.
_PER = {
    "glb": {"vertex": 68, "figure": 84, "star": 51, "fixed": 2 << 20},        # with the animation clips
    "nodes": {"vertex": 68, "figure": 260, "star": 51, "fixed": 2 << 20},
    "json": {"vertex": 38, "figure": 81, "star": 59, "fixed": 1 << 20},       # base64 arrays
    "inline": {"vertex": 135, "figure": 290, "star": 215, "fixed": 1 << 20},  # arrays as decimal numbers
}


def _counts(spec: Any) -> dict[str, int]:
    n = int(spec.terrain.resolution)
    return {"vertex": n * n, "figure": sum(int(g.count) for g in spec.audience),
            "star": int(spec.sky.stars.count), "fixed": 1}


def estimate_bytes(spec: Any, fmt: str) -> int:
    """About how many bytes `fmt` (glb, nodes, gltf: embedded, json, inline) takes for the scene of `spec`;
    never less."""
    if fmt == "gltf":           # the buffer as base64 inside the JSON
        return estimate_bytes(spec, "glb") * 4 // 3
    per = _PER[fmt]
    return sum(per[k] * v for k, v in _counts(spec).items())


def _mib(n: float) -> str:
    return f"{n / (1 << 30):.1f} GiB" if n >= 1 << 30 else f"{n / (1 << 20):.0f} MiB"


def refusal(spec: Any, kind: str, *, inline: bool = False, embed: bool = True, instances: str = "gpu") -> str | None:
    """Why the scene of `spec` cannot be exported as `kind` (.json, .glb, .gltf) with these options, or None."""
    limit = f"the {_mib(JS_STRING_MAX)} of text that JavaScript readers (Node, browsers) can parse"
    figures = _counts(spec)["figure"]
    if kind in (".glb", ".gltf") and instances == "nodes" and figures > MAX_NODE_FIGURES:
        return (f"--instances nodes: {figures:,} figures asked for, above the limit of {MAX_NODE_FIGURES:,} nodes "
                "(a node per figure); use --instances gpu (EXT_mesh_gpu_instancing)")
    if kind == ".gltf" and embed:
        size = estimate_bytes(spec, "nodes" if instances == "nodes" else "glb") * 4 // 3    # base64
        if size > JS_STRING_MAX:
            return (f".gltf with its buffer embedded: about {_mib(size)} of JSON, above {limit}; "
                    "write .glb, or .gltf with --separate-bin")
    if kind in (".glb", ".gltf") and instances == "nodes":
        size = _PER["nodes"]["figure"] * figures
        if size > JS_STRING_MAX:
            return f"--instances nodes: about {_mib(size)} of glTF JSON, above {limit}; use --instances gpu"
    if kind == ".json" and inline:
        size = estimate_bytes(spec, "inline")
        if size > JS_STRING_MAX:
            return f"--inline: about {_mib(size)} of JSON, above {limit}; leave out --inline (base64 arrays)"
    return None
