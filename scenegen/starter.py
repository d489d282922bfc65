"""`scenegen new`: a commented starter seed file, written from the spec declaration itself."""

from __future__ import annotations

import dataclasses
import json
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .seedfile import spec_fields
from .spec import CUE_KINDS, SeedSpec

__all__ = ["MODELINE", "SCHEMA_NAME", "SCHEMA_PATH", "seed_file_outputs", "slug", "starter_text",
           "with_modeline"]

SCHEMA_PATH = Path(__file__).with_name("schema") / "seed.schema.json"

# Seed files that scenegen writes point editors (the YAML language server) at a schema file beside them:
# a relative name survives moving the folder, needs no network, and always matches the version that wrote
# the file, where a path into the installed package breaks when the file or the environment moves.
SCHEMA_NAME = "seed.schema.json"
MODELINE = f"# yaml-language-server: $schema={SCHEMA_NAME}"
_COMMENT_COLUMN = 44


def with_modeline(text: str) -> str:
    """`text` with MODELINE as its first line (replacing a modeline already there)."""
    lines = text.split("\n", 1)
    if lines[0].startswith("# yaml-language-server:"):
        text = lines[1] if len(lines) > 1 else ""
    return MODELINE + "\n" + text


def seed_file_outputs(out: str | os.PathLike, text: str, force: bool = False) -> tuple[list[tuple[Path, bytes]],
                                                                                        str | None]:
    """What to write for a seed file at `out`: the file, and the seed schema beside it (SCHEMA_NAME, what
    its modeline names) where none is there yet or `force` says to replace it; with a note when a
    different schema file is left in place."""
    path = Path(out)
    files = [(path, text.encode("utf-8"))]
    beside = path.parent / SCHEMA_NAME
    schema = SCHEMA_PATH.read_bytes()
    note = None
    if not beside.exists() or force:
        files.append((beside, schema))
    elif beside.read_bytes() != schema:
        note = (f"{beside} is another version's seed schema, left as it is (`scenegen schema -o {beside} "
                "--force` brings it up to date)")
    return files, note


def _comment(text: str, doc: str) -> str:
    # Two spaces at least before a comment, however long the value: YAML needs one, the eye two.
    return text + " " * max(2, _COMMENT_COLUMN - len(text)) + f"# {doc}"


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
            out.append(_comment(f"{indent}{key}:", doc))
            if dataclasses.is_dataclass(v):
                out.extend(_lines(_items(v), indent + "  "))
                continue
            for item in v:
                sub = _lines(_items(item), indent + "    ")
                out.append(f"{indent}  - {sub[0][len(indent) + 4:]}")
                out.extend(sub[1:])
        else:
            out.append(_comment(f"{indent}{key}: {_scalar(v)}", doc))
    return out


def starter_text(name: str) -> str:
    """A seed file with its name and seed set, and every other field shown commented out at its default.

    Removing the leading "# " from field lines (with their section lines) gives valid YAML that means
    the same as leaving them commented.
    """
    head = [
        MODELINE,
        f"# {name}: a scenegen seed file. Every commented field shows its default; uncomment and change",
        "# what you like. `scenegen validate FILE` checks it, `scenegen view FILE` opens it.",
        "scenegen: 1",
        f"name: {_scalar(name)}",
        _comment(f"seed: {_scalar(slug(name))}", "any integer or text: change it for another world"),
    ]
    spec = SeedSpec()
    body = [(k, v, d) for k, v, d in _items(spec) if k not in ("scenegen", "name", "seed")]
    lines = list(head)
    for item in body:
        lines.append("")
        section = ["# " + line for line in _lines([item], "")]
        if item[0] == "performance":
            at = next(i for i, line in enumerate(section) if line.startswith("#   cues:")) + 1
            section[at:at] = ["#   " + line for line in _cue_examples()]
        lines.extend(section)
    return "\n".join(lines) + "\n"


def _cue_examples() -> list[str]:
    """One commented line per cue kind with its fields at their defaults (they stay comments when the
    field lines around them are uncommented: the score of a starter is empty)."""
    out = ["# Each cue is one of these kinds (shown with their defaults; label and sections left out):"]
    for kind, cls in CUE_KINDS.items():
        fields = [f"{key}: {_scalar(getattr(cls(), f.name))}" for f, key, _ in spec_fields(cls)
                  if key != "label" and not dataclasses.is_dataclass(getattr(cls(), f.name))]
        sections = [key for f, key, _ in spec_fields(cls) if dataclasses.is_dataclass(getattr(cls(), f.name))]
        extra = f"  (and {', '.join(sections)}: {{…}})" if sections else ""
        doc = (cls.__doc__ or "").strip().splitlines()[0]
        out.append(f"#   {kind}: {doc}")
        out.append(f"# - {{{', '.join(fields)}}}{extra}".replace(f"kind: {_scalar(kind)}", f"kind: {kind}"))
    return out
