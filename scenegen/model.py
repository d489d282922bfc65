"""The shape of generated results: frozen records of numpy arrays with declared dtypes, compared exactly."""

from __future__ import annotations

import dataclasses
from dataclasses import field
from typing import Any

import numpy as np

__all__ = ["Record", "array", "value", "check_arrays"]


def array(dtype: str, shape: tuple[str | int, ...], doc: str) -> Any:
    """A numpy-array field: its dtype and symbolic shape are part of the scene format."""
    return field(metadata={"doc": doc, "dtype": dtype, "shape": shape})


def value(doc: str, default: Any = dataclasses.MISSING) -> Any:
    """A plain field (number, string, tuple or nested record) with its description."""
    if default is dataclasses.MISSING:
        return field(metadata={"doc": doc})
    return field(default=default, metadata={"doc": doc})


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return (isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.dtype == b.dtype
                and a.shape == b.shape and a.tobytes() == b.tobytes())
    if isinstance(a, tuple) and isinstance(b, tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b


class Record:
    """Mixin for generated results: equality is exact (arrays compare dtype, shape and bytes)."""

    def __eq__(self, other: object) -> bool:
        if type(self) is not type(other):
            return NotImplemented
        fields = dataclasses.fields(self)  # type: ignore[arg-type]   # every Record is also a dataclass
        return all(_same(getattr(self, f.name), getattr(other, f.name)) for f in fields)

    __hash__ = None  # type: ignore[assignment]


def check_arrays(record: Any) -> None:
    """Assert each array field has its declared dtype and rank, with symbolic sizes consistent.

    This is the border check between generators and consumers (exporters, GPU packing).
    """
    sizes: dict[str, int] = {}
    for f in dataclasses.fields(record):
        if "dtype" not in f.metadata:
            continue
        arr = getattr(record, f.name)
        name = f"{type(record).__name__}.{f.name}"
        if not isinstance(arr, np.ndarray):
            raise TypeError(f"{name} is {type(arr).__name__}, expected a numpy array")
        if arr.dtype != np.dtype(f.metadata["dtype"]):
            raise TypeError(f"{name} has dtype {arr.dtype}, expected {f.metadata['dtype']}")
        shape = f.metadata["shape"]
        if arr.ndim != len(shape):
            raise ValueError(f"{name} has shape {arr.shape}, expected {shape}")
        for got, want in zip(arr.shape, shape):
            if isinstance(want, int):
                if got != want:
                    raise ValueError(f"{name} has shape {arr.shape}, expected {shape}")
            elif sizes.setdefault(want, got) != got:
                raise ValueError(f"{name} has {want}={got}, but another field has {want}={sizes[want]}")
