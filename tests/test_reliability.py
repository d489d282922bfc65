"""Bounded and unbreakable: devices, FIFOs, link loops, hostile names and text, writes that fail or are killed,
malformed scene JSON. Each case ends in one line and the right exit code, never a traceback or a half-written file."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path

import pytest

from scenegen import cli
from scenegen.export.json import SceneFormatError, dumps_scene, load_scene, scene_from_data
from scenegen.fileio import (
    JOURNAL_SUFFIX,
    TEMP_SUFFIX,
    OutputError,
    OutputSet,
    ReadRefused,
    read_limited,
    remove_stale,
    write_output,
    write_together,
)
from scenegen.seedfile import MAX_FILES, SeedError, SeedWarning, load_seed, parse_seed

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str, **kw) -> subprocess.CompletedProcess:
    if "stdout" not in kw:
        kw["capture_output"] = True
    return subprocess.run([sys.executable, "-m", "scenegen", *args],
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120, **kw)


def one_line(text: str | bytes) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    lines = [ln for ln in text.strip().splitlines() if ": warning: " not in ln]
    assert len(lines) == 1 and "Traceback" not in text, text
    return lines[0]


def temporaries(folder: Path) -> list[str]:
    return [p.name for p in folder.rglob("*") if p.name.endswith((TEMP_SUFFIX, JOURNAL_SUFFIX, ".part"))]


def no_temporaries(folder: Path) -> bool:
    return not temporaries(folder)


# ------------------------------------------------------------------------------------------- reading

@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_devices_are_refused_before_a_byte_is_read(tmp_path: Path, device: str) -> None:
    with pytest.raises(ReadRefused, match="not a regular file"):
        read_limited(device, 1 << 20)
    with pytest.raises(SeedError, match="not a regular file"):
        load_seed(device)
    seed = tmp_path / "s.yaml"
    seed.write_text(f"seed: 1\nextends: {device}\n")
    with pytest.raises(SeedError) as err:
        load_seed(seed)
    assert str(err.value).startswith(f"{seed}:2:10: extends: is not a regular file")


def test_a_fifo_never_blocks_the_cli_or_the_watcher(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    r = run("validate", str(fifo))             # no writer ever opens it: reading would block forever
    assert r.returncode == 2 and "not a regular file" in one_line(r.stderr)
    from scenegen.render.reload import SeedWatcher

    seed = tmp_path / "s.yaml"
    seed.write_text("seed: 1\nextends: pipe.yaml\n")
    w = SeedWatcher(seed)
    w.wait()
    assert not w.poll()
    seed.unlink()
    os.mkfifo(seed)                           # the seed file itself becomes a FIFO: a change, not a hang
    assert w.poll()


def test_size_limit_reads_at_most_one_byte_more(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_bytes(b"#" * 2048)
    assert len(read_limited(big, 2048)) == 2048
    with pytest.raises(ReadRefused, match="above the limit of 2047 bytes"):
        read_limited(big, 2047)


def test_extends_graph_reads_each_file_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # f0 extends f1 twice, f1 extends f2 twice, …: 2^15 loads if each mention were loaded again.
    depth = 15
    for i in range(depth):
        (tmp_path / f"f{i}.yaml").write_text(f"extends: [f{i + 1}.yaml, f{i + 1}.yaml]\nseed: {i}\n")
    (tmp_path / f"f{depth}.yaml").write_text("seed: last\n")
    import scenegen.seedfile as seedfile

    reads: list[str] = []
    real = seedfile.read_limited
    monkeypatch.setattr(seedfile, "read_limited", lambda p, *a, **k: reads.append(str(p)) or real(p, *a, **k))
    assert load_seed(tmp_path / "f0.yaml").seed == 0
    assert len(reads) == depth + 1 == len(set(reads))


def test_extends_graph_has_a_cap_on_files(tmp_path: Path) -> None:
    names = [f"p{i}.yaml" for i in range(MAX_FILES + 1)]
    for n in names:
        (tmp_path / n).write_text("seed: 1\n")
    (tmp_path / "s.yaml").write_text(f"extends: [{', '.join(names)}]\n")
    with pytest.raises(SeedError, match=f"more than {MAX_FILES} files"):
        load_seed(tmp_path / "s.yaml")


def test_link_loops_long_names_and_nul_bytes_are_located_lines(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").symlink_to(tmp_path / "b.yaml")
    (tmp_path / "b.yaml").symlink_to(tmp_path / "a.yaml")
    seed = tmp_path / "s.yaml"
    for value, expected in [("a.yaml", "symlink loop"), ("x" * 251 + ".yaml", "too long"),
                            ('"a\\0b.yaml"', "NUL byte"), ('"\\ud800.yaml"', "lone surrogate")]:
        seed.write_text(f"seed: 1\nextends: {value}\n")
        r = run("validate", str(seed))
        line = one_line(r.stderr)
        assert r.returncode == 2 and line.startswith(f"{seed}:2:10: extends: ") and expected in line, line
    r = run("validate", str(tmp_path / "a.yaml"))
    assert r.returncode == 2 and "symlink loop" in one_line(r.stderr)


def test_control_characters_are_escaped_and_other_files_not_quoted(tmp_path: Path) -> None:
    seed = tmp_path / "s.yaml"
    seed.write_text('seed: 1\n"\\e]0;owned\\a\\e[2J": 3\n')
    r = run("validate", str(seed))
    assert r.returncode == 2 and b"\x1b" not in r.stderr and b"\x07" not in r.stderr
    assert "\\x1b]0;owned\\x07\\x1b[2J: unknown key" in one_line(r.stderr)
    secret = tmp_path / "passwd.yaml"
    secret.write_text("root:x:0:0:hunter2:/root:/bin/sh\n")
    seed.write_text("seed: 1\nextends: passwd.yaml\n")
    r = run("validate", str(seed))
    line = one_line(r.stderr)
    assert r.returncode == 2 and "hunter2" not in line and "root:x" not in line and "single value" in line


def test_lone_surrogates_in_names_and_seeds_are_refused(tmp_path: Path) -> None:
    for text in ('seed: "\\ud800"\n', 'seed: 1\nname: "a\\udfffb"\n'):
        with pytest.raises(SeedError, match="lone surrogate"):
            parse_seed(text)
    seed = tmp_path / "s.yaml"
    seed.write_text('seed: 1\nname: "\\ud800"\n')
    r = run("export", str(seed), "-o", str(tmp_path / "s.json"))
    assert r.returncode == 2 and "2:7: name: " in one_line(r.stderr) and not (tmp_path / "s.json").exists()


# ------------------------------------------------------------------------------------ YAML 1.2 rules

def test_yaml_core_numbers() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        spec = parse_seed("seed: 0x1F\nterrain: {resolution: 017}\nsky: {stars: {count: 1e3}}\n")
    assert (spec.seed, spec.terrain.resolution, spec.sky.stars.count) == (31, 17, 1000)
    assert [type(w.message) for w in caught] == [SeedWarning]
    assert "017 is read as the decimal 17" in str(caught[0].message) and ":2:" in str(caught[0].message)
    assert parse_seed("seed: 0o17\n").seed == 15
    with pytest.raises(SeedError, match="400 digits is too large"):     # found by tests/fuzzing.py
        parse_seed("terrain: {height: " + "9" * 400 + "}\n")
    assert parse_seed("seed: 2001-12-14\n").seed == "2001-12-14"      # a date is text in YAML 1.2
    for text, hint in [("terrain: {height: 1:30}\n", "base-60"), ("terrain: {height: 0b101}\n", "binary"),
                       ("terrain: {pad: {enabled: yes}}\n", "true or false"),
                       ("sky: {stars: {count: 12.5}}\n", "whole number")]:
        with pytest.raises(SeedError, match=hint):
            parse_seed("seed: 1\n" + text)


def test_unquoted_colour_is_a_comment_and_says_so(tmp_path: Path) -> None:
    seed = tmp_path / "s.yaml"
    seed.write_text("seed: 1\nlights:\n  ambient:\n    color: #ffffff\n")
    r = run("validate", str(seed))
    warning = [ln for ln in r.stderr.decode().splitlines() if "warning" in ln]
    assert warning == [f'{seed}:4:11: lights.ambient.color: warning: #ffffff here is a YAML comment, so this '
                       'value is empty (the default is used); quote the colour: "#ffffff"']


# -------------------------------------------------------------------------------- unbounded cost

@pytest.mark.parametrize("group", ["{count: 3, spacing: 1.0e-9, inner: 500000.0}",
                                   "{count: 3, spacing: 0.000001, inner: 1000}",
                                   "{layout: ring, count: 3, spacing: 1.0e-9, inner: 5}"])
def test_placement_is_bounded_by_the_count(tmp_path: Path, group: str) -> None:
    seed = tmp_path / "s.yaml"
    seed.write_text(f"seed: 1\nterrain: {{resolution: 33}}\naudience: [{group}]\n")
    code = ("import resource, sys; resource.setrlimit(resource.RLIMIT_AS, (1 << 31, 1 << 31));"
            "from scenegen.cli import main; sys.exit(main(sys.argv[1:]))")
    r = subprocess.run([sys.executable, "-c", code, "export", str(seed), "-o", str(tmp_path / "s.json"), "-q"],
                       capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120)
    assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr[-2000:]


def test_tiles_and_render_size_have_maximums(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    seed = tmp_path / "s.yaml"
    seed.write_text("seed: 1\n")
    assert cli.main(["export", str(seed), "--heightmap", str(tmp_path / "h.png"), "--tiles", "512"]) == 2
    assert f"expected 1 … {cli.MAX_TILES}" in capsys.readouterr().err
    assert cli.main(["render", str(seed), "-o", str(tmp_path / "r.png"), "--size", "16384x16384"]) == 2
    assert f"1 … {cli.MAX_RENDER_SIDE}" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == [seed]


# ---------------------------------------------------------------------------------------- writing

def test_output_keeps_mode_follows_links_and_refuses_the_input(tmp_path: Path, capsys) -> None:
    seed = tmp_path / "s.yaml"
    seed.write_text("seed: 1\nterrain: {resolution: 17}\n")
    out = tmp_path / "private.json"
    out.write_text("old")
    out.chmod(0o600)
    link = tmp_path / "link.json"
    link.symlink_to(out.name)
    assert cli.main(["export", str(seed), "-o", str(link), "-q", "--force"]) == 0
    assert link.is_symlink() and (out.stat().st_mode & 0o777) == 0o600 and json.loads(out.read_text())
    as_json = tmp_path / "scene.json"            # YAML reads JSON: a seed file may well be named so
    as_json.write_text(seed.read_text())
    assert cli.main(["export", str(as_json), "-o", str(tmp_path / "." / "scene.json")]) == 2
    assert "is the input file" in capsys.readouterr().err
    assert as_json.read_text() == seed.read_text()
    assert cli.main(["new", "Hall", "-o", str(tmp_path / "a" / "b" / "hall.yaml")]) == 0   # folders made
    assert (tmp_path / "a" / "b" / "hall.yaml").is_file() and no_temporaries(tmp_path)


@pytest.mark.parametrize("args", [["schema", "seed", "-o", "/dev/full"], ["schema", "seed", "-o", "-"],
                                  ["validate", "SEED"], ["export", "SEED", "-o", "-", "--format", "glb"],
                                  ["new", "Hall", "-o", "-"]])
def test_full_disk_on_stdout_and_devices_is_one_line_exit_1(tmp_path: Path, args: list[str]) -> None:
    seed = tmp_path / "s.yaml"
    seed.write_text("seed: 1\nterrain: {resolution: 17}\n")
    args = [str(seed) if a == "SEED" else a for a in args]
    with open("/dev/full", "wb") as full:
        r = run(*args, stdout=full, stderr=subprocess.PIPE)
    assert r.returncode == 1 and "No space left on device" in one_line(r.stderr)
    assert os.path.exists("/dev/full") and not Path("/dev/full").is_file()


def test_closed_stdout_and_a_reader_that_goes_away(tmp_path: Path) -> None:
    seed = tmp_path / "s.yaml"
    seed.write_text("seed: 1\nterrain: {resolution: 65}\n")
    r = run("export", str(seed), "-o", "-", stdout=None, stderr=subprocess.PIPE, preexec_fn=lambda: os.close(1))
    assert r.returncode == 2 and "standard output is closed" in one_line(r.stderr)
    p = subprocess.Popen([sys.executable, "-m", "scenegen", "export", str(seed), "-o", "-"], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert p.stdout is not None and p.stderr is not None
    p.stdout.read(100)
    p.stdout.close()                          # like `| head -c 100`
    err = p.stderr.read()
    assert p.wait(timeout=120) == 1 and "closed the pipe" in one_line(err)


def test_a_file_size_limit_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    import resource

    seed = tmp_path / "s.yaml"
    seed.write_text("seed: 1\nterrain: {resolution: 65}\n")
    out = tmp_path / "s.json"
    out.write_text("previous")

    def small_files() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (16384, 16384))

    r = run("export", str(seed), "-o", str(out), "--force", preexec_fn=small_files)
    assert r.returncode == 1 and f"{out}: cannot write (File too large)" in one_line(r.stderr)
    assert out.read_text() == "previous" and no_temporaries(tmp_path)


def test_stale_temporaries_are_removed_and_journals_finished(tmp_path: Path) -> None:
    dead = 2 ** 22 + 12345          # above Linux's default pid_max: no such process
    stale = tmp_path / f".a.png.{dead}-0123abcd{TEMP_SUFFIX}"
    stale.write_bytes(b"x" * 100)
    new_a = tmp_path / f".a.png.{dead}-11111111{TEMP_SUFFIX}"
    new_b = tmp_path / f".b.png.{dead}-22222222{TEMP_SUFFIX}"
    new_a.write_text("new a")
    new_b.write_text("new b")
    (tmp_path / "a.png").write_text("old a")
    (tmp_path / "b.png").write_text("old b")
    (tmp_path / "side.json").write_text("old side")
    # The dead writer had renamed the side-car's temporary only: the journal finishes its set.
    journal = tmp_path / f".b.png.{dead}-33333333{JOURNAL_SUFFIX}"
    journal.write_text(json.dumps({"renames": [[str(new_a), str(tmp_path / "a.png")],
                                               [str(new_b), str(tmp_path / "b.png")],
                                               [str(tmp_path / "gone"), str(tmp_path / "side.json")]]}))
    write_output(tmp_path / "other.txt", b"x")          # any write into the folder cleans it first
    assert [(tmp_path / n).read_text() for n in ("a.png", "b.png")] == ["new a", "new b"]
    assert no_temporaries(tmp_path) and not stale.exists()


def test_a_failed_set_leaves_every_target_as_it_was(tmp_path: Path) -> None:
    a, b = tmp_path / "a.bin", tmp_path / "b.bin"
    a.write_bytes(b"old")
    with pytest.raises(OutputError, match="is a folder"):
        write_together([(a, b"new"), (tmp_path, b"oops")])
    with pytest.raises(RuntimeError), OutputSet() as out:
        out.open(a).write(b"new")
        out.open(b).write(b"new")
        raise RuntimeError("cut")
    assert a.read_bytes() == b"old" and not b.exists() and no_temporaries(tmp_path)


def _tiles_run(seed: Path, folder: Path) -> list[str]:
    return [sys.executable, "-m", "scenegen", "export", str(seed), "--heightmap", str(folder / "h.png"),
            "--tiles", "8", "-q", "--force"]


def _tile_bytes(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if not p.name.startswith(".")}


def test_kills_during_a_tiles_export_leave_all_old_or_all_new(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    seeds = []
    for k in (1, 2):
        s = tmp_path / f"s{k}.yaml"
        s.write_text(f"seed: {k}\nterrain: {{resolution: 257}}\naudience: []\n")
        seeds.append(s)
    sets = []
    for s in seeds:
        ref = tmp_path / f"ref-{s.stem}"
        t0 = time.monotonic()
        subprocess.run(_tiles_run(s, ref), env=env, check=True, capture_output=True)
        took = time.monotonic() - t0
        sets.append(_tile_bytes(ref))
    out = tmp_path / "out"
    subprocess.run(_tiles_run(seeds[0], out), env=env, check=True, capture_output=True)
    import random

    rnd = random.Random(13)
    for k in range(4):
        sig = signal.SIGKILL if k % 2 == 0 else signal.SIGTERM
        p = subprocess.Popen(_tiles_run(seeds[(k + 1) % 2], out), env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        time.sleep(rnd.uniform(0.3, 1.0) * took)
        p.send_signal(sig)
        err = p.communicate(timeout=120)[1]
        assert b"Traceback" not in err
        if sig == signal.SIGTERM and p.returncode != 0:
            # 143: the handler removed its temporaries and exited; -15: the signal came while Python was
            # still starting, before the handler was installed and before any output was opened.
            assert p.returncode in (143, -signal.SIGTERM), (p.returncode, k)
            assert temporaries(out) == [], (p.pid, k)                                # cleaned up at once
        remove_stale(out)                      # what the next run does first
        assert _tile_bytes(out) in sets, "a mix of two exports"
        assert no_temporaries(out)


# ---------------------------------------------------------------------------------------- load_scene

def test_load_scene_refuses_malformed_files_with_its_own_error(tmp_path: Path, small_scene) -> None:
    good = json.loads(dumps_scene(small_scene))
    path = tmp_path / "s.json"
    cases = {
        "nan": dumps_scene(small_scene).replace(b'"pad_level": ', b'"pad_level": NaN, "x": ', 1),
        "deep": b"[" * 100_000 + b"]" * 100_000,
        "digits": b'{"format": ' + b"9" * 5000 + b"}",
        "huge float": dumps_scene(small_scene).replace(b'"pad_level": ', b'"pad_level": 1e999, "x": ', 1),
        "not utf-8": b'{"format": "\xff"}',
    }
    for data in cases.values():
        path.write_bytes(data)
        with pytest.raises(SceneFormatError):
            load_scene(path)
    for edit in ("resolution", "shape", "dtype", "shape text", "seed"):
        data = json.loads(json.dumps(good))
        t = data["terrain"]
        if edit == "resolution":
            t["resolution"] = 4097
        elif edit == "shape":
            t["height_zx"]["shape"] = [1 << 39, 1 << 39]
        elif edit == "dtype":
            t["height_zx"]["dtype"] = ["float32"]
        elif edit == "shape text":
            t["height_zx"]["shape"] = ["33", 33]
        else:
            data["seed"] = {"a": 1}
        with pytest.raises(SceneFormatError):
            scene_from_data(data)
    with pytest.raises(SceneFormatError, match="not a regular file"):
        load_scene("/dev/zero")


# ------------------------------------------------------------------------------------ format limits

def test_size_estimates_are_upper_bounds(small_spec, small_scene) -> None:
    from scenegen.export.gltf import gltf_bytes
    from scenegen.export.limits import estimate_bytes

    written = {"json": len(dumps_scene(small_scene)), "inline": len(dumps_scene(small_scene, inline=True)),
               "glb": len(gltf_bytes(small_scene, True)[0]),
               "nodes": len(gltf_bytes(small_scene, True, instances="nodes")[0])}
    for fmt, size in written.items():
        assert size <= estimate_bytes(small_spec, fmt) <= 4 * size + (4 << 20), fmt


@pytest.mark.parametrize("args, limit", [(["-o", "OUT.json", "--inline"], "--inline: about"),
                                         (["-o", "OUT.gltf"], "buffer embedded"),
                                         (["-o", "OUT.glb", "--instances", "nodes"], "limit of 1,000,000 nodes")])
def test_formats_refuse_scenes_past_their_limits_before_generating(tmp_path: Path, capsys, args: list[str],
                                                                    limit: str) -> None:
    seed = tmp_path / "s.yaml"
    seed.write_text("seed: 1\nterrain: {resolution: 4097}\naudience: [{count: 2000000}, {count: 2000000}]\n")
    args = [a.replace("OUT", str(tmp_path / "out")) for a in args]
    assert cli.main(["export", str(seed), *args]) == 2          # at once: a 4097² terrain takes a while
    err = capsys.readouterr().err
    assert (limit in err and "512 MiB" in err) or "nodes" in limit, err
    assert list(tmp_path.iterdir()) == [seed]


@pytest.mark.gl
def test_render_writes_a_png_to_standard_output(tmp_path: Path) -> None:
    seed = tmp_path / "s.yaml"
    seed.write_text("seed: 1\nterrain: {resolution: 17, size: [60, 60]}\naudience: []\nsky: {stars: {count: 50}}\n")
    env = {k: v for k, v in os.environ.items() if k != "DISPLAY"}
    r = subprocess.run([sys.executable, "-m", "scenegen", "render", str(seed), "-o", "-", "--size", "64x36"],
                       capture_output=True, env={**env, "PYTHONPATH": str(ROOT)}, timeout=300)
    if r.returncode == 1 and b"cannot render" in r.stderr and os.environ.get("SCENEGEN_REQUIRE_GL") != "1":
        pytest.skip(f"no OpenGL here: {r.stderr.decode().strip()}")
    assert r.returncode == 0, r.stderr
    assert r.stdout[:8] == b"\x89PNG\r\n\x1a\n" and r.stdout[-8:-4] == b"IEND"
    assert (int.from_bytes(r.stdout[16:20], "big"), int.from_bytes(r.stdout[20:24], "big")) == (64, 36)
    assert b"standard output" in r.stderr and list(tmp_path.iterdir()) == [seed]
