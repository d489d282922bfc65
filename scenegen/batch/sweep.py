"""Sweep files → variants: a base seed file, seed ranges, grids and seeded random draws of any field.

```yaml
base: stage.yaml              # the seed file every variant starts from (relative to this file), or a preset
set: {terrain.resolution: 129}        # the same for every variant
seeds: 1..100                 # a range (inclusive) or a list
grid:                         # every combination, in the order written, after the seeds
  terrain.noise.octaves: [4, 6, 8]
random:                       # drawn per variant, reproducibly (stream `draws`, variant index)
  terrain.height: [20, 60]    # two numbers: uniform; two integers: an integer in the range, both included
  stage.shape: {choice: [disc, polygon]}
draws: 7                      # seed of the random draws (default 0)
count: 300                    # how many variants (default: seeds × grid; the combinations repeat beyond)
formats: [json, glb, png]     # what each variant writes (the command's --formats wins)
thumbnail: 320x180            # size of the png thumbnails
```
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..inputs import load_input
from ..rng import stream
from ..seedfile import Override, Problem, SeedError, _compose, _Node, _plain, _read_text, _split_path
from ..spec import SeedSpec

__all__ = ["FORMATS", "MAX_VARIANTS", "Variant", "Sweep", "load_sweep", "seed_sweep", "parse_seeds",
           "parse_size"]

FORMATS = ("json", "glb", "png", "heightmap")
MAX_VARIANTS = 1_000_000
_KEYS = ("base", "set", "seeds", "grid", "random", "draws", "count", "formats", "thumbnail")
_RANGE = re.compile(r"^\s*(-?\d+)\s*\.\.\s*(-?\d+)\s*$")
_SIZE = re.compile(r"^\s*(\d+)\s*[x×]\s*(\d+)\s*$")


@dataclass(frozen=True)
class Variant:
    """One member of a sweep: its id, the values that vary (key path → value) and the overrides they are."""
    id: str
    index: int
    values: dict[str, Any]
    overrides: tuple[Override, ...]


@dataclass(frozen=True)
class Sweep:
    """A base seed file and its variants (each resolved by applying its overrides to the base)."""
    source: str
    base: SeedSpec
    variants: tuple[Variant, ...]
    common: tuple[Override, ...] = ()
    formats: tuple[str, ...] | None = None
    thumbnail: tuple[int, int] | None = None
    varied: tuple[str, ...] = field(default=())


def parse_seeds(text: str, where: str = "--seeds") -> list[int]:
    """`1..1000` (both ends included) or `1,5,9` → seeds; ValueError naming `where` otherwise."""
    m = _RANGE.match(text)
    if m:
        a, b = int(m.group(1)), int(m.group(2))
        if a < 0 or b < a:
            raise ValueError(f"{where} {text!r}: expected FIRST..LAST with 0 ≤ FIRST ≤ LAST")
        if b - a + 1 > MAX_VARIANTS:
            raise ValueError(f"{where} {text!r}: {b - a + 1} seeds is above the limit of {MAX_VARIANTS}")
        return list(range(a, b + 1))
    try:
        seeds = [int(p) for p in text.split(",")]
    except ValueError:
        raise ValueError(f"{where} {text!r}: expected a range FIRST..LAST (e.g. 1..1000) or a list 1,5,9") from None
    if any(s < 0 for s in seeds):
        raise ValueError(f"{where} {text!r}: seeds are 0 or more")
    return seeds


def parse_size(text: str, where: str = "--thumbnail") -> tuple[int, int]:
    m = _SIZE.match(text)
    if not m or not (16 <= int(m.group(1)) <= 4096 and 16 <= int(m.group(2)) <= 4096):
        raise ValueError(f"{where} {text!r}: expected WIDTHxHEIGHT, 16 … 4096 each (e.g. 320x180)")
    return int(m.group(1)), int(m.group(2))


def _ids(n: int) -> list[str]:
    width = max(4, len(str(n - 1)))
    return [f"{k:0{width}d}" for k in range(n)]


def seed_sweep(seed_path: str, seeds: Sequence[int], common: Sequence[Override] = ()) -> Sweep:
    """The sweep `scenegen batch SEED --seeds …` runs: one variant per seed, nothing else varied."""
    base = load_input(seed_path)
    variants = tuple(Variant(vid, k, {"seed": s}, (Override("seed", s, "--seeds"),))
                     for k, (vid, s) in enumerate(zip(_ids(len(seeds)), seeds)))
    return Sweep(seed_path, base, variants, tuple(common), varied=("seed",))


# ---------------------------------------------------------------------------------------- sweep files

class _Problems:
    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(self, node: _Node, path: str, message: str, at_key: bool = False) -> None:
        line, col = (node.key_line, node.key_col) if at_key else (node.line, node.col)
        self.items.append(Problem(node.file, line, col, path, message))


def _override(path: str, node: _Node) -> Override:
    return Override(path, _plain(node), node.file, node.line, node.col)


def _key_paths(node: _Node, section: str, bad: _Problems) -> list[tuple[str, _Node]]:
    if not isinstance(node.value, dict):
        bad.add(node, section, "expected a mapping of key paths (e.g. terrain.noise.octaves: [4, 6, 8])")
        return []
    out = []
    for key, child in node.value.items():
        try:
            _split_path(key, node.file, child.key_line, child.key_col)
        except SeedError as err:
            bad.items.extend(err.problems)
            continue
        out.append((key, child))
    return out


def _number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def load_sweep(path: str, common: Sequence[Override] = ()) -> Sweep:
    """Read and check a sweep file (located errors, like a seed file's); the base seed file is loaded and
    validated too. Each variant's values are validated when it is resolved (a bad one fails alone)."""
    text = _read_text(Path(path), path)
    problems: list[Problem] = []
    tree = _compose(text, path, problems)
    if problems:
        raise SeedError(problems)
    if tree is None or not isinstance(tree.value, dict):
        raise SeedError([Problem(path, 1, 1, "", "a sweep file is a mapping with base: and what varies "
                                 "(seeds:, grid:, random:)")])
    bad = _Problems()
    top: dict[str, _Node] = tree.value
    for key, node in top.items():
        if key not in _KEYS:
            bad.add(node, key, f"unknown key (expected one of: {', '.join(_KEYS)})", at_key=True)
    base_node = top.get("base")
    base: SeedSpec | None = None
    if base_node is None:
        bad.add(tree, "base", "missing: the seed file every variant starts from")
    elif not isinstance(base_node.value, str) or not base_node.value:
        bad.add(base_node, "base", "expected the path of a seed file")
    else:
        name = base_node.value
        where = Path(path).parent / name
        if "/" not in name and not name.endswith((".yaml", ".yml", ".txt")):
            from ..seedfile import PRESET_DIR
            where = PRESET_DIR / f"{name}.yaml"
        if not where.is_file():
            bad.add(base_node, "base", f"no such seed file: {where}")
        else:
            base = load_input(str(where))      # its own problems are located in its own file
    fixed: list[Override] = [_override(k, n) for k, n in _key_paths(top["set"], "set", bad)] if "set" in top else []

    seeds: list[int] | None = None
    if "seeds" in top:
        node = top["seeds"]
        v = node.value
        if isinstance(v, str):
            try:
                seeds = parse_seeds(v, "seeds")
            except ValueError as err:
                bad.add(node, "seeds", str(err).split(": ", 1)[1])
        elif isinstance(v, int) and not isinstance(v, bool) and v >= 0:
            seeds = [v]
        elif isinstance(v, list) and v and all(isinstance(i.value, int) and not isinstance(i.value, bool)
                                               and i.value >= 0 for i in v):
            seeds = [i.value for i in v]
        else:
            bad.add(node, "seeds", "expected a range FIRST..LAST (e.g. 1..1000) or a list of seeds ≥ 0")
    grid: list[tuple[str, list[_Node]]] = []
    if "grid" in top:
        for key, node in _key_paths(top["grid"], "grid", bad):
            if not isinstance(node.value, list) or not node.value:
                bad.add(node, f"grid.{key}", "expected a non-empty list of values to combine")
            else:
                grid.append((key, node.value))
    random: list[tuple[str, _Node]] = []
    if "random" in top:
        for key, node in _key_paths(top["random"], "random", bad):
            v = node.value
            if isinstance(v, list) and len(v) == 2 and all(_number(i.value) for i in v):
                if v[1].value < v[0].value:
                    bad.add(node, f"random.{key}", "expected [low, high] with low ≤ high")
                    continue
            elif isinstance(v, dict) and list(v) == ["choice"] and isinstance(v["choice"].value, list) \
                    and v["choice"].value:
                pass
            else:
                bad.add(node, f"random.{key}", "expected [low, high] (numbers) or {choice: [a, b, …]}")
                continue
            random.append((key, node))
    draws: int | str = 0
    if "draws" in top:
        node = top["draws"]
        if isinstance(node.value, (int, str)) and not isinstance(node.value, bool):
            draws = node.value
        else:
            bad.add(node, "draws", "expected a seed (an integer or a string) for the random draws")
    combos = 1 if seeds is None else len(seeds)
    for _, values in grid:
        combos *= len(values)
    count = None
    if "count" in top:
        node = top["count"]
        if isinstance(node.value, int) and not isinstance(node.value, bool) and 1 <= node.value <= MAX_VARIANTS:
            count = node.value
        else:
            bad.add(node, "count", f"expected a whole number 1 … {MAX_VARIANTS}")
    elif combos > MAX_VARIANTS:
        bad.add(tree, "count", f"seeds × grid make {combos} variants, above the limit of {MAX_VARIANTS}")
    formats: tuple[str, ...] | None = None
    if "formats" in top:
        node = top["formats"]
        items = node.value if isinstance(node.value, list) else []
        names = [i.value for i in items]
        if not names or any(n not in FORMATS for n in names):
            bad.add(node, "formats", f"expected a list of {', '.join(FORMATS)}")
        else:
            formats = tuple(dict.fromkeys(names))
    thumbnail = None
    if "thumbnail" in top:
        node = top["thumbnail"]
        try:
            thumbnail = parse_size(str(node.value), "thumbnail")
        except ValueError as err:
            bad.add(node, "thumbnail", str(err).split(": ", 1)[1])
    if bad.items:
        bad.items.sort(key=lambda p: (p.file, p.line, p.col))
        raise SeedError(bad.items)
    assert base is not None
    total = count if count is not None else combos

    axes: list[list[tuple[str, Any, Override]]] = []
    if seeds is not None:
        seed_node = top["seeds"]
        axes.append([("seed", s, Override("seed", s, path, seed_node.line, seed_node.col)) for s in seeds])
    for key, values in grid:
        axes.append([(key, _plain(n), _override(key, n)) for n in values])
    combinations = list(itertools.islice(itertools.product(*axes), total))
    variants = []
    for k, vid in enumerate(_ids(total)):
        combo = combinations[k % len(combinations)]
        chosen = {key: value for key, value, _ in combo}
        overrides = [ov for _, _, ov in combo]
        rng = stream(draws, f"sweep/{k}")
        for key, node in random:
            value = _draw(rng, node)
            chosen[key] = value
            overrides.append(Override(key, value, node.file, node.line, node.col))
        variants.append(Variant(vid, k, chosen, tuple(overrides)))
    varied = tuple(dict.fromkeys([*(["seed"] if seeds is not None else []), *(k for k, _ in grid),
                                  *(k for k, _ in random)]))
    return Sweep(path, base, tuple(variants), (*fixed, *common), formats, thumbnail, varied)


def _draw(rng: Any, node: _Node) -> Any:
    v = node.value
    if isinstance(v, dict):
        choices = v["choice"].value
        return _plain(choices[int(rng.integers(0, len(choices)))])
    lo, hi = v[0].value, v[1].value
    if isinstance(lo, int) and isinstance(hi, int):
        return int(rng.integers(lo, hi + 1))
    return float(rng.uniform(float(lo), float(hi)))
