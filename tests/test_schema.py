"""Editor support: the committed JSON Schemas match the models, and the shipped YAML names them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ladderpress.cli import main
from ladderpress.schema import SCHEMA_DIR, render, schemas
from tests.conftest import ROOT


@pytest.mark.parametrize("name", sorted(schemas()))
def test_committed_schema_is_up_to_date(name: str) -> None:
    committed = ROOT / SCHEMA_DIR / f"{name}.schema.json"
    assert committed.read_text(encoding="utf-8") == render(schemas()[name]), (
        f"{committed} is out of date with the models: run `python build.py schema` and commit the result"
    )


def test_every_shipped_yaml_file_names_its_schema() -> None:
    expected = {"content": "content", "levels": "level", "guides": "recipe"}
    files = [
        *ROOT.glob("content/*.yaml"),
        *ROOT.glob("content/levels/*.yaml"),
        *ROOT.glob("guides/*.yaml"),
        *ROOT.glob("brands/*/brand.yaml"),
    ]
    assert len(files) > 20
    for path in files:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        kind = "brand" if path.name == "brand.yaml" else expected[path.parent.name]
        assert first.startswith("# yaml-language-server: $schema="), path
        target = (path.parent / first.split("=", 1)[1]).resolve()
        assert target == (ROOT / SCHEMA_DIR / f"{kind}.schema.json").resolve(), path


def test_schema_command_writes_the_schemas(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    assert main(["--project", str(tmp_path), "schema"]) == 0
    assert main(["--project", str(tmp_path / "nowhere"), "schema"]) == 2
    level = json.loads((tmp_path / SCHEMA_DIR / "level.schema.json").read_text(encoding="utf-8"))
    assert "duties" in level["required"] and level["additionalProperties"] is False
