"""Rules every command keeps: one overwrite rule, seed files that point editors at a schema beside them,
help and messages in the user's words."""

from __future__ import annotations

import json
import re
from pathlib import Path

from scenegen.examples import EXAMPLES_DIR
from scenegen.schema import shipped_schema
from scenegen.starter import MODELINE, SCHEMA_NAME, SCHEMA_PATH, starter_text

from .conftest import SMALL
from .test_cli import run


def _commands() -> list[str]:
    import argparse

    from scenegen.cli import build_parser

    actions = [a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)]
    return sorted(actions[0].choices)


COMMANDS = _commands()     # every sub-command, those added later too


def test_no_command_replaces_a_file_without_force(tmp_path: Path) -> None:
    seed = tmp_path / "s.yaml"
    seed.write_text(SMALL)
    taken = tmp_path / "taken"
    cases = [
        (["export", str(seed), "-o", str(taken / "a.json")], [taken / "a.json"]),
        (["export", str(seed), "--heightmap", str(taken / "h.png"), "--tiles", "2"], [taken / "h_x1_z0.png"]),
        (["export", str(seed), "--heightmap", str(taken / "h.png")], [taken / "h.png.json"]),   # the side-car
        (["export", str(seed), "-o", str(taken / "g.gltf"), "--separate-bin"], [taken / "g.bin"]),
        (["render", str(seed), "-o", str(taken / "r.png"), "--frames", "3"], [taken / "r-0002.png"]),
        (["render", str(seed), "-o", str(taken / "one.png")], [taken / "one.png"]),
        (["schema", "-o", str(taken / "schema.json")], [taken / "schema.json"]),
        (["examples", "minimal", "-o", str(taken / "m.yaml")], [taken / "m.yaml"]),
        (["new", "Hall", "-o", str(taken / "n.yaml")], [taken / "n.yaml"]),
        (["from-text", str(EXAMPLES_DIR / "liquid-silver-stage.txt"), "-o", str(taken / "d.yaml")],
         [taken / "d.yaml"]),
    ]
    taken.mkdir()
    for args, existing in cases:
        for path in existing:
            path.write_text("mine")
        r = run(*args)
        assert r.returncode == 2, (args, r.stderr)
        assert r.stderr.startswith(f"scenegen: {existing[0]}: already exists") and "--force" in r.stderr, r.stderr
        assert all(p.read_text() == "mine" for p in existing)
        assert sorted(p.name for p in taken.iterdir()) == sorted(p.name for p in existing), args
        if args[0] != "render":               # rendering needs GL: tests/test_cli_render.py renders for real
            r = run(*args, "--force")
            assert r.returncode == 0, (args, r.stderr)
            assert all(p.read_bytes() != b"mine" for p in existing)
        for p in taken.iterdir():
            p.unlink()


def test_seed_files_written_point_at_a_schema_beside_them(tmp_path: Path) -> None:
    assert starter_text("Hall").splitlines()[0] == MODELINE == f"# yaml-language-server: $schema={SCHEMA_NAME}"
    for args in (["new", "Hall", "-o", "a/hall.yaml"],
                 ["from-text", str(EXAMPLES_DIR / "grand-auditorium.txt"), "-o", "b/dream.yaml"],
                 ["examples", "grand-auditorium", "-o", "c/ga.yaml"]):
        folder = tmp_path / args[-1].split("/")[0]
        folder.mkdir()
        r = run(*args, cwd=tmp_path)
        assert r.returncode == 0, r.stderr
        seed = tmp_path / args[-1]
        assert seed.read_text().splitlines()[0] == MODELINE
        assert json.loads((folder / SCHEMA_NAME).read_text()) == shipped_schema("seed")
        assert (folder / SCHEMA_NAME).read_bytes() == SCHEMA_PATH.read_bytes()
        # The pair moves together: nothing in the file names where it was written, or where scenegen is.
        assert str(tmp_path) not in seed.read_text() and "site-packages" not in seed.read_text()
    # A schema file already there (another version's, say) is left alone, with a note that says so.
    (tmp_path / "a" / SCHEMA_NAME).write_text("{}")
    r = run("new", "Other", "-o", "a/other.yaml", cwd=tmp_path)
    assert r.returncode == 0 and (tmp_path / "a" / SCHEMA_NAME).read_text() == "{}"
    assert "another version's seed schema" in r.stderr and "--force" in r.stderr
    # Standard output gets the seed file alone.
    r = run("new", "Hall", "-o", "-", cwd=tmp_path / "c")
    assert r.stdout == starter_text("Hall")


def test_starter_comments_never_touch_their_values() -> None:
    text = starter_text("A Name Long Enough To Push The Seed Line Past The Comment Column")
    field = re.compile(r"^(# )? *(- )?[a-z_]+:")
    skip = ("name:", "scenegen:")
    lines = [line for line in text.splitlines()[3:] if field.match(line) and not line.startswith(skip)]
    assert len(lines) > 100
    for line in lines:       # long values too: two spaces at least, then the comment
        assert re.search(r"[^ ] {2,}# \S", line), line


def test_every_command_has_a_description_line() -> None:
    top = run("--help").stdout
    for command in COMMANDS:
        assert command in top
        out = run(command, "--help").stdout
        _usage, _, rest = out.partition("\n\n")
        description = rest.split("\n\n", 1)[0]
        assert not description.startswith(("positional arguments", "options")), (command, out)
        assert len(description) > 30, (command, description)


def test_messages_speak_the_users_words(tmp_path: Path) -> None:
    tagged = tmp_path / "tagged.yaml"
    tagged.write_text("!thing\nseed: 1\n")
    dated = tmp_path / "dated.yaml"
    dated.write_text("seed: 1\nname: 2001-01-01\n")
    r = run("validate", str(tagged), str(dated))
    assert r.returncode == 2
    assert r.stderr.splitlines() == [
        f"{tagged}:1:1: tag !thing is not allowed (seed files are plain YAML: no tags)"]
    assert f"{dated}: ok ('2001-01-01'" in r.stdout      # YAML 1.2 core: a date is text
    r = run("schema")                       # the seed schema, the one most wanted
    assert r.returncode == 0 and json.loads(r.stdout) == shipped_schema("seed")
    r = run("schema", "sed")
    assert r.returncode == 2 and "KIND" in r.stderr and "which" not in r.stderr
    for err in (r.stderr, run("validate", str(tagged)).stderr):
        assert "_" not in err.replace(str(tmp_path), ""), err      # no internal names (_Skip, which)


NO_GL_LIBRARY = """
import sys
import pyglet.lib
load = pyglet.lib.load_library
def refuse(*names, **kw):      # as on a machine without libGL/libEGL
    if names and names[0] in ("GL", "EGL"):
        raise ImportError(f'Library "{names[0]}" not found.')
    return load(*names, **kw)
pyglet.lib.load_library = refuse
from scenegen.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_without_opengl_the_error_says_what_to_install(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    root = str(Path(__file__).resolve().parent.parent)
    args = ["render", "minimal", "-o", str(tmp_path / "m.png")]
    env = {**os.environ, "PYTHONPATH": root, "PYGLET_HEADLESS": "1"}
    missing = subprocess.run([sys.executable, "-c", NO_GL_LIBRARY, *args], capture_output=True, text=True, env=env)
    # EGL there, but no vendor driver behind it (Mesa's EGL driver not installed, say)
    no_driver = subprocess.run([sys.executable, "-m", "scenegen", *args], capture_output=True, text=True,
                               env={**env, "__EGL_VENDOR_LIBRARY_FILENAMES": str(tmp_path / "none.json")})
    for r, words in ((missing, "sudo apt-get install libgl1 libegl1 libegl-mesa0 libgl1-mesa-dri"),
                     (no_driver, "sudo apt-get install libegl-mesa0 libgl1-mesa-dri")):
        assert r.returncode == 1 and words in r.stderr and "dnf install" in r.stderr, r.stderr
        assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr
        assert not (tmp_path / "m.png").exists()


def test_gl_advice_names_what_to_do() -> None:
    from scenegen.render.offscreen import INSTALL_GL, gl_advice

    assert gl_advice(ImportError('Library "EGL" not found.')) == INSTALL_GL
    assert "unset DISPLAY" in gl_advice('Cannot connect to "None"')
    assert "LIBGL_ALWAYS_SOFTWARE=1" in gl_advice("OpenGL version 2.1 is too old")
