"""Independent random streams, one per component, derived from (seed, component name)."""

from __future__ import annotations

import hashlib

import numpy as np

__all__ = ["seed_to_int", "split", "stream", "stream_seed"]


def seed_to_int(seed: int | str) -> int:
    """The 64-bit integer behind a seed: ints are taken as they are, strings hashed with SHA-256.

    Never Python's hash(): it changes with PYTHONHASHSEED.
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, str)):
        raise TypeError(f"seed must be an int or a str, not {type(seed).__name__}")
    if isinstance(seed, str):
        return int.from_bytes(hashlib.sha256(seed.encode("utf-8")).digest()[:8], "little")
    if not 0 <= seed < 2**64:
        raise ValueError(f"seed {seed} is outside 0 … 2^64−1")
    return seed


def stream_seed(seed: int | str, component: str) -> np.random.SeedSequence:
    """The SeedSequence of one component's stream.

    The component name is hashed into the entropy, so streams are independent of each other and of
    the order in which components are generated: changing the audience never moves a terrain vertex.
    """
    value = seed_to_int(seed)
    name = np.frombuffer(hashlib.sha256(component.encode("utf-8")).digest(), dtype="<u4")
    words = [value & 0xFFFFFFFF, value >> 32, *(int(w) for w in name)]
    return np.random.SeedSequence(words)


def stream(seed: int | str, component: str) -> np.random.Generator:
    """A fresh generator for one component (e.g. "terrain", "audience/0", "sky/stars")."""
    return np.random.Generator(np.random.PCG64(stream_seed(seed, component)))


def split(rng: np.random.Generator, n: int) -> list[np.random.Generator]:
    """n independent child streams of a component's stream, so that one part of a component (the
    stars, a flawed sphere) never shifts the numbers another part draws."""
    words = rng.integers(0, 2**32, size=(n, 4), dtype=np.uint64)
    return [np.random.Generator(np.random.PCG64(np.random.SeedSequence([int(w) for w in row])))
            for row in words]
