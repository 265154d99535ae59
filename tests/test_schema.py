"""Editor support: the committed JSON Schemas match the models, describe every field, list the project's
ids, and the shipped YAML names them."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ladderpress.cli import main
from ladderpress.schema import SCHEMA_DIR, project_schemas, render, schemas
from tests.conftest import ROOT


@pytest.mark.parametrize("name", sorted(schemas()))
def test_committed_schema_is_up_to_date(name: str) -> None:
    # the committed schemas are the default project's: the shipped YAML files name them, so they list its ids
    found, with_ids = project_schemas(ROOT)
    assert with_ids
    committed = ROOT / SCHEMA_DIR / f"{name}.schema.json"
    assert committed.read_text(encoding="utf-8") == render(found[name]), (
        f"{committed} is out of date with the models or the default content: run `ladderpress schema` "
        "and commit the result"
    )


def _properties(node: Any, where: str) -> Iterator[tuple[str, Any]]:
    """Every property of every object in a schema, wherever it is (top level, $defs, inside anyOf and items)."""
    if isinstance(node, dict):
        for name, value in node.get("properties", {}).items():
            yield f"{where}.{name}", value
        for key, value in node.items():
            yield from _properties(value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _properties(value, f"{where}[{i}]")


@pytest.mark.parametrize("name", sorted(schemas()))
def test_every_field_of_every_schema_is_described(name: str) -> None:
    found = schemas()[name]
    properties = list(_properties(found, name))
    assert len(properties) > 5
    undescribed = [where for where, value in properties if not value.get("description", "").strip()]
    assert undescribed == [], "fields an editor would show without a word of help"
    models = [found, *found.get("$defs", {}).values()]
    assert all(model.get("description") for model in models if "properties" in model)


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
    assert "scope" in level["required"] and level["additionalProperties"] is False


def test_a_rosters_schema_knows_the_columns_its_recipes_name(tmp_path: Path) -> None:
    committed = json.loads((ROOT / SCHEMA_DIR / "roster.schema.json").read_text(encoding="utf-8"))
    person = committed["$defs"]["Person"]["properties"]
    assert "email" in person and "extra" not in person  # extra is filled from named columns, never written
    project = tmp_path / "p"
    shutil.copytree(ROOT / "content", project / "content")
    shutil.copytree(ROOT / "guides", project / "guides")
    recipe = project / "guides/onboarding.yaml"
    recipe.write_text(recipe.read_text(encoding="utf-8") + "roster_columns: [office, employee_id]\n", "utf-8")
    assert main(["--project", str(project), "schema", "-q"]) == 0
    roster = json.loads((project / SCHEMA_DIR / "roster.schema.json").read_text(encoding="utf-8"))
    person = roster["$defs"]["Person"]["properties"]
    assert person["office"] == {
        "description": "A column guides/onboarding.yaml names in roster_columns: its templates show it as "
        "person.extra.office (as text).",
        "type": ["string", "number", "boolean"],
    }
    assert "employee_id" in person and roster["$defs"]["Person"]["additionalProperties"] is False


def _enum(node: dict[str, Any]) -> list[str]:
    """The ids an id field of a project's schema allows (in its list's items, or its non-null choice)."""
    if "items" in node:
        return _enum(node["items"])
    if "anyOf" in node:
        enums = [_enum(choice) for choice in node["anyOf"] if choice.get("type") != "null"]
        return next(enum for enum in enums if enum)
    return list(node.get("enum", []))


def test_a_projects_schemas_list_its_own_ids(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(ROOT / "content", project / "content")
    shutil.copytree(ROOT / "guides", project / "guides")
    (project / "content/levels/staff-pm.yaml").write_text(
        "id: staff-pm\ncode: IC9\ntitle: Staff PM\nshort_title: Staff PM\nband: band-7\nrank: 8\ntracks: [ic]\n"
        "scope: A level added to this project only.\ndescription: Its schemas must know it.\nduties: [Everything]\n",
        encoding="utf-8",
    )
    assert main(["schema", "--project", str(project), "-q"]) == 0

    def read(kind: str) -> dict[str, Any]:
        return json.loads((project / SCHEMA_DIR / f"{kind}.schema.json").read_text(encoding="utf-8"))

    level, content, recipe, roster = read("level"), read("content"), read("recipe"), read("roster")
    levels = sorted(path.stem for path in (project / "content/levels").glob("*.yaml"))
    assert "staff-pm" in levels and len(levels) == 9
    tracks, bands = ["ic", "manager"], [f"band-{i}" for i in range(1, 8)]
    assert _enum(level["properties"]["leads_to"]) == levels
    assert _enum(level["properties"]["reports_to"]) == levels  # the list of ids; text stays free
    assert {"type": "string", "maxLength": 20000, "minLength": 1} in level["properties"]["reports_to"]["anyOf"]
    assert _enum(level["properties"]["tracks"]) == tracks
    assert _enum(level["properties"]["band"]) == bands
    assert _enum(level["$defs"]["Move"]["properties"]["to"]) == levels
    competency = content["$defs"]["Competency"]["properties"]
    assert competency["expectations"]["propertyNames"]["enum"] == levels
    assert _enum(competency["tracks"]) == tracks
    assert _enum(content["$defs"]["Expectation"]["properties"]["builds_on"]) == levels
    assert _enum(content["$defs"]["Specialisation"]["properties"]["levels"]) == levels
    assert _enum(content["$defs"]["FaqEntry"]["properties"]["levels"]) == levels
    selection = recipe["$defs"]["Selection"]["properties"]
    assert _enum(selection["levels"]) == levels and _enum(selection["track"]) == tracks
    assert _enum(roster["$defs"]["Person"]["properties"]["level"]) == levels
    # no families or scales in this ladder: those fields stay open (an empty enum would allow nothing)
    assert "enum" not in json.dumps(selection["family"]) and "enum" not in json.dumps(competency["scale"])
    assert "enum" not in json.dumps(content["$defs"]["Expectation"]["properties"]["step"])
    # a level may give a band instead of a rank (it takes the band's)
    assert "rank" not in level["required"] and {"required": ["band"]} in level["anyOf"]


def test_schemas_of_a_project_whose_content_has_problems_are_written_without_ids(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(ROOT / "content", tmp_path / "content")
    (tmp_path / "content/levels/pm.yaml").write_text("id: pm\n", encoding="utf-8")
    assert main(["schema", "--project", str(tmp_path)]) == 0
    assert "do not list the project's level, track and other ids" in capsys.readouterr().err
    level = json.loads((tmp_path / SCHEMA_DIR / "level.schema.json").read_text(encoding="utf-8"))
    assert level == json.loads(render(schemas()["level"]))
