"""Batches of variants: sweep files (sweep.py), running them on Dask (run.py), contact sheets (sheet.py)."""

from __future__ import annotations

from .run import DEFAULT_FORMATS, DEFAULT_THUMBNAIL, OUTPUTS, BatchResult, run_batch, run_variant
from .sweep import FORMATS, Sweep, Variant, load_sweep, parse_seeds, parse_size, seed_sweep

__all__ = ["DEFAULT_FORMATS", "DEFAULT_THUMBNAIL", "OUTPUTS", "FORMATS", "BatchResult", "Sweep", "Variant",
           "load_sweep", "parse_seeds", "parse_size", "run_batch", "run_variant", "seed_sweep"]
