"""What a release promises: one version, the public names, the examples inside the package."""

from __future__ import annotations

import scenegen


def test_public_names_are_the_lazy_exports() -> None:
    assert sorted(scenegen.__all__) == sorted(["__version__", *scenegen._EXPORTS])
    for name in scenegen.__all__:
        assert getattr(scenegen, name) is not None
