"""scenegen: a YAML seed file in, a reproducible dream-like stage scene out."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# Public names and the modules they live in; imported on first use, so `import scenegen` stays cheap
# and a command such as `scenegen schema` never loads the generators.
_EXPORTS = {
    "Scene": "scenegen.gen.scene",
    "generate": "scenegen.gen.scene",
    "SeedError": "scenegen.seedfile",
    "load_seed": "scenegen.seedfile",
    "parse_seed": "scenegen.seedfile",
    "SeedSpec": "scenegen.spec",
    "export_json": "scenegen.export.json",
    "load_scene": "scenegen.export.json",
}

__all__ = ["Scene", "SeedError", "SeedSpec", "__version__", "export_json", "generate", "load_scene", "load_seed",
           "parse_seed"]

if TYPE_CHECKING:
    from .export.json import export_json, load_scene
    from .gen.scene import Scene, generate
    from .seedfile import SeedError, load_seed, parse_seed
    from .spec import SeedSpec


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'scenegen' has no attribute {name!r}")
