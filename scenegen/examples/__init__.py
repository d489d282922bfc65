"""The example seed files and dream texts shipped inside the package, and how commands find them by name."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

__all__ = ["DEFAULT", "EXAMPLES", "EXAMPLES_DIR", "Example", "example", "resolve"]

EXAMPLES_DIR = Path(__file__).parent


@dataclass(frozen=True)
class Example:
    """One shipped example: the name commands accept, its file and what it shows."""

    name: str
    file: str
    shows: str

    @property
    def path(self) -> Path:
        return EXAMPLES_DIR / self.file


EXAMPLES: tuple[Example, ...] = (
    Example("grand-auditorium", "grand-auditorium.yaml",
            "The Grand Auditorium of Worlds (the second dream): a moonlight stage, seven singing spheres (one "
            "cracked), a canopy of 250,000 luminous eyes, screens of gold light"),
    Example("liquid-silver-stage", "liquid-silver-stage.yaml",
            "The Liquid Silver Stage (the first dream): rippling liquid silver, a twilight-to-dawn sky with "
            "watercolour streaks, rows of breathing mist silhouettes, a crystal instrument"),
    Example("minimal", "minimal.yaml",
            "the smallest seed file: a seed number, every other field at its default"),
    Example("grand-auditorium.txt", "grand-auditorium.txt",
            "the second dream's narrative: `scenegen from-text` derives a seed file from it"),
    Example("liquid-silver-stage.txt", "liquid-silver-stage.txt",
            "the first dream's narrative: `scenegen from-text` derives a seed file from it"),
)

DEFAULT = "grand-auditorium"
"""The example `scenegen view` opens when given no file."""

_BY_NAME = {e.name: e for e in EXAMPLES}


def example(name: str) -> Example | None:
    """The shipped example called `name` (a `.yaml` suffix is allowed: `minimal.yaml`), or None."""
    found = _BY_NAME.get(name)
    if found is None and name.endswith((".yaml", ".yml")):
        found = _BY_NAME.get(name.rsplit(".", 1)[0])
    return found


def resolve(arg: str | os.PathLike) -> str:
    """The path a command reads for `arg`: an existing file (or `-`) as it is, else the example of that
    name; anything else is returned unchanged, for the reader to report as missing."""
    text = os.fspath(arg)
    if text == "-" or os.path.exists(text):
        return text
    found = example(text)
    return str(found.path) if found is not None else text
