"""Bounded fuzzing in CI: mutated seed files (with extends), scene JSON and dream texts give the reader's own
error or a valid result, never another exception (tests/fuzzing.py runs the same for longer, with counts)."""

from __future__ import annotations

import random
import warnings
from pathlib import Path

import pytest

from . import fuzzing


@pytest.mark.parametrize("reader, cases", [("seed loader", 400), ("load_scene", 200), ("dream reader", 100)])
def test_fuzz_reader(tmp_path: Path, reader: str, cases: int) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tally = fuzzing.READERS[reader](cases, random.Random(reader), tmp_path, hang_s=30.0)
    assert tally.cases == cases
    assert (tally.crashes, tally.hangs) == (0, 0), tally.examples
