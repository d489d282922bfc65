"""Shared fixtures: small scenes that generate in well under a second."""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from scenegen.examples import EXAMPLES_DIR
from scenegen.seedfile import parse_seed
from scenegen.spec import SeedSpec

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted(EXAMPLES_DIR.glob("*.yaml"))

SMALL = """
seed: small
terrain: {resolution: 33, size: [120, 120]}
stage: {radius: 8}
audience:
  - {layout: rows, count: 60, spacing: 1.5}
  - {layout: sky-dome, figure: eye, count: 40, spacing: 4}
props: {spheres: {count: 3, flawed: [2]}, instrument: {enabled: true}}
sky: {stars: {count: 200}, nebula: {density: 0.5}, streaks: {count: 2}, screens: {count: 1, follows: 0}}
"""


@pytest.fixture(scope="session")
def small_spec() -> SeedSpec:
    return parse_seed(SMALL)


@pytest.fixture(scope="session")
def small_scene(small_spec: SeedSpec):
    from scenegen.gen.scene import generate

    return generate(small_spec)


@contextlib.contextmanager
def hang_guard(seconds: int) -> Iterator[None]:
    """Fail (instead of waiting forever) if the body has not returned after `seconds`.

    A guard against hangs, not a speed check: the bound is far above the expected time, so load on the
    machine never decides the result.
    """
    def hung(signum: int, frame: object) -> None:
        raise AssertionError(f"still running after {seconds} s: it hangs")

    old = signal.signal(signal.SIGALRM, hung)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def gl_context_or_skip():  # type: ignore[no-untyped-def]
    """An OpenGL context (headless EGL); where none can be made, skip, or fail under SCENEGEN_REQUIRE_GL=1."""
    import os

    from scenegen.render.offscreen import GLUnavailable, ensure_context

    try:
        return ensure_context()
    except GLUnavailable as err:
        if os.environ.get("SCENEGEN_REQUIRE_GL") == "1":
            pytest.fail(f"SCENEGEN_REQUIRE_GL=1 but no GL context: {err}")
        pytest.skip(f"no OpenGL context here: {err}")


def _no_skips() -> bool:
    import os

    return os.environ.get("SCENEGEN_NO_SKIPS") == "1"


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):  # type: ignore[no-untyped-def]
    """A whole module skipped while collected (a module-level importorskip) fails too under SCENEGEN_NO_SKIPS=1."""
    outcome = yield
    report = outcome.get_result()
    if _no_skips() and report.skipped:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped, but SCENEGEN_NO_SKIPS=1 forbids skips: {reason}"


def pytest_runtest_makereport(item, call):  # type: ignore[no-untyped-def]
    """With SCENEGEN_NO_SKIPS=1 (CI sets it), a skipped test fails: a missing GL, validator or reading
    library must never pass CI by skipping the tests that need it."""
    from _pytest.runner import TestReport

    report = TestReport.from_item_and_call(item, call)
    if _no_skips() and report.skipped:
        report.outcome = "failed"
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.longrepr = f"skipped, but SCENEGEN_NO_SKIPS=1 forbids skips: {reason}"
    return report
