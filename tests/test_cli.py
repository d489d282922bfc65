"""The command line, called as a user would: exit codes, one-line errors, no tracebacks, outputs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from scenegen.examples import EXAMPLES_DIR
from scenegen.seedfile import parse_seed
from scenegen.spec import SeedSpec
from scenegen.starter import with_modeline

from .conftest import SMALL


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scenegen", *args], capture_output=True, text=True, cwd=cwd,
                          env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)})


def test_validate_good_and_bad(tmp_path: Path) -> None:
    good, bad = tmp_path / "good.yaml", tmp_path / "bad.yaml"
    good.write_text("seed: 7\n")
    bad.write_text("seed: 7\nterrain:\n  resolution: 9999999\n  colour: x\n")
    r = run("validate", str(good))
    assert r.returncode == 0 and "ok" in r.stdout
    r = run("validate", str(good), str(bad))
    assert r.returncode == 2 and "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert lines == [f"{bad}:3:15: terrain.resolution: 9999999 is above the limit of 4097 for terrain.resolution "
                     "(expected 2 to 4097)",
                     f"{bad}:4:3: terrain.colour: unknown key (did you mean 'colors'?)"]
    r = run("validate", str(tmp_path / "missing.yaml"))
    assert r.returncode == 2 and "no such file" in r.stderr and "Traceback" not in r.stderr


def test_export_to_file_and_stdout(tmp_path: Path) -> None:
    seed = tmp_path / "s.yaml"
    seed.write_text(SMALL)
    out = tmp_path / "s.json"
    r = run("export", str(seed), "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert "Wrote" in r.stdout and "terrain   33×33 vertices" in r.stdout
    assert r.stderr == ""  # no progress bar when stderr is not a terminal
    r2 = run("export", str(seed), "-o", "-")
    assert r2.returncode == 0 and r2.stdout.encode() == out.read_bytes()
    assert "Wrote standard output" in r2.stderr
    assert json.loads(r2.stdout)["format"] == "scenegen.scene/1"


def test_export_refuses_bad_input_without_writing(tmp_path: Path) -> None:
    seed = tmp_path / "s.yaml"
    seed.write_text("seed: 1\nstage: {shape: blob}\n")
    out = tmp_path / "s.json"
    r = run("export", str(seed), "-o", str(out))
    assert r.returncode == 2 and r.stderr.startswith(f"{seed}:2:") and not out.exists()
    seed.write_text("seed: 1\n")
    r = run("export", str(seed), "-o", str(tmp_path / "s.obj"))
    assert r.returncode == 2 and "unknown output type" in r.stderr
    # A missing folder is made; a file where a folder should be is refused before any work, naming it.
    r = run("export", str(seed), "-o", str(tmp_path / "no" / "such" / "dir.json"))
    assert r.returncode == 0 and (tmp_path / "no" / "such" / "dir.json").is_file()
    (tmp_path / "plain").write_text("a file")
    r = run("export", str(seed), "-o", str(tmp_path / "plain" / "x.json"))
    assert r.returncode == 2 and f"{tmp_path / 'plain'}: is not a folder" in r.stderr
    assert "Traceback" not in r.stderr and "Wrote" not in r.stdout


def test_schema_command_prints_the_shipped_schemas() -> None:
    from scenegen.schema import shipped_schema

    for which in ("seed", "scene"):
        r = run("schema", which)
        assert r.returncode == 0 and json.loads(r.stdout) == shipped_schema(which)


def test_new_writes_a_valid_commented_starter(tmp_path: Path) -> None:
    r = run("new", "Velvet Hall", cwd=tmp_path)
    assert r.returncode == 0
    text = (tmp_path / "velvet-hall.yaml").read_text()
    assert parse_seed(text) == SeedSpec(name="Velvet Hall", seed="velvet-hall")
    # Uncommenting every field line keeps the meaning: the comments show the true defaults.
    lines = text.splitlines()
    uncommented = "\n".join(line[2:] if line.startswith("# ") and i > 2 else line for i, line in enumerate(lines))
    assert parse_seed(uncommented) == parse_seed(text)
    r = run("new", "Velvet Hall", cwd=tmp_path)
    assert r.returncode == 2 and "already exists" in r.stderr
    assert run("new", "Velvet Hall", "--force", cwd=tmp_path).returncode == 0


def test_usage_errors_exit_2() -> None:
    r = run("export")
    assert r.returncode == 2 and "usage" in r.stderr
    r = run("frobnicate")
    assert r.returncode == 2


def _on_a_terminal(*args: str) -> str:
    """What a command writes to a terminal (a pseudo-terminal: standard output and error together)."""
    import pty

    code = "import sys\nfrom scenegen.cli import main\nsys.exit(main(sys.argv[1:]))\n"
    pid, fd = pty.fork()
    if pid == 0:  # pragma: no cover - the child
        os.environ["PYTHONPATH"] = str(Path(__file__).resolve().parent.parent)
        os.execv(sys.executable, [sys.executable, "-c", code, *args])
    chunks = []
    while True:
        try:
            data = os.read(fd, 4096)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    _, status = os.waitpid(pid, 0)
    text = b"".join(chunks).decode("utf-8", "replace")
    assert os.waitstatus_to_exitcode(status) == 0, text
    return text


def test_progress_line_on_a_terminal_for_the_whole_job_and_none_with_q(tmp_path: Path) -> None:
    """On a terminal the job draws one line on standard error, through every stage (generation, then each
    output), and clears it when done; -q draws nothing at all."""
    seed = tmp_path / "s.yaml"
    seed.write_text("seed: 1\nterrain: {resolution: 513}\naudience: [{count: 20000}]\n")
    text = _on_a_terminal("export", str(seed), "-o", str(tmp_path / "s.glb"), "--heightmap", str(tmp_path / "h.png"))
    assert "█" in text and "%" in text
    for stage in ("generate (1/3): terrain", "glTF (2/3)", "heightmap (3/3)"):
        assert stage in text, text
    assert "Wrote 3 files" in text and (tmp_path / "s.glb").exists()
    quiet = _on_a_terminal("export", str(seed), "-o", str(tmp_path / "q.json"), "-q")
    assert quiet == "" and (tmp_path / "q.json").exists()


DREAM = EXAMPLES_DIR


def test_from_text_writes_a_seed_file_that_quotes_the_text(tmp_path: Path) -> None:
    out = tmp_path / "dream.yaml"
    r = run("from-text", str(DREAM / "liquid-silver-stage.txt"), "-o", str(out))
    assert r.returncode == 0, r.stderr
    text = out.read_text()
    assert 'material: "liquid-silver"' in text and '"swirling pool of liquid silver"' in text
    assert run("validate", str(out)).returncode == 0
    # The derived file and the text give the same scene.
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    assert run("export", str(out), "-o", str(a), "-q").returncode == 0
    assert run("export", str(DREAM / "liquid-silver-stage.txt"), "-o", str(b), "-q").returncode == 0
    assert a.read_bytes() == b.read_bytes()
    r = run("from-text", str(DREAM / "liquid-silver-stage.txt"), "-o", str(out))
    assert r.returncode == 2 and "already exists" in r.stderr


def test_bad_texts_are_one_line_errors(tmp_path: Path) -> None:
    for data, words in [(b"", "empty"), (b"\xff\xfeh\0i", "UTF-16"), (b"a dream \xff", "not UTF-8")]:
        bad = tmp_path / "bad.txt"
        bad.write_bytes(data)
        for args in (["from-text", str(bad), "-o", str(tmp_path / "x.yaml")], ["export", str(bad), "-o", "-"],
                     ["validate", str(bad)]):
            r = run(*args)
            assert r.returncode == 2 and words in r.stderr, (args, r.stderr)
            assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr


def test_export_gltf_and_heightmaps(tmp_path: Path) -> None:
    seed = tmp_path / "s.yaml"
    seed.write_text(SMALL)
    r = run("export", str(seed), "-o", str(tmp_path / "s.glb"), "--heightmap", str(tmp_path / "h.png"),
            "--tiles", "4", "--preview", str(tmp_path / "p.png"))
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "s.glb").read_bytes()[:4] == b"glTF"
    side = json.loads((tmp_path / "h.png.json").read_text())
    assert side["resolution"] == [33, 33] and len(list(tmp_path.glob("h_x*_z*.png"))) == 16
    assert (tmp_path / "p.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    r = run("export", str(seed), "-o", str(tmp_path / "t.gltf"), "--separate-bin", "-q")
    assert r.returncode == 0 and (tmp_path / "t.bin").exists()
    gltf = json.loads((tmp_path / "t.gltf").read_text())
    assert gltf["buffers"][0]["uri"] == "t.bin" and gltf["asset"]["version"] == "2.0"
    r = run("export", str(seed), "-o", str(tmp_path / "n.gltf"), "--instances", "nodes", "-q")
    assert r.returncode == 0, r.stderr
    nodes = json.loads((tmp_path / "n.gltf").read_text())
    assert "EXT_mesh_gpu_instancing" not in nodes["extensionsUsed"]
    assert len(nodes["nodes"]) > len(gltf["nodes"])             # a node per figure


def test_export_refuses_bad_heightmap_requests_before_generating(tmp_path: Path) -> None:
    seed = tmp_path / "s.yaml"
    seed.write_text(SMALL)  # resolution 33: 32 cells per side
    for args, words in [(["--heightmap", str(tmp_path / "h.tif")], "unknown heightmap type"),
                        (["--heightmap", str(tmp_path / "h.png"), "--tiles", "3"], "use one of 2, 4, 8, 16, 32"),
                        (["--tiles", "2", "-o", str(tmp_path / "x.json")], "--tiles needs --heightmap"),
                        ([], "nothing to write")]:
        r = run("export", str(seed), *args)
        assert r.returncode == 2 and words in r.stderr, (args, r.stderr)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.yaml"]


def test_examples_are_listed_and_taken_by_name(tmp_path: Path) -> None:
    r = run("examples")
    assert r.returncode == 0, r.stderr
    listed = [line.split()[0] for line in r.stdout.splitlines()]
    assert listed == ["grand-auditorium", "liquid-silver-stage", "minimal", "grand-auditorium.txt",
                      "liquid-silver-stage.txt"]
    assert run("examples", "minimal").stdout == with_modeline((EXAMPLES_DIR / "minimal.yaml").read_text())
    assert run("validate", "minimal", "liquid-silver-stage.txt").returncode == 0
    r = run("export", "minimal", "-o", str(tmp_path / "by-name.json"), "-q")
    assert r.returncode == 0, r.stderr
    assert run("export", str(EXAMPLES_DIR / "minimal.yaml"), "-o", str(tmp_path / "by-path.json"), "-q").returncode == 0
    assert (tmp_path / "by-name.json").read_bytes() == (tmp_path / "by-path.json").read_bytes()
    for args in (["export", "nosuch", "-o", str(tmp_path / "x.json")], ["examples", "nosuch"]):
        r = run(*args)
        assert r.returncode == 2 and "`scenegen examples` lists them" in r.stderr, r.stderr
        assert len(r.stderr.strip().splitlines()) == 1
