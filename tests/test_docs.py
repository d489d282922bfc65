"""The README stays true: its seed reference is the declaration's, its quick start is two commands."""

from __future__ import annotations

import re

from scenegen.reference import BEGIN, END, reference_markdown

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_seed_reference_is_current() -> None:
    start, end = README.index(BEGIN), README.index(END) + len(END)
    assert README[start:end] == reference_markdown(), "regenerate: python -m scenegen.reference"


def test_quick_start_is_two_commands_that_exist() -> None:
    block = re.search(r"## Quick start.*?```sh\n(.*?)```", README, re.S)
    assert block, "README has a Quick start with a sh block"
    commands = [line for line in block.group(1).splitlines() if line.strip() and not line.startswith("#")]
    assert commands == ["./dev.sh run", "./dev.sh test"]
    assert (ROOT / "dev.sh").stat().st_mode & 0o111
    assert "./dev.sh test" in (ROOT / ".ci" / "run").read_text()


def test_readme_commands_parse_for_a_pip_user() -> None:
    """Every `scenegen …` line in the README's sh blocks is a command line the parser accepts."""
    import shlex

    from scenegen.cli import build_parser

    parser = build_parser()
    lines = [line.split("  #", 1)[0].strip() for block in re.findall(r"```sh\n(.*?)```", README, re.S)
             for line in block.splitlines()]
    commands = [line for line in lines if line.startswith("scenegen ") or line == "scenegen"]
    assert len(commands) >= 6
    for line in commands:
        args = parser.parse_args(shlex.split(line)[1:])
        assert args.command, line
