"""Contact sheets: a grid of labelled thumbnails, how an artist picks the best variants of a batch."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..render.headless import encode_png

__all__ = ["contact_sheet", "label_text"]

_PAD = 6
_LABEL = 18              # label strip under each thumbnail, pixels
_BACK = (18, 16, 28)
_MISSING = (60, 40, 50)  # where a variant failed: no thumbnail
_INK = (230, 230, 240)


def label_text(vid: str, values: dict[str, Any], status: str) -> str:
    """`0007 seed=7 octaves=6`: the id, then each varied value under the last name of its key path."""
    parts = [vid] + [f"{k.rsplit('.', 1)[-1]}={_short(v)}" for k, v in values.items()]
    return " ".join(parts) + ("" if status != "failed" else " FAILED")


def _short(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.4g}"
    return str(v)


def contact_sheet(items: Sequence[tuple[str, Path | None]], size: tuple[int, int],
                  columns: int | None = None) -> bytes:
    """PNG bytes of thumbnails (label, path or None for a missing one) in a grid, labels beneath, in order."""
    from PIL import Image, ImageDraw, ImageFont

    w, h = size
    n = max(len(items), 1)
    cols = columns or max(1, math.ceil(math.sqrt(n * h / w * 1.2)))
    rows = math.ceil(n / cols)
    cell_w, cell_h = w + _PAD, h + _LABEL + _PAD
    sheet = Image.new("RGB", (cols * cell_w + _PAD, rows * cell_h + _PAD), _BACK)
    draw = ImageDraw.Draw(sheet)
    font = ImageFont.load_default(size=13)
    for k, (label, path) in enumerate(items):
        x = _PAD + (k % cols) * cell_w
        y = _PAD + (k // cols) * cell_h
        if path is not None and path.is_file():
            with Image.open(path) as thumb:
                thumb = thumb.convert("RGB")
                if thumb.size != (w, h):
                    thumb = thumb.resize((w, h))
                sheet.paste(thumb, (x, y))
        else:
            draw.rectangle((x, y, x + w - 1, y + h - 1), fill=_MISSING)
        text = label
        while text and draw.textlength(text, font=font) > w:
            text = text[:-2] + "…" if len(text) > 2 else ""
        draw.text((x + 2, y + h + 3), text, fill=_INK, font=font)
    return encode_png(np.asarray(sheet, dtype=np.uint8))
