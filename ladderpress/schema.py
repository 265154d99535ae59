"""JSON Schemas of the files people write, for editors (``ladderpress schema``).

The shipped YAML files start with a ``yaml-language-server`` comment pointing at these,
so editors with YAML support autocomplete keys and flag mistakes while people type. The
schemas come from the same pydantic models that validate the files (every field described
by its docstring); a test fails when a committed schema is out of date.

A project's schemas also know its ids: where a field names a level, track, band, scale,
family or level section of the ladder, the schema lists that project's ids (``enum``), so an
editor completes them and flags a misspelt one before any build. The ids are the ladder's as
read when ``ladderpress schema`` ran (``init`` runs it too); run it again after adding a level.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from pydantic import ConfigDict, Field, TypeAdapter, create_model

from ladderpress.errors import ID, UsageError
from ladderpress.model import Brand, Ladder, Level, Person, Recipe
from ladderpress.write import atomic_write

SCHEMA_DIR = "schemas"


def _content_fields() -> dict[str, Any]:
    """The ladder's top-level fields but ``levels``, each optional with ``None`` as its default."""
    fields: dict[str, Any] = {}
    for name, info in Ladder.model_fields.items():
        assert info.annotation is not None  # pydantic knows the type of every field of a model
        if name != "levels":
            fields[name] = (info.annotation | None, Field(None, description=info.description))
    return fields


# A content file (content/*.yaml) holds some of the ladder's top-level fields; levels have their own files.
ContentFile = create_model(
    "ContentFile",
    __config__=ConfigDict(extra="forbid", use_attribute_docstrings=True),
    __doc__="Some of the ladder's top-level fields: content/ladder.yaml, tracks.yaml, faq.yaml, …",
    **_content_fields(),
)

DESCRIPTIONS: dict[str, dict[str, str]] = {
    "Recipe": {
        "title": "The document's title: PDF metadata, cover and footer.",
        "description": "A line about the document: the PDF's subject.",
        "template": "The template that lays the document out, such as handbook.html (a brand's or the project's "
        "own file of that name wins over the built-in one).",
        "styles": "The stylesheets to apply, in order; default: base.css and the one named after the template.",
        "select": "Which levels the document covers: all by default, or one family, one track or a list of ids.",
        "per": "document (one PDF), level (one PDF per selected level) or person (one packet per person on a roster).",
        "output": "The PDF's path inside the output folder; may use {level}, {track}, {recipe} and {person}, "
        "such as levels/{level}.pdf.",
        "max_pages": "The most pages the document may have: its layout is tightened first, then it fails, "
        "naming what to shorten.",
    },
    "Brand": {
        "logo": "A logo file in the brand folder (SVG or PNG), shown on covers and on documents about one level.",
        "colours": (
            "The brand's colours as #RRGGBB; each must give text a contrast of at least 4.5:1 on white "
            "and on the pale panels (#f3f5f8)."
        ),
        "fonts": "Fonts from files in the brand folder: the body font, and a heading font if it differs; "
        "without them the built-in Inter is used.",
        "paper": "The default paper, A4 or Letter (a recipe or --paper wins).",
        "language": "The documents' language, such as en-GB, en-US or de (hyphenation follows it).",
    },
    "BrandColours": {"text": "Running text: must be readable on white and on the pale panels."},
    "BrandFonts": {
        "body": "The font of running text.",
        "heading": "The font of headings; the body font when not given.",
    },
    "FontFiles": {
        "family": "The family's name, as CSS will call it, such as Lato.",
        "regular": "The regular face: a .ttf, .otf, .woff or .woff2 file in the brand folder.",
        "italic": "The italic face, a file in the brand folder.",
        "semibold": "The semibold (600) face, a file in the brand folder.",
        "bold": "The bold (700) face, a file in the brand folder.",
    },
    "Person": {
        "name": "The person's full name as they write it, in any script and order: printed on their packet's "
        "cover and in its metadata (and, transliterated, in its file name); the greeting too, "
        "unless preferred_name is given.",
        "level": "The id of the level they join at.",
        "team": "The team they join.",
        "manager": "Their manager's name.",
        "buddy": "Their onboarding buddy's name.",
        "start_date": "Their first day, as YYYY-MM-DD.",
        "track": "The track they join, for a level on more than one (its id).",
        "preferred_name": "The name they go by, used in the greeting ('Welcome, Ana'); without it they are greeted "
        "by their full name, as no first name is guessed (many names put the family name first).",
        "language": "The language of their packet, such as en-GB.",
        "email": "Their email address, listed beside their packet in onboarding/manifest.csv for sending.",
    },
}
"""Descriptions of the fields whose models give none (brands, rosters and some recipe fields)."""

MODEL_DESCRIPTIONS = {
    "BrandColours": "The brand's colours, as #RRGGBB.",
    "BrandFonts": "The brand's fonts, from files in the brand folder.",
}
"""Descriptions of the models that have no docstring."""

REFERENCES: dict[str, dict[str, str]] = {
    "Level": {"tracks": "track", "band": "band", "reports_to": "level", "leads_to": "level"},
    "Move": {"to": "level"},
    "Track": {"family": "family"},
    "CompetencyTheme": {"tracks": "track", "families": "family"},
    "Competency": {"scale": "scale", "tracks": "track", "families": "family", "expectations": "level"},
    "Expectation": {"builds_on": "level"},
    "Specialisation": {"tracks": "track", "levels": "level"},
    "FaqEntry": {"levels": "level"},
    "OnboardingVariant": {"bands": "band", "levels": "level"},
    "Selection": {"family": "family", "track": "track", "levels": "level"},
    "Recipe": {"level_sections": "section"},
    "Person": {"level": "level", "track": "track"},
}
"""Model → field → the kind of id it names; in a project's schemas those fields list the project's ids."""


def ids_of(ladder: Ladder) -> dict[str, list[str]]:
    """Each kind of id a field may name → the ladder's ids of that kind, sorted."""
    return {
        "level": sorted({level.id for level in ladder.levels}),
        "track": sorted({track.id for track in ladder.tracks}),
        "band": sorted({band.id for band in ladder.bands}),
        "scale": sorted({scale.id for scale in ladder.scales}),
        "family": sorted({family.id for family in ladder.families}),
        "section": sorted({section.id for level in ladder.levels for section in level.sections}),
    }


def schemas(ladder: Ladder | None = None, roster_columns: Mapping[str, str] | None = None) -> dict[str, dict[str, Any]]:
    """Schema name → JSON Schema; with a ladder, the fields that name its ids list them.

    ``roster_columns`` maps each column that the project's recipes name in ``roster_columns`` to the
    recipe file naming it: a YAML roster may then write those keys (a person's ``extra`` is never one).
    """
    found = {
        "content": ContentFile.model_json_schema(),
        "level": Level.model_json_schema(),
        "recipe": Recipe.model_json_schema(),
        "brand": Brand.model_json_schema(),
        "roster": _roster(roster_columns or {}),
    }
    _rank_or_band(found["level"])
    ids = ids_of(ladder) if ladder is not None else {}
    for schema in found.values():
        for model, node in _models(schema):
            if model in MODEL_DESCRIPTIONS:
                node.setdefault("description", MODEL_DESCRIPTIONS[model])
            properties = node.get("properties", {})
            for name, description in DESCRIPTIONS.get(model, {}).items():
                if name in properties:
                    properties[name].setdefault("description", description)
            for name, kind in REFERENCES.get(model, {}).items():
                if name in properties and ids.get(kind):  # no ids of a kind: left open, as an empty enum allows none
                    _name_ids(properties[name], ids[kind])
    return found


def _roster(columns: Mapping[str, str]) -> dict[str, Any]:
    """A roster's schema: its people's fields, less ``extra`` (made from the columns recipes name, which
    a roster writes as keys of their own), plus those columns."""
    schema = TypeAdapter(list[Person]).json_schema()
    properties = schema["$defs"]["Person"]["properties"]
    del properties["extra"]
    for column, recipe in sorted(columns.items()):
        properties.setdefault(
            column,
            {
                "description": f"A column {recipe} names in roster_columns: its templates show it as "
                f"person.extra.{column} (as text).",
                "type": ["string", "number", "boolean"],
            },
        )
    return schema


def _rank_or_band(level: dict[str, Any]) -> None:
    """A level file gives its rank, or its band and takes the band's rank (filled in before the model sees it)."""
    level["required"] = [name for name in level["required"] if name != "rank"]
    level["anyOf"] = [{"required": ["rank"]}, {"required": ["band"]}]


def _models(schema: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Each model's schema in ``schema`` (itself and its ``$defs``), with the model's name."""
    if "properties" in schema:
        yield schema.get("title", ""), schema
    yield from schema.get("$defs", {}).items()


def _name_ids(node: Any, ids: list[str]) -> None:
    """Every id in ``node`` (a string of the id pattern, or a mapping's keys of it) becomes one of ``ids``."""
    if isinstance(node, dict):
        if node.get("type") == "string" and node.get("pattern") == ID.regex:
            node["enum"] = list(ids)
        if ID.regex in node.get("patternProperties", {}):
            node.setdefault("propertyNames", {})["enum"] = list(ids)
        for key, value in node.items():
            if key not in ("$defs", "propertyNames"):
                _name_ids(value, ids)
    elif isinstance(node, list):
        for item in node:
            _name_ids(item, ids)


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def project_ladder(root: Path) -> Ladder | None:
    """The project's ladder as a build reads it (a first edition upgraded in memory); None when it has problems."""
    from ladderpress.load import load_ladder

    ladder, _, _ = load_ladder(root / "content", root)
    return ladder


def project_schemas(root: Path) -> tuple[dict[str, dict[str, Any]], bool]:
    """The project's schemas, and whether they list its ids (not when its content has problems); the
    roster's lists the columns its recipes name (those that can be read)."""
    from ladderpress.load import load_recipes

    ladder = project_ladder(root)
    recipes, _, _ = load_recipes(root / "guides", root) if (root / "guides").is_dir() else ({}, {}, [])
    columns = {
        column: f"guides/{name}.yaml"
        for name, recipe in sorted(recipes.items(), reverse=True)  # the first recipe naming a column names it
        for column in recipe.roster_columns or ()
    }
    return schemas(ladder, columns), ladder is not None


def write_schemas(root: Path) -> tuple[list[Path], bool]:
    """Write the project's schemas into ``root/schemas/``; the files written, and whether they list its ids.

    Never through a link out of the project: each file is replaced by renaming (a link in its
    place is replaced, not followed).
    """
    folder = root / SCHEMA_DIR
    folder.mkdir(exist_ok=True)
    if not folder.resolve().is_relative_to(root.resolve()):
        raise UsageError(f"{folder} is a link to a folder outside the project; replace it with a real folder")
    found, with_ids = project_schemas(root)
    written = []
    for name, schema in found.items():
        path = folder / f"{name}.schema.json"
        atomic_write(path, render(schema).encode("utf-8"))
        written.append(path)
    return written, with_ids
