"""Colour conversions: `#rrggbb` sRGB strings in seed files, linear floats in the Scene."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["hex_to_srgb", "srgb_to_linear", "linear_to_srgb", "hex_to_linear", "ramp"]


def hex_to_srgb(color: str) -> np.ndarray:
    """`#rrggbb` → float64 sRGB in 0…1."""
    return np.array([int(color[i:i + 2], 16) for i in (1, 3, 5)], dtype=np.float64) / 255.0


def srgb_to_linear(c: np.ndarray) -> np.ndarray:
    """The sRGB transfer function, inverted (IEC 61966-2-1)."""
    c = np.asarray(c, dtype=np.float64)
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def linear_to_srgb(c: np.ndarray) -> np.ndarray:
    """Linear → sRGB, for the screen and PNGs."""
    c = np.clip(np.asarray(c, dtype=np.float64), 0.0, 1.0)
    return np.where(c <= 0.0031308, c * 12.92, 1.055 * c ** (1.0 / 2.4) - 0.055)


def hex_to_linear(color: str) -> np.ndarray:
    """`#rrggbb` → float64 linear RGB."""
    return srgb_to_linear(hex_to_srgb(color))


def ramp(t: np.ndarray, stops: Sequence[tuple[float, str]]) -> np.ndarray:
    """Linear RGB of a colour ramp at positions t (any shape) → shape (*t.shape, 3), float64.

    Stops are (position, '#rrggbb') in ascending order; they are blended in linear light, which
    keeps gradients from going muddy in the middle.
    """
    t = np.asarray(t, dtype=np.float64)
    pos = np.array([p for p, _ in stops], dtype=np.float64)
    cols = np.stack([hex_to_linear(c) for _, c in stops])
    out = np.empty(t.shape + (3,), dtype=np.float64)
    for k in range(3):
        out[..., k] = np.interp(t, pos, cols[:, k])
    return out
