"""YAML seed files → SeedSpec: safe parsing, `extends:` merging, validation with file:line:col errors."""

from __future__ import annotations

import dataclasses
import difflib
import hashlib
import json
import math
import os
import re
import types
import typing
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Union

import yaml

from .fileio import ReadRefused, read_limited
from .safetext import printable
from .spec import LIMITS, SeedSpec

__all__ = ["Problem", "SeedError", "SeedWarning", "load_seed", "parse_seed", "spec_from_data", "spec_to_data",
           "spec_hash", "presets", "PRESET_DIR", "field_key", "spec_fields", "seed_sources", "MAX_FILES", "Override",
           "parse_set", "apply_overrides"]

PRESET_DIR = Path(__file__).with_name("presets")
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
_MAX_NODES = 200_000      # after alias expansion: stops "billion laughs" documents
_MAX_DEPTH = 64
_MAX_STR = 10_000
MAX_FILES = 64            # files in one seed file's whole `extends` graph, each read once
_MAX_NAME = 4096          # bytes of an `extends` path
_SAFE_TAGS = {"tag:yaml.org,2002:" + t for t in ("str", "int", "float", "bool", "null", "seq", "map")}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a seed file, located."""
    file: str
    line: int           # 1-based; 0 when the value came from data, not a file
    col: int
    path: str           # key path, e.g. terrain.noise.octaves or audience[1].count
    message: str

    def __str__(self) -> str:
        # Every part may come from the file (its name, its keys, its values): escaped, so that a key
        # cannot move the cursor or retitle the terminal that shows the message.
        file, path, message = printable(self.file), printable(self.path), printable(self.message)
        where = f"{file}:{self.line}:{self.col}: " if self.line else f"{file}: "
        return f"{where}{path}: {message}" if path else f"{where}{message}"


class SeedError(ValueError):
    """A seed file that cannot be used; str() is one line per problem."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class SeedWarning(UserWarning):
    """A seed file that loads but almost certainly says something other than it seems to; str() is one
    located line `file:line:col: key: warning: …`."""


# ----------------------------------------------------------------------------- YAML 1.2 core scalars

class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader with the YAML 1.2 core schema's plain scalars instead of YAML 1.1's: `017` is
    17, `0o17` is 15, `0x1F` is 31, `1e6` is a number; `1:30`, `0b101`, `yes`, `off` and dates are text
    (the validator then says what it expected). Merge keys are still recognised, to be refused by name."""


_Loader.yaml_implicit_resolvers = {}
for _tag, _pattern, _first in [
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    ("float", r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)"
              r"|\.(?:nan|NaN|NAN))$", "-+.0123456789"),
    ("merge", r"^(?:<<)$", "<"),
]:
    _Loader.add_implicit_resolver(f"tag:yaml.org,2002:{_tag}", re.compile(_pattern), list(_first))

_INT_TEXT = re.compile(r"^[-+]?(?:[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
_FLOAT_TEXT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_COMMENTED_COLOR = re.compile(r"^[ \t]*(#[0-9a-fA-F]{6}|#[0-9a-fA-F]{3})\b")


def _core_scalar(tag: str, text: str) -> Any:
    """A YAML 1.2 core scalar (null, bool, int, float); ValueError when `text` is not one."""
    if tag == "null":
        if text in ("", "~", "null", "Null", "NULL"):
            return None
    elif tag == "bool":
        if text in ("true", "True", "TRUE", "false", "False", "FALSE"):
            return text.lower() == "true"
    elif tag == "int":
        if _INT_TEXT.match(text):
            sign = -1 if text[0] == "-" else 1
            body = text.lstrip("+-")
            base = {"0o": 8, "0x": 16}.get(body[:2], 10)
            return sign * int(body[2:] if base != 10 else body, base)
    elif tag == "float":
        low = text.lower()
        if low in (".inf", "+.inf"):
            return math.inf
        if low == "-.inf":
            return -math.inf
        if low == ".nan":
            return math.nan
        if _FLOAT_TEXT.match(text):
            return float(text)
        if _INT_TEXT.match(text):
            return float(_core_scalar("int", text))
    raise ValueError(f"{text[:40]!r} is not a YAML 1.2 {tag}")


# ------------------------------------------------------------------------------------ located values

class _Node:
    """A YAML value with where it came from (file, 1-based line and column)."""
    __slots__ = ("col", "file", "key_col", "key_line", "line", "value")

    def __init__(self, value: Any, file: str, line: int, col: int):
        self.value, self.file, self.line, self.col = value, file, line, col
        self.key_line, self.key_col = line, col


def _problem(node: _Node, path: str, message: str, at_key: bool = False) -> Problem:
    if at_key:
        return Problem(node.file, node.key_line, node.key_col, path, message)
    return Problem(node.file, node.line, node.col, path, message)


class _Builder:
    """Turns a composed YAML node graph into _Node trees, refusing unsafe or ambiguous YAML."""

    def __init__(self, file: str, text: str = "", count: int = 0):
        self.file = file
        self.count = count           # values built so far, in this file and those already read
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []
        self.lines = text.split("\n")
        self.constructor = yaml.constructor.SafeConstructor()

    def _note_empty(self, node: yaml.Node, path: str) -> None:
        """An empty value followed by `#rrggbb` on its line: a colour YAML read as a comment."""
        if not (isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null" and node.value == ""
                and node.start_mark.line < len(self.lines)):
            return
        m = _COMMENTED_COLOR.match(self.lines[node.start_mark.line][node.start_mark.column:])
        if m:
            self.warnings.append(Problem(self.file, node.start_mark.line + 1, node.start_mark.column + 1, path,
                                         f"warning: {m.group(1)} here is a YAML comment, so this value is "
                                         f"empty (the default is used); quote the colour: \"{m.group(1)}\""))

    def _note_number(self, node: yaml.ScalarNode, path: str) -> None:
        text = node.value.lstrip("+-")
        if node.style is None and len(text) > 1 and text[0] == "0" and text.isdigit():
            self.warnings.append(Problem(
                self.file, node.start_mark.line + 1, node.start_mark.column + 1, path,
                f"warning: {node.value} is read as the decimal {int(node.value)} (YAML 1.2; a YAML 1.1 "
                f"reader takes a leading 0 for octal): write {int(node.value)}, or 0o{text[1:]} for octal"))

    def build(self, node: yaml.Node, path: str, depth: int = 0) -> _Node:
        self.count += 1
        if self.count > _MAX_NODES:
            raise _Abort(Problem(self.file, node.start_mark.line + 1, node.start_mark.column + 1, path,
                                 f"document has more than {_MAX_NODES} values once aliases are expanded"))
        if depth > _MAX_DEPTH:
            raise _Abort(Problem(self.file, node.start_mark.line + 1, node.start_mark.column + 1, path,
                                 f"nested deeper than {_MAX_DEPTH} levels"))
        line, col = node.start_mark.line + 1, node.start_mark.column + 1
        if node.tag not in _SAFE_TAGS:
            mark = node.start_mark
            written = (mark.buffer or "")[mark.pointer:mark.pointer + 1] == "!"   # a tag in the text itself
            if node.tag == "tag:yaml.org,2002:merge":
                msg = "merge keys (<<) are not supported (use extends: to build on another file)"
            elif node.tag == "tag:yaml.org,2002:timestamp" and not written:
                msg = "a date or time is not a value seed files take (quote it to make it text)"
            else:
                msg = f"tag {_short_tag(node.tag)} is not allowed (seed files are plain YAML: no tags)"
            self.problems.append(Problem(self.file, line, col, path, msg))
            return _Node(_SKIP, self.file, line, col)
        if isinstance(node, yaml.MappingNode):
            out: dict[str, _Node] = {}
            for key_node, value_node in node.value:
                kline, kcol = key_node.start_mark.line + 1, key_node.start_mark.column + 1
                if key_node.tag == "tag:yaml.org,2002:merge":
                    self.problems.append(Problem(self.file, kline, kcol, path, "merge keys (<<) are not "
                                                 "supported (use extends: to build on another file)"))
                    continue
                if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != "tag:yaml.org,2002:str":
                    shown = key_node.value if isinstance(key_node, yaml.ScalarNode) else "a collection"
                    self.problems.append(Problem(self.file, kline, kcol, path,
                                                 f"key {str(shown)[:40]!r} is not a plain name"))
                    continue
                key = key_node.value
                sub = _join(path, key)
                if key in out:
                    first = out[key]
                    self.problems.append(Problem(self.file, kline, kcol, sub,
                                                 f"duplicate key (first given at line {first.key_line})"))
                    continue
                self._note_empty(value_node, sub)
                child = self.build(value_node, sub, depth + 1)
                child.key_line, child.key_col = kline, kcol
                out[key] = child
            return _Node(out, self.file, line, col)
        if isinstance(node, yaml.SequenceNode):
            items = []
            for i, item in enumerate(node.value):
                self._note_empty(item, f"{path}[{i}]")
                items.append(self.build(item, f"{path}[{i}]", depth + 1))
            return _Node(items, self.file, line, col)
        short = node.tag[len("tag:yaml.org,2002:"):]
        try:
            if short in ("null", "bool", "int", "float"):
                value = _core_scalar(short, node.value)
                if short == "int" and isinstance(node, yaml.ScalarNode):
                    self._note_number(node, path)
            else:
                value = self.constructor.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, OverflowError) as exc:
            self.problems.append(Problem(self.file, line, col, path, f"unreadable value ({_one_line(exc)})"))
            value = _SKIP
        return _Node(value, self.file, line, col)


class _Skip:
    """Stands for a value already reported as a problem: validation passes over it silently."""


_SKIP: Any = _Skip()


class _Abort(Exception):
    def __init__(self, problem: Problem):
        self.problem = problem


def _short_tag(tag: str) -> str:
    return "!!" + tag[len("tag:yaml.org,2002:"):] if tag.startswith("tag:yaml.org,2002:") else tag


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


class _Graph:
    """The work of one load: every file of the `extends` graph read and folded once, values counted
    across all of them, so that files extending each other cannot multiply the work."""

    def __init__(self) -> None:
        self.trees: dict[Path, _Node] = {}       # resolved path → its tree with its own extends folded in
        self.files: list[Path] = []              # in the order first read
        self.nodes = 0
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []


def _compose(text: str, file: str, problems: list[Problem], graph: _Graph | None = None) -> _Node | None:
    """Parse one YAML document into a _Node tree.

    Problems that still leave a usable tree (duplicate keys, tags) go to `problems`, so validation can
    report everything at once; the rest raise SeedError. With `graph`, the values are counted across all
    the files of one load, and the warnings go there too.
    """
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = exc.problem or "invalid YAML"
        if exc.context:
            what = f"{exc.context}: {what}"
        raise SeedError([Problem(file, line, col, "", f"YAML syntax error: {what}")]) from None
    except yaml.YAMLError as exc:   # reader errors: characters YAML does not allow
        line = 1 + text.count("\n", 0, getattr(exc, "position", 0) or 0)
        raise SeedError([Problem(file, line, 1, "", f"not valid YAML text ({_one_line(exc)})")]) from None
    except RecursionError:
        raise SeedError([Problem(file, 1, 1, "", f"nested too deeply (limit {_MAX_DEPTH} levels)")]) from None
    if root is None:
        return None
    builder = _Builder(file, text, graph.nodes if graph is not None else 0)
    try:
        tree = builder.build(root, "")
    except _Abort as abort:
        raise SeedError([abort.problem]) from None
    except RecursionError:
        raise SeedError([Problem(file, 1, 1, "", f"nested too deeply (limit {_MAX_DEPTH} levels)")]) from None
    problems.extend(builder.problems)
    if graph is not None:
        graph.nodes = builder.count
        graph.warnings.extend(builder.warnings)
    return tree


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


# ---------------------------------------------------------------------------------- reading + extends

def _read_text(path: Path, shown: str, at: Problem | None = None) -> str:
    """Read a seed file as UTF-8 text: a regular file only (no device, FIFO or socket), at most the size
    limit plus one byte read; binaries refused."""
    def fail(message: str) -> SeedError:
        if at is not None:
            return SeedError([dataclasses.replace(at, message=f"{message}: {shown}")])
        return SeedError([Problem(shown, 0, 0, "", message)])

    try:
        data = read_limited(path, LIMITS["file.bytes"], what="seed file")
    except ReadRefused as refused:
        raise fail(refused.reason) from None
    if b"\0" in data:
        raise fail("is a binary file, not YAML text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = 1 + data.count(b"\n", 0, exc.start)
        raise SeedError([Problem(shown, line, 1, "", "is not UTF-8 text")]) from None
    return text


def presets() -> list[str]:
    """Names of the bundled presets usable with `extends:`."""
    return sorted(p.stem for p in PRESET_DIR.glob("*.yaml"))


def _resolve_extends(node: _Node, base_dir: Path | None, path: str) -> Path:
    name = node.value
    if not isinstance(name, str) or not name:
        raise SeedError([_problem(node, path, "expected a preset name or a file path")])
    if "\0" in name:
        raise SeedError([_problem(node, path, "the file name holds a NUL byte")])
    if any(0xD800 <= ord(c) <= 0xDFFF for c in name):
        raise SeedError([_problem(node, path, "the file name is not valid Unicode (a lone surrogate)")])
    if len(name.encode("utf-8")) > _MAX_NAME:
        raise SeedError([_problem(node, path, f"the file name is longer than {_MAX_NAME} bytes")])
    if "/" not in name and "\\" not in name and not name.endswith((".yaml", ".yml")):
        candidate = PRESET_DIR / f"{name}.yaml"
        if name in presets():
            return candidate
        raise SeedError([_problem(node, path, f"no bundled preset named {name!r} "
                                  f"(presets: {', '.join(presets()) or 'none'}; a file needs .yaml)")])
    candidate = Path(name)
    if not candidate.is_absolute():
        candidate = (base_dir or Path.cwd()) / candidate
    return candidate


def _resolved(target: Path, item: _Node, where: str) -> Path:
    try:
        return target.resolve()
    except RuntimeError:    # Python < 3.13 on a symlink loop
        raise SeedError([_problem(item, where, f"a symlink loop (a link that leads back to itself): {target}")]) \
            from None
    except OSError as exc:
        raise SeedError([_problem(item, where, f"cannot read ({exc.strerror or exc}): {target}")]) from None


def _load_tree(text: str, file: str, base_dir: Path | None, chain: list[Path], graph: _Graph) -> _Node:
    """Compose a document and fold its `extends:` graph underneath it (each file read once)."""
    tree = _compose(text, file, graph.problems, graph)
    if tree is None:
        raise SeedError([Problem(file, 1, 1, "", "file is empty (a seed file is a mapping; "
                                 "`seed: 1` alone is enough)")])
    if tree.value is _SKIP and graph.problems:  # the whole document was refused (a tag on it): say why, once
        raise SeedError(list(graph.problems))
    if not isinstance(tree.value, dict):
        # Not a seed file at all, perhaps (`extends: /etc/passwd`): say what it is, never quote it.
        kind = "a list" if isinstance(tree.value, list) else f"a single value (a {_kind_name(tree.value)})"
        raise SeedError([_problem(tree, "", f"the document is {kind}, expected a mapping of keys "
                                  "such as seed:, terrain:, stage: (is it a seed file?)")])
    ext = tree.value.pop("extends", None)
    if ext is None:
        return tree
    names = ext.value if isinstance(ext.value, list) else [ext]
    merged: _Node | None = None
    for i, item in enumerate(names):
        where = f"extends[{i}]" if isinstance(ext.value, list) else "extends"
        target = _resolve_extends(item, base_dir, where)
        resolved = _resolved(target, item, where)
        if resolved in chain:
            loop = " → ".join(p.name for p in [*chain[chain.index(resolved):], resolved])
            raise SeedError([_problem(item, where, f"extends cycle: {loop}")])
        if len(chain) >= LIMITS["extends.depth"]:
            raise SeedError([_problem(item, where, f"extends chain deeper than {LIMITS['extends.depth']}")])
        parent = graph.trees.get(resolved)
        if parent is None:
            if len(graph.files) >= MAX_FILES:
                raise SeedError([_problem(item, where, f"the extends graph reaches more than {MAX_FILES} files")])
            graph.files.append(target)
            at = _problem(item, where, "")
            parent_text = _read_text(target, str(target), at=at)
            parent = _load_tree(parent_text, str(target), target.parent, [*chain, resolved], graph)
            graph.trees[resolved] = parent
        merged = parent if merged is None else _merge(merged, parent)
    return _merge(merged, tree) if merged is not None else tree


def _merge(base: _Node, over: _Node) -> _Node:
    """Deep merge: mappings merge key by key; anything else (lists too) is replaced."""
    if isinstance(base.value, dict) and isinstance(over.value, dict):
        out = dict(base.value)
        for key, node in over.value.items():
            out[key] = _merge(out[key], node) if key in out else node
        merged = _Node(out, over.file, over.line, over.col)
        merged.key_line, merged.key_col = over.key_line, over.key_col
        return merged
    return over


# ------------------------------------------------------------------------------------------ validation

def field_key(f: dataclasses.Field) -> str:
    """The YAML key of a spec field."""
    return f.metadata.get("key") or f.name


def spec_fields(cls: type) -> list[tuple[dataclasses.Field, str, Any]]:
    """(field, yaml key, resolved type) for each field of a spec dataclass."""
    hints = typing.get_type_hints(cls)
    return [(f, field_key(f), hints[f.name]) for f in dataclasses.fields(cls)]


def _describe_value(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    if isinstance(value, str):
        return f"the text {value[:40]!r}"
    if isinstance(value, list):
        return f"a list of {len(value)}"
    if isinstance(value, dict):
        return "a mapping"
    if value is _SKIP:
        return "a value that cannot be read"
    return f"a YAML {type(value).__name__} value"


def _kind_name(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    return "text" if isinstance(value, str) else "value"


def _hint(value: Any, tp: Any) -> str:
    """Why a text the user meant as a number or a boolean is text (YAML 1.2 core rules)."""
    if not isinstance(value, str):
        return ""
    if tp is bool and value.lower() in ("yes", "no", "on", "off", "y", "n"):
        return " (write true or false: YAML 1.2 reads yes/no/on/off as text)"
    if tp in (int, float):
        if re.fullmatch(r"[-+]?\d+(:[0-5]?\d)+(\.\d*)?", value):
            return " (YAML 1.2 has no base-60 numbers: write it in plain units, e.g. 90 for 1:30)"
        if re.fullmatch(r"[-+]?0b[01_]+", value):
            return " (YAML 1.2 has no binary numbers: write it in decimal)"
        if re.fullmatch(r"[-+]?[0-9][0-9_]*(\.[0-9_]*)?", value) and "_" in value:
            return " (YAML 1.2 numbers have no _ separators)"
    return ""


def _describe_type(tp: Any) -> str:
    origin = typing.get_origin(tp)
    if tp is bool:
        return "true or false"
    if tp is int:
        return "an integer"
    if tp is float:
        return "a number"
    if tp is str:
        return "a string"
    if getattr(tp, "__supertype__", None) is str:
        return "a colour #rrggbb"
    if dataclasses.is_dataclass(tp):
        return "a mapping"
    if origin is Literal:
        return "one of " + ", ".join(str(a) for a in typing.get_args(tp))
    if origin in (Union, types.UnionType):
        alts = [a for a in typing.get_args(tp) if a is not type(None)]
        kinds = _kinds(alts)
        if kinds:
            return "a mapping with kind: " + ", ".join(kinds)
        return " or ".join(_describe_type(a) for a in alts)
    if origin is tuple:
        args = typing.get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            return f"a list of {_plural(_describe_type(args[0]))}"
        if len(set(args)) > 1:
            return "a list [" + ", ".join(_describe_type(a).split(" ", 1)[1] for a in args) + "]"
        return f"a list of {len(args)} {_plural(_describe_type(args[0]))}"
    return str(tp)


def _plural(desc: str) -> str:
    for a in ("an ", "a "):
        if desc.startswith(a):
            return desc[len(a):] + ("s" if not desc.endswith("s") else "")
    return desc


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "map"
    if isinstance(value, list):
        return "seq"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "num"
    if isinstance(value, str):
        return "str"
    return "other"


def _type_kind(tp: Any) -> set[str]:
    origin = typing.get_origin(tp)
    if dataclasses.is_dataclass(tp):
        return {"map"}
    if origin is tuple:
        return {"seq"}
    if tp is bool:
        return {"bool"}
    if tp in (int, float):
        return {"num"}
    if tp is str or getattr(tp, "__supertype__", None) is str or origin is Literal:
        args = typing.get_args(tp)
        return {"num"} if origin is Literal and all(isinstance(a, int) for a in args) else {"str"}
    if origin in (Union, types.UnionType):
        return set().union(*(_type_kind(a) for a in typing.get_args(tp)))
    return set()


class _Validator:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def fail(self, node: _Node, path: str, message: str, at_key: bool = False) -> None:
        self.problems.append(_problem(node, path, message, at_key))

    def value(self, node: _Node, tp: Any, meta: dict, path: str) -> Any:
        """Validate node against tp; returns the converted value, or _BAD after recording problems."""
        v = node.value
        if v is _SKIP:
            return _BAD
        origin = typing.get_origin(tp)
        if isinstance(tp, type) and dataclasses.is_dataclass(tp):
            return self.section(node, tp, path)
        if origin in (Union, types.UnionType):
            args = typing.get_args(tp)
            if v is None and type(None) in args:
                return None
            alts = [a for a in args if a is not type(None)]
            kinds = _kinds(alts)
            if kinds:
                return self.tagged(node, kinds, path)
            fitting = [a for a in alts if _kind(v) in _type_kind(a)]
            for alt in fitting:
                trial = _Validator()
                out = trial.value(node, alt, meta, path)
                if not trial.problems:
                    return out
            if len(fitting) == 1:
                return self.value(node, fitting[0], meta, path)
            self.fail(node, path, f"{_describe_value(v)} is not valid (expected {_describe_type(tp)})")
            return _BAD
        if origin is Literal:
            choices = typing.get_args(tp)
            if v in choices and type(v) is type(choices[0]):
                return v
            names = [str(c) for c in choices]
            hint = difflib.get_close_matches(str(v), names, n=1, cutoff=0.6) if isinstance(v, str) else []
            extra = f"; did you mean {hint[0]!r}?" if hint else ""
            self.fail(node, path, f"{_describe_value(v)} is not one of {', '.join(names)}{extra}")
            return _BAD
        if getattr(tp, "__supertype__", None) is str:   # Color
            if isinstance(v, str) and _COLOR.match(v):
                return v.lower()
            self.fail(node, path, f"{_describe_value(v)} is not a colour (expected #rrggbb, e.g. \"#8f00ff\")")
            return _BAD
        if tp is bool:
            if isinstance(v, bool):
                return v
            self.fail(node, path, f"{_describe_value(v)} is not true or false{_hint(v, tp)}")
            return _BAD
        if tp is str:
            if isinstance(v, str):
                if any(0xD800 <= ord(c) <= 0xDFFF for c in v):
                    self.fail(node, path, "the text holds a lone surrogate (an escape such as \\ud800 that "
                                          "is no Unicode character)")
                    return _BAD
                if len(v) > _MAX_STR:
                    self.fail(node, path, f"text of {len(v)} characters is above the limit of {_MAX_STR}")
                    return _BAD
                return v
            self.fail(node, path, f"{_describe_value(v)} is not a string (quote it)")
            return _BAD
        if tp in (int, float):
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                self.fail(node, path, f"{_describe_value(v)} is not {_describe_type(tp)}{_hint(v, tp)}")
                return _BAD
            if tp is int and isinstance(v, float):
                # 1e6 is a whole number to JSON Schema (and to whoever wrote it): accepted as one.
                if math.isfinite(v) and v.is_integer() and abs(v) <= 2 ** 53:
                    v = int(v)
                else:
                    self.fail(node, path, f"{v!r} is not a whole number (expected an integer)")
                    return _BAD
            if isinstance(v, float) and not math.isfinite(v):
                self.fail(node, path, f"{v!r} is not a finite number")
                return _BAD
            try:
                number = tp(v)
            except OverflowError:       # a 400-digit integer where a float is wanted
                self.fail(node, path, f"a number of {len(str(abs(v)))} digits is too large")
                return _BAD
            return self.check_range(node, number, meta, path)
        if origin is tuple:
            args = typing.get_args(tp)
            if not isinstance(v, list):
                self.fail(node, path, f"{_describe_value(v)} is not {_describe_type(tp)}")
                return _BAD
            if len(args) == 2 and args[1] is Ellipsis:
                most, least = meta.get("max_items"), meta.get("min_items")
                if most is not None and len(v) > most:
                    self.fail(node, path, f"{len(v)} items is above the limit of {most}")
                    return _BAD
                if least is not None and len(v) < least:
                    self.fail(node, path, f"needs at least {least} item{'s' * (least > 1)}")
                    return _BAD
                items = [self.value(item, args[0], meta, f"{path}[{i}]") for i, item in enumerate(v)]
            else:
                if len(v) != len(args):
                    self.fail(node, path, f"{_describe_value(v)} has the wrong length "
                                          f"(expected {_describe_type(tp)})")
                    return _BAD
                items = [self.value(item, a, meta, f"{path}[{i}]") for i, (item, a) in enumerate(zip(v, args))]
            return _BAD if any(i is _BAD for i in items) else tuple(items)
        raise TypeError(f"unsupported spec type {tp!r} at {path}")  # a bug in spec.py, not in the input

    def tagged(self, node: _Node, kinds: dict[str, type], path: str) -> Any:
        """A mapping whose `kind` picks its section (a discriminated union, like the cues of a score)."""
        v = node.value
        names = ", ".join(kinds)
        if not isinstance(v, dict):
            self.fail(node, path, f"{_describe_value(v)} is not a mapping (expected a mapping with kind: "
                                  f"one of {names})")
            return _BAD
        tag = v.get("kind")
        if tag is None:
            self.fail(node, path, f"missing kind (one of {names})")
            return _BAD
        if tag.value is _SKIP:
            return _BAD
        if not isinstance(tag.value, str) or tag.value not in kinds:
            shown = str(tag.value)
            hint = difflib.get_close_matches(shown, list(kinds), n=1, cutoff=0.6)
            extra = f"; did you mean {hint[0]!r}?" if hint else ""
            self.fail(tag, _join(path, "kind"), f"{_describe_value(tag.value)} is not one of {names}{extra}")
            return _BAD
        return self.section(node, kinds[tag.value], path)

    def check_range(self, node: _Node, v: float, meta: dict, path: str) -> Any:
        lo, hi, gt, limit = meta.get("lo"), meta.get("hi"), meta.get("gt"), meta.get("limit")
        if lo is None and hi is None and gt is None:
            return v
        expected = _range_text(meta)
        if gt is not None and not v > gt:
            self.fail(node, path, f"{v!r} is too small ({expected})")
            return _BAD
        if lo is not None and v < lo:
            self.fail(node, path, f"{v!r} is too small ({expected})")
            return _BAD
        if hi is not None and v > hi:
            if limit:
                self.fail(node, path, f"{v!r} is above the limit of {hi} for {limit} ({expected})")
            else:
                self.fail(node, path, f"{v!r} is too large ({expected})")
            return _BAD
        return v

    def section(self, node: _Node, cls: type, path: str) -> Any:
        if not isinstance(node.value, dict):
            self.fail(node, path, f"{_describe_value(node.value)} is not a mapping (expected the "
                                  f"{path.split('.')[-1] or 'seed'} section's keys)")
            return _BAD
        fields = spec_fields(cls)
        by_key = {key: (f, tp) for f, key, tp in fields}
        kwargs: dict[str, Any] = {}
        bad = False
        for key, child in node.value.items():
            sub = _join(path, key)
            if key not in by_key:
                hint = difflib.get_close_matches(key, list(by_key), n=1, cutoff=0.6)
                extra = f"did you mean {hint[0]!r}?" if hint else f"expected one of: {', '.join(by_key)}"
                self.fail(child, sub, f"unknown key ({extra})", at_key=True)
                bad = True
                continue
            f, tp = by_key[key]
            out = self.value(child, tp, dict(f.metadata), sub)
            if out is _BAD:
                bad = True
            else:
                kwargs[f.name] = out
        if bad:
            return _BAD
        obj = cls(**kwargs)
        check = getattr(obj, "problems", None)
        if check is not None:
            for key, message in check():
                self.fail(_locate(node, key), _join(path, key), message)
            if self.problems:
                return _BAD
        return obj


def _kinds(alts: list[Any]) -> dict[str, type]:
    """{kind: section} when every alternative is a section with its own literal `kind`; else empty."""
    out: dict[str, type] = {}
    for alt in alts:
        f = getattr(alt, "__dataclass_fields__", {}).get("kind")
        if f is None or not isinstance(f.default, str):
            return {}
        out[f.default] = alt
    return out


def _locate(node: _Node, key: str) -> _Node:
    """The node a `problems()` key such as `tones`, `tones[1]` or `performance.cues[2].sphere` refers to.

    The walk stops at the deepest node that exists (a key left at its default points at its section).
    """
    target = node
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", key):
        if part.startswith("["):
            i = int(part[1:-1])
            if not (isinstance(target.value, list) and 0 <= i < len(target.value)):
                break
            target = target.value[i]
        else:
            if not (isinstance(target.value, dict) and part in target.value):
                break
            target = target.value[part]
    return target


class _Bad:
    def __repr__(self) -> str:
        return "<invalid>"


_BAD: Any = _Bad()


def _num(x: float) -> str:
    return str(x) if isinstance(x, int) else f"{x:g}"


def _range_text(meta: dict) -> str:
    lo, hi, gt = (meta.get(k) for k in ("lo", "hi", "gt"))
    lo, hi, gt = (None if v is None else _num(v) for v in (lo, hi, gt))
    if gt is not None and hi is not None:
        return f"expected more than {gt} and at most {hi}"
    if gt is not None:
        return f"expected more than {gt}"
    if lo is not None and hi is not None:
        return f"expected {lo} to {hi}"
    if lo is not None:
        return f"expected at least {lo}"
    return f"expected at most {hi}"


def _validate(tree: _Node, graph: _Graph | None = None) -> SeedSpec:
    validator = _Validator()
    spec = validator.section(tree, SeedSpec, "")
    problems = [*(graph.problems if graph else []), *validator.problems]
    for w in graph.warnings if graph else []:      # before any error: they often explain it
        warnings.warn(SeedWarning(str(w)), stacklevel=3)
    if problems:
        problems.sort(key=lambda p: (p.file, p.line, p.col))
        raise SeedError(problems)
    return spec


# -------------------------------------------------------------------------------------------- entries

def parse_seed(text: str, file: str = "<string>", base_dir: str | os.PathLike | None = None) -> SeedSpec:
    """A SeedSpec from seed-file text; raises SeedError (one located line per problem)."""
    if len(text.encode("utf-8", "surrogatepass")) > LIMITS["file.bytes"]:
        raise SeedError([Problem(file, 0, 0, "", f"text is above the limit of {LIMITS['file.bytes']} bytes")])
    if "\0" in text:
        raise SeedError([Problem(file, 0, 0, "", "is binary data, not YAML text")])
    if any(0xD800 <= ord(c) <= 0xDFFF for c in text):
        raise SeedError([Problem(file, 0, 0, "", "is not valid Unicode text")])
    base = Path(base_dir) if base_dir is not None else None
    graph = _Graph()
    chain = [_self_path(Path(file), file)] if base is not None else []
    return _validate(_load_tree(text, file, base, chain, graph), graph)


def _self_path(p: Path, shown: str) -> Path:
    try:
        return p.resolve()
    except (RuntimeError, OSError):
        raise SeedError([Problem(shown, 0, 0, "", "a symlink loop (a link that leads back to itself)")]) from None


def load_seed(path: str | os.PathLike) -> SeedSpec:
    """Load, merge and validate a seed file; raises SeedError whose lines read `file:line:col: key: what`.
    What the file almost certainly did not mean (a `#rrggbb` left unquoted) comes as a SeedWarning."""
    p = Path(path)
    shown = os.fsdecode(os.fspath(path))
    text = _read_text(p, shown)
    graph = _Graph()
    return _validate(_load_tree(text, shown, p.parent, [_self_path(p, shown)], graph), graph)


def seed_sources(path: str | os.PathLike) -> list[Path]:
    """The seed file and every file its `extends` graph reads, each once, in the order read; as far as
    they can be read (the files up to a bad one, when one is bad)."""
    p = Path(path)
    graph = _Graph()
    try:
        text = _read_text(p, os.fsdecode(os.fspath(path)))
        _load_tree(text, os.fsdecode(os.fspath(path)), p.parent, [_self_path(p, str(p))], graph)
    except SeedError:
        pass
    return [p, *graph.files]


def _from_data(value: Any, file: str) -> _Node:
    if isinstance(value, dict):
        return _Node({str(k): _from_data(v, file) for k, v in value.items()}, file, 0, 0)
    if isinstance(value, (list, tuple)):
        return _Node([_from_data(v, file) for v in value], file, 0, 0)
    return _Node(value, file, 0, 0)


def spec_from_data(data: Any, source: str = "<data>") -> SeedSpec:
    """A SeedSpec from plain data (e.g. the resolved spec stored in a scene JSON)."""
    if not isinstance(data, dict):
        raise SeedError([Problem(source, 0, 0, "", "expected a mapping")])
    return _validate(_from_data(data, source))


def spec_to_data(spec: Any) -> Any:
    """Plain JSON-able data of a spec, under the seed file's keys; `spec_from_data` inverts it."""
    if dataclasses.is_dataclass(spec):
        return {field_key(f): spec_to_data(getattr(spec, f.name)) for f in dataclasses.fields(spec)}
    if isinstance(spec, tuple):
        return [spec_to_data(v) for v in spec]
    return spec


def spec_hash(spec: SeedSpec) -> str:
    """SHA-256 of the resolved spec's canonical JSON: equal for files that mean the same scene."""
    text = json.dumps(spec_to_data(spec), sort_keys=True, separators=(",", ":"), ensure_ascii=True,
                      allow_nan=False)
    return "sha256:" + hashlib.sha256(text.encode("ascii")).hexdigest()


# -------------------------------------------------------------------------------------------- overrides

_PATH_TOKEN = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*)|\[(\d+)\]")


@dataclass(frozen=True)
class Override:
    """One seed-file field set from outside the file: `--set terrain.noise.octaves=6`, or a sweep's value.

    `path` is a key path (`audience[1].count`, `stage.ripple.speed`); `value` is plain data, as YAML
    gives it; `file`, `line` and `col` say where it was written, for located errors.
    """
    path: str
    value: Any
    file: str = "--set"
    line: int = 0
    col: int = 0


def parse_set(text: str) -> Override:
    """`key.path=value` (the value read as YAML: `6`, `ring`, `[1, 2]`, `"#ff00aa"`) → an Override.

    Raises SeedError naming the `--set` when it is not of that form."""
    where = f"--set {text}"
    key, eq, raw = text.partition("=")
    key = key.strip()
    if not eq or not key:
        raise SeedError([Problem(where, 0, 0, "", "expected KEY.PATH=VALUE, e.g. terrain.noise.octaves=6")])
    problems: list[Problem] = []
    node = _compose(raw, where, problems) if raw.strip() else None
    if problems:
        raise SeedError(problems)
    value = None if node is None else _plain(node)
    _split_path(key, where)          # refuse a malformed path here, before any spec is touched
    return Override(key, value, where, 0, 0)


def _plain(node: _Node) -> Any:
    v = node.value
    if isinstance(v, dict):
        return {k: _plain(c) for k, c in v.items()}
    if isinstance(v, list):
        return [_plain(c) for c in v]
    return v


def _split_path(path: str, where: str, line: int = 0, col: int = 0) -> list[str | int]:
    """`audience[1].count` → ["audience", 1, "count"]; `audience.1.count` is read the same way."""
    parts: list[str | int] = []
    for piece in path.split("."):
        if piece.isdigit():
            parts.append(int(piece))
            continue
        pos = 0
        while pos < len(piece):
            m = _PATH_TOKEN.match(piece, pos)
            # a name opens a piece; only [i] items may follow it there
            if m is None or (m.group(2) is None) != (pos == 0):
                raise SeedError([Problem(where, line, col, path, "not a key path (expected names joined by dots, "
                                         "list items as [i], e.g. audience[0].count)")])
            parts.append(m.group(1) if m.group(1) is not None else int(m.group(2)))
            pos = m.end()
        if not piece:
            raise SeedError([Problem(where, line, col, path, "not a key path (an empty name between dots)")])
    return parts


def _located(value: Any, file: str, line: int, col: int) -> _Node:
    if isinstance(value, dict):
        return _Node({str(k): _located(v, file, line, col) for k, v in value.items()}, file, line, col)
    if isinstance(value, (list, tuple)):
        return _Node([_located(v, file, line, col) for v in value], file, line, col)
    return _Node(value, file, line, col)


def apply_overrides(spec: SeedSpec, overrides: typing.Sequence[Override]) -> SeedSpec:
    """The spec with each override applied in order, validated as a seed file is.

    A problem in an overridden value is reported where the override was written (`--set KEY=VALUE: key:
    what is wrong`, or the sweep file's line); a mapping value merges into the section it names, as
    `extends:` does. With no overrides the spec is returned as it is.
    """
    if not overrides:
        return spec
    tree = _from_data(spec_to_data(spec), "<resolved seed>")
    for ov in overrides:
        parts = _split_path(ov.path, ov.file, ov.line, ov.col)
        here = tree
        walked = ""
        for k, part in enumerate(parts):
            last = k == len(parts) - 1
            new = _located(ov.value, ov.file, ov.line, ov.col) if last else None
            if isinstance(part, int):
                items = here.value
                if not isinstance(items, list):
                    raise SeedError([Problem(ov.file, ov.line, ov.col, ov.path,
                                             f"{walked or 'the seed'} is not a list (no item [{part}])")])
                if part >= len(items):
                    raise SeedError([Problem(ov.file, ov.line, ov.col, ov.path,
                                             f"{walked} has {len(items)} item{'s' * (len(items) != 1)}: "
                                             f"there is no [{part}]")])
                walked = f"{walked}[{part}]"
                if last:
                    assert new is not None
                    items[part] = _merge(items[part], new)
                else:
                    here = items[part]
                continue
            if not isinstance(here.value, dict):
                # a section that is absent (null) becomes a mapping of the keys set into it
                here.value = {}
            walked = _join(walked, part)
            if last:
                assert new is not None
                here.value[part] = _merge(here.value[part], new) if part in here.value else new
            else:
                child = here.value.get(part)
                if child is None:
                    child = here.value[part] = _Node({}, ov.file, ov.line, ov.col)
                here = child
    return _validate(tree)
