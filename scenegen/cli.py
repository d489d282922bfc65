"""The `scenegen` command: view, render, validate, export, batch, world, examples, schema, new, from-text."""

from __future__ import annotations

import argparse
import errno
import json
import math
import os
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from . import __version__
from .fileio import OutputError
from .safetext import printable

__all__ = ["main"]

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2


class CommandError(Exception):
    """A failure to report as one line, with an exit code."""

    def __init__(self, message: str, code: int = EXIT_FAILED, located: bool = False):
        super().__init__(message)
        self.code = code
        self.located = located   # already reads `file:line:col: …`: printed as it is


def _human_bytes(n: int) -> str:
    """A size in binary units (KiB = 1024 bytes), as file managers and `ls -h` count."""
    size = float(n)
    for unit in ("B", "KiB", "MiB"):
        if size < 1024:
            return f"{n} B" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GiB"


def summary(scene: Any) -> list[str]:
    """A few lines that say what a scene holds."""
    t = scene.terrain
    lo, hi = t.height_range
    figures = sum(len(g.pos_i) for g in scene.audience)
    asked = sum(g.requested for g in scene.audience)
    spheres = scene.props.spheres
    flawed = len(spheres.flaws)
    lines = [
        f"  scene     {scene.name}  (seed {scene.seed!r} → {scene.seed_hex})",
        f"  terrain   {t.resolution}×{t.resolution} vertices over {t.size[0]:g}×{t.size[1]:g} m, "
        f"heights {lo:.1f} … {hi:.1f} m",
        f"  stage     {scene.stage.shape}, {scene.stage.material}, radius {scene.stage.radius:g} m, "
        f"top at {scene.stage.top:.2f} m",
        f"  audience  {len(scene.audience)} group{'s' * (len(scene.audience) != 1)}, {figures:,} figures"
        + (f" (of {asked:,} asked)" if asked != figures else ""),
        f"  props     {len(spheres.radius_i)} spheres ({flawed} flawed)"
        + (", crystal instrument" if scene.props.instrument is not None else ""),
        f"  sky       {len(scene.sky.stars.dir_i):,} stars, nebula density {scene.spec.sky.nebula.density:g}",
    ]
    return lines


def _overrides(args: argparse.Namespace) -> list[Any]:
    """The command's `--set KEY=VALUE` options as seed-file overrides; a malformed one is exit code 2."""
    from .seedfile import SeedError, parse_set

    try:
        return [parse_set(text) for text in getattr(args, "set", None) or []]
    except SeedError as err:
        raise CommandError(str(err), EXIT_BAD_INPUT, located=True) from None


def _load(path: str, args: argparse.Namespace | None = None) -> Any:
    """The spec of a seed file or of a dream text (`.txt`) with the command's `--set` overrides; a bad
    one is exit code 2, located lines. The loader's warnings (a colour YAML read as a comment, …) are
    printed, one located line each."""
    import warnings

    from .inputs import load_input

    overrides = _overrides(args) if args is not None else []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            return load_input(path, overrides)
        except ValueError as err:   # SeedError, DreamError
            raise CommandError(str(err), EXIT_BAD_INPUT, located=True) from None
        finally:
            for w in caught:
                print(printable(str(w.message), newlines=True), file=sys.stderr)


def _outputs(source: str | None, *paths: str | None) -> None:
    """Check output paths before any work (creating missing parent folders): exit 2 naming the path when
    one is the input, a folder, or in no writable folder."""
    from .fileio import OutputError, prepare_output

    for path in paths:
        if path is not None:
            try:
                prepare_output(path, inputs=[source] if source else [])
            except OutputError as err:
                raise CommandError(str(err), EXIT_BAD_INPUT) from None


def cmd_validate(args: argparse.Namespace) -> int:
    bad = 0
    for path in args.files:
        try:
            spec = _load(path)
        except CommandError as err:
            print(err, file=sys.stderr)
            bad += 1
            continue
        if not args.quiet:
            print(printable(f"{args.shown.get(path, path)}: ok ({spec.name!r}, seed {spec.seed!r})"))
    return EXIT_BAD_INPUT if bad else EXIT_OK


SEED_HELP = "seed file (YAML), a dream narrative (.txt), or an example's name (`scenegen examples`)"

SCENE_SUFFIXES = (".json", ".glb", ".gltf")
HEIGHTMAP_SUFFIXES = (".png", ".r16", ".raw", ".exr", ".npy")
MAX_TILES = 64              # --tiles: at most 64 × 64 = 4096 tile files (and the side-car)
MAX_RENDER_SIDE = 8192      # --size: larger frames outgrow llvmpipe's framebuffers and the PNG encoder


def cmd_export(args: argparse.Namespace) -> int:
    out, heightmap, preview = args.output, args.heightmap, args.preview
    if out is None and heightmap is None and preview is None:
        raise CommandError("nothing to write: give -o OUT (.json, .glb, .gltf), --heightmap or --preview",
                           EXIT_BAD_INPUT)
    kind = None if out is None else f".{args.format}" if out == "-" else Path(out).suffix.lower()
    if kind is not None and kind not in SCENE_SUFFIXES:
        raise CommandError(f"{out}: unknown output type {kind or '(none)'!r} (expected "
                           f"{', '.join(SCENE_SUFFIXES)})", EXIT_BAD_INPUT)
    if out == "-" and kind == ".gltf" and args.separate_bin:
        raise CommandError("-o - --separate-bin: a .gltf with a side-car .bin needs a file name", EXIT_BAD_INPUT)
    if heightmap is not None and Path(heightmap).suffix.lower() not in HEIGHTMAP_SUFFIXES:
        raise CommandError(f"{heightmap}: unknown heightmap type {Path(heightmap).suffix or '(none)'!r} "
                           f"(expected {', '.join(HEIGHTMAP_SUFFIXES)})", EXIT_BAD_INPUT)
    if preview is not None and Path(preview).suffix.lower() != ".png":
        raise CommandError(f"{preview}: the preview is a .png", EXIT_BAD_INPUT)
    if args.tiles != 1 and heightmap is None:
        raise CommandError("--tiles needs --heightmap", EXIT_BAD_INPUT)
    if args.engine is not None and heightmap is None:
        raise CommandError("--engine needs --heightmap", EXIT_BAD_INPUT)
    if not 1 <= args.tiles <= MAX_TILES:
        raise CommandError(f"--tiles {args.tiles}: expected 1 … {MAX_TILES} ({MAX_TILES}×{MAX_TILES} tiles "
                           "at most)", EXIT_BAD_INPUT)
    if "-" in (heightmap, preview):
        raise CommandError("--heightmap and --preview write files: give a file name, not -", EXIT_BAD_INPUT)
    _outputs(args.file, out, heightmap, preview)
    spec = _load(args.file, args)
    if kind is not None:
        from .export.limits import refusal

        why = refusal(spec, kind, inline=args.inline, embed=not args.separate_bin, instances=args.instances)
        if why is not None:
            raise CommandError(f"{out}: {why}", EXIT_BAD_INPUT)
    planned: list[str | Path] = []
    if out is not None:
        planned.append(out)
        if kind == ".gltf" and args.separate_bin:
            planned.append(Path(out).with_suffix(".bin"))
        perf = spec.performance
        if kind in (".glb", ".gltf") and not args.no_sound and (perf.cues or (perf.duration or 0.0) > 0.0):
            planned.append(Path(out).with_suffix(".wav"))
    if heightmap is not None:      # refused before the work, in the words the exporter would use
        from .export.heightmap import HeightmapError, heightmap_outputs, tile_ranges
        from .export.terrain_maps import engine_size, splat_layer_count

        size = spec.terrain.resolution
        if args.engine is not None:
            size = engine_size(args.engine, size)
        try:
            tile_ranges(size, args.tiles)
        except HeightmapError as err:
            where = f" of the {args.engine} grid ({size} a side)" if args.engine else ""
            raise CommandError(f"--tiles {args.tiles}{where}: {err}", EXIT_BAD_INPUT) from None
        planned += heightmap_outputs(heightmap, args.tiles, args.engine, splat_layer_count(spec))
    if preview is not None:
        planned.append(preview)
    refuse_existing(planned, args.force)
    info = sys.stderr if out == "-" else sys.stdout
    start = time.perf_counter()
    scene_stage = {".json": ("scene JSON", 3.0 if args.inline else 0.7),
                   ".glb": ("glTF", 3.0 if args.instances == "nodes" else 1.0)}.get(kind or "", ("glTF", 1.0))
    job = _progress(args, [("generate", 1.0), *([scene_stage] if out is not None else []),
                           *([("heightmap", 0.05 + 0.01 * args.tiles ** 2)] if heightmap is not None else []),
                           *([("preview", 0.1)] if preview is not None and heightmap is None else [])])
    scene = _generate(spec, args.file, job)
    written: list[str] = []
    target = ""
    try:
        if out is not None:
            target = out
            job.begin(scene_stage[0])
            if kind == ".json":
                from .export.json import export_json

                export_json(scene, out, inline=args.inline)
                written.append(out)
            elif out == "-":
                from .export.gltf import gltf_bytes
                from .fileio import write_output

                write_output("-", gltf_bytes(scene, binary=kind == ".glb", instances=args.instances)[0])
                written.append(out)
            else:
                from .export.gltf import export_gltf

                written += [str(p) for p in export_gltf(scene, out, embed=not args.separate_bin,
                                                        instances=args.instances,
                                                        crowd_motion=args.crowd_motion,
                                                        sound=not args.no_sound)]
        if heightmap is not None or preview is not None:
            from .export.heightmap import HeightmapError, export_heightmap

            target = heightmap or preview
            job.begin("heightmap" if heightmap is not None else "preview")
            try:
                if heightmap is not None:
                    written += [str(p) for p in export_heightmap(scene, heightmap, tiles=args.tiles,
                                                                 preview=preview, engine=args.engine)]
                else:
                    from .export.heightmap import encode_png_rgb8, preview_image
                    from .fileio import write_output

                    write_output(preview, encode_png_rgb8(preview_image(scene.terrain)))
                    written.append(preview)
            except HeightmapError as err:
                raise CommandError(str(err), EXIT_BAD_INPUT) from None
    except OutputError:
        raise
    except OSError as exc:
        raise CommandError(f"{target}: cannot write ({exc.strerror or exc})") from None
    job.close()
    took = time.perf_counter() - start
    if not args.quiet:
        shown = ["standard output" if w == "-" else f"{w} ({_human_bytes(os.path.getsize(w))})" for w in written]
        head = shown[0] if len(shown) == 1 else f"{len(shown)} files: " + ", ".join(shown[:4]) + (
            ", …" if len(shown) > 4 else "")
        print(f"Wrote {head} in {took:.2f} s", file=info)
        for line in summary(scene):
            print(line, file=info)
    return EXIT_OK


def refuse_existing(paths: Iterable[str | os.PathLike], force: bool) -> None:
    """The one overwrite rule, for every command: an existing file is replaced only with --force, and the
    refusal comes before any work, naming the file (standard output, "-", is never refused)."""
    if force:
        return
    from .fileio import writes_in_place

    there = [os.fspath(p) for p in paths if os.fspath(p) != "-" and os.path.lexists(p) and not writes_in_place(p)]
    if there:
        more = f" (and {len(there) - 1} more of the files to write)" if len(there) > 1 else ""
        raise CommandError(f"{there[0]}: already exists{more}; use --force to replace", EXIT_BAD_INPUT)


def _write_seed_file(out: str, text: str, force: bool) -> str | None:
    """Write a seed file (standard output for "-"), with the schema its modeline names beside it where none
    is; returns a note to show, if any. The files are written together or not at all."""
    from .fileio import write_output, write_together
    from .starter import seed_file_outputs

    try:
        if out == "-":
            write_output(out, text.encode("utf-8"))
            return None
        files, note = seed_file_outputs(out, text, force=force)
        write_together(files)
    except OutputError:
        raise
    except OSError as exc:
        raise CommandError(f"{exc.filename or out}: cannot write ({exc.strerror or exc})") from None
    return note


def cmd_from_text(args: argparse.Namespace) -> int:
    from .dream import DreamError, read_dream
    from .starter import SCHEMA_NAME

    out = args.output
    refuse_existing([out], args.force)
    _outputs(args.file, out)
    try:
        derivation = read_dream(args.file, schema=SCHEMA_NAME)
    except DreamError as err:
        raise CommandError(str(err), EXIT_BAD_INPUT, located=True) from None
    note = _write_seed_file(out, derivation.yaml, args.force)
    if out != "-" and not args.quiet:
        spec = derivation.spec
        print(f"Wrote {out}: {spec.name!r}, {len(derivation.decisions)} values taken from the text "
              f"(each quoted in a comment); `scenegen view {out}` shows it")
    if note and not args.quiet:
        print(f"scenegen: note: {note}", file=sys.stderr)
    return EXIT_OK


def cmd_examples(args: argparse.Namespace) -> int:
    from .examples import DEFAULT, EXAMPLES, example
    from .fileio import write_output
    from .starter import with_modeline

    if args.name is None:
        width = max(len(e.name) for e in EXAMPLES)
        for e in EXAMPLES:
            mark = "  (the default of `scenegen view`)" if e.name == DEFAULT else ""
            print(f"{e.name:<{width}}  {e.shows}{mark}")
        return EXIT_OK
    found = example(args.name)
    if found is None:
        raise CommandError(f"{args.name}: no example of that name (`scenegen examples` lists them)", EXIT_BAD_INPUT)
    refuse_existing([args.output], args.force)
    text = found.path.read_text(encoding="utf-8")
    if found.file.endswith(".txt"):
        write_output(args.output, text.encode("utf-8"))
        return EXIT_OK
    note = _write_seed_file(args.output, with_modeline(text), args.force)
    if note:
        print(f"scenegen: note: {note}", file=sys.stderr)
    return EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    from .fileio import write_output
    from .schema import dumps_schema, scene_schema, seed_schema

    refuse_existing([args.output], args.force)
    schema = seed_schema() if args.which == "seed" else scene_schema()
    _outputs(None, args.output)
    write_output(args.output, dumps_schema(schema).encode("utf-8"))
    return EXIT_OK


def cmd_new(args: argparse.Namespace) -> int:
    from .starter import slug, starter_text

    out = args.output or f"{slug(args.name)}.yaml"
    refuse_existing([out], args.force)
    _outputs(None, out)
    note = _write_seed_file(out, starter_text(args.name), args.force)
    if out != "-":
        print(f"Wrote {out}: edit it, then `scenegen export {out} -o scene.json`")
    if note:
        print(f"scenegen: note: {note}", file=sys.stderr)
    return EXIT_OK


# ------------------------------------------------------------------------------------ render and view

TURN_DEG_PER_S = 6.0        # --frames: the camera turns this many degrees per second of playback


def _size(text: str) -> tuple[int, int]:
    """WxH → (w, h); CommandError (exit 2) if it is not two whole numbers 1 … MAX_RENDER_SIDE."""
    parts = text.lower().replace("×", "x").split("x")
    try:
        w, h = (int(p) for p in parts)
    except ValueError:
        raise CommandError(f"--size {text!r}: expected WIDTHxHEIGHT, like 1280x720", EXIT_BAD_INPUT) from None
    if not (1 <= w <= MAX_RENDER_SIDE and 1 <= h <= MAX_RENDER_SIDE):
        raise CommandError(f"--size {text!r}: width and height must be 1 … {MAX_RENDER_SIDE}", EXIT_BAD_INPUT)
    return w, h


def _camera(text: str | None, scene: Any) -> Any:
    """--camera x,y,z[:lx,ly,lz[:fov]] → a View (the scene camera's look-at and fov where not given)."""
    from .render.camera import View
    base = View.of(scene.camera)
    if text is None:
        return base
    parts = text.split(":")

    def vec(part: str) -> tuple[float, float, float]:
        try:
            xyz = tuple(float(v) for v in part.split(","))
        except ValueError:
            xyz = ()
        if len(xyz) != 3 or not all(math.isfinite(v) for v in xyz):
            raise CommandError(f"--camera {text!r}: expected x,y,z[:lx,ly,lz[:fov]] (numbers)", EXIT_BAD_INPUT)
        return xyz

    if not 1 <= len(parts) <= 3:
        raise CommandError(f"--camera {text!r}: expected x,y,z[:lx,ly,lz[:fov]]", EXIT_BAD_INPUT)
    eye = vec(parts[0])
    target = vec(parts[1]) if len(parts) > 1 else base.target
    fov = base.fov
    if len(parts) > 2:
        try:
            fov = float(parts[2])
        except ValueError:
            fov = float("nan")
        if not 5.0 <= fov <= 150.0:
            raise CommandError(f"--camera {text!r}: fov must be 5 … 150 degrees", EXIT_BAD_INPUT)
    if math.dist(eye, target) < 1e-6:
        raise CommandError(f"--camera {text!r}: the eye and the point looked at are the same", EXIT_BAD_INPUT)
    return View(eye=eye, target=target, up=(0.0, 1.0, 0.0), fov=fov, near=base.near, far=base.far)


def _progress(args: argparse.Namespace, stages: Sequence[tuple[str, float]]) -> Any:
    """The command's one progress line, for the whole job (on a terminal, unless -q); main() closes it
    whatever happens. Weights are each stage's share of the time, relative to generating the scene."""
    from .progress import JobProgress

    args.progress = JobProgress(stages, quiet=getattr(args, "quiet", False))
    return args.progress


def _generate(spec: Any, file: str, progress: Any = None) -> Any:
    """Generate as the job's "generate" stage (a progress line of its own when none is given); the
    generator's warnings as `FILE: warning: …` lines."""
    import warnings

    from .gen.scene import generate
    from .progress import JobProgress

    job = progress if progress is not None else JobProgress()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            job.begin("generate")
            scene = generate(spec, progress=job)
        finally:
            if progress is None:
                job.close()
    for w in caught:
        print(f"{file}: warning: {w.message}", file=sys.stderr)
    return scene


def frame_path(out: Path, k: int) -> Path:
    """Where `render --frames` writes frame k: OUT-0000.png, OUT-0001.png, …"""
    return out.with_name(f"{out.stem}-{k:04d}{out.suffix}")


def _named_shot(name: str, scene: Any) -> Any:
    """--shot NAME: the scene's shot of that name (gen.camera.scene_shot)."""
    from .gen.camera import scene_shot, shot_names
    try:
        return scene_shot(scene, name)
    except KeyError:
        raise CommandError(f"--shot {name!r}: no such shot (the scene has {', '.join(shot_names(scene))})",
                           EXIT_BAD_INPUT) from None


def _shot_or_camera(args: argparse.Namespace, scene: Any) -> Any:
    """--camera's View or --shot's camera; without them, the scene's camera, or None (its camera shots) for
    a performance."""
    from .render.perfpack import performance_of
    if getattr(args, "shot", None) is not None:
        if args.camera is not None:
            raise CommandError("--shot and --camera: give one of them", EXIT_BAD_INPUT)
        return _named_shot(args.shot, scene)
    if args.camera is None and performance_of(scene) is not None:
        return None
    return _camera(args.camera, scene)


def _png_output(text: str, also: str = "") -> Path:
    out = Path(text)
    if text == "-":     # standard output: one PNG
        return out
    if out.suffix.lower() != ".png":
        raise CommandError(f"{text}: unknown output type {out.suffix or '(none)'!r} (expected .png{also})",
                           EXIT_BAD_INPUT)
    return out


def _gl_renderer(scene: Any) -> Any:
    """A SceneRenderer in a headless context, or CommandError (exit 1) saying why there is none."""
    import warnings

    from .render.offscreen import GLUnavailable, ensure_context, gl_advice

    def first(err: BaseException) -> str:
        return (str(err).strip().splitlines() or [type(err).__name__])[0]

    try:
        with warnings.catch_warnings():
            # pyglet warns when EGL has no device and falls back to another platform: the outcome is
            # what matters here, and it is reported below in one line.
            warnings.simplefilter("ignore")
            ensure_context()
    except GLUnavailable as err:
        raise CommandError(f"cannot render: {first(err)}") from None
    except Exception as err:     # pyglet's own errors when it finds no display, no EGL, no config
        raise CommandError(f"cannot render: no OpenGL 3.3 context here ({type(err).__name__}: {first(err)}); "
                           f"{gl_advice(err)}") from None
    try:
        from .render.renderer import SceneRenderer
        return SceneRenderer(scene)
    except Exception as err:     # a driver that lacks what the shaders need
        raise CommandError(f"cannot render: {type(err).__name__}: {first(err)}") from None


def _render_stages(size: tuple[int, int], count: int | None) -> list[tuple[str, float]]:
    """The stages of a render after generation, weighed as llvmpipe spends its time (relative to generating
    the default scene): drawing grows with the pixels, the first frame also compiles the shaders."""
    mpx = size[0] * size[1] / 1e6
    n = 1 if count is None else count
    return [("GL setup", 0.5), ("frames" if count is not None else "frame", 0.5 + n * (0.2 + 1.8 * mpx))]


def _frames(args: argparse.Namespace, scene: Any, out: Path, size: tuple[int, int], view: Any,
            count: int | None, progress: Any = None) -> dict[str, Any]:
    """Render one frame to `out`, or `count` frames to out-0000.png …; returns the measurements. With a
    JobProgress, its "GL setup" and "frame"/"frames" stages say how far it is."""
    from .progress import JobProgress

    job = progress if progress is not None else JobProgress(enabled=False)
    from concurrent.futures import ThreadPoolExecutor

    from .fileio import write_output
    from .render.headless import encode_png
    from .render.offscreen import Framebuffer, check_gl

    t0 = time.perf_counter()
    job.begin("GL setup")
    renderer = _gl_renderer(scene)
    from pyglet import gl
    gl.glFinish()
    ready = time.perf_counter()
    w, h = size
    limit = gl.GLint(0)
    gl.glGetIntegerv(gl.GL_MAX_RENDERBUFFER_SIZE, limit)
    most = int(limit.value)
    if most and max(w, h) > most:
        renderer.delete()
        raise CommandError(f"--size {w}x{h}: this OpenGL allows at most {most} pixels a side", EXIT_BAD_INPUT)
    try:
        fb = Framebuffer(w, h, hdr=False, depth=False)
    except Exception as err:     # the driver's out-of-memory, as a GL error
        renderer.delete()
        raise CommandError(f"cannot render {w}x{h}: {(str(err).strip().splitlines() or [type(err).__name__])[0]}"
                           ) from None
    frame_ms: list[float] = []
    read_ms: list[float] = []
    png_ms: list[float] = []
    paths: list[Path] = []

    def write(path: Path, image: Any) -> None:
        t = time.perf_counter()
        data = encode_png(image)
        write_output(path, data)
        png_ms.append((time.perf_counter() - t) * 1e3)

    n = 1 if count is None else count
    job.begin("frames" if count is not None else "frame")
    # PNG encoding (zlib, which releases the GIL) of frame k overlaps the drawing of frame k + 1.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = []
        try:
            for k in range(n):
                seconds = k / args.fps
                t = args.time + seconds * args.speed
                # view None: a performance's own camera shots (no turntable).
                v = view if k == 0 or view is None else view.orbit(math.radians(TURN_DEG_PER_S * seconds), 0.0)
                fb.bind()
                if count is None:
                    job.update(0.0, "drawing")
                a = time.perf_counter()
                renderer.draw(t, v, (w, h))
                gl.glFinish()
                b = time.perf_counter()
                if count is None:
                    job.update(0.85, "reading the pixels")
                image = fb.read_rgba()
                check_gl("rendering a frame")
                c = time.perf_counter()
                frame_ms.append((b - a) * 1e3)
                read_ms.append((c - b) * 1e3)
                path = out if count is None else frame_path(out, k)
                paths.append(path)
                pending.append(pool.submit(write, path, image[..., :3]))
                job.update(0.88 if count is None else (k + 1) / n,
                           "encoding the PNG" if count is None else f"frame {k + 1} of {n}")
            for f in pending:
                f.result()
        except OutputError:
            raise
        except OSError as exc:
            raise CommandError(f"{exc.filename or out}: cannot write ({exc.strerror or exc})") from None
        finally:
            gl.glBindFramebuffer(gl.GL_FRAMEBUFFER, 0)
            fb.delete()
    stats = {
        "draw_calls": int(renderer.stats["draw_calls"]),
        "frame_ms": round(sum(frame_ms) / len(frame_ms), 3),
        "frame_ms_first": round(frame_ms[0], 3),
        "upload_ms": round(sum(renderer.stats["upload_ms"].values()), 3),
        "upload_ms_layers": {k: round(v, 3) for k, v in renderer.stats["upload_ms"].items()},
        "layers": dict(renderer.stats["layers"]),
        "read_ms": round(sum(read_ms) / len(read_ms), 3),
        "png_ms": round(sum(png_ms) / len(png_ms), 3),
        "setup_ms": round((ready - t0) * 1e3, 3),
        "gl_renderer": gl.gl_info.get_renderer(),
        "paths": [str(p) for p in paths],
    }
    renderer.delete()
    return stats


def _span(args: argparse.Namespace, scene: Any) -> tuple[float, float]:
    """--from/--to in seconds: by default the whole performance; a scene without one needs --to."""
    from .render.perfpack import performance_of
    perf = performance_of(scene)
    start = 0.0 if args.start is None else args.start
    end = args.end
    if end is None:
        if perf is None:
            raise CommandError(f"{args.file}: the scene has no performance: give --to (seconds)", EXIT_BAD_INPUT)
        end = float(perf.duration)
    if not end > start:
        raise CommandError(f"--from {start:g} --to {end:g}: nothing between them", EXIT_BAD_INPUT)
    return start, end


def _render_timed(args: argparse.Namespace, spec: Any, size: tuple[int, int], out: Path) -> int:
    """`render -o X.mp4` (the performance as a video with its sound) and `-o X.wav` (the sound alone)."""
    started = time.perf_counter()
    video = out.suffix.lower() == ".mp4"
    if video and (size[0] % 2 or size[1] % 2):
        raise CommandError(f"--size {args.size}: a video's width and height must be even", EXIT_BAD_INPUT)
    # The video's frame count is known only once the scene (its performance) is: its weight is a guess of
    # a typical two-minute performance, and the time left follows the frames' own rate once they report.
    job = _progress(args, [("generate", 1.0), *([("GL setup", 0.5), ("video", 60.0)] if video else
                                                 [("sound", 0.5)])])
    scene = _generate(spec, args.file, job)
    from .render.perfpack import performance_of
    if not video and performance_of(scene) is None:
        raise CommandError(f"{args.file}: the scene has no performance to mix", EXIT_BAD_INPUT)
    start, end = _span(args, scene)
    if video:
        from .render.movie import render_video
        from .video import VideoError
        camera = _shot_or_camera(args, scene)
        job.begin("GL setup")
        _gl_renderer(scene).delete()        # says in one line why, where no GL context can be made
        job.begin("video")
        try:
            stats = render_video(scene, out, size, args.fps, start, end, camera=camera, progress=job)
        except VideoError as err:
            raise CommandError(f"{out}: {err}") from None
        except OutputError:
            raise
        except OSError as err:
            raise CommandError(f"{err.filename or out}: cannot write ({err.strerror or err})") from None
        finally:
            job.close()
        what = f"{stats['frames']} frames at {args.fps:g} fps ({size[0]}×{size[1]})" + (
            ", with sound" if stats["audio"] else ", silent: the scene has no performance")
    else:
        import io

        from .fileio import write_output
        from .render.movie import SAMPLE_RATE, soundtrack
        job.begin("sound")
        samples = soundtrack(scene, start, end)
        assert samples is not None
        from .perform import write_wav
        buf = io.BytesIO()
        write_wav(buf, samples, SAMPLE_RATE)
        try:
            write_output(out, buf.getvalue())
        except OutputError:
            raise
        except OSError as err:
            raise CommandError(f"{out}: cannot write ({err.strerror or err})") from None
        job.close()
        what = f"{len(samples) / SAMPLE_RATE:.2f} s of sound"
    if not args.quiet:
        print(f"Wrote {out}: {what}, {start:g} … {end:g} s, in {time.perf_counter() - started:.2f} s")
    return EXIT_OK


def cmd_render(args: argparse.Namespace) -> int:
    start = time.perf_counter()
    size = _size(args.size)
    if Path(args.output).suffix.lower() in (".mp4", ".wav"):
        if args.frames is not None:
            raise CommandError("--frames is for PNG sequences: a video takes --from, --to and --fps", EXIT_BAD_INPUT)
        if not (math.isfinite(args.fps) and 0 < args.fps <= 240):
            raise CommandError(f"--fps {args.fps:g}: expected a number of frames per second, 0 … 240", EXIT_BAD_INPUT)
        for name, v in (("--from", args.start), ("--to", args.end)):
            if v is not None and not (math.isfinite(v) and v >= 0):
                raise CommandError(f"{name} {v:g}: expected seconds ≥ 0", EXIT_BAD_INPUT)
        refuse_existing([args.output], args.force)
        _outputs(args.file, args.output)
        return _render_timed(args, _load(args.file, args), size, Path(args.output))
    if args.start is not None or args.end is not None:
        raise CommandError("--from and --to are for .mp4 and .wav outputs (a PNG takes --time)", EXIT_BAD_INPUT)
    out = _png_output(args.output, ", .mp4 or .wav")
    if args.frames is not None and not 1 <= args.frames <= 100_000:
        raise CommandError(f"--frames {args.frames}: expected 1 … 100000", EXIT_BAD_INPUT)
    if args.output == "-" and args.frames is not None:
        raise CommandError("-o - writes one PNG to standard output; --frames needs a file name", EXIT_BAD_INPUT)
    _outputs(args.file, args.output)
    spec = _load(args.file, args)
    if not (math.isfinite(args.fps) and args.fps > 0):
        raise CommandError(f"--fps {args.fps:g}: expected a positive number", EXIT_BAD_INPUT)
    if not (math.isfinite(args.time) and math.isfinite(args.speed)):
        raise CommandError("--time and --speed must be finite numbers", EXIT_BAD_INPUT)
    refuse_existing([out] if args.frames is None else (frame_path(out, k) for k in range(args.frames)), args.force)
    t0 = time.perf_counter()
    job = _progress(args, [("generate", 1.0), *_render_stages(size, args.frames)])
    scene = _generate(spec, args.file, job)
    generated = time.perf_counter()
    stats = _frames(args, scene, out, size, _shot_or_camera(args, scene), args.frames, job)
    job.close()
    total = time.perf_counter() - start
    paths = stats.pop("paths")
    info = sys.stderr if args.stats or args.output == "-" else sys.stdout
    if not args.quiet:
        what = paths[0] if len(paths) == 1 else f"{len(paths)} frames, {paths[0]} … {Path(paths[-1]).name}"
        what = "standard output" if args.output == "-" else what
        print(f"Wrote {what} ({size[0]}×{size[1]}) in {total:.2f} s", file=info)
    if args.stats:
        figures = sum(len(g.pos_i) for g in scene.audience)
        record = {**stats, "figures": figures, "spheres": len(scene.props.spheres.radius_i),
                  "stars": len(scene.sky.stars.dir_i), "size": list(size), "frames": len(paths),
                  "time": args.time, "generate_ms": round((generated - t0) * 1e3, 3),
                  "total_ms": round(total * 1e3, 3)}
        print(json.dumps(record, separators=(",", ":")), file=sys.stderr if args.output == "-" else sys.stdout)
    return EXIT_OK


def _no_display() -> str | None:
    """Why a window cannot open here, or None when it may (the window itself will tell otherwise)."""
    if os.environ.get("PYGLET_HEADLESS", "").strip().lower() in ("1", "true", "yes"):
        return "PYGLET_HEADLESS is set"
    if sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")) and not os.environ.get("DISPLAY"):
        return "no display here (DISPLAY is not set)"
    return None


def _fallback_png(args: argparse.Namespace) -> Path:
    """The PNG `scenegen view` renders where it cannot open a window: -o, else SEED's name .png, here."""
    return _png_output(args.output or f"{Path(args.file).stem}.png")


def _view_fallback(args: argparse.Namespace, scene: Any, reason: str, progress: Any = None) -> int:
    out = _fallback_png(args)
    size = _size(args.size)
    _frames(argparse.Namespace(fps=30.0, time=args.time, speed=1.0), scene, out, size,
            _shot_or_camera(args, scene), None, progress)
    if progress is not None:
        progress.close()
    print(f"scenegen view: {reason}: rendered the opening frame to {out} instead of opening a window",
          file=sys.stderr)
    return EXIT_OK


def cmd_view(args: argparse.Namespace) -> int:
    spec = _load(args.file, args)
    _size(args.size)
    if args.output is not None:
        _png_output(args.output)
    if not math.isfinite(args.time) or args.time < 0:
        raise CommandError(f"--time {args.time:g}: expected a number ≥ 0", EXIT_BAD_INPUT)
    reason = _no_display()
    if reason is not None:
        refuse_existing([_fallback_png(args)], args.force)
    stages = [("generate", 1.0), *(_render_stages(_size(args.size), None) if reason is not None else [])]
    job = _progress(args, stages)
    scene = _generate(spec, args.file, job)
    if reason is not None:
        return _view_fallback(args, scene, reason, job)
    job.close()
    from .render.reload import Loaded
    view = _camera(args.camera, scene) if args.camera else None
    try:
        from .render.viewer import Viewer, run
        viewer = Viewer(args.file, Loaded(spec, spec, scene, [], 0.0), size=_size(args.size), time=args.time,
                        camera=view, scale={"1": 1.0, "1/2": 0.5, "1/4": 0.25}[args.scale],
                        out_dir=args.out_dir, sound=not args.mute, overrides=_overrides(args))
    except Exception as err:     # no X server behind DISPLAY, no GL 3.3 on it, …
        first = (str(err).strip().splitlines() or [type(err).__name__])[0]
        # This process has chosen pyglet's windowed platform: render the fallback in a headless one.
        import subprocess
        cmd = [sys.executable, "-m", "scenegen", "view", args.file, "--size", args.size, "--time", repr(args.time)]
        cmd += ["--camera", args.camera] if args.camera else []
        cmd += ["-o", args.output] if args.output else []
        cmd += ["--force"] if args.force else []
        cmd += [f"--set={text}" for text in args.set or []]
        env = {**os.environ, "PYGLET_HEADLESS": "1"}
        done = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        note = done.stderr.strip().splitlines()
        if done.returncode == 0:
            out = args.output or f"{Path(args.file).stem}.png"
            print(f"scenegen view: cannot open a window ({first}): rendered the opening frame to {out} instead",
                  file=sys.stderr)
            return EXIT_OK
        from .render.offscreen import gl_advice

        raise CommandError(f"cannot open a window ({first}; {gl_advice(err)}), nor render headless"
                           + (f" ({note[-1].removeprefix('scenegen: ')})" if note else "")) from None
    run(viewer)
    return EXIT_OK


# ---------------------------------------------------------------------------------------- batch and world

def _cluster(args: argparse.Namespace) -> Any:
    """The batch's or world's cluster, as a context manager (ClusterError on entering it when none)."""
    from .cluster import open_client

    if args.workers is not None and not 1 <= args.workers <= 1024:
        raise CommandError(f"--workers {args.workers}: expected 1 … 1024", EXIT_BAD_INPUT)
    return open_client(args.scheduler, args.workers, quiet=args.quiet)


def cmd_batch(args: argparse.Namespace) -> int:
    from .batch import FORMATS, load_sweep, parse_seeds, parse_size, run_batch, seed_sweep
    from .cluster import ClusterError

    formats = None
    if args.formats is not None:
        formats = [f.strip() for f in args.formats.split(",") if f.strip()]
        bad = [f for f in formats if f not in FORMATS]
        if bad or not formats:
            raise CommandError(f"--formats {args.formats!r}: expected a comma-separated list of "
                               f"{', '.join(FORMATS)}", EXIT_BAD_INPUT)
    try:
        thumbnail = parse_size(args.thumbnail) if args.thumbnail else None
        seeds = parse_seeds(args.seeds) if args.seeds is not None else None
    except ValueError as err:
        raise CommandError(str(err), EXIT_BAD_INPUT) from None
    common = _overrides(args)
    try:
        if seeds is not None:
            sweep = seed_sweep(args.file, seeds, common)
        else:
            from .inputs import is_dream
            if is_dream(args.file) or not _is_sweep(args.file):
                raise CommandError(f"{args.file}: a seed file needs --seeds FIRST..LAST (or give a sweep file, "
                                   "with base: and what varies)", EXIT_BAD_INPUT)
            sweep = load_sweep(args.file, common)
        # What every variant shares (the sweep's set:, the --set options) is checked once, before any work.
        from .seedfile import apply_overrides
        apply_overrides(sweep.base, sweep.common)
    except ValueError as err:    # SeedError, DreamError: located lines
        raise CommandError(str(err), EXIT_BAD_INPUT, located=True) from None
    start = time.perf_counter()
    bar = _stages_progress(args, ("cluster", "variants"), (0.1, 1.0))
    bar.begin("cluster")
    try:
        with _cluster(args) as client:
            try:
                result = run_batch(sweep, args.output, client, formats=formats, thumbnail=thumbnail,
                                   retries=args.retries, progress=bar, redo=args.force)
            finally:
                bar.close()
    except ClusterError as err:
        raise CommandError(str(err)) from None
    except OSError as exc:
        raise CommandError(f"{exc.filename or args.output}: cannot write ({exc.strerror or exc})") from None
    failed = [r for r in result.records if r["status"] == "failed"]
    if not args.quiet:
        n = len(result.records)
        print(f"Wrote {n} variant{'s' * (n != 1)} to {args.output} in {time.perf_counter() - start:.1f} s: "
              f"{result.count('done')} made, {result.count('reused')} already there, {len(failed)} failed; "
              f"index {result.index[0].name}, {result.index[1].name}"
              + (f", contact sheet {', '.join(p.name for p in result.sheets)}" if result.sheets else ""))
    for r in failed:
        print(f"{r['id']}: failed: {r['reason']}", file=sys.stderr)
    return EXIT_FAILED if failed else EXIT_OK


class _StagesProgress:
    """The job's progress line for work that reports `(fraction, "<stage> k/n")`: the label's first word
    names the stage, entered when it first appears."""

    def __init__(self, job: Any) -> None:
        self.job = job
        self.current: str | None = None

    def __call__(self, fraction: float, label: str) -> None:
        stage, _, rest = label.partition(" ")
        if stage != self.current:
            self.begin(stage)
        self.job.update(fraction, rest)

    def begin(self, stage: str) -> None:
        self.job.begin(stage)
        self.current = stage

    def close(self) -> None:
        self.job.close()


def _stages_progress(args: argparse.Namespace, names: tuple[str, ...],
                     weights: tuple[float, ...] | None = None) -> _StagesProgress:
    from .progress import JobProgress

    return _StagesProgress(JobProgress(list(zip(names, weights or (1.0,) * len(names))), quiet=args.quiet))


def _is_sweep(path: str) -> bool:
    """Whether a YAML file is a sweep (it names a base:) rather than a seed file."""
    import yaml
    try:
        with open(path, "rb") as fh:
            head = fh.read(1 << 20)
        data = yaml.safe_load(head)
    except (OSError, yaml.YAMLError):
        return False
    return isinstance(data, dict) and "base" in data


def cmd_world(args: argparse.Namespace) -> int:
    from .cluster import ClusterError
    from .world import TILE_FORMATS, WorldError, world_spec, write_world

    formats = tuple(f.strip() for f in args.formats.split(",") if f.strip())
    if not formats or any(f not in TILE_FORMATS for f in formats):
        raise CommandError(f"--formats {args.formats!r}: expected png, r16 or png,r16", EXIT_BAD_INPUT)
    spec = _load(args.file, args)
    try:
        ws = world_spec(spec, args.size, tile=args.tile, chunk=args.chunk, levels=args.levels)
    except WorldError as err:
        raise CommandError(str(err), EXIT_BAD_INPUT) from None
    refuse_existing([Path(args.output) / "world.json", Path(args.output) / "heights.zarr"], args.force)
    start = time.perf_counter()
    bar = _stages_progress(args, ("cluster", "heights", "tiles"), (0.05, 0.8, 0.2))
    bar.begin("cluster")
    try:
        with _cluster(args) as client:
            try:
                meta = write_world(ws, args.output, client, formats=formats, progress=bar)
            finally:
                bar.close()
    except ClusterError as err:
        raise CommandError(str(err)) from None
    except OSError as exc:
        raise CommandError(f"{exc.filename or args.output}: cannot write ({exc.strerror or exc})") from None
    if not args.quiet:
        tiles = sum(level["tiles"][0] ** 2 for level in meta["levels"])
        lo, hi = meta["height_range"]["min"], meta["height_range"]["max"]
        print(f"Wrote {args.output}: {ws.size:,}×{ws.size:,} samples ({meta['extent'][0]:,.0f}×"
              f"{meta['extent'][1]:,.0f} m, heights {lo:.1f} … {hi:.1f} m), {ws.levels} level"
              f"{'s' * (ws.levels != 1)}, {tiles:,} tiles, in {time.perf_counter() - start:.1f} s")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="scenegen", description="Turn a YAML seed file into a reproducible dream-like stage scene.")
    parser.add_argument("--version", action="version", version=f"scenegen {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    set_help = ("change a seed-file field, validated as the file is: KEY.PATH=VALUE, the value read as YAML "
                "(terrain.noise.octaves=6, stage.shape=ring, audience[0].count=500); repeatable")
    camera_help = ("eye position, optionally the point looked at and the vertical field of view in degrees "
                   "(default: the scene's camera)")
    p = sub.add_parser("view", help="explore a scene in an OpenGL window (F1 lists the keys); hot-reloads the file",
                       description="Open a window onto the scene; edits to the seed file show within a second. "
                                   "Without a display, renders the opening frame to a PNG instead.")
    p.add_argument("file", metavar="SEED", nargs="?", default=None,
                   help="seed file (YAML), a dream narrative (.txt) or an example's name (default: "
                        "the grand-auditorium example)")
    p.add_argument("--size", default="1280x720", metavar="WxH", help="window size (default 1280x720)")
    p.add_argument("--time", type=float, default=0.0, metavar="T", help="start at T seconds (default 0)")
    p.add_argument("--camera", metavar="x,y,z[:lx,ly,lz[:fov]]", help=camera_help)
    p.add_argument("--scale", choices=["1", "1/2", "1/4"], default="1",
                   help="render resolution, as a fraction of the window's (F10 changes it; default 1)")
    p.add_argument("--out-dir", default=".", metavar="DIR",
                   help="where F12 screenshots and E exports go (default: the current folder)")
    p.add_argument("--mute", action="store_true", help="no sound")
    p.add_argument("--set", action="append", metavar="KEY=VALUE", help=set_help)
    p.add_argument("-o", "--output", metavar="OUT.png",
                   help="without a display: the PNG to write instead (default: SEED's name .png, here)")
    p.add_argument("-f", "--force", action="store_true", help="replace existing files")
    p.set_defaults(run=cmd_view)

    p = sub.add_parser("render", help="render a scene to PNG, or its performance to MP4 or WAV, without a window",
                       description="Render the scene headless (EGL; Mesa llvmpipe will do): the same pixels "
                                   "as the viewer. With --frames N: N frames out-0000.png … of a turntable "
                                   f"and time-lapse: frame k shows time T + k·S/F and the camera turned "
                                   f"{TURN_DEG_PER_S:g}·k/F degrees about the vertical through the point it "
                                   "looks at (a full turn per minute of playback at F frames a second).")
    p.add_argument("file", metavar="SEED", help=SEED_HELP)
    p.add_argument("-o", "--output", required=True, metavar="OUT",
                   help="OUT.png: a picture (or a sequence, with --frames); OUT.mp4: the performance as a video "
                        "with its sound (H.264 + AAC), frames at t = FROM + i/FPS, following its camera shots "
                        "unless --camera is given; OUT.wav: its sound alone (48 kHz, 16-bit stereo); "
                        "-: one PNG to standard output (the summary then goes to standard error)")
    p.add_argument("--size", default="1280x720", metavar="WxH", help="image size (default 1280x720)")
    p.add_argument("--time", type=float, default=0.0, metavar="T", help="scene time, seconds (default 0)")
    p.add_argument("--camera", metavar="x,y,z[:lx,ly,lz[:fov]]", help=camera_help)
    p.add_argument("--shot", metavar="NAME", help="draw from the scene's shot NAME: stage, performer, audience, "
                                                  "sphere, sky, flaw or one of the seed file's camera.shots")
    p.add_argument("--frames", type=int, metavar="N", help="write N numbered frames OUT-0000.png … instead")
    p.add_argument("--from", dest="start", type=float, metavar="T0",
                   help=".mp4/.wav: start at T0 seconds of the performance (default 0)")
    p.add_argument("--to", dest="end", type=float, metavar="T1",
                   help=".mp4/.wav: end at T1 seconds (default: the performance's end)")
    p.add_argument("--fps", type=float, default=30.0, metavar="F", help="frames per second of playback (default 30)")
    p.add_argument("--speed", type=float, default=1.0, metavar="S",
                   help="scene seconds per second of playback: the time-lapse factor (default 1)")
    p.add_argument("-f", "--force", action="store_true", help="replace existing files")
    p.add_argument("--stats", action="store_true",
                   help="print one JSON line of measurements (draw_calls, frame_ms, upload_ms, figures, …)")
    p.add_argument("--set", action="append", metavar="KEY=VALUE", help=set_help)
    p.add_argument("-q", "--quiet", action="store_true", help="no summary line")
    p.set_defaults(run=cmd_render)

    p = sub.add_parser("validate", help="check seed files; one line per problem, exit code 2 if any",
                       description="Check seed files and dream texts without generating anything: each "
                                   "problem is one line FILE:LINE:COL: key.path: what is wrong, and the exit "
                                   "code is 2 if any file has one.")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("-q", "--quiet", action="store_true", help="print nothing for valid files")
    p.set_defaults(run=cmd_validate)

    p = sub.add_parser("export", help="generate a scene and write it: scene JSON, glTF, heightmaps",
                       description="Generate the scene and write it for other tools: scenegen's scene JSON, "
                                   "glTF 2.0 (.glb, .gltf), and the terrain as heightmaps (whole or in "
                                   "seamless tiles) with a colour preview. Every file is written whole or "
                                   "not at all.")
    p.add_argument("file", metavar="SEED", help=SEED_HELP)
    p.add_argument("-o", "--output", metavar="OUT",
                   help="scene file: .json (scenegen's scene JSON), .glb or .gltf (glTF 2.0); - for standard "
                        "output, in the --format given")
    p.add_argument("--format", choices=("json", "glb", "gltf"), default="json",
                   help="what -o - writes to standard output (default json)")
    p.add_argument("--inline", action="store_true", help="scene JSON: arrays as plain numbers instead of base64")
    p.add_argument("--separate-bin", action="store_true", help=".gltf: write the buffer beside it as a .bin "
                   "instead of embedding it")
    p.add_argument("--instances", choices=("gpu", "nodes"), default="gpu",
                   help="glTF crowd: gpu (EXT_mesh_gpu_instancing, the default) or nodes (a node per figure, "
                        "for viewers without the extension such as Blender 3.x and Godot)")
    p.add_argument("--no-sound", action="store_true", help="glTF: leave out the performance's sound (by default "
                   "a scene with a performance gets OUT's name with .wav beside it, named in the file's extras)")
    p.add_argument("--crowd-motion", choices=("morph", "still"), default="morph",
                   help="glTF crowd motion: morph (sway, breath and poses as morph targets of motion sub-groups, "
                        "the default) or still (no morph targets: Blender 4.2 to 4.5 cannot import instanced "
                        "meshes that have them)")
    p.add_argument("--heightmap", metavar="PATH", help="also write the terrain heights: .png (16-bit), .r16/.raw "
                   "(16-bit little-endian), .exr (32-bit float) or .npy; a side-car PATH.json says how to read it")
    p.add_argument("--tiles", type=int, default=1, metavar="N", help="heightmap as N×N seamless tiles (N must "
                   f"divide resolution − 1; at most {MAX_TILES})")
    p.add_argument("--engine", choices=("unity", "unreal"), help="heightmap resampled to a size that engine's "
                   "terrain accepts (Unity 2^k + 1, Unreal's recommended sizes), with its normal, colour and splat "
                   "maps beside it and the engine's scale settings in the side-car")
    p.add_argument("--preview", metavar="PATH", help="also write a colour preview PNG of the terrain")
    p.add_argument("-f", "--force", action="store_true", help="replace existing files")
    p.add_argument("--set", action="append", metavar="KEY=VALUE", help=set_help)
    p.add_argument("-q", "--quiet", action="store_true", help="no summary")
    p.set_defaults(run=cmd_export)

    def cluster_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("--scheduler", metavar="ADDRESS", help="a running Dask scheduler (tcp://host:8786) to run "
                       "on; default: a local cluster started and stopped here")
        p.add_argument("--workers", type=int, metavar="N", help="local cluster: N worker processes (default: one "
                       "per core)")

    p = sub.add_parser("batch", help="make many variants on Dask: exports, thumbnails, an index, a contact sheet",
                       description="Run a sweep file (a base seed file and what varies), or one seed file over "
                                   "--seeds, on a Dask cluster. Each variant OUT/<id>/ holds what `scenegen export` "
                                   "and `scenegen render` of that variant write, byte for byte; OUT/index.json and "
                                   "index.csv list every variant, OUT/contact-sheet.png shows their thumbnails. "
                                   "Re-running skips the variants already made.")
    p.add_argument("file", metavar="SWEEP|SEED", help="a sweep file, or with --seeds a " + SEED_HELP)
    p.add_argument("-o", "--output", required=True, metavar="DIR", help="folder to write the variants into")
    p.add_argument("--seeds", metavar="FIRST..LAST", help="one variant per seed: a range (both ends included) "
                   "or a list 1,5,9; variant of seed S is `scenegen export SEED --set seed=S`")
    p.add_argument("--formats", metavar="LIST", help="what each variant writes, of json, glb, png (the "
                   "thumbnail), heightmap (default: the sweep's, else json,glb,png)")
    p.add_argument("--thumbnail", metavar="WxH", help="thumbnail size (default: the sweep's, else 320x180)")
    p.add_argument("--set", action="append", metavar="KEY=VALUE", help=set_help + " (every variant)")
    cluster_args(p)
    p.add_argument("--retries", type=int, default=2, metavar="N", help="tries more for a variant that fails "
                   "(default 2)")
    p.add_argument("-f", "--force", action="store_true", help="make every variant again, even those already "
                   "finished in DIR (without it a batch resumes: finished variants are kept)")
    p.add_argument("-q", "--quiet", action="store_true", help="no summary")
    p.set_defaults(run=cmd_batch)

    p = sub.add_parser("world", help="grow a seed's land into a world: Zarr heights, 16-bit tiles, LOD levels",
                       description="Generate N×N samples of terrain at the seed's sample spacing on a Dask "
                                   "cluster, chunk by chunk (memory per worker bounded by --chunk): "
                                   "WORLD/heights.zarr (an array per level), WORLD/tiles/<level>/x<i>_z<j>.png "
                                   "(seamless, neighbours share edge samples) and WORLD/world.json.")
    p.add_argument("file", metavar="SEED", help=SEED_HELP)
    p.add_argument("-o", "--output", required=True, metavar="WORLD", help="folder to write the world into")
    p.add_argument("--size", type=int, required=True, metavar="N", help="samples per side (size − 1 a multiple "
                   "of tile − 1, e.g. 4097, 65537); the seed's terrain.resolution gives its terrain exactly")
    p.add_argument("--tile", type=int, metavar="T", help="samples per tile side (default 257, or N when smaller)")
    p.add_argument("--chunk", type=int, default=1024, metavar="C", help="samples per chunk side: the unit of work "
                   "and of the Zarr store (default 1024)")
    p.add_argument("--levels", type=int, metavar="L", help="levels of detail (default: all, down to whole tiles)")
    p.add_argument("--formats", default="png", metavar="LIST", help="tile files: png (16-bit), r16 (raw), or "
                   "png,r16 (default png)")
    p.add_argument("-f", "--force", action="store_true", help="replace a world already in WORLD")
    p.add_argument("--set", action="append", metavar="KEY=VALUE", help=set_help)
    cluster_args(p)
    p.add_argument("-q", "--quiet", action="store_true", help="no summary")
    p.set_defaults(run=cmd_world)

    p = sub.add_parser("from-text", help="derive a seed file from a dream narrative; each value quotes its words",
                       description="Read a dream narrative (English; another language gives a default scene) and "
                                   "write the seed file it describes: every value it sets carries a comment "
                                   "quoting the words it came from. The same text gives the same file.")
    p.add_argument("file", metavar="TEXT", help="the narrative (UTF-8 text, at most 1 MiB; - for standard input)")
    p.add_argument("-o", "--output", required=True, metavar="OUT", help="seed file to write (- for standard output)")
    p.add_argument("-f", "--force", action="store_true", help="replace an existing file")
    p.add_argument("-q", "--quiet", action="store_true", help="print nothing")
    p.set_defaults(run=cmd_from_text)

    p = sub.add_parser("examples", help="list the example seed files and dream texts that ship with scenegen",
                       description="List the shipped examples (every command takes one by name, e.g. "
                                   "`scenegen view grand-auditorium`), or with NAME write that example's text, "
                                   "to start a seed file of your own from it.")
    p.add_argument("name", nargs="?", metavar="NAME", help="the example to write out")
    p.add_argument("-o", "--output", default="-", metavar="OUT", help="write to a file instead of standard output")
    p.add_argument("-f", "--force", action="store_true", help="replace an existing file")
    p.set_defaults(run=cmd_examples)

    p = sub.add_parser("schema", help="print the JSON Schema of seed files or of scene JSON",
                       description="Print the JSON Schema (draft 2020-12) of seed files (the default) or of "
                                   "the scene JSON that `scenegen export` writes.")
    p.add_argument("which", nargs="?", choices=["seed", "scene"], default="seed", metavar="KIND",
                   help="seed (the default) or scene")
    p.add_argument("-o", "--output", default="-", metavar="OUT", help="write to a file instead of standard output")
    p.add_argument("-f", "--force", action="store_true", help="replace an existing file")
    p.set_defaults(run=cmd_schema)

    p = sub.add_parser("new", help="write a commented starter seed file",
                       description="Write a starter seed file: its name and seed set, and every other field "
                                   "listed commented out at its default, with what it means.")
    p.add_argument("name", metavar="NAME", help="the scene's name (the file is named after it)")
    p.add_argument("-o", "--output", metavar="OUT", help="file to write (default: NAME.yaml; - for standard output)")
    p.add_argument("-f", "--force", action="store_true", help="replace an existing file")
    p.set_defaults(run=cmd_new)
    return parser


def _find_inputs(args: argparse.Namespace) -> None:
    """Each input argument as a path: an existing file as it is, else the shipped example of that name."""
    from .examples import DEFAULT, resolve

    if args.command == "view" and args.file is None:
        args.file = DEFAULT
    names = ["file"] if args.command in ("view", "render", "export", "from-text", "batch", "world") else []
    for name in names:
        arg = getattr(args, name)
        path = resolve(arg)
        if not os.path.exists(path) and arg != "-" and os.sep not in arg and "." not in arg:
            raise CommandError(f"{arg}: no such file, nor an example of that name (`scenegen examples` lists "
                               "them)", EXIT_BAD_INPUT)
        setattr(args, name, path)
    if args.command == "validate":
        args.shown = {resolve(f): f for f in args.files}      # an example is reported by the name given
        args.files = [resolve(f) for f in args.files]


def _stdout_gone() -> None:
    """After a failed write to standard output, nothing more is tried there (not even at exit)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.close(devnull)
    except OSError:
        pass


def main(argv: Sequence[str] | None = None) -> int:
    from .fileio import terminate_on_sigterm

    terminate_on_sigterm()
    parser = build_parser()
    args = parser.parse_args(argv)
    run: Callable[[argparse.Namespace], int] = args.run
    try:
        try:
            _find_inputs(args)
            code = run(args)
            if sys.stdout is not None:
                sys.stdout.flush()
            return code
        finally:       # the progress line goes before any message is printed
            progress = getattr(args, "progress", None)
            if progress is not None:
                progress.close()
    except CommandError as err:
        text = str(err) if err.located else f"scenegen: {err}"
        print(printable(text, newlines=True), file=sys.stderr)
        return err.code
    except OutputError as err:
        if "standard output" in str(err):
            _stdout_gone()
        print(printable(f"scenegen: {err}"), file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("scenegen: interrupted", file=sys.stderr)
        return 130
    except OSError as err:        # printing to a closed or full standard output
        if err.errno in (errno.EPIPE, errno.ENOSPC, errno.EIO, errno.EBADF):
            _stdout_gone()
            print(f"scenegen: standard output: cannot write ({err.strerror or err})", file=sys.stderr)
            return EXIT_FAILED
        raise


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
