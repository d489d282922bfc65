"""Loads one-file GLSL programs from shaders/*.glsl: each file holds both stages behind #if defined guards."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

__all__ = ["SHADER_DIR", "stage_source", "load_program"]

SHADER_DIR = Path(__file__).resolve().parent / "shaders"
_VERSION = "#version 330 core"
_INCLUDE = re.compile(r'^\s*#include\s+"([\w.\-]+)"\s*$')
_STAGES = ("VERTEX_SHADER", "FRAGMENT_SHADER")


@cache
def _read(name: str) -> str:
    return (SHADER_DIR / name).read_text(encoding="utf-8")


def _expand(name: str, seen: tuple[str, ...] = ()) -> str:
    """The file's text with `#include "x.glsl"` lines replaced by x.glsl (each file at most once)."""
    if name in seen:
        raise ValueError(f"{name} includes itself: {' → '.join(seen + (name,))}")
    out = []
    for line in _read(name).splitlines():
        m = _INCLUDE.match(line)
        out.append(_expand(m.group(1), seen + (name,)) if m else line)
    return "\n".join(out)


def stage_source(name: str, stage: str, defines: Mapping[str, Any] | None = None) -> str:
    """Full GLSL source of one stage ('VERTEX_SHADER' or 'FRAGMENT_SHADER') of shaders/<name>.glsl."""
    if stage not in _STAGES:
        raise ValueError(f"stage must be one of {_STAGES}, not {stage!r}")
    head = [_VERSION, f"#define {stage} 1"]
    head += [f"#define {k} {v}" for k, v in (defines or {}).items()]
    return "\n".join(head) + "\n" + _expand(name if name.endswith(".glsl") else name + ".glsl") + "\n"


def load_program(name: str, defines: Mapping[str, Any] | None = None) -> Any:
    """Compile and link shaders/<name>.glsl into a pyglet ShaderProgram (needs a current GL context)."""
    from pyglet.graphics.shader import Shader, ShaderProgram
    vert = Shader(stage_source(name, "VERTEX_SHADER", defines), "vertex")
    frag = Shader(stage_source(name, "FRAGMENT_SHADER", defines), "fragment")
    try:
        return ShaderProgram(vert, frag)
    finally:
        vert.delete()
        frag.delete()
