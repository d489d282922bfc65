"""What the commands accept as a scene's source: a seed file (YAML), or a dream narrative (`.txt`)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from .seedfile import Override, apply_overrides, load_seed
from .spec import SeedSpec

__all__ = ["TEXT_SUFFIXES", "InputError", "is_dream", "load_input"]

TEXT_SUFFIXES = (".txt", ".text", ".md")


def is_dream(path: str | os.PathLike) -> bool:
    """Whether a path names a narrative text rather than a seed file (by its suffix)."""
    return Path(path).suffix.lower() in TEXT_SUFFIXES


def load_input(path: str | os.PathLike, overrides: Sequence[Override] = ()) -> SeedSpec:
    """The SeedSpec of a seed file, or of the seed file derived from a dream text, with `overrides`
    (`--set` values) applied.

    Raises SeedError or DreamError (both ValueError, one located line per problem): the input is bad.
    """
    if is_dream(path):
        from .dream import read_dream

        return apply_overrides(read_dream(path).spec, overrides)
    return apply_overrides(load_seed(path), overrides)


InputError = ValueError
"""The base of SeedError and DreamError: what a bad input raises."""
