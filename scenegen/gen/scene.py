"""Assembles a Scene from a SeedSpec: each component from its own random stream, in dependency order."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Union

import numpy as np

from .. import __version__
from ..model import Record, value
from ..perform.model import Performance
from ..perform.resolve import resolve_performance
from ..rng import seed_to_int, stream
from ..seedfile import spec_hash
from ..spec import SeedSpec
from .audience import AudienceGroup, generate_audience
from .camera import Camera, generate_camera
from .lights import Lights, generate_lights
from .props import Props, generate_props
from .sky import Sky, generate_sky
from .stage import Stage, footprint_radius, generate_stage
from .terrain import PadSite, Terrain, generate_terrain

__all__ = ["Scene", "generate"]

Progress = Callable[[float, str], None]


@dataclass(frozen=True, eq=False)
class Scene(Record):
    """Everything generated from one seed file: plain data for exporters and renderers."""
    name: str = value("The scene's name.")
    seed: Union[int, str] = value("The seed as written in the seed file.")
    seed_hex: str = value("The 64-bit seed behind it, as 16 hex digits.")
    generator_version: str = value("Version of scenegen that generated the scene.")
    spec_hash: str = value("SHA-256 of the resolved seed file (canonical JSON).")
    spec: SeedSpec = value("The resolved seed file: every field, defaults filled.")
    terrain: Terrain = value("The land.")
    stage: Stage = value("The stage.")
    audience: tuple[AudienceGroup, ...] = value("Audience groups.")
    props: Props = value("Spheres and the instrument.")
    sky: Sky = value("The sky.")
    lights: Lights = value("Lights.")
    camera: Camera = value("The starting view.")
    bounds_min: tuple[float, float, float] = value("Lowest corner of everything but the sky, metres.")
    bounds_max: tuple[float, float, float] = value("Highest corner of everything but the sky, metres.")
    performance: Performance = value("The score, resolved: what happens when (perform.state_at reads it).")


def _bounds(terrain: Terrain, stage: Stage, audience: tuple[AudienceGroup, ...],
            props: Props) -> tuple[tuple[float, float, float], tuple[float, float, float]]:
    sx, sz = terrain.size
    lo = np.array([-sx / 2, terrain.height_range[0], -sz / 2], dtype=np.float64)
    hi = np.array([sx / 2, terrain.height_range[1], sz / 2], dtype=np.float64)
    hi[1] = max(hi[1], stage.top + stage.rim_height)
    points = [g.pos_i for g in audience if len(g.pos_i)]
    points += [props.spheres.center_i] if len(props.spheres.center_i) else []
    for p in points:
        lo = np.minimum(lo, p.min(axis=0))
        hi = np.maximum(hi, p.max(axis=0))
    return (float(lo[0]), float(lo[1]), float(lo[2])), (float(hi[0]), float(hi[1]), float(hi[2]))


def generate(spec: SeedSpec, progress: Progress | None = None) -> Scene:
    """The scene a seed spec describes. Pure: the same spec gives the same bytes on any machine."""
    report = progress or (lambda fraction, label: None)
    seed = spec.seed
    report(0.0, "terrain")
    site = PadSite(center=spec.stage.position, radius=footprint_radius(spec.stage))
    terrain = generate_terrain(spec.terrain, site, stream(seed, "terrain"),
                               progress=lambda f: report(0.6 * f, "terrain"))
    report(0.6, "stage")
    # Without a pad the stage stands on the land at its centre (it may sink into slopes: asked for).
    base = terrain.pad_level if spec.terrain.pad.enabled else float(
        terrain.height_at(np.array(spec.stage.position[0]), np.array(spec.stage.position[1])))
    stage = generate_stage(spec.stage, base, stream(seed, "stage"))
    report(0.65, "audience")
    audience = tuple(generate_audience(group, i, terrain, stage, stream(seed, f"audience/{i}"))
                     for i, group in enumerate(spec.audience))
    report(0.85, "props")
    props = generate_props(spec.props, stage, stream(seed, "props"))
    report(0.9, "sky")
    origin = (stage.center[0], stage.top, stage.center[1])
    sky = generate_sky(spec.sky, stream(seed, "sky"), origin=origin)
    lights = generate_lights(spec.lights, stage)
    # The far plane must reach whatever floats beyond the terrain: sky screens, a dome of eyes.
    reach = max([spec.sky.screens.distance if spec.sky.screens.count else 0.0]
                + [g.dome_radius for g in spec.audience if g.layout == "sky-dome" and g.count])
    camera = generate_camera(spec.camera, stage, terrain, reach=reach, props=props, audience=audience)
    lo, hi = _bounds(terrain, stage, audience, props)
    performance = resolve_performance(spec, seed_to_int(seed), stage, audience, props, lights, camera, terrain,
                                      reach=reach)
    report(1.0, "done")
    return Scene(
        name=spec.name, seed=seed, seed_hex=f"{seed_to_int(seed):016x}", generator_version=__version__,
        spec_hash=spec_hash(spec), spec=spec, terrain=terrain, stage=stage, audience=audience, props=props,
        sky=sky, lights=lights, camera=camera, bounds_min=lo, bounds_max=hi,
        performance=performance,
    )
