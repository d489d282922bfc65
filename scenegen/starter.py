"""`scenegen new`: a commented starter seed file, written from the spec declaration itself."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .seedfile import spec_fields
from .spec import SeedSpec

__all__ = ["starter_text", "slug"]

SCHEMA_PATH = Path(__file__).with_name("schema") / "seed.schema.json"


def slug(name: str) -> str:
    """A file-name-safe form of a scene name."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "scene"


def _scalar(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, tuple):
        return "[" + ", ".join(_scalar(x) for x in v) + "]"
    raise TypeError(type(v))


def _items(obj: Any) -> list[tuple[str, Any, str]]:
    return [(key, getattr(obj, f.name), f.metadata.get("doc", "")) for f, key, _ in spec_fields(type(obj))]


def _is_section_list(v: Any) -> bool:
    return isinstance(v, tuple) and bool(v) and dataclasses.is_dataclass(v[0])


def _lines(items: Iterable[tuple[str, Any, str]], indent: str) -> list[str]:
    out: list[str] = []
    for key, v, doc in items:
        if dataclasses.is_dataclass(v) or _is_section_list(v):
            out.append(f"{indent}{key}:".ljust(44) + f"# {doc}")
            if dataclasses.is_dataclass(v):
                out.extend(_lines(_items(v), indent + "  "))
                continue
            for item in v:
                sub = _lines(_items(item), indent + "    ")
                out.append(f"{indent}  - {sub[0][len(indent) + 4:]}")
                out.extend(sub[1:])
        else:
            out.append(f"{indent}{key}: {_scalar(v)}".ljust(44) + f"# {doc}")
    return out


def starter_text(name: str) -> str:
    """A seed file with its name and seed set, and every other field shown commented out at its default.

    Removing the leading "# " from field lines (with their section lines) gives valid YAML that means
    the same as leaving them commented.
    """
    head = [
        f"# yaml-language-server: $schema={SCHEMA_PATH.as_uri()}",
        f"# {name}: a scenegen seed file. Every commented field shows its default; uncomment and change",
        "# what you like. `scenegen validate FILE` checks it, `scenegen view FILE` opens it.",
        "scenegen: 1",
        f"name: {_scalar(name)}",
        f"seed: {_scalar(slug(name))}".ljust(44) + "# any integer or text: change it for another world",
    ]
    spec = SeedSpec()
    body = [(k, v, d) for k, v, d in _items(spec) if k not in ("scenegen", "name", "seed")]
    lines = list(head)
    for item in body:
        lines.append("")
        lines.extend("# " + line for line in _lines([item], ""))
    return "\n".join(lines) + "\n"
