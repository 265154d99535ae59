"""JSON Schemas of the files people write, for editors (``ladderpress schema``).

The shipped YAML files start with a ``yaml-language-server`` comment pointing at these,
so editors with YAML support autocomplete keys and flag mistakes while people type. The
schemas come from the same pydantic models that validate the files; a test fails when a
committed schema is out of date.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import ConfigDict, TypeAdapter, create_model

from ladderpress.errors import UsageError
from ladderpress.model import Brand, Ladder, Level, Person, Recipe
from ladderpress.write import atomic_write

SCHEMA_DIR = "schemas"


def _content_fields() -> dict[str, Any]:
    """The ladder's top-level fields but ``levels``, each optional with ``None`` as its default."""
    fields: dict[str, Any] = {}
    for name, info in Ladder.model_fields.items():
        assert info.annotation is not None  # pydantic knows the type of every field of a model
        if name != "levels":
            fields[name] = (info.annotation | None, None)
    return fields


# A content file (content/*.yaml) holds some of the ladder's top-level fields; levels have their own files.
ContentFile = create_model("ContentFile", __config__=ConfigDict(extra="forbid"), **_content_fields())


def schemas() -> dict[str, dict[str, Any]]:
    """Schema name → JSON Schema."""
    return {
        "content": ContentFile.model_json_schema(),
        "level": Level.model_json_schema(),
        "recipe": Recipe.model_json_schema(),
        "brand": Brand.model_json_schema(),
        "roster": TypeAdapter(list[Person]).json_schema(),
    }


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_schemas(root: Path) -> list[Path]:
    """Write every schema into ``root/schemas/``; never through a link out of the project.

    Each file is replaced by renaming (a link in its place is replaced, not followed).
    """
    folder = root / SCHEMA_DIR
    folder.mkdir(exist_ok=True)
    if not folder.resolve().is_relative_to(root.resolve()):
        raise UsageError(f"{folder} is a link to a folder outside the project; replace it with a real folder")
    written = []
    for name, schema in schemas().items():
        path = folder / f"{name}.schema.json"
        atomic_write(path, render(schema).encode("utf-8"))
        written.append(path)
    return written
