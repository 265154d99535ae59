"""Writing ``--into DIR``: the project made as ``ladderpress init`` makes one, with the imported content in
place of the sample's.

The content files are written from the validated model (so what is read back is the same ladder), laid out
as the starter's, with a TODO where text is placeholder; the starter's recipes, brand, schemas and sample
roster (at the imported levels) come with them. The project is made beside the folder and renamed into place
once it loads, so a failure leaves nothing half made.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from ladderpress.errors import UsageError
from ladderpress.importer.cells import one_line
from ladderpress.importer.mapping import scalar
from ladderpress.importer.placeholders import PLACEHOLDER_DESCRIPTION, PLACEHOLDER_SCOPE
from ladderpress.importer.result import Imported
from ladderpress.model import Ladder

CONTENT_FILES: list[tuple[str, tuple[str, ...]]] = [
    (
        "ladder.yaml",
        (
            "format", "title", "subtitle", "field", "organisation", "language", "date", "paper", "allow_html",
            "introduction", "how_to_read", "responsibilities", "distinctions", "families", "bands", "scales",
        ),
    ),
    ("tracks.yaml", ("tracks",)),
    ("competencies.yaml", ("competencies",)),
    ("specialisations.yaml", ("specialisations",)),
    ("progression.yaml", ("progression", "beyond_the_top")),
    ("ways-in.yaml", ("ways_in",)),
    ("lateral-moves.yaml", ("lateral_moves",)),
    ("skills.yaml", ("skills_intro", "skills")),
    ("faq.yaml", ("faq",)),
    ("onboarding.yaml", ("onboarding",)),
]  # fmt: skip
"""Which of the ladder's fields each content file holds, as in the starter project."""
SCHEMA_LINE = "# yaml-language-server: $schema={up}schemas/{schema}.schema.json\n"


class _Dumper(yaml.SafeDumper):
    """Block lists indented under their key, multi-line text as ``|`` blocks."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _text_representer(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    style = "|" if "\n" in text else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


def _list_representer(dumper: yaml.SafeDumper, items: list[Any]) -> yaml.SequenceNode:
    """A list of numbers or of ids on one line, like the starter's ``tracks: [ic, manager]``."""
    flow = bool(items) and all(
        item is None
        or (isinstance(item, int) and not isinstance(item, bool))
        or (isinstance(item, str) and re.fullmatch(r"[a-z0-9][a-z0-9-]{0,40}", item) is not None)
        for item in items
    )
    return dumper.represent_sequence("tag:yaml.org,2002:seq", items, flow_style=flow)


_Dumper.add_representer(str, _text_representer)
_Dumper.add_representer(list, _list_representer)


def dump_yaml(value: Any) -> str:
    return yaml.dump(value, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False)


def content_files(imported: Imported) -> dict[str, str]:
    """Each content file's path (``content/…``) → its text: the validated ladder, written as the starter's files.

    Written from the model (defaults left out) rather than from the sheets' data, so what is read back is
    the same ladder; an expectation with only a text is written as its sentence.
    """
    dumped = imported.ladder.model_dump(mode="python", exclude_defaults=True)
    dumped = {"format": 2, **dumped}
    source = PurePosixPath(imported.source).name
    written: dict[str, str] = {}
    todo = imported.placeholders
    for file, keys in CONTENT_FILES:
        part = {key: dumped[key] for key in keys if key in dumped}
        if not part:
            continue
        if file == "competencies.yaml":
            part = {"competencies": [_plain_expectations(theme) for theme in part["competencies"]]}
        head = SCHEMA_LINE.format(up="../", schema="content")
        head += f"# Imported from {source} by ladderpress import.\n"
        note = todo.get(f"content/{file}")
        if note:
            head += f"# TODO: {note}; make it your own.\n"
        written[f"content/{file}"] = head + dump_yaml(part)
    for level in dumped["levels"]:
        head = SCHEMA_LINE.format(up="../../", schema="level")
        head += f"# Imported from {source} by ladderpress import.\n"
        note = todo.get("content/levels/")
        if note and any(
            level.get(name) == template.format(title=level["title"])
            for name, template in (("scope", PLACEHOLDER_SCOPE), ("description", PLACEHOLDER_DESCRIPTION))
        ):
            head += "# TODO: the scope and description are placeholder text; write the level's own.\n"
        written[f"content/levels/{level['id']}.yaml"] = head + dump_yaml(level)
    return written


def _plain_expectations(theme: dict[str, Any]) -> dict[str, Any]:
    for competency in theme["competencies"]:
        competency["expectations"] = {
            level: expectation["text"] if list(expectation) == ["text"] else expectation
            for level, expectation in competency["expectations"].items()
        }
    return theme


TRACK_RECIPE = """\
# yaml-language-server: $schema=../schemas/recipe.schema.json
# The handbook restricted to one track.
title: {title}
description: The levels of the {name} track.
template: handbook.html
select:
  track: {track}
output: {track}-track.pdf
"""
STARTER_RECIPES = ("handbook.yaml", "level-guides.yaml", "one-pagers.yaml", "onboarding.yaml")
"""The starter's recipes that name none of its tracks or levels (the track books are made for the new tracks)."""


def project_files(imported: Imported, folder_name: str) -> dict[str, str]:
    """Every text file of the new project but the starter's brand and the schemas: content, recipes, roster,
    README and .gitignore."""
    from ladderpress.packaged import builtin_dir
    from ladderpress.scaffold import PROJECT_README

    made = content_files(imported)
    ladder = imported.ladder
    guides = builtin_dir("guides")
    for name in STARTER_RECIPES:
        text = (guides / name).read_text(encoding="utf-8")
        if name == "handbook.yaml":
            text = re.sub(r"(?m)^title: .*$", f"title: {scalar(ladder.title)}", text)
            text = re.sub(r"(?m)^description: .*$", "description: The complete ladder, and how to grow along it.", text)
        made[f"guides/{name}"] = text
    if len(ladder.tracks) > 1:
        for track in ladder.tracks:
            made[f"guides/{track.id}-track.yaml"] = TRACK_RECIPE.format(
                title=scalar(f"{ladder.title} — {track.name}"), name=one_line(track.name), track=track.id
            )
    made["examples/new-hires.csv"] = _roster(ladder)
    made["README.md"] = PROJECT_README.format(title=folder_name)
    made[".gitignore"] = "/out/\n"
    return made


def _roster(ladder: Ladder) -> str:
    """The starter's sample roster of fictional new hires, each at one of the imported levels in turn."""
    from ladderpress.packaged import builtin_dir

    text = (builtin_dir("examples") / "new-hires.csv").read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header, people = rows[0], rows[1:]
    level_at, track_at = header.index("level"), header.index("track")
    ranked = ladder.ranked_levels()
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for i, person in enumerate(people):
        person = list(person)
        person[level_at] = ranked[i % len(ranked)].id
        person[track_at] = ""
        writer.writerow(person)
    return out.getvalue()


def write_project(imported: Imported, folder: Path) -> list[str]:
    """Make the project in ``folder`` (which must not exist, or be empty), as ``ladderpress init`` does, with
    the imported content; return the files written (relative). It is made beside ``folder`` and renamed
    into place once it loads cleanly, so a failure leaves nothing half made."""
    from ladderpress.load import load_project
    from ladderpress.packaged import builtin_root
    from ladderpress.schema import write_schemas

    _refuse_into(folder)
    parent = folder.absolute().parent
    scratch = parent / f".{folder.name}.importing-{os.getpid()}"
    made = project_files(imported, folder.absolute().name)
    try:
        parent.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(scratch, ignore_errors=True)
        scratch.mkdir()
        shutil.copytree(builtin_root() / "brands" / "acme", scratch / "brands" / "acme")
        for relative_path, text in made.items():
            target = scratch / relative_path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        write_schemas(scratch)
        load_project(scratch)  # never hand over a project that does not load: that would be a bug here
        if folder.exists():
            folder.rmdir()
        scratch.rename(folder)
    except OSError as exc:  # said of the folder asked for, never of the scratch folder beside it
        shutil.rmtree(scratch, ignore_errors=True)
        raise OSError(exc.errno, f"cannot make the project there ({exc.strerror or exc})", str(folder)) from None
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    return sorted([*made, "brands/acme/", "schemas/"])


def _refuse_into(folder: Path) -> None:
    """Refuse a ``--into`` folder the project cannot be made in as asked, saying why and what to give.

    A link is refused, to a folder or to nothing: the project is renamed into place, which would replace
    the link rather than fill the folder it names; the folder itself is what to give. A folder that exists
    and holds anything is refused (nothing is written over). A folder inside an existing project (one
    above it holds ``content/ladder.yaml``) is refused too: the new project's content, recipes and brand
    would sit among the other project's files, which its build and check never read, when what was meant
    is almost always that project's own content; the fix says how to get that."""
    if folder.is_symlink():
        target = os.readlink(folder)
        if folder.exists():
            raise UsageError(f"{folder} is a link (to {target}); give the folder itself, as --into {folder.resolve()}")
        raise UsageError(f"{folder} is a link to {target}, which does not exist; give the folder to make, not a link")
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise UsageError(f"{folder} already exists and is not an empty folder; choose a new folder for the project")
    absolute = folder.absolute().resolve()  # the folder as it will be, links on the way followed
    for above in absolute.parents:
        if (above / "content" / "ladder.yaml").is_file():
            raise UsageError(
                f"{folder} is inside the project {above}, which would not read it; choose a folder outside it, "
                f"as --into {above.parent / absolute.name} (to change that project's content, import into a new "
                "folder and copy its content/ over the project's)"
            )
