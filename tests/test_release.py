"""What a release promises: one version, the public names, the examples inside the package."""

from __future__ import annotations

import scenegen


def test_public_names_are_the_lazy_exports() -> None:
    assert sorted(scenegen.__all__) == sorted(["__version__", *scenegen._EXPORTS])
    for name in scenegen.__all__:
        assert getattr(scenegen, name) is not None


def test_job_progress_weighs_its_stages_and_estimates_the_time_left() -> None:
    import io

    from scenegen.progress import JobProgress

    now = [0.0]
    out = io.StringIO()
    job = JobProgress([("generate", 1.0), ("glTF", 1.0), ("heightmap", 2.0)], stream=out, enabled=True,
                      clock=lambda: now[0])
    job.begin("generate")
    assert job.fraction() == 0.0 and job.seconds_left() is None
    now[0] = 2.0
    job.update(0.5, "terrain")                    # 2 s for half of the first quarter
    assert job.fraction() == 0.125
    assert job.seconds_left() == 2.0 + 3 * 4.0    # the rest of this stage at its rate, then 4 s per weight
    now[0] = 4.0
    job.begin("glTF")                             # generation took 4 s: 4 s per unit of weight
    assert job.fraction() == 0.25 and job.seconds_left() == 12.0
    now[0] = 5.0
    assert job.seconds_left() == 11.0             # no report from this stage yet: its share counts down
    job.close()
    line = out.getvalue().split("\r")
    assert "generate (1/3): terrain" in line[2] and " 12%" in line[2] and "about 14 s left" in line[2]
    assert "glTF (2/3)" in line[3] and "about 12 s left" in line[3]
    assert line[-1] == "" and line[-2].strip() == ""          # cleared when done
    silent = io.StringIO()
    quiet = JobProgress(stream=silent, quiet=True)
    quiet.begin("generate")
    quiet.update(0.5)
    quiet.close()
    assert silent.getvalue() == "" and not quiet.enabled


def test_one_version_everywhere() -> None:
    import importlib.metadata
    import re
    import subprocess
    import sys

    from .conftest import ROOT

    out = subprocess.run([sys.executable, "-m", "scenegen", "--version"], capture_output=True, text=True,
                         env={"PYTHONPATH": str(ROOT), "PATH": ""}, check=True).stdout
    assert out == f"scenegen {scenegen.__version__}\n"
    assert importlib.metadata.version("scenegen") == scenegen.__version__
    assert re.fullmatch(r"\d+\.\d+\.\d+", scenegen.__version__)
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"\n## [{scenegen.__version__}]" in changelog     # every version has its entry
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'dynamic = ["version"]' in pyproject and 'version = { attr = "scenegen.__version__" }' in pyproject
    assert 'license = "MIT"' in pyproject and (ROOT / "LICENSE").read_text().startswith("MIT License")
