"""The compiled engine: numba twins of the numeric loops, loaded once a job's work repays the load."""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import cache, lru_cache
from typing import Any

__all__ = ["LOAD_WORK", "MIN_ELEMS", "available", "loaded", "prepare", "use", "compile_kernel", "reset"]

# Importing numba and loading its cached kernels costs ~0.15-1.4 s (warm or cold disk cache), while numpy
# does a 257² terrain in ~20 ms. So the decision is made per *job* (a terrain, a noise call), never per
# call: a 4097² terrain arrives at the noise module as 256-row, 1-octave calls, each too small to repay the
# load on its own, and together well worth it. A job of at least LOAD_WORK values x octaves loads the
# kernels; once loaded, any call of at least MIN_ELEMS values uses them (below that a compiled call's
# fixed overhead outweighs its speed). Either engine gives the same bits (the tests compare them).
LOAD_WORK = 1 << 22
MIN_ELEMS = 1 << 16

# Kernels are compiled without fast-math, so LLVM neither reorders operations nor contracts a multiply and
# an add into an FMA: each stays a separately rounded IEEE operation, equal to numpy's on every CPU.
_OPTIONS: dict[str, Any] = {"cache": True, "nogil": True, "fastmath": False, "error_model": "numpy"}

_state = {"loaded": False}


@lru_cache(maxsize=1)
def _numba() -> Any:
    """The numba module, or None where it is missing or SCENEGEN_NO_JIT is set (numpy paths run)."""
    if os.environ.get("SCENEGEN_NO_JIT"):
        return None
    try:
        import numba
    except ImportError:
        return None
    return numba


def available() -> bool:
    """Whether the compiled engine can run here (numba installed, SCENEGEN_NO_JIT unset)."""
    return _numba() is not None


def loaded() -> bool:
    """Whether the compiled kernels are in use (a job has loaded them)."""
    return _state["loaded"] and available()


def prepare(work: int) -> bool:
    """Load the compiled kernels if a job of `work` values x octaves repays it; True when they are in use."""
    if not loaded() and work >= LOAD_WORK and available():
        _state["loaded"] = True
    return loaded()


def use(size: int, work: int | None = None) -> bool:
    """Whether one call over `size` values (a job of `work`, default `size`) should run compiled."""
    if size < MIN_ELEMS:
        return False
    return prepare(size if work is None else work)


@cache
def compile_kernel(fn: Callable[..., Any]) -> Callable[..., Any]:
    """`fn` compiled by numba (cached on disk); only call once `loaded()` is true."""
    numba = _numba()
    assert numba is not None, "compile_kernel needs numba"
    return numba.njit(**_OPTIONS)(fn)


def reset() -> None:
    """Forget the engine state and re-read SCENEGEN_NO_JIT (for tests and benchmarks that switch engines)."""
    _numba.cache_clear()
    _state["loaded"] = False  # (compiled kernels stay cached: they are only used while loaded)
