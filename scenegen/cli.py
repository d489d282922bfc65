"""The `scenegen` command: validate, export, schema, new."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any, Callable, Sequence

from . import __version__
from .seedfile import SeedError, load_seed

__all__ = ["main"]

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2


class CommandError(Exception):
    """A failure to report as one line, with an exit code."""

    def __init__(self, message: str, code: int = EXIT_FAILED, located: bool = False):
        super().__init__(message)
        self.code = code
        self.located = located   # already reads `file:line:col: …`: printed as it is


def _human_bytes(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return f"{n} B"


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


def _load(path: str) -> Any:
    try:
        return load_seed(path)
    except SeedError as err:
        raise CommandError(str(err), EXIT_BAD_INPUT, located=True) from None


def cmd_validate(args: argparse.Namespace) -> int:
    bad = 0
    for path in args.files:
        try:
            spec = load_seed(path)
        except SeedError as err:
            print(err, file=sys.stderr)
            bad += 1
            continue
        if not args.quiet:
            print(f"{path}: ok ({spec.name!r}, seed {spec.seed!r})")
    return EXIT_BAD_INPUT if bad else EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    import warnings

    from .export.json import export_json
    from .gen.scene import generate
    from .progress import ProgressBar

    spec = _load(args.file)
    out = args.output
    if out != "-" and Path(out).suffix.lower() != ".json":
        raise CommandError(f"{out}: unknown output type {Path(out).suffix or '(none)'!r} (expected .json)",
                           EXIT_BAD_INPUT)
    info = sys.stderr if out == "-" else sys.stdout
    bar = ProgressBar()
    start = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            scene = generate(spec, progress=bar)
        finally:
            bar.close()
    for w in caught:
        print(f"{args.file}: warning: {w.message}", file=sys.stderr)
    try:
        export_json(scene, out, inline=args.inline)
    except OSError as exc:
        raise CommandError(f"{out}: cannot write ({exc.strerror or exc})") from None
    took = time.perf_counter() - start
    if not args.quiet:
        size = f" ({_human_bytes(os.path.getsize(out))})" if out != "-" else ""
        print(f"Wrote {out if out != '-' else 'standard output'}{size} in {took:.2f} s", file=info)
        for line in summary(scene):
            print(line, file=info)
    return EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    from .fileio import write_output
    from .schema import dumps_schema, scene_schema, seed_schema

    schema = seed_schema() if args.which == "seed" else scene_schema()
    write_output(args.output, dumps_schema(schema).encode("utf-8"))
    return EXIT_OK


def cmd_new(args: argparse.Namespace) -> int:
    from .fileio import write_output
    from .starter import slug, starter_text

    out = args.output or f"{slug(args.name)}.yaml"
    if out != "-" and os.path.exists(out) and not args.force:
        raise CommandError(f"{out}: already exists (use --force to replace it)", EXIT_BAD_INPUT)
    write_output(out, starter_text(args.name).encode("utf-8"))
    if out != "-":
        print(f"Wrote {out}: edit it, then `scenegen export {out} -o scene.json`")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="scenegen", description="Turn a YAML seed file into a reproducible dream-like stage scene.")
    parser.add_argument("--version", action="version", version=f"scenegen {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("validate", help="check seed files; one line per problem, exit code 2 if any")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("-q", "--quiet", action="store_true", help="print nothing for valid files")
    p.set_defaults(run=cmd_validate)

    p = sub.add_parser("export", help="generate a scene and write it (scene JSON)")
    p.add_argument("file", metavar="SEED", help="seed file (YAML)")
    p.add_argument("-o", "--output", required=True, metavar="OUT", help="output .json, or - for standard output")
    p.add_argument("--inline", action="store_true", help="arrays as plain numbers instead of base64")
    p.add_argument("-q", "--quiet", action="store_true", help="no summary")
    p.set_defaults(run=cmd_export)

    p = sub.add_parser("schema", help="print the JSON Schema of seed files or of scene JSON")
    p.add_argument("which", choices=["seed", "scene"])
    p.add_argument("-o", "--output", default="-", metavar="OUT", help="write to a file instead of standard output")
    p.set_defaults(run=cmd_schema)

    p = sub.add_parser("new", help="write a commented starter seed file")
    p.add_argument("name", metavar="NAME", help="the scene's name (the file is named after it)")
    p.add_argument("-o", "--output", metavar="OUT", help="file to write (default: NAME.yaml; - for standard output)")
    p.add_argument("-f", "--force", action="store_true", help="replace an existing file")
    p.set_defaults(run=cmd_new)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    run: Callable[[argparse.Namespace], int] = args.run
    try:
        return run(args)
    except CommandError as err:
        print(err if err.located else f"scenegen: {err}", file=sys.stderr)
        return err.code
    except KeyboardInterrupt:
        print("scenegen: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_FAILED


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
