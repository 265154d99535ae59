"""Read a roster of new hires (CSV as exported from an HR system, or YAML) into people.

Rows are validated like content, but one at a time: a bad row is reported with its
row number and a fix, and the other rows are still built. Extra columns are ignored
with one warning. Output file names are made from the person's name, safely.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ladderpress.errors import Problem, did_you_mean, plain_words, relative
from ladderpress.load import YamlProblem, read_yaml
from ladderpress.model import Ladder, Person

MAX_ROSTER_BYTES = 5_000_000
MAX_ROWS = 10_000
COLUMNS = list(Person.model_fields)
REQUIRED = [name for name, info in Person.model_fields.items() if info.is_required()]


@dataclass(frozen=True)
class Entry:
    """A valid roster row."""

    person: Person
    row: int
    """Line of the file the person is on (CSV: the header is line 1)."""
    slug: str
    """A safe file name made from the person's name."""


@dataclass
class Roster:
    entries: list[Entry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    """Rows that cannot be built, one problem each (at least)."""
    warnings: list[str] = field(default_factory=list)
    fatal: bool = False
    """The file itself cannot be read: nothing in it can be built."""


def read_roster(path: Path, root: Path, ladder: Ladder) -> Roster:
    """Every valid person in the roster, and one located problem per bad row."""
    name = relative(path, root)
    roster = Roster()
    try:
        if not path.is_file():
            raise _Fatal(Problem(name, "roster not found", hint="check the path given to --roster"))
        if path.stat().st_size > MAX_ROSTER_BYTES:
            raise _Fatal(Problem(name, f"is larger than {MAX_ROSTER_BYTES // 1_000_000} MB", hint="split the roster"))
        rows = _yaml_rows(path, root) if path.suffix.lower() in (".yaml", ".yml") else _csv_rows(path, name, roster)
    except _Fatal as exc:
        roster.problems.append(exc.problem)
        roster.fatal = True
        return roster
    if len(rows) > MAX_ROWS:
        roster.problems.append(Problem(name, f"has {len(rows)} rows, more than the {MAX_ROWS} allowed",
                                       hint="split the roster"))
        roster.fatal = True
        return roster
    seen: dict[str, int] = {}
    slugs: set[str] = set()
    for line, values in rows:
        person, problems = _check_row(values, line, name, ladder)
        if person is None:
            roster.problems += problems
            continue
        key = " ".join(person.name.casefold().split())
        if key in seen:
            roster.problems.append(Problem(name, f"'{person.name}' is already on row {seen[key]}", line,
                                           field="name", hint="remove the duplicate row"))
            continue
        seen[key] = line
        slug = base = person_slug(person.name)
        suffix = 1
        while slug in slugs:  # two names that make the same file name: number the later ones
            suffix += 1
            slug = f"{base}-{suffix}"
        slugs.add(slug)
        roster.entries.append(Entry(person, line, slug))
    return roster


class _Fatal(Exception):
    def __init__(self, problem: Problem) -> None:
        self.problem = problem


def _csv_rows(path: Path, name: str, roster: Roster) -> list[tuple[int, dict[str, Any]]]:
    try:
        text = path.read_text(encoding="utf-8-sig")  # spreadsheets often start with a byte-order mark
    except UnicodeDecodeError:
        raise _Fatal(Problem(name, "is not UTF-8 text", hint="export the roster as CSV UTF-8")) from None
    reader = csv.DictReader(text.splitlines())
    try:
        return _csv_records(reader, name, roster)
    except csv.Error as exc:
        raise _Fatal(Problem(name, f"is not a readable CSV file ({exc})", reader.line_num,
                             hint="export the roster again as CSV UTF-8")) from None


def _csv_records(reader: csv.DictReader, name: str, roster: Roster) -> list[tuple[int, dict[str, Any]]]:
    header = [column.strip() for column in reader.fieldnames or []]
    missing = [column for column in REQUIRED if column not in header]
    if missing:
        hints = [did_you_mean(column, header).removeprefix("; ") for column in missing]
        raise _Fatal(Problem(name, f"the header lacks column(s) {', '.join(missing)}", 1,
                             hint="; ".join(h for h in hints if h.startswith("did")) or
                             f"the columns are: {', '.join(COLUMNS)}"))
    extra = [column for column in header if column not in COLUMNS]
    if extra:
        roster.warnings.append(f"{name}: ignoring column(s) {', '.join(extra)}; the columns used are "
                               f"{', '.join(COLUMNS)}")
    rows = []
    for record in reader:
        values = {key.strip(): value.strip() for key, value in record.items()
                  if key and key.strip() in COLUMNS and isinstance(value, str) and value.strip()}
        rows.append((reader.line_num, values))
    return rows


def _yaml_rows(path: Path, root: Path) -> list[tuple[int, dict[str, Any]]]:
    try:
        value, marks = read_yaml(path, root)
    except YamlProblem as exc:
        raise _Fatal(exc.problem) from None
    if not isinstance(value, list):
        raise _Fatal(Problem(relative(path, root), "must be a list of people, one '- name: …' entry each", 1))
    rows = []
    for i, item in enumerate(value):
        line = marks.get((i,), (path, i + 1, 1))[1]
        values = {k: v for k, v in item.items() if k in COLUMNS} if isinstance(item, dict) else {"name": item}
        rows.append((line, values))
    return rows


def _check_row(values: dict[str, Any], line: int, name: str, ladder: Ladder) -> tuple[Person | None, list[Problem]]:
    """The row's person, or None and its problems, each naming the file, row and column."""
    problems = []
    try:
        person = Person.model_validate(values)
    except ValidationError as exc:
        for error in exc.errors():
            column = str(error["loc"][0]) if error["loc"] else None
            message, hint = plain_words(error, COLUMNS)
            if error["type"] == "date_from_datetime_parsing" or "date" in error["type"]:
                message, hint = f"'{values.get(column)}' is not a date", "write dates as YYYY-MM-DD, like 2027-01-31"
            problems.append(Problem(name, message, line, field=column, hint=hint))
        return None, problems
    level_ids = [lv.id for lv in ladder.levels]
    level_id = values["level"]
    if level_id not in level_ids:
        problems.append(Problem(name, f"unknown level '{level_id}'", line, field="level",
                                hint=did_you_mean(level_id, level_ids).removeprefix("; ")))
    elif values.get("track"):
        tracks = ladder.level(level_id).tracks
        if values["track"] not in tracks:
            problems.append(Problem(name, f"level '{level_id}' is not on track '{values['track']}'", line,
                                    field="track", hint=did_you_mean(values["track"], tracks).removeprefix("; ")))
    return (None if problems else person), problems


def person_slug(name: str) -> str:
    """A file name from a person's name: ASCII letters, digits and hyphens only, never a path."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:60].strip("-")
    return slug or "person"
