"""Scene JSON (format scenegen.scene/1): export, exact load, and the walk both share with the schema."""

from __future__ import annotations

import base64
import binascii
import dataclasses
import json
import math
import os
import re
import types
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Union

import numpy as np

from .. import __version__
from ..fileio import ReadRefused, read_limited, write_output
from ..model import check_arrays
from ..safetext import printable
from ..seedfile import SeedError, spec_from_data, spec_hash, spec_to_data
from ..spec import SeedSpec

__all__ = ["FORMAT", "SceneFormatError", "scene_to_data", "scene_from_data", "dumps_scene", "scene_chunks",
           "export_json", "load_scene", "scene_keys", "keys_markdown", "MAX_SCENE_BYTES"]

MAX_SCENE_BYTES = 2 << 30       # load_scene reads at most this much (the largest scene's JSON is far less)

FORMAT = "scenegen.scene/1"
HEADER = {
    "units": "metres",
    "axes": {"up": "+y", "forward": "-z", "handedness": "right"},
    "colors": "linear RGB floats",
}


class SceneFormatError(ValueError):
    """A file that is not a scene JSON this version can read; str() is one line (escaped)."""

    def __init__(self, message: str):
        super().__init__(printable(message))


# ------------------------------------------------------------------------------------------- encode

def _encode_array(arr: np.ndarray, inline: bool) -> dict[str, Any]:
    little = arr.astype(arr.dtype.newbyteorder("<"), copy=False)
    out: dict[str, Any] = {"dtype": arr.dtype.name, "shape": list(arr.shape)}
    if inline:
        out["encoding"] = "inline"
        out["data"] = little.reshape(-1).tolist()
    else:
        out["encoding"] = "base64"
        out["data"] = base64.b64encode(np.ascontiguousarray(little).tobytes()).decode("ascii")
    return out


def _encode(value: Any, inline: bool, arrays: list[np.ndarray] | None = None) -> Any:
    if isinstance(value, np.ndarray):
        if arrays is not None:       # left for the writer to stream (see _chunks)
            arrays.append(value)
            return f"\0array{len(arrays) - 1}\0"
        return _encode_array(value, inline)
    if isinstance(value, SeedSpec):
        return spec_to_data(value)
    if dataclasses.is_dataclass(value):
        return {f.name: _encode(getattr(value, f.name), inline, arrays) for f in dataclasses.fields(value)}
    if isinstance(value, tuple):
        return [_encode(v, inline, arrays) for v in value]
    if isinstance(value, (float, np.floating)):
        return float(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    return value


def scene_to_data(scene: Any, inline: bool = False, *, arrays: list[np.ndarray] | None = None) -> dict[str, Any]:
    """The scene as plain JSON data: header first, then the scene's own fields.

    With `arrays` (a list), each array is appended to it and stands in the data as the placeholder
    string "\\0array<index>\\0", for a writer that encodes the arrays itself."""
    body = _encode(scene, inline, arrays)
    terrain = scene.terrain
    return {"format": FORMAT, "generator": {"name": "scenegen", "version": __version__}, **HEADER,
            "height_range": list(terrain.height_range), **body}


def dumps_scene(scene: Any, inline: bool = False) -> bytes:
    """Deterministic JSON bytes: fixed key order, shortest round-trip floats, arrays on one line each."""
    return b"".join(scene_chunks(scene, inline))


# Raw bytes per base64 piece: a multiple of 3, so the pieces' encodings join into the whole one's.
_B64_PIECE = 3 << 18
_INLINE_PIECE = 1 << 16   # values per piece of an inline array


def scene_chunks(scene: Any, inline: bool = False) -> Iterator[bytes]:
    """dumps_scene's bytes in pieces, for writing as they come: the document around the arrays is small
    and made at once; each array is encoded a piece at a time, never as one string of the whole file."""
    arrays: list[np.ndarray] = []
    data = scene_to_data(scene, inline, arrays=arrays)
    # The document is indented for people; each array is one compact line inside it.
    text = json.dumps(data, indent=1, ensure_ascii=False, allow_nan=False)
    parts = re.split(r'"\\u0000array(\d+)\\u0000"', text)
    for k, part in enumerate(parts):
        if k % 2 == 0:
            yield part.encode("utf-8")
        else:
            yield from _array_chunks(arrays[int(part)], inline)
    yield b"\n"


def _array_chunks(arr: np.ndarray, inline: bool) -> Iterator[bytes]:
    """The bytes of json.dumps(_encode_array(arr, inline), separators=(",", ":")), a piece at a time."""
    little = np.ascontiguousarray(arr.astype(arr.dtype.newbyteorder("<"), copy=False))
    head = {"dtype": arr.dtype.name, "shape": list(arr.shape), "encoding": "inline" if inline else "base64"}
    yield json.dumps(head, separators=(",", ":"))[:-1].encode("ascii") + b',"data":'
    if inline:
        flat = little.reshape(-1)
        yield b"["
        for i in range(0, flat.size, _INLINE_PIECE):
            piece = json.dumps(flat[i:i + _INLINE_PIECE].tolist(), separators=(",", ":"), allow_nan=False)
            yield (piece[1:-1] if i == 0 else "," + piece[1:-1]).encode("ascii")
        yield b"]}"
        return
    raw = little.reshape(-1).view(np.uint8)
    yield b'"'
    for i in range(0, len(raw), _B64_PIECE):
        yield binascii.b2a_base64(raw[i:i + _B64_PIECE].data, newline=False)
    yield b'"}'


def export_json(scene: Any, path: str | os.PathLike, inline: bool = False) -> None:
    """Write the scene JSON atomically ("-" writes to standard output), streamed a piece at a time."""
    write_output(path, scene_chunks(scene, inline))


# ------------------------------------------------------------------------------------------- decode

def _decode_array(data: Any, meta: dict, where: str) -> np.ndarray:
    if not isinstance(data, dict) or not {"dtype", "shape", "data"} <= set(data):
        raise SceneFormatError(f"{where}: expected an array object {{dtype, shape, data}}")
    dtype = np.dtype(meta["dtype"])
    if data["dtype"] != dtype.name:
        raise SceneFormatError(f"{where}: dtype {data['dtype']!r}, expected {dtype.name}")
    shape = data["shape"]
    if (not isinstance(shape, list) or len(shape) != len(meta["shape"])
            or not all(type(n) is int and 0 <= n < 1 << 40 for n in shape)):
        raise SceneFormatError(f"{where}: bad shape {str(shape)[:80]} (expected {len(meta['shape'])} sizes)")
    count = math.prod(shape)        # Python integers: no overflow, and compared before any allocation
    raw = data["data"]
    if isinstance(raw, str):
        if len(raw) != 4 * ((count * dtype.itemsize + 2) // 3):
            raise SceneFormatError(f"{where}: {len(raw)} characters of base64 for shape {shape}")
        try:
            buf = base64.b64decode(raw, validate=True)
        except ValueError:
            raise SceneFormatError(f"{where}: data is not base64") from None
        if len(buf) != count * dtype.itemsize:
            raise SceneFormatError(f"{where}: {len(buf)} bytes of data for shape {shape}")
        arr = np.frombuffer(buf, dtype=dtype.newbyteorder("<")).astype(dtype)
    elif isinstance(raw, list):
        if len(raw) != count:
            raise SceneFormatError(f"{where}: {len(raw)} values for shape {shape}")
        kind = (int, float) if dtype.kind == "f" else (int,)
        if not all(type(v) in kind for v in raw):
            raise SceneFormatError(f"{where}: the data holds something other than {dtype.name} numbers")
        try:
            arr = np.array(raw, dtype=np.float64 if dtype.kind == "f" else np.int64)
        except OverflowError:
            raise SceneFormatError(f"{where}: a value is out of range for {dtype.name}") from None
        if dtype.kind != "f":
            info = np.iinfo(dtype)
            if arr.size and (arr.min() < info.min or arr.max() > info.max):
                raise SceneFormatError(f"{where}: a value is out of range for {dtype.name}")
        arr = arr.astype(dtype)
    else:
        raise SceneFormatError(f"{where}: data must be base64 text or a list of numbers")
    if dtype.kind == "f" and not np.isfinite(arr).all():
        raise SceneFormatError(f"{where}: holds a value that is not a finite number (NaN or infinity)")
    return arr.reshape(shape)


def _decode(data: Any, tp: Any, meta: dict, where: str) -> Any:
    origin = typing.get_origin(tp)
    if "dtype" in meta:
        return _decode_array(data, meta, where)
    if tp is SeedSpec:
        try:
            return spec_from_data(data, source=f"{where}")
        except SeedError as err:
            raise SceneFormatError(str(err)) from None
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        if not isinstance(data, dict):
            raise SceneFormatError(f"{where}: expected an object")
        hints = typing.get_type_hints(tp)
        kwargs = {}
        for f in dataclasses.fields(tp):
            if f.name not in data:
                raise SceneFormatError(f"{where}.{f.name}: missing")
            kwargs[f.name] = _decode(data[f.name], hints[f.name], dict(f.metadata), f"{where}.{f.name}")
        record = tp(**kwargs)
        try:
            check_arrays(record)
        except (TypeError, ValueError) as exc:
            raise SceneFormatError(f"{where}: {exc}") from None
        return record
    if origin in (Union, types.UnionType):
        args = typing.get_args(tp)
        if data is None and type(None) in args:
            return None
        alts = [a for a in args if a is not type(None)]
        tagged = {a.KIND: a for a in alts if isinstance(getattr(a, "KIND", None), str)}
        if tagged and len(tagged) == len(alts):   # the performance's events: `kind` says which record
            kind = data.get("kind") if isinstance(data, dict) else None
            if kind not in tagged:
                raise SceneFormatError(f"{where}.kind: {kind!r} is not one of {', '.join(tagged)}")
            record = _decode(data, tagged[kind], meta, where)
            if record.kind != kind:
                raise SceneFormatError(f"{where}.kind: {kind!r}")
            return record
        errors = []
        for alt in alts:
            try:
                return _decode(data, alt, meta, where)
            except SceneFormatError as exc:
                errors.append(str(exc))
        raise SceneFormatError(errors[0] if errors else f"{where}: unexpected null")
    if origin is tuple:
        args = typing.get_args(tp)
        if not isinstance(data, list):
            raise SceneFormatError(f"{where}: expected a list")
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_decode(v, args[0], {}, f"{where}[{i}]") for i, v in enumerate(data))
        if len(data) != len(args):
            raise SceneFormatError(f"{where}: expected {len(args)} items")
        return tuple(_decode(v, a, {}, f"{where}[{i}]") for i, (v, a) in enumerate(zip(data, args)))
    if tp is float:
        if isinstance(data, bool) or not isinstance(data, (int, float)):
            raise SceneFormatError(f"{where}: expected a number")
        try:
            number = float(data)
        except OverflowError:
            number = math.inf
        if not math.isfinite(number):
            raise SceneFormatError(f"{where}: not a finite number")
        return number
    if tp is int:
        if isinstance(data, bool) or not isinstance(data, int):
            raise SceneFormatError(f"{where}: expected an integer")
        return data
    if tp is bool:
        if not isinstance(data, bool):
            raise SceneFormatError(f"{where}: expected true or false")
        return data
    if tp is str:
        if not isinstance(data, str):
            raise SceneFormatError(f"{where}: expected a string")
        if any(0xD800 <= ord(c) <= 0xDFFF for c in data):
            raise SceneFormatError(f"{where}: the text holds a lone surrogate")
        return data
    raise TypeError(f"unsupported scene field type {tp!r} at {where}")


def scene_from_data(data: Any) -> Any:
    """The Scene stored in scene JSON data; raises SceneFormatError when it is not one."""
    from ..gen.scene import Scene

    if not isinstance(data, dict):
        raise SceneFormatError("not a scene: expected a JSON object")
    if data.get("format") != FORMAT:
        shown = data.get("format")
        raise SceneFormatError(f"not a {FORMAT} file (format is "
                               f"{repr(shown)[:60] if isinstance(shown, (str, type(None))) else 'not a string'})")
    try:
        scene = _decode(data, Scene, {}, "scene")
        _check_scene(scene)
    except SceneFormatError:
        raise
    except (TypeError, ValueError, OverflowError, KeyError, IndexError, AttributeError) as exc:
        raise SceneFormatError(f"scene: not a consistent scene ({type(exc).__name__}: {exc})") from None
    except RecursionError:
        raise SceneFormatError("scene: nested too deeply") from None
    return scene


def _check_scene(scene: Any) -> None:
    """What holds for every generated scene: the stored spec is the one hashed, and sizes agree with it."""
    t = scene.terrain
    n = t.resolution
    if scene.spec_hash != spec_hash(scene.spec):
        raise SceneFormatError("scene.spec_hash: does not match the stored spec (edited by hand?)")
    if n != scene.spec.terrain.resolution or t.height_zx.shape != (n, n):
        raise SceneFormatError(f"scene.terrain.resolution: {n} does not agree with the heights "
                               f"({t.height_zx.shape[0]}×{t.height_zx.shape[1]}) and the spec "
                               f"({scene.spec.terrain.resolution})")
    if tuple(t.size) != tuple(scene.spec.terrain.size):
        raise SceneFormatError("scene.terrain.size: does not agree with the spec")
    lo, hi = t.height_range
    if n and (float(t.height_zx.min()) != lo or float(t.height_zx.max()) != hi):
        raise SceneFormatError("scene.terrain.height_range: is not the heights' range")
    if len(scene.audience) != len(scene.spec.audience):
        raise SceneFormatError(f"scene.audience: {len(scene.audience)} groups, the spec has "
                               f"{len(scene.spec.audience)}")
    for i, (group, asked) in enumerate(zip(scene.audience, scene.spec.audience)):
        if len(group.pos_i) > asked.count:
            raise SceneFormatError(f"scene.audience[{i}]: {len(group.pos_i)} figures, more than the "
                                   f"{asked.count} asked")


def _no_constant(name: str) -> Any:
    raise SceneFormatError(f"holds {name}, which is not a number JSON allows")


def load_scene(path: str | os.PathLike) -> Any:
    """Read a scene JSON written by export_json back into the identical Scene; every file that is not
    one raises SceneFormatError (one line)."""
    shown = os.fsdecode(os.fspath(path))
    try:
        raw = read_limited(path, MAX_SCENE_BYTES, what="scene JSON")
    except ReadRefused as refused:
        raise SceneFormatError(f"{shown}: {refused.reason}") from None
    try:
        data = json.loads(raw.decode("utf-8"), parse_constant=_no_constant)
    except SceneFormatError as err:
        raise SceneFormatError(f"{shown}: {err}") from None
    except UnicodeDecodeError as exc:
        raise SceneFormatError(f"{shown}: is not UTF-8 text (byte offset {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise SceneFormatError(f"{shown}: cannot read scene JSON ({exc.msg} at line {exc.lineno} column "
                               f"{exc.colno})") from None
    except (ValueError, RecursionError) as exc:    # integers of thousands of digits; nesting
        raise SceneFormatError(f"{shown}: cannot read scene JSON ({type(exc).__name__})") from None
    try:
        return scene_from_data(data)
    except SceneFormatError as err:
        raise SceneFormatError(f"{shown}: {err}") from None


# ------------------------------------------------------------------------------------------- reference

KEYS_BEGIN = "<!-- scene-json-keys: generated by `python -m scenegen.export.json`; do not edit by hand -->"
KEYS_END = "<!-- /scene-json-keys -->"


def _type_name(tp: Any) -> str:
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (Union, types.UnionType):
        return " or ".join("null" if a is type(None) else _type_name(a) for a in args)
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return f"list of {_type_name(args[0])}"
        if all(a in (float, int) for a in args):
            return f"[{len(args)} numbers]"
        return "[" + ", ".join(_type_name(a) for a in args) + "]"
    if dataclasses.is_dataclass(tp) or tp is SeedSpec:
        return "object"
    return {str: "string", int: "integer", float: "number", bool: "boolean"}.get(tp, str(tp))


def scene_keys() -> list[tuple[str, str, str]]:
    """(key path, JSON type or dtype [shape], meaning) of every field of the Scene, in file order."""
    from ..gen.scene import Scene

    out: list[tuple[str, str, str]] = []

    def walk(tp: Any, prefix: str) -> None:
        hints = typing.get_type_hints(tp)
        for f in dataclasses.fields(tp):
            key, t, doc = f"{prefix}{f.name}", hints[f.name], str(f.metadata.get("doc", ""))
            if "dtype" in f.metadata:
                out.append((key, f"{f.metadata['dtype']} [{', '.join(map(str, f.metadata['shape']))}]", doc))
                continue
            out.append((key, _type_name(t), doc))
            args = typing.get_args(t)
            inner = [a for a in args if dataclasses.is_dataclass(a)]
            if typing.get_origin(t) is tuple and inner:
                walk(inner[0], f"{key}[].")
            elif inner:
                walk(inner[0], f"{key}.")
            elif dataclasses.is_dataclass(t) and t is not SeedSpec:
                walk(t, f"{key}.")

    walk(Scene, "")
    return out


def keys_markdown() -> str:
    """The README's table of every scene JSON key, between its markers."""
    rows = ["| key | type | meaning |", "|---|---|---|"]
    bar = "\\|"
    rows += [f"| `{k}` | {t} | {d.replace('|', bar)} |" for k, t, d in scene_keys()]
    return "\n".join([KEYS_BEGIN, *rows, KEYS_END])


if __name__ == "__main__":                    # regenerate the README's key table in place
    readme = Path(__file__).resolve().parents[2] / "README.md"
    text = readme.read_text(encoding="utf-8")
    start, end = text.index(KEYS_BEGIN), text.index(KEYS_END) + len(KEYS_END)
    readme.write_text(text[:start] + keys_markdown() + text[end:], encoding="utf-8")
