"""Running a sweep on a Dask cluster: one task per variant writing its own files, then the index and sheet.

Each variant's files are what `scenegen export` / `scenegen render` of that variant alone write (the same
exporters, the same encoder), in `OUT/<id>/`; `variant.json` is written last, with the hash of every file,
so a variant is finished exactly when its manifest is there and the files still have those hashes. A
re-run skips finished variants whose resolved seed file, version and outputs asked are the same.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import __version__
from ..fileio import write_output, write_together
from ..seedfile import SeedError, apply_overrides, spec_hash
from ..spec import SeedSpec
from .sheet import contact_sheet, label_text
from .sweep import FORMATS, Sweep

__all__ = ["DEFAULT_FORMATS", "DEFAULT_THUMBNAIL", "OUTPUTS", "Job", "BatchResult", "run_variant",
           "run_batch", "file_hash"]

DEFAULT_FORMATS = ("json", "glb", "png")
DEFAULT_THUMBNAIL = (320, 180)
# The files each format writes in a variant's folder (the heightmap has its side-car).
OUTPUTS = {"json": ("scene.json",), "glb": ("scene.glb",), "png": ("thumbnail.png",),
           "heightmap": ("heightmap.png", "heightmap.png.json")}
MANIFEST = "variant.json"
INDEX_FIELDS = ("id", "status", "spec_hash", "values", "files", "seconds", "reason")


@dataclass(frozen=True)
class Job:
    """What one task needs: the variant's resolved spec and where and what to write."""
    id: str
    spec: SeedSpec
    values: dict[str, Any]
    formats: tuple[str, ...]
    thumbnail: tuple[int, int]
    folder: str
    key: str


@dataclass(frozen=True)
class BatchResult:
    records: list[dict[str, Any]]
    index: list[Path]
    sheets: list[Path]

    def count(self, status: str) -> int:
        return sum(r["status"] == status for r in self.records)


def file_hash(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return "sha256:" + h.hexdigest()


def _key(spec: SeedSpec, formats: Sequence[str], thumbnail: tuple[int, int]) -> str:
    """What a variant's outputs depend on: equal keys, equal bytes."""
    text = json.dumps({"spec": spec_hash(spec), "version": __version__, "formats": sorted(formats),
                       "thumbnail": list(thumbnail) if "png" in formats else None}, sort_keys=True)
    return "sha256:" + hashlib.sha256(text.encode("ascii")).hexdigest()


# --------------------------------------------------------------------------------------- on a worker

# The GL context belongs to the thread that made it: every thumbnail of this process is drawn on this one.
_GL_THREAD = ThreadPoolExecutor(max_workers=1, thread_name_prefix="scenegen-gl")


def _thumbnail(scene: Any, size: tuple[int, int]) -> bytes:
    """The PNG `scenegen render --size WxH` writes: time 0, the scene's camera, RGB."""
    from ..render.offscreen import configure_pyglet
    configure_pyglet()
    from ..render.camera import View
    from ..render.headless import encode_png, render_image

    image = render_image(scene, size=size, time=0.0, camera=View.of(scene.camera))
    return encode_png(image[..., :3])


def run_variant(job: Job) -> dict[str, Any]:
    """Generate one variant and write its files and manifest (each atomically). Raises on failure."""
    import warnings

    from ..gen.scene import generate

    t0 = time.perf_counter()
    folder = Path(job.folder)
    folder.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        scene = generate(job.spec)
    if "json" in job.formats:
        from ..export.json import export_json
        export_json(scene, folder / "scene.json")
    if "glb" in job.formats:
        from ..export.gltf import export_gltf
        export_gltf(scene, folder / "scene.glb")
    if "heightmap" in job.formats:
        from ..export.heightmap import export_heightmap
        export_heightmap(scene, folder / "heightmap.png")
    if "png" in job.formats:
        data = _GL_THREAD.submit(_thumbnail, scene, job.thumbnail).result()
        write_output(folder / "thumbnail.png", data)
    files = {name: file_hash(folder / name) for fmt in job.formats for name in OUTPUTS[fmt]}
    record = {"id": job.id, "status": "done", "key": job.key, "spec_hash": scene.spec_hash,
              "values": job.values, "files": files, "seconds": round(time.perf_counter() - t0, 3),
              "warnings": [str(w.message) for w in caught], "generator_version": __version__}
    write_output(folder / MANIFEST, (json.dumps(record, indent=1, ensure_ascii=False) + "\n").encode("utf-8"))
    return record


# --------------------------------------------------------------------------------------- the client

def _finished(folder: Path, key: str) -> dict[str, Any] | None:
    """The manifest of a variant already written with this key and intact files, else None."""
    try:
        record = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        if record.get("key") != key:
            return None
        if all(file_hash(folder / name) == digest for name, digest in record["files"].items()):
            return record
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass
    return None


def _one_line(err: BaseException) -> str:
    first = (str(err).strip().splitlines() or [""])[0]
    return f"{type(err).__name__}: {first}" if first else type(err).__name__


def run_batch(sweep: Sweep, out: str | Path, client: Any, *, formats: Sequence[str] | None = None,
              thumbnail: tuple[int, int] | None = None, retries: int = 2, redo: bool = False,
              progress: Callable[[float, str], None] | None = None) -> BatchResult:
    """Run every variant of `sweep` on `client`'s cluster into folder `out` (shared by the workers: one
    machine, or a shared disk); then write index.json, index.csv and the contact sheet. A variant that
    fails (a bad value, an exception, workers dying under it) is retried `retries` times (bad values are
    not: they fail the same way every time), then recorded as failed with a one-line reason. `redo` makes
    finished variants again instead of keeping them."""
    from ..cluster import run_with_progress

    fmts = tuple(formats or sweep.formats or DEFAULT_FORMATS)
    unknown = [f for f in fmts if f not in FORMATS]
    if unknown:
        raise ValueError(f"unknown output format {unknown[0]!r} (expected {', '.join(FORMATS)})")
    size = thumbnail or sweep.thumbnail or DEFAULT_THUMBNAIL
    root = Path(out).resolve()
    root.mkdir(parents=True, exist_ok=True)
    records: dict[str, dict[str, Any]] = {}
    jobs: list[Job] = []
    for v in sweep.variants:
        try:
            spec = apply_overrides(sweep.base, (*sweep.common, *v.overrides))
        except SeedError as err:
            records[v.id] = {"id": v.id, "status": "failed", "spec_hash": "", "values": v.values, "files": {},
                             "seconds": 0.0, "reason": str(err).splitlines()[0]}
            continue
        key = _key(spec, fmts, size)
        done = None if redo else _finished(root / v.id, key)
        if done is not None:
            records[v.id] = {**done, "status": "reused"}
            continue
        jobs.append(Job(v.id, spec, v.values, fmts, size, str(root / v.id), key))
    futures = {client.submit(run_variant, job, pure=False, retries=retries): job for job in jobs}
    for fut in run_with_progress(list(futures), progress, "variants"):
        job = futures[fut]
        if fut.status == "finished":
            records[job.id] = fut.result()
        else:
            failure = fut.exception()
            records[job.id] = {"id": job.id, "status": "failed", "spec_hash": spec_hash(job.spec),
                               "values": job.values, "files": {}, "seconds": 0.0, "reason": _one_line(failure)}
        fut.release()
    ordered = [records[v.id] for v in sweep.variants]
    sheets = _sheets(root, ordered, fmts, size)
    index = _write_index(root, ordered, sweep, fmts)
    return BatchResult(ordered, index, sheets)


_SHEET_MAX = 144


def _sheets(root: Path, records: list[dict[str, Any]], fmts: Sequence[str], size: tuple[int, int]) -> list[Path]:
    if "png" not in fmts or not records:
        return []
    items = [(label_text(r["id"], r["values"], r["status"]),
              root / r["id"] / "thumbnail.png" if r["status"] != "failed" else None) for r in records]
    pages = [items[a:a + _SHEET_MAX] for a in range(0, len(items), _SHEET_MAX)]
    paths = [root / "contact-sheet.png"] if len(pages) == 1 else [
        root / f"contact-sheet-{k + 1:03d}.png" for k in range(len(pages))]
    for page, path in zip(pages, paths):
        write_output(path, contact_sheet(page, size))
    return paths


def _write_index(root: Path, records: list[dict[str, Any]], sweep: Sweep, fmts: Sequence[str]) -> list[Path]:
    rows = []
    for r in records:
        rows.append({"id": r["id"], "status": r["status"], "spec_hash": r.get("spec_hash", ""),
                     "values": r["values"], "files": [f"{r['id']}/{name}" for name in r.get("files", {})],
                     "seconds": r.get("seconds", 0.0), "reason": r.get("reason", "")})
    doc = {"format": "scenegen.batch/1", "generator_version": __version__, "source": sweep.source,
           "formats": list(fmts), "varied": list(sweep.varied), "variants": rows}
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=INDEX_FIELDS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({**row, "values": json.dumps(row["values"], ensure_ascii=False, separators=(",", ":")),
                         "files": " ".join(row["files"])})
    paths = [root / "index.json", root / "index.csv"]
    write_together([(paths[0], (json.dumps(doc, indent=1, ensure_ascii=False) + "\n").encode("utf-8")),
                    (paths[1], buf.getvalue().encode("utf-8"))])
    return paths
