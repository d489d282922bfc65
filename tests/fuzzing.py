"""Mutation fuzzing of the three readers of outside files: the seed loader (with `extends`), load_scene and the
dream reader. Each case must end in the reader's own error type or a valid result, within a time limit.

The CI test (test_fuzz.py) runs a few hundred cases per reader; a longer run, with counts:

    .venv/bin/python -m tests.fuzzing --cases 20000 [--seed N] [--hang-s 5]

prints cases, crashes (any other exception; the first few are shown) and hangs for each reader.
"""

from __future__ import annotations

import argparse
import json
import random
import signal
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"

# Fragments that have broken parsers before: YAML 1.1 numbers, tags, anchors, escapes, control bytes.
TOKENS = [b"017", b"1:30", b"0x1F", b"0b101", b"1e6", b".nan", b"-.inf", b"~", b"null", b"yes", b"#ffffff", b"&a",
          b"*a", b"<<: *a", b"!!python/object:os.system", b"!!binary", b"\"\\ud800\"", b"\"\\e]0;x\\a\"",
          b"\x00", b"\xff\xfe", b"\xef\xbb\xbf", b"\t", b"\r\n", b"- ", b": ", b"{", b"}", b"[", b"]", b"'", b"\"",
          b"extends: ", b"extends: [a.yaml, a.yaml]", b"extends: /dev/zero", b"extends: loop.yaml", b"9" * 400,
          b"1e999", b"NaN", b"Infinity", b"[" * 200, b"\"shape\": [1099511627775, 9]", b"\"dtype\": ", b"\xc3\x28"]


def mutate(data: bytes, rnd: random.Random) -> bytes:
    """A few random edits: byte flips, deletions, duplications, splices of known-bad tokens."""
    buf = bytearray(data)
    for _ in range(rnd.randint(1, 6)):
        op = rnd.random()
        i = rnd.randint(0, len(buf))
        if op < 0.25 and buf:
            buf[min(i, len(buf) - 1)] ^= 1 << rnd.randint(0, 7)
        elif op < 0.45:
            del buf[i:i + rnd.randint(1, 16)]
        elif op < 0.6 and buf:
            j = rnd.randint(0, len(buf) - 1)
            buf[i:i] = buf[j:j + rnd.randint(1, 64)]
        else:
            buf[i:i] = rnd.choice(TOKENS)
    return bytes(buf)


def _json_value(rnd: random.Random, depth: int = 0) -> Any:
    if depth < 3 and rnd.random() < 0.15:
        return [_json_value(rnd, depth + 1) for _ in range(rnd.randint(0, 3))]
    return rnd.choice([None, True, -1, 2 ** 70, 1e308, "x" * rnd.randint(0, 9), [], {}, "\ud800", float("nan"),
                       {"dtype": "float32", "shape": [2, 2], "encoding": "inline", "data": [1, 2, 3, 4]}])


def mutate_json(data: Any, rnd: random.Random) -> Any:
    """The decoded document with one value somewhere replaced (or removed, or a key added)."""
    node, key = data, None
    parent: Any = None
    for _ in range(rnd.randint(1, 8)):
        if isinstance(node, dict) and node:
            parent, key = node, rnd.choice(list(node))
        elif isinstance(node, list) and node:
            parent, key = node, rnd.randrange(len(node))
        else:
            break
        node = parent[key]
    if parent is None:
        return _json_value(rnd)
    op = rnd.random()
    if op < 0.15 and isinstance(parent, dict):
        del parent[key]
    elif op < 0.25 and isinstance(parent, dict):
        parent["extra" + str(rnd.randint(0, 9))] = _json_value(rnd)
    elif isinstance(node, (int, float)) and not isinstance(node, bool) and op < 0.6:
        parent[key] = rnd.choice([node + 1, -node, node * 1e9, 0, float("inf")])
    else:
        parent[key] = _json_value(rnd)
    return data


class Hang(Exception):
    """A case ran past the time limit."""


@dataclass
class Tally:
    cases: int = 0
    crashes: int = 0
    hangs: int = 0
    examples: list[str] = field(default_factory=list)

    def line(self, name: str) -> str:
        return f"{name:<12} {self.cases:>8} cases {self.crashes:>6} crashes {self.hangs:>6} hangs"


def _run_case(fn: Callable[[], None], allowed: tuple[type[BaseException], ...], tally: Tally, hang_s: float,
              what: str) -> None:
    tally.cases += 1

    def alarm(signum: int, frame: Any) -> None:
        raise Hang()

    old = signal.signal(signal.SIGALRM, alarm) if hang_s else None
    try:
        if hang_s:
            signal.setitimer(signal.ITIMER_REAL, hang_s)
        fn()
    except Hang:
        tally.hangs += 1
        if len(tally.examples) < 5:
            tally.examples.append(f"hang: {what}")
    except allowed:
        pass
    except Exception as exc:
        tally.crashes += 1
        if len(tally.examples) < 5:
            tally.examples.append(f"{type(exc).__name__}: {exc!s:.200} ({what})")
    finally:
        if hang_s:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old)


def _seed_corpus() -> list[bytes]:
    files = [*sorted((ROOT / "scenegen" / "examples").glob("*.yaml")), DATA / "fuzz_base.yaml"]
    return [p.read_bytes() for p in files]


def fuzz_seed_loader(cases: int, rnd: random.Random, folder: Path, hang_s: float = 0.0) -> Tally:
    """load_seed on a mutated file that may extend a second mutated file (or itself)."""
    from scenegen.safetext import printable
    from scenegen.seedfile import SeedError, load_seed

    corpus = _seed_corpus()
    tally = Tally()
    main, other = folder / "s.yaml", folder / "a.yaml"
    for k in range(cases):
        text = mutate(rnd.choice(corpus), rnd)
        if rnd.random() < 0.3:
            text = b"extends: " + rnd.choice([b"a.yaml", b"[a.yaml, a.yaml]", b"s.yaml", b"cosmos"]) + b"\n" + text
        main.write_bytes(text)
        other.write_bytes(mutate(rnd.choice(corpus), rnd))

        def case() -> None:
            try:
                load_seed(main)
            except SeedError as err:
                for line in str(err).splitlines():
                    assert line == printable(line) and line.startswith(str(folder)), line
                raise

        _run_case(case, (SeedError, Warning), tally, hang_s, f"seed case {k}")
    return tally


def small_scene_json() -> bytes:
    from scenegen.export.json import dumps_scene
    from scenegen.gen.scene import generate
    from scenegen.seedfile import parse_seed

    from .conftest import SMALL

    return dumps_scene(generate(parse_seed(SMALL)))


def fuzz_load_scene(cases: int, rnd: random.Random, folder: Path, hang_s: float = 0.0) -> Tally:
    """load_scene on mutated bytes (half the cases) or a decoded document with one value changed."""
    from scenegen.export.json import SceneFormatError, dumps_scene, load_scene

    base = small_scene_json()
    doc = json.loads(base)
    tally = Tally()
    path = folder / "scene.json"
    for k in range(cases):
        if k % 2:
            path.write_bytes(mutate(base, rnd))
        else:
            text = json.dumps(mutate_json(json.loads(json.dumps(doc)), rnd), allow_nan=True)
            path.write_bytes(text.encode("utf-8", "surrogatepass"))

        def case() -> None:
            scene = load_scene(path)
            dumps_scene(scene)          # a scene it loads is one the exporters can write

        _run_case(case, (SceneFormatError,), tally, hang_s, f"scene case {k}")
    return tally


def fuzz_dream_reader(cases: int, rnd: random.Random, folder: Path, hang_s: float = 0.0) -> Tally:
    """read_dream on mutated narratives; what it derives must load back to the same spec."""
    from scenegen.dream import DreamError, read_dream
    from scenegen.seedfile import parse_seed

    corpus = [p.read_bytes() for p in sorted((DATA / "dreams").glob("*.txt"))]
    tally = Tally()
    path = folder / "dream.txt"
    for k in range(cases):
        path.write_bytes(mutate(rnd.choice(corpus), rnd))

        def case() -> None:
            d = read_dream(path)
            assert parse_seed(d.yaml) == d.spec

        _run_case(case, (DreamError,), tally, hang_s, f"dream case {k}")
    return tally


READERS = {"seed loader": fuzz_seed_loader, "load_scene": fuzz_load_scene, "dream reader": fuzz_dream_reader}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=20000, help="cases per reader (default 20000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--hang-s", type=float, default=5.0, help="a case slower than this is a hang (default 5)")
    args = parser.parse_args()
    import warnings

    warnings.simplefilter("ignore")
    print(f"{'reader':<12} {'cases':>8} {'':6}{'crashes':>13} {'hangs':>12}   (seed {args.seed})")
    for name, fuzz in READERS.items():
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            tally = fuzz(args.cases, random.Random(args.seed), Path(tmp), args.hang_s)
            print(tally.line(name) + f"   {time.perf_counter() - t0:.0f} s", flush=True)
            for ex in tally.examples:
                print("    " + ex)


if __name__ == "__main__":
    main()
