"""The ladder as a workbook, and back: the sheets, their columns and how each cell is written (issue 16).

One contract for both directions. :func:`ladder_to_sheets` lays a validated :class:`~ladderpress.model.Ladder`
out as plain rows of cell values (``ladderpress export`` writes them as XLSX or CSV), and
:func:`sheets_to_content` reads such rows back into the plain data pydantic validates into the same
Ladder (``ladderpress import`` calls it for a workbook ladderpress exported; spreadsheets made by hand
are :mod:`ladderpress.importer`'s). :func:`sheets_to_ladder` does both steps, and names the cell of
every value the model refuses.

Most sheets are tables declared in :data:`TABLES`: a list of the model (``faq``, ``levels``), or the
lists inside each item of one (each level's ``moves``, each scale's ``steps``), one row per item. Column
headers are the model's field names; each column has a :data:`Kind` saying how its value is written in
a cell (:func:`encode`) and read back (:func:`decode`):

- a list of texts is one item per line (read back, a leading ``•``, ``-``, ``*`` or ``–`` is taken off);
- a list of ids is comma-separated;
- years are ``2–4`` or ``15+`` (an en dash: Excel turns ``2-4`` typed in a cell into the 4th of February);
- Markdown stays as written, booleans are TRUE/FALSE, dates are date cells (ISO text in CSV).

Three sheets are more than tables: ``Matrix`` (the grid people know, competencies down the side and
levels across; written for people, read back only when ``Expectations`` is missing), ``Expectations``
(the exact view, one row per expectation) and ``Checklist`` (the general checklist and each
onboarding variant's). Field-and-value sheets (``About``, ``Progression``, ``Onboarding``) hold one
record each. A sheet with nothing to hold is left out.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import ValidationError

from ladderpress.errors import InputErrors, Problem, plain_words
from ladderpress.model import CompetencyTheme, Ladder, Level, LocatedProblems, column_name

Cell = str | int | float | bool | datetime.date | None
"""What a cell holds: what openpyxl reads and writes (a datetime is a date), or text from a CSV file."""

Kind = Literal["text", "texts", "ids", "int", "bool", "date", "years", "reports_to", "texts_or_none"]
"""How a value is written in a cell: text (Markdown too) as written, ``texts`` one item per line, ``ids``
comma-separated, ``years`` as ``2–4`` or ``15+``, ``reports_to`` as text or comma-separated level ids,
``texts_or_none`` as ``texts`` with :data:`NONE` for an empty list (a blank cell is no list at all)."""

NONE = "(none)"
"""An empty list where a blank cell means "not given": an onboarding variant's ``growth: []`` (no ways to grow)."""

BULLETS = re.compile(r"^\s*[•\-*–·]\s+")
"""A bullet people type before an item of a list in a cell: taken off when read."""

Loc = tuple[str | int, ...]
"""Where a value is in the content: field names and list indexes, as pydantic says it."""


@dataclass
class Sheet:
    """One sheet: its name and rows of plain cell values, the header first.

    ``frozen_columns`` and ``merged`` are for people reading it (export freezes the header row and
    these columns, and merges these cells); reading a sheet back needs neither.
    """

    name: str
    rows: list[list[Cell]]
    frozen_columns: int = 1
    merged: list[tuple[int, int, int]] = field(default_factory=list)
    """Cells merged down a column, 1-based: (column, first row, last row); the value is in the first."""


@dataclass(frozen=True)
class Column:
    """A column: its header, how its cells are written, and the model field it holds (the header's name)."""

    header: str
    kind: Kind = "text"
    field: str = ""

    @property
    def key(self) -> str:
        return self.field or self.header


@dataclass(frozen=True)
class Table:
    """A sheet of one list of the model: ``path`` is where the list is (``faq``, ``onboarding.variants``).

    With ``child``, a row is one item of that list inside each item of ``path`` (each level's ``moves``),
    with ``parent`` columns naming the item it belongs to. ``owns_parent``: the rows make those items
    (each scale is its steps' rows); else they join items another sheet made (a move joins its level).
    """

    name: str
    path: str
    columns: tuple[Column, ...]
    child: str = ""
    parent: tuple[Column, ...] = ()
    owns_parent: bool = False
    frozen_columns: int = 1

    @property
    def all_columns(self) -> tuple[Column, ...]:
        return self.parent + self.columns


def _columns(spec: str) -> tuple[Column, ...]:
    """Columns from ``"id name summary:texts"``: each header, with ``:kind`` when it is not text."""
    found = []
    for word in spec.split():
        header, _, kind = word.partition(":")
        header, _, model_field = header.partition("=")
        found.append(Column(header, kind or "text", model_field))  # type: ignore[arg-type]
    return tuple(found)


LEVEL_KEY = _columns("level=id")

TABLES: tuple[Table, ...] = (
    Table(
        "Levels",
        "levels",
        _columns(
            "id code title short_title rank:int band tracks:ids scope description duties:texts experience "
            "years:years time_at_level reports_to:reports_to leads_to:ids promotion_signals:texts"
        ),
    ),
    Table(
        "Tracks",
        "tracks",
        _columns("id name short_name summary family scope skills:texts promotion pros:texts cons:texts"),
    ),
    Table("Bands", "bands", _columns("id name rank:int summary")),
    Table("Families", "families", _columns("id name summary")),
    Table("Distinctions", "distinctions", _columns("role difference")),
    Table(
        "Competencies",
        "competencies",
        _columns("id name summary scale tracks:ids families:ids"),
        child="competencies",
        parent=_columns(
            "theme_id=id theme=name theme_summary=summary theme_tracks=tracks:ids theme_families=families:ids"
        ),
        owns_parent=True,
        frozen_columns=2,
    ),
    Table(
        "Scales",
        "scales",
        _columns("step=id step_name=name step_description=description"),
        child="steps",
        parent=_columns("scale=id scale_name=name scale_summary=summary"),
        owns_parent=True,
    ),
    Table(
        "Moves",
        "levels",
        _columns("to role kind summary criteria:texts evidence:texts business_need typical_time"),
        child="moves",
        parent=LEVEL_KEY,
    ),
    Table("Sublevels", "levels", _columns("code title summary"), child="sublevels", parent=LEVEL_KEY),
    Table("Level sections", "levels", _columns("id title body items:texts"), child="sections", parent=LEVEL_KEY),
    Table(
        "Specialisations",
        "specialisations",
        _columns(
            "id name summary focus:texts typical_background tracks:ids levels:ids requirements:texts "
            "responsibilities:texts"
        ),
    ),
    Table("Ways in", "ways_in", _columns("id title body tips:texts")),
    Table("Lateral moves", "lateral_moves", _columns("title summary roles:texts")),
    Table("Skills", "skills", _columns("name description")),
    Table("FAQ", "faq", _columns("question answer levels:ids audience:ids")),
    Table(
        "Onboarding variants",
        "onboarding.variants",
        _columns("variant=:int bands:ids levels:ids welcome introduction growth:texts_or_none"),
    ),
)
"""The sheets that are lists of the model, in the order a workbook shows them (after About, before the
matrix). ``variant=`` is no field: it numbers the variants, for the Checklist sheet to name them."""

RECORDS: dict[str, tuple[str, tuple[Column, ...]]] = {
    "About": (
        "",
        _columns(
            "format:int title subtitle field organisation language date:date paper allow_html:bool "
            "introduction how_to_read skills_intro responsibilities:texts beyond_the_top:texts"
        ),
    ),
    "Progression": ("progression", _columns("summary notes:texts tip")),
    "Onboarding": ("onboarding", _columns("welcome introduction growth:texts")),
}
"""Field-and-value sheets: sheet → (where the record is, its fields). The ladder's own fields but its lists
of records (those have sheets of their own)."""

EXPECTATIONS = ("Expectations", _columns("theme competency level step text builds_on behaviours:texts examples:texts"))
CHECKLIST = ("Checklist", _columns("variant:int by_day:int title items:texts"))
MATRIX = "Matrix"
RECORD_HEADER = ("field", "value")

ORDER = (
    "About",
    "Levels",
    MATRIX,
    "Expectations",
    "Competencies",
    "Scales",
    "Tracks",
    "Bands",
    "Families",
    "Distinctions",
    "Moves",
    "Sublevels",
    "Level sections",
    "Specialisations",
    "Ways in",
    "Lateral moves",
    "Skills",
    "FAQ",
    "Progression",
    "Onboarding",
    "Checklist",
    "Onboarding variants",
)
"""The order of the sheets in a workbook: what people look for first (the ladder, its levels, the grid)."""

SHEET_NAME_LIMIT = 31
"""Excel refuses a longer sheet name."""


# --------------------------------------------------------------------------- cells


def encode(kind: Kind, value: Any) -> Cell:
    """A model value as a cell: None (a blank cell) for a value not given or an empty list."""
    if value is None:
        return None
    if kind in ("texts", "texts_or_none"):
        return "\n".join(value) if value else (NONE if kind == "texts_or_none" else None)
    if kind == "ids" or (kind == "reports_to" and isinstance(value, list)):
        return ", ".join(value) or None
    if kind == "years":
        start, end = value
        return f"{start}+" if end is None else f"{start}–{end}"
    return value  # type: ignore[no-any-return]


class CellError(ValueError):
    """A cell that cannot be read as its column's kind: what is wrong, and how to fix it."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.hint = hint


ABSENT = object()
"""What a blank cell decodes to: the field is left out, and the model's default applies."""

_YEARS = re.compile(r"(\d+)\s*(?:[-–—]|to)\s*(\d+)|(\d+)\s*\+")


def decode(kind: Kind, cell: Cell, level_ids: Iterable[str] = ()) -> Any:
    """A cell as the model's value (:data:`ABSENT` when blank); raises :class:`CellError`.

    Lenient where a person editing the workbook, or a CSV file, would write it otherwise: numbers and
    booleans as text, ``2-4`` and ``2 to 4`` for years, bullets before list items. ``level_ids`` tells a
    ``reports_to`` list of level ids from text.
    """
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return ABSENT
    if kind == "int":
        return _integer(cell)
    if kind == "bool":
        return _boolean(cell)
    if kind == "date":
        return _date(cell)
    text = _text(cell)
    if kind in ("texts", "texts_or_none"):
        if kind == "texts_or_none" and text.strip() == NONE:
            return []
        return [item for item in (BULLETS.sub("", line).strip() for line in text.splitlines()) if item]
    if kind == "ids":
        return [part.strip() for part in re.split(r"[,;\n]", text) if part.strip()]
    if kind == "years":
        match = _YEARS.fullmatch(re.sub(r"\s*(years?|yrs?)\.?$", "", text.strip(), flags=re.IGNORECASE))
        if match is None or isinstance(cell, datetime.date):
            raise CellError(f"'{text}' is not a span of years", "write years as from–to, like 2–4, or 15+")
        return [int(match[1]), int(match[2])] if match[1] else [int(match[3]), None]
    if kind == "reports_to":
        parts = [part.strip() for part in text.split(",")]
        known = set(level_ids)
        return parts if known and all(part in known for part in parts) else text.strip()
    return text.strip()


def _text(cell: Cell) -> str:
    """A cell as text, as a spreadsheet shows it: 12 not 12.0, TRUE, a date in ISO form."""
    if isinstance(cell, bool):
        return "TRUE" if cell else "FALSE"
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime.datetime):
        return cell.date().isoformat() if cell.time() == datetime.time() else cell.isoformat()
    if isinstance(cell, datetime.date):
        return cell.isoformat()
    return str(cell)


def _integer(cell: Cell) -> int:
    if isinstance(cell, int) and not isinstance(cell, bool):
        return cell
    if isinstance(cell, float) and cell.is_integer():
        return int(cell)
    if isinstance(cell, str) and re.fullmatch(r"\s*\d+\s*", cell):
        return int(cell)
    raise CellError(f"expected a whole number, got '{_text(cell)}'", "write a number such as 3")


def _boolean(cell: Cell) -> bool:
    if isinstance(cell, bool):
        return cell
    words = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}
    found = words.get(_text(cell).strip().casefold())
    if found is None:
        raise CellError(f"expected TRUE or FALSE, got '{_text(cell)}'", "write TRUE or FALSE")
    return found


def _date(cell: Cell) -> datetime.date:
    if isinstance(cell, datetime.datetime):
        return cell.date()
    if isinstance(cell, datetime.date):
        return cell
    try:
        return datetime.date.fromisoformat(str(cell).strip())
    except ValueError:
        raise CellError(
            f"expected a date, got '{_text(cell)}'", "make it a date cell, or write it as 2026-01-31"
        ) from None


def a1(sheet: str, row: int, column: int | None = None) -> str:
    """A cell (``Levels!C4``) or a whole row (``Levels!4:4``) in A1 form; a sheet name that is not one plain
    word is quoted, as spreadsheets write it (``'Level sections'!B2``), as rosters' problems do."""
    from openpyxl.utils import get_column_letter

    where = f"{get_column_letter(column)}{row}" if column is not None else f"{row}:{row}"
    plain = re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", sheet) and not re.fullmatch(
        r"[A-Za-z]{1,3}[0-9]+|[RrCc]|[Rr][0-9]*[Cc][0-9]*", sheet
    )
    quoted = sheet if plain else "'" + sheet.replace("'", "''") + "'"
    return f"{quoted}!{where}"


# --------------------------------------------------------------------------- model → sheets


def ladder_to_sheets(ladder: Ladder) -> list[Sheet]:
    """The ladder as sheets of plain cell values, in :data:`ORDER`; a sheet with nothing to hold is left out.

    Levels come junior first (the ladder's rank order), everywhere a sheet lists them: people read a
    ladder upwards. Every other list keeps the content's order.
    """
    data = ladder.model_dump(mode="python")
    ranked = [level.id for level in ladder.ranked_levels()]
    position = {level_id: i for i, level_id in enumerate(ranked)}
    data["levels"] = sorted(data["levels"], key=lambda level: position[level["id"]])
    for number, variant in enumerate(_at(data, "onboarding.variants"), 1):
        variant["variant"] = number
    found: dict[str, Sheet] = {}
    for name, (path, columns) in RECORDS.items():
        record = _at_record(data, path)
        if record is not None:
            rows: list[list[Cell]] = [list(RECORD_HEADER)]
            rows += [[column.header, encode(column.kind, record.get(column.key))] for column in columns]
            found[name] = Sheet(name, rows)
    for table in TABLES:
        rows = [[encode(c.kind, item[c.header]) for c in table.all_columns] for item in _items(data, table)]
        if rows:
            found[table.name] = Sheet(table.name, [[c.header for c in table.all_columns], *rows], table.frozen_columns)
    name, columns = EXPECTATIONS
    rows = [
        [theme["name"], competency["id"], level_id, *(encode(c.kind, expected.get(c.key)) for c in columns[3:])]
        for theme in data["competencies"]
        for competency in theme["competencies"]
        for level_id, expected in sorted(competency["expectations"].items(), key=lambda item: position[item[0]])
    ]
    if rows:
        found[name] = Sheet(name, [[c.header for c in columns], *rows], 3)
    name, columns = CHECKLIST
    rows = [
        [variant, milestone["by_day"], milestone["title"], encode("texts", milestone["items"])]
        for variant, checklist in _checklists(data)
        for milestone in checklist
    ]
    if rows:
        found[name] = Sheet(name, [[c.header for c in columns], *rows], 1)
    matrices = _matrices(ladder)
    sheets = [found[name] for name in ORDER if name in found]
    at = next((i for i, sheet in enumerate(sheets) if sheet.name == "Levels"), 0) + 1
    return sheets[:at] + matrices + sheets[at:]


def _at(data: Mapping[str, Any], path: str) -> list[dict[str, Any]]:
    """The list at a dotted path (``onboarding.variants``); empty when a record on the way is not given."""
    value: Any = data
    for part in path.split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
    return value if isinstance(value, list) else []


def _at_record(data: dict[str, Any], path: str) -> dict[str, Any] | None:
    return data if not path else data.get(path)


def _items(data: Mapping[str, Any], table: Table) -> Iterator[dict[str, Any]]:
    """Each row's values by header: an item of the table's list, or a child item with its parent's fields."""
    for item in _at(data, table.path):
        if not table.child:
            yield {column.header: item.get(column.key) for column in table.columns}
            continue
        named = {column.header: item.get(column.key) for column in table.parent}
        for child in item.get(table.child) or []:
            yield {**named, **{column.header: child.get(column.key) for column in table.columns}}


def _checklists(data: Mapping[str, Any]) -> Iterator[tuple[int | None, list[dict[str, Any]]]]:
    onboarding = data.get("onboarding")
    if onboarding:
        yield None, onboarding["checklist"]
        for number, variant in enumerate(onboarding["variants"], 1):
            if variant["checklist"] is not None:
                yield number, variant["checklist"]


def _matrices(ladder: Ladder) -> list[Sheet]:
    """The grid: ``Theme | Competency | <level> …``, one sheet, or one per family (or track) when
    competencies are limited to some of them; levels junior first, only those the sheet's competencies
    apply to. A cell says what a person would write: the text (else the step's name), then behaviours as
    ``•`` lines. A theme's cell is merged down over its competencies."""
    if not ladder.competencies:
        return []
    limited = [(g.families, g.tracks) for g in ladder.competencies] + [
        (c.families, c.tracks) for c in ladder.all_competencies()
    ]
    views: list[tuple[str, list[Level], list[CompetencyTheme]]]
    if ladder.families and any(families for families, _ in limited):
        views = []
        for family in ladder.families:
            tracks = [t.id for t in ladder.tracks if t.family == family.id]
            views.append((family.name, ladder.levels_of_family(family.id), ladder.groups_for(tracks) if tracks else []))
    elif any(tracks or families for families, tracks in limited):
        views = [(t.name, ladder.levels_in(t.id), ladder.groups_for([t.id])) for t in ladder.tracks]
    else:
        views = [("", ladder.ranked_levels(), ladder.competencies)]
    sheets: list[Sheet] = []
    taken: set[str] = set()
    for title, levels, groups in views:
        if not groups or not levels:
            continue
        name = _sheet_name(f"{MATRIX} {title}".strip(), taken)
        taken.add(name.casefold())
        rows: list[list[Cell]] = [["Theme", "Competency", *(_level_header(level) for level in levels)]]
        merged: list[tuple[int, int, int]] = []
        for group in groups:
            first = len(rows) + 1
            for i, comp in enumerate(group.competencies):
                cells = [matrix_cell(ladder, comp.scale, comp.expectation(level.id)) for level in levels]
                rows.append([group.name if i == 0 else None, comp.name, *cells])
            if len(rows) > first:
                merged.append((1, first, len(rows)))
        sheets.append(Sheet(name, rows, 2, merged))
    return sheets


def _level_header(level: Level) -> str:
    return f"{level.title} ({level.code})" if level.code else level.title


def matrix_cell(ladder: Ladder, scale_id: str | None, expected: Any) -> str | None:
    """An expectation as a person writes it in a grid: its text (or its step's name), then a ``•`` line per
    behaviour; None where the competency asks nothing of the level."""
    if expected is None:
        return None
    scale = next((s for s in ladder.scales if s.id == scale_id), None)
    step = next((s.name for s in scale.steps if s.id == expected.step), None) if scale and expected.step else None
    lines = [expected.text or step or ""] if (expected.text or step) else []
    lines += [f"• {behaviour}" for behaviour in expected.behaviours]
    return "\n".join(lines) or None


def _sheet_name(wanted: str, taken: set[str]) -> str:
    """A sheet name Excel accepts: no ``[]:*?/\\``, at most 31 characters, not one already taken; and none of
    the invisible characters (bidi overrides, zero-width ones) that would make its tab read other than it is."""
    visible = "".join(ch for ch in wanted if unicodedata.category(ch) not in ("Cc", "Cf", "Zl", "Zp"))
    name = re.sub(r"\s+", " ", re.sub(r"[\[\]:*?/\\]", " ", visible)).strip(" '") or MATRIX
    name = name[:SHEET_NAME_LIMIT].rstrip()
    number = 2
    while name.casefold() in taken:
        suffix = f" {number}"
        name = name[: SHEET_NAME_LIMIT - len(suffix)].rstrip() + suffix
        number += 1
    return name


# --------------------------------------------------------------------------- sheets → model


def sheet_key(name: str) -> str:
    """A sheet's name as it is matched: ``Level sections``, ``level-sections.csv`` and ``LEVEL_SECTIONS``
    are one sheet."""
    return column_name(re.sub(r"\.csv$", "", name, flags=re.IGNORECASE))


class _Reader:
    """Reads sheets into content, collecting every problem (with its cell) and where each value came from."""

    def __init__(self, sheets: Sequence[Sheet], source: str) -> None:
        self.source = source
        self.sheets = {sheet_key(sheet.name): sheet for sheet in sheets}
        self.problems: list[Problem] = []
        self.cells: dict[Loc, str] = {}
        self.level_ids: list[str] = []

    def problem(self, cell: str, message: str, hint: str) -> None:
        self.problems.append(Problem(self.source, message, hint=hint, code="workbook", cell=cell))

    def rows(self, name: str, columns: Sequence[Column]) -> Iterator[tuple[int, dict[str, tuple[Cell, int]]]]:
        """Each row of a sheet that holds anything (numbered from 1) as header → (cell, column number).

        Headers are matched loosely (``Short title`` is ``short_title``); an unknown header, a header given
        twice and a value under no header are problems."""
        sheet = self.sheets.get(sheet_key(name))
        if sheet is None or not sheet.rows:
            return
        known = {column_name(c.header): c.header for c in columns}
        at: dict[str, int] = {}
        headed: set[int] = set()
        for number, header in enumerate(sheet.rows[0], 1):
            written = column_name(_text(header)) if not _blank(header) else ""
            if not written:
                continue
            headed.add(number)
            if written not in known:
                self.problem(
                    a1(sheet.name, 1, number),
                    f"unknown column '{_text(header)}'",
                    "name it as one of: " + ", ".join(c.header for c in columns),
                )
            elif known[written] in at:
                self.problem(a1(sheet.name, 1, number), f"column '{known[written]}' is given twice", "keep one")
            else:
                at[known[written]] = number
        for number, row in enumerate(sheet.rows[1:], 2):
            if all(_blank(cell) for cell in row):
                continue
            stray = next((i for i, cell in enumerate(row, 1) if i not in headed and not _blank(cell)), None)
            if stray is not None:
                self.problem(
                    a1(sheet.name, number, stray),
                    f"'{_short(_text(row[stray - 1]))}' is in a column without a header",
                    "move it into a column that has one, or remove it",
                )
            yield number, {header: (row[i - 1] if i <= len(row) else None, i) for header, i in at.items()}

    def read(
        self, sheet: str, row: int, columns: Sequence[Column], cells: Mapping[str, tuple[Cell, int]], loc: Loc | None
    ) -> dict[str, Any]:
        """One row's values by model field (blank cells left out); with ``loc``, noting the cells they are in."""
        title = self.sheets[sheet_key(sheet)].name
        if loc:
            self.cells.setdefault(loc, a1(title, row))
        values: dict[str, Any] = {}
        for column in columns:
            cell, number = cells.get(column.header, (None, 0))
            try:
                value = decode(column.kind, cell, self.level_ids)
            except CellError as exc:
                self.problem(a1(title, row, number), f"{column.header}: {exc}", exc.hint)
                continue
            if value is not ABSENT:
                values[column.key] = value
                if loc is not None:
                    self.cells[(*loc, column.key)] = a1(title, row, number)
        return values


def _blank(cell: Cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _short(text: str, limit: int = 40) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def content_and_cells(sheets: Sequence[Sheet], source: str = "workbook") -> tuple[dict[str, Any], dict[Loc, str]]:
    """:func:`sheets_to_content`, with the cell each value came from (``("levels", 2, "title")`` →
    ``Levels!C4``; a record's own loc → its row), to point at a value the model refuses."""
    reader = _Reader(sheets, source)
    content: dict[str, Any] = {}
    for name, (path, columns) in RECORDS.items():
        _read_record(reader, name, path, columns, content)
    reader.level_ids = _level_ids(reader.sheets.get(sheet_key("Levels")))
    for table in TABLES:
        _read_table(reader, table, content)
    _read_expectations(reader, content)
    _read_checklist(reader, content)
    for variant in _at(content, "onboarding.variants"):
        variant.pop("variant", None)
    if reader.problems:
        raise InputErrors(reader.problems)
    return content, reader.cells


def _level_ids(sheet: Sheet | None) -> list[str]:
    """The ids in a Levels sheet's ``id`` column: read first, so ``reports_to: director`` is known for an id."""
    if sheet is None or not sheet.rows:
        return []
    column = next((i for i, h in enumerate(sheet.rows[0]) if not _blank(h) and column_name(_text(h)) == "id"), None)
    if column is None:
        return []
    return [_text(row[column]).strip() for row in sheet.rows[1:] if column < len(row) and not _blank(row[column])]


def sheets_to_content(sheets: Sequence[Sheet], source: str = "workbook") -> dict[str, Any]:
    """The ladder's content from sheets :func:`ladder_to_sheets` made (or a person then edited): plain data
    for ``Ladder.model_validate``, levels in the sheet's order. Raises :class:`~ladderpress.errors.InputErrors`
    naming the cell of each value it cannot read (``source: Levels!E4: rank: expected a whole number …``),
    all at once; ``source`` is the file name problems start with."""
    return content_and_cells(sheets, source)[0]


def sheets_to_ladder(sheets: Sequence[Sheet], source: str = "workbook") -> Ladder:
    """The validated ladder from sheets; every problem, the model's own too, names its cell."""
    content, cells = content_and_cells(sheets, source)
    try:
        return Ladder.model_validate(content)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            found = (error.get("ctx") or {}).get("error")
            located = (
                [(p.loc, p.message, p.hint, p.code) for p in found.problems]
                if isinstance(found, LocatedProblems)
                else [(tuple(error["loc"]), *plain_words(error), f"schema.{error['type']}")]
            )
            for loc, message, hint, code in located:
                cell = next((cells[loc[:end]] for end in range(len(loc), 0, -1) if loc[:end] in cells), None)
                problems.append(Problem(source, message, hint=hint, code=code, cell=cell, field=_field(loc)))
        raise InputErrors(problems) from None


def _field(loc: Loc) -> str | None:
    """The field a problem is about, as its column or row names it (where it is, the cell says)."""
    names = [part for part in loc if isinstance(part, str)]
    return names[-1] if names else None


def _read_record(reader: _Reader, name: str, path: str, columns: Sequence[Column], content: dict[str, Any]) -> None:
    """A field-and-value sheet into its record (``About`` into the ladder's own fields)."""
    sheet = reader.sheets.get(sheet_key(name))
    if sheet is None:
        return
    by_name = {column_name(c.header): c for c in columns}
    record: dict[str, Any] = {}
    loc: Loc = (path,) if path else ()
    for number, row in enumerate(sheet.rows[1:], 2):
        label = _text(row[0]).strip() if row and not _blank(row[0]) else ""
        value = row[1] if len(row) > 1 else None
        stray = next((i for i, cell in enumerate(row[2:], 3) if not _blank(cell)), None)
        if stray is not None:
            reader.problem(a1(sheet.name, number, stray), "a value beside the field's value", "keep it in column B")
        if not label:
            if not _blank(value):
                reader.problem(a1(sheet.name, number, 2), "a value without a field name", "name its field in column A")
            continue
        column = by_name.get(column_name(label))
        if column is None:
            reader.problem(
                a1(sheet.name, number, 1),
                f"unknown field '{_short(label)}'",
                "name it as one of: " + ", ".join(c.header for c in columns),
            )
            continue
        if column.key in record:
            reader.problem(a1(sheet.name, number, 1), f"'{column.header}' is given twice", "keep one row")
            continue
        record.update(
            reader.read(
                name, number, [Column(column.header, column.kind, column.key)], {column.header: (value, 2)}, loc
            )
        )
    if path:
        content[path] = record
        reader.cells[loc] = a1(sheet.name, 1)
    else:
        content.update(record)


def _read_table(reader: _Reader, table: Table, content: dict[str, Any]) -> None:
    """A table's rows into ``content``: a list of records, or child records under their parents."""
    if sheet_key(table.name) not in reader.sheets:
        return
    *folders, last = table.path.split(".")
    target = content
    for part in folders:
        target = target.setdefault(part, {})
    parents: list[dict[str, Any]] = (
        target.setdefault(last, []) if table.owns_parent or not table.child else target.get(last, [])
    )
    if not table.child:
        for row, cells in reader.rows(table.name, table.columns):
            parents.append(reader.read(table.name, row, table.columns, cells, (*folders, last, len(parents))))
        return
    by_id = {item.get("id"): i for i, item in enumerate(parents)}
    for row, cells in reader.rows(table.name, table.all_columns):
        named = reader.read(table.name, row, table.parent, cells, None)
        if table.owns_parent:  # a row whose parent cells are blank or as above (some of them) is the same parent's
            if not parents or any(parents[-1].get(key) != value for key, value in named.items()):
                parents.append(reader.read(table.name, row, table.parent, cells, (*folders, last, len(parents))))
            index = len(parents) - 1
        elif named.get("id") in by_id:
            index = by_id[named["id"]]
        else:
            column = cells.get(table.parent[0].header, (None, 0))[1]
            known = ", ".join(str(key) for key in list(by_id)[:6])
            reader.problem(
                a1(reader.sheets[sheet_key(table.name)].name, row, column or None),
                f"no level '{named['id']}' on the Levels sheet" if named.get("id") else "names no level",
                f"write the id of a level on the Levels sheet ({known}{', …' if len(by_id) > 6 else ''})",
            )
            continue
        children = parents[index].setdefault(table.child, [])
        children.append(
            reader.read(table.name, row, table.columns, cells, (*folders, last, index, table.child, len(children)))
        )


def _read_expectations(reader: _Reader, content: dict[str, Any]) -> None:
    """Each expectation into its competency (by its theme's name and its id). Without an Expectations
    sheet, the Matrix sheets are read instead; without either, competencies expect nothing (``{}``)."""
    themes = content.get("competencies", [])
    index: dict[tuple[str, str], tuple[int, int]] = {}
    for t, theme in enumerate(themes):
        for c, comp in enumerate(theme.get("competencies", [])):
            comp.setdefault("expectations", {})
            index.setdefault((theme.get("name", ""), comp.get("id", "")), (t, c))
    name, columns = EXPECTATIONS
    if sheet_key(name) not in reader.sheets:
        _read_matrices(reader, content)
        return
    title = reader.sheets[sheet_key(name)].name
    theme_name = ""
    for row, cells in reader.rows(name, columns):
        keys = reader.read(name, row, columns[:3], cells, None)
        theme_name = keys.get("theme", theme_name)  # blank: the theme above
        competency, level = keys.get("competency", ""), keys.get("level", "")
        found = index.get((theme_name, competency))
        if found is None:
            reader.problem(
                a1(title, row, cells.get("competency", (None, 0))[1] or None),
                f"no competency '{competency}' in the theme '{theme_name}' on the Competencies sheet",
                "write the competency's id and its theme's name as the Competencies sheet has them",
            )
            continue
        if level not in reader.level_ids:
            reader.problem(
                a1(title, row, cells.get("level", (None, 0))[1] or None),
                f"no level '{level}' on the Levels sheet",
                "write the id of a level on the Levels sheet",
            )
            continue
        t, c = found
        expectations = themes[t]["competencies"][c]["expectations"]
        if level in expectations:
            reader.problem(a1(title, row), f"a second expectation of '{competency}' at '{level}'", "keep one row")
            continue
        loc = ("competencies", t, "competencies", c, "expectations", level)
        expectations[level] = reader.read(name, row, columns[3:], cells, loc)


def _read_matrices(reader: _Reader, content: dict[str, Any]) -> None:
    """Expectations from the Matrix sheets, for a workbook without its Expectations sheet: a level's column
    by its header (title and code, title, code or id), a competency by its theme and name; in a cell, ``•``
    lines are behaviours and the rest its text, or its step when that is a step's name."""
    sheets = [s for key, s in reader.sheets.items() if key == "matrix" or key.startswith("matrix_")]
    labels: dict[str, str] = {}
    for level in content.get("levels", []):
        title, code, level_id = level.get("title", ""), level.get("code"), level.get("id", "")
        for label in (f"{title} ({code})" if code else title, title, code, level_id):
            if label:
                labels.setdefault(label.casefold(), level_id)
    steps = {
        scale.get("id"): {step.get("name", "").casefold(): step.get("id") for step in scale.get("steps", [])}
        for scale in content.get("scales", [])
    }
    themes = content.get("competencies", [])
    for sheet in sheets:
        header = sheet.rows[0] if sheet.rows else []
        levels = [labels.get(_text(cell).strip().casefold()) if not _blank(cell) else None for cell in header]
        for number, cell in enumerate(header[2:], 3):
            if not _blank(cell) and levels[number - 1] is None:
                reader.problem(
                    a1(sheet.name, 1, number),
                    f"no level '{_short(_text(cell))}' on the Levels sheet",
                    "write the level's title and code, as 'Senior PM (L4)', or its id",
                )
        theme_name = ""
        for number, row in enumerate(sheet.rows[1:], 2):
            theme_name = _text(row[0]).strip() if row and not _blank(row[0]) else theme_name  # merged: as above
            name = _text(row[1]).strip() if len(row) > 1 and not _blank(row[1]) else ""
            if not name:
                continue
            found = [
                comp
                for theme in themes
                if theme.get("name") == theme_name
                for comp in theme.get("competencies", [])
                if comp.get("name") == name
            ]
            if not found:
                reader.problem(
                    a1(sheet.name, number, 2),
                    f"no competency '{_short(name)}' in the theme '{theme_name}' on the Competencies sheet",
                    "name it as the Competencies sheet does",
                )
                continue
            for level_id, cell in zip(levels[2:], row[2:], strict=False):
                if level_id is not None and not _blank(cell):
                    scale = steps.get(found[0].get("scale"), {})
                    found[0]["expectations"][level_id] = matrix_expectation(_text(cell), scale)


def matrix_expectation(text: str, steps: Mapping[str, str] | None = None) -> dict[str, Any]:
    """A Matrix cell as an expectation: lines starting with a bullet are behaviours, the others its text;
    a text that is a step's name (``steps``: name, in lower case → id) is that step."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    behaviours = [BULLETS.sub("", line).strip() for line in lines if BULLETS.match(line)]
    said = " ".join(line for line in lines if not BULLETS.match(line))
    found: dict[str, Any] = {}
    step = (steps or {}).get(said.casefold())
    if step is not None:
        found["step"] = step
    elif said:
        found["text"] = said
    if behaviours:
        found["behaviours"] = behaviours
    return found


def _read_checklist(reader: _Reader, content: dict[str, Any]) -> None:
    """Milestones into the general checklist (no variant) or a variant's (by its number)."""
    name, columns = CHECKLIST
    if sheet_key(name) not in reader.sheets:
        return
    variants = _at(content, "onboarding.variants")
    numbers = {variant.get("variant"): i for i, variant in enumerate(variants)}
    for row, cells in reader.rows(name, columns):
        number = reader.read(name, row, columns[:1], cells, None).get("variant")
        loc: Loc
        if number is None:
            target, loc = content.setdefault("onboarding", {}), ("onboarding",)
        elif number in numbers:
            target, loc = variants[numbers[number]], ("onboarding", "variants", numbers[number])
        else:
            reader.problem(
                a1(reader.sheets[sheet_key(name)].name, row, cells["variant"][1]),
                f"no variant {number} on the Onboarding variants sheet",
                "leave it blank for the general checklist, or write a variant's number",
            )
            continue
        checklist = target.setdefault("checklist", [])
        checklist.append(reader.read(name, row, columns[1:], cells, (*loc, "checklist", len(checklist))))


# --------------------------------------------------------------------------- CSV


def csv_cell(cell: Cell) -> str:
    """A cell as CSV text: TRUE/FALSE, ISO dates, and a value a spreadsheet would run as a formula made
    safe as the delivery list does (:func:`ladderpress.delivery.neutralised`: a leading ``'``). A value that
    already starts with ``'`` gets one more, so :func:`from_csv_cell` gives back exactly what was written."""
    from ladderpress.delivery import neutralised

    if cell is None:
        return ""
    text = _text(cell)
    if text.startswith("'"):
        return "'" + text
    return neutralised(text)


def from_csv_cell(text: str) -> Cell:
    """What :func:`csv_cell` wrote: one leading ``'`` taken off (it was added, never written by anyone);
    blank is None. Numbers, booleans and dates stay text: :func:`decode` reads them by their column."""
    if not text.strip():
        return None
    return text[1:] if text.startswith("'") else text
