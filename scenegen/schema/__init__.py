"""JSON Schemas of the seed file and of the scene JSON, generated from the declarations and shipped."""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from pathlib import Path
from typing import Any, Literal, Union

from ..seedfile import _kinds, spec_fields, spec_to_data
from ..spec import SeedSpec

__all__ = ["seed_schema", "scene_schema", "shipped_schema", "SCHEMA_DIR"]

SCHEMA_DIR = Path(__file__).parent
DRAFT = "https://json-schema.org/draft/2020-12/schema"


def _numeric(tp: Any, meta: dict) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "integer" if tp is int else "number"}
    if meta.get("lo") is not None:
        out["minimum"] = meta["lo"]
    if meta.get("gt") is not None:
        out["exclusiveMinimum"] = meta["gt"]
    if meta.get("hi") is not None:
        out["maximum"] = meta["hi"]
    return out


def _spec_type(tp: Any, meta: dict) -> dict[str, Any]:
    origin = typing.get_origin(tp)
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return _spec_object(tp)
    if tp is bool:
        return {"type": "boolean"}
    if tp in (int, float):
        return _numeric(tp, meta)
    if tp is str:
        return {"type": "string", "maxLength": 10000}
    if getattr(tp, "__supertype__", None) is str:
        return {"type": "string", "pattern": "^#[0-9a-fA-F]{6}$", "description": "sRGB colour #rrggbb"}
    if origin is Literal:
        return {"enum": list(typing.get_args(tp))}
    if origin in (Union, types.UnionType):
        kinds = _kinds([a for a in typing.get_args(tp) if a is not type(None)])
        if kinds:   # a discriminated union (the cues of a score): `kind` picks the section
            return {"type": "object", "required": ["kind"],
                    "properties": {"kind": {"enum": list(kinds)}},
                    "oneOf": [{**_spec_object(c), "required": ["kind"]} for c in kinds.values()]}
        return {"anyOf": [{"type": "null"} if a is type(None) else _spec_type(a, meta)
                          for a in typing.get_args(tp)]}
    if origin is tuple:
        args = typing.get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            out: dict[str, Any] = {"type": "array", "items": _spec_type(args[0], meta)}
            if meta.get("max_items") is not None:
                out["maxItems"] = meta["max_items"]
            if meta.get("min_items") is not None:
                out["minItems"] = meta["min_items"]
            return out
        return {"type": "array", "prefixItems": [_spec_type(a, meta) for a in args], "items": False,
                "minItems": len(args), "maxItems": len(args)}
    raise TypeError(f"no schema for {tp!r}")


def _spec_object(cls: type) -> dict[str, Any]:
    props = {}
    for f, key, tp in spec_fields(cls):
        meta = dict(f.metadata)
        sub = _spec_type(tp, meta)
        doc = meta.get("doc")
        if meta.get("limit"):
            doc = f"{doc} Limit: {meta['hi']}."
        default = f.default_factory() if callable(f.default_factory) else f.default
        props[key] = {"description": doc, **sub, "default": spec_to_data(default)}
    return {"type": "object", "description": (cls.__doc__ or "").strip(), "properties": props,
            "additionalProperties": False}


def seed_schema() -> dict[str, Any]:
    """The JSON Schema of seed files (editors use it through the yaml-language-server modeline)."""
    body = _spec_object(SeedSpec)
    body["properties"] = {
        "extends": {"description": "Build on a bundled preset (by name) or another seed file (a path "
                                   "relative to this one); mappings merge deeply, later ones win, this file last.",
                    "anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]},
        **body["properties"],
    }
    return {"$schema": DRAFT, "$id": "urn:scenegen:schema:seed:1",
            "title": "scenegen seed file, format 1", **body}


def _record_type(tp: Any, meta: dict) -> dict[str, Any]:
    origin = typing.get_origin(tp)
    if "dtype" in meta:
        shape = meta["shape"]
        dims = [{"const": d} if isinstance(d, int) else {"type": "integer", "minimum": 0} for d in shape]
        return {"type": "object", "description": f"{meta['doc']} Array {meta['dtype']}{list(shape)}, "
                "row-major, little-endian.",
                "required": ["dtype", "shape", "encoding", "data"], "additionalProperties": False,
                "properties": {
                    "dtype": {"const": meta["dtype"]},
                    "shape": {"type": "array", "prefixItems": dims, "items": False,
                              "minItems": len(shape), "maxItems": len(shape)},
                    "encoding": {"enum": ["base64", "inline"]},
                    "data": {"anyOf": [{"type": "string", "contentEncoding": "base64"},
                                       {"type": "array", "items": {"type": "number"}}]}}}
    if tp is SeedSpec:
        return {"$ref": "#/$defs/seed", "description": meta.get("doc", "")}
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return _record_object(tp, meta.get("doc"))
    if tp is bool:
        return {"type": "boolean"}
    if tp is int:
        return {"type": "integer"}
    if tp is float:
        return {"type": "number"}
    if tp is str:
        return {"type": "string"}
    if origin in (Union, types.UnionType):
        return {"anyOf": [{"type": "null"} if a is type(None) else _record_type(a, {})
                          for a in typing.get_args(tp)]}
    if origin is tuple:
        args = typing.get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            return {"type": "array", "items": _record_type(args[0], {})}
        return {"type": "array", "prefixItems": [_record_type(a, {}) for a in args], "items": False,
                "minItems": len(args), "maxItems": len(args)}
    raise TypeError(f"no schema for {tp!r}")


def _record_object(cls: type, doc: str | None = None) -> dict[str, Any]:
    hints = typing.get_type_hints(cls)
    props = {}
    for f in dataclasses.fields(cls):
        meta = dict(f.metadata)
        sub = _record_type(hints[f.name], meta)
        if "dtype" not in meta and meta.get("doc"):
            sub = {"description": meta["doc"], **sub}
        kind = getattr(cls, "KIND", None)
        if f.name == "kind" and isinstance(kind, str):   # an event of the score: its kind is fixed
            sub = {"description": sub.get("description", ""), "const": kind}
        props[f.name] = sub
    return {"type": "object", "description": doc or (cls.__doc__ or "").strip().splitlines()[0],
            "required": list(props), "additionalProperties": False, "properties": props}


def scene_schema() -> dict[str, Any]:
    """The JSON Schema of scene JSON files (format scenegen.scene/1)."""
    from ..export.json import FORMAT
    from ..gen.scene import Scene

    body = _record_object(Scene)
    header = {
        "format": {"const": FORMAT},
        "generator": {"type": "object", "required": ["name", "version"],
                      "properties": {"name": {"const": "scenegen"}, "version": {"type": "string"}}},
        "units": {"const": "metres"},
        "axes": {"type": "object", "properties": {"up": {"const": "+y"}, "forward": {"const": "-z"},
                                                  "handedness": {"const": "right"}}},
        "colors": {"type": "string"},
        "height_range": {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2},
    }
    body["properties"] = {**header, **body["properties"]}
    body["required"] = [*header, *body["required"]]
    seed = seed_schema()
    for key in ("$schema", "$id"):
        seed.pop(key)
    return {"$schema": DRAFT, "$id": "urn:scenegen:schema:scene:1",
            "title": "scenegen scene JSON, format scenegen.scene/1", **body, "$defs": {"seed": seed}}


def shipped_schema(name: str) -> dict[str, Any]:
    """The schema file shipped with the package ("seed" or "scene")."""
    return json.loads((SCHEMA_DIR / f"{name}.schema.json").read_text(encoding="utf-8"))


def dumps_schema(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
