"""The shipped JSON Schemas: in step with the declarations, valid, and agreeing with the loader."""

from __future__ import annotations

import json

import jsonschema
import pytest
import yaml

from scenegen.schema import scene_schema, seed_schema, shipped_schema
from scenegen.seedfile import SeedError, parse_seed, spec_to_data
from scenegen.spec import SeedSpec

from .conftest import EXAMPLES, ROOT


@pytest.mark.parametrize("name, make", [("seed", seed_schema), ("scene", scene_schema)])
def test_shipped_schema_is_current(name, make) -> None:
    assert shipped_schema(name) == json.loads(json.dumps(make())), (
        f"regenerate with: python -m scenegen schema {name} -o scenegen/schema/{name}.schema.json")


@pytest.mark.parametrize("name", ["seed", "scene"])
def test_schema_is_valid_draft_2020_12(name) -> None:
    jsonschema.Draft202012Validator.check_schema(shipped_schema(name))


def test_schema_defaults_are_the_spec_defaults() -> None:
    props = shipped_schema("seed")["properties"]
    assert props["terrain"]["default"] == spec_to_data(SeedSpec().terrain)
    assert props["terrain"]["properties"]["resolution"]["maximum"] == 4097
    assert "Limit: 4097" in props["terrain"]["properties"]["resolution"]["description"]


@pytest.mark.parametrize("path", [*EXAMPLES, ROOT / "tests" / "data" / "fuzz_base.yaml"], ids=lambda p: p.name)
def test_example_seeds_satisfy_the_schema(path) -> None:
    jsonschema.Draft202012Validator(shipped_schema("seed")).validate(yaml.safe_load(path.read_text()))


@pytest.mark.parametrize("text", ["seed: 1\nterrain: {resolutoin: 3}\n", "terrain: {resolution: 99999}\n",
                                  "stage: {material: glass}\n", "stage: {color: red}\n", "seed: -3\n",
                                  "audience: [{count: 1.5}]\n", "sky: {gradient: {from: noon}}\n"])
def test_schema_and_loader_refuse_alike(text: str) -> None:
    with pytest.raises(SeedError):
        parse_seed(text)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(yaml.safe_load(text), shipped_schema("seed"))
