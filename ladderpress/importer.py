"""``ladderpress import FILE``: a project's content from the spreadsheet a company already keeps its ladder in.

Two kinds of workbook are read:

- one that ladderpress exported (it has the machine sheets ``Levels`` and ``Expectations``): read exactly,
  through :func:`ladderpress.workbook.sheets_to_content`, so that export then import gives the same ladder;
- one people made by hand: a **matrix** sheet (competencies down the side, optionally grouped by a first
  column, by merged cells or by heading rows; levels across the top, their headers holding titles and/or
  codes: ``Senior PM (L3)``, ``L3``, ``Senior Product Manager``), and, when there is one, a **levels** sheet
  (id, code, title, track, band, scope, years, …; headers matched loosely) and a **moves** sheet.

Which sheet is which, which row is the header and which column means what are inferred, and every decision
is printed as one line of a mapping file (YAML, with a comment saying why), which the user can save, correct
and give back with ``--mapping``. Every cell that cannot be placed is a problem naming its sheet and cell
(``Matrix!D7``), all of them; nothing is written until the whole workbook is understood and the ladder it
makes is valid.

Spreadsheets are read as :class:`Grid` (values by cell, merged ranges): .xlsx with openpyxl, .ods with
python-calamine (after its size is measured: an .ods can ask for billions of cells in a few bytes), .csv
with the CSV helpers it shares with the roster (:mod:`ladderpress.sheets`). All are read through
:mod:`ladderpress.files` and bounded.

The project (``--into DIR``) is made as ``ladderpress init`` makes one, with the imported content in place of
the sample's: see :func:`project_files` and :func:`write_project`.
"""

from __future__ import annotations

import csv
import datetime
import difflib
import io
import itertools
import os
import re
import shutil
import warnings
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Annotated, Any, Literal, get_args

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator
from slugify import slugify

from ladderpress import files
from ladderpress.errors import InputErrors, Problem, Refusal, UsageError, plain_words
from ladderpress.model import Ladder, LocatedProblems, column_name
from ladderpress.sheets import (
    ERRORS,
    KINDS,
    NotText,
    binary_kind,
    blank,
    cell_text,
    csv_records,
    csv_text,
    is_text,
    separator,
    sheet_name,
)

MAX_IMPORT_BYTES = 10_000_000
"""The largest spreadsheet file read (a ladder's workbook is a few hundred kB at most)."""
MAX_UNPACKED_BYTES = 20_000_000
"""The most a workbook's parts may hold once unpacked (checked in its zip before anything is parsed)."""
MAX_ROWS = 5_000
"""The last row of a sheet read: a ladder's matrix has tens of rows, its levels sheet at most 500."""
MAX_COLUMNS = 520
"""The last column read: room for the most levels a ladder may have (500), beside their labels."""
SPREADSHEETS = (".xlsx", ".xlsm", ".ods", ".csv", ".tsv")
"""The files ``import`` reads, by their ending."""
SAVE_AS_XLSX = "open it in your spreadsheet program and save it as an Excel workbook (.xlsx), then import that"

Cell = tuple[int, int]
"""A cell as (row, column), both from 1."""
Loc = tuple[str | int, ...]


# --------------------------------------------------------------------------- grids


@dataclass
class Grid:
    """One sheet's values: non-blank cells by (row, column), and its merged ranges."""

    title: str
    """The sheet's name (for a CSV file, its name without the ending)."""
    prefix: str
    """How a reference to one of its cells starts: ``Matrix!``, ``'Job levels'!``, or nothing for CSV."""
    cells: dict[Cell, Any]
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    """Merged ranges as (first row, first column, last row, last column)."""
    covered: dict[Cell, Cell] = field(default_factory=dict)
    """Each cell a merge covers (inside the sheet's values' box), but its first: → the merge's first cell."""

    def __post_init__(self) -> None:
        self._by_row: dict[int, list[int]] = {}
        self._by_column: dict[int, list[int]] = {}
        for r, c in sorted(self.cells):
            self._by_row.setdefault(r, []).append(c)
            self._by_column.setdefault(c, []).append(r)
        self.rows = max(self._by_row, default=0)
        """The last row holding a value."""
        self.cols = max(self._by_column, default=0)
        """The last column holding a value."""
        for r1, c1, r2, c2 in self.merges:
            for r in range(r1, min(r2, self.rows) + 1):
                for c in range(c1, min(c2, self.cols) + 1):
                    if (r, c) != (r1, c1):
                        self.covered[(r, c)] = (r1, c1)

    def own(self, r: int, c: int) -> Any:
        """The cell's own value (None for a blank cell, or one a merge covers)."""
        return self.cells.get((r, c))

    def value(self, r: int, c: int) -> Any:
        """The cell's value, a covered cell taking its merge's."""
        return self.cells.get(self.covered.get((r, c), (r, c)))

    def text(self, r: int, c: int, merged: bool = True) -> str:
        value = self.value(r, c) if merged else self.own(r, c)
        return "" if value is None else cell_text(value)

    def at(self, r: int, c: int | None = None) -> str:
        """``Matrix!D7``; ``Matrix!7:7`` for a whole row (``c`` None)."""
        return f"{self.prefix}{letter(c)}{r}" if c is not None else f"{self.prefix}{r}:{r}"

    def span(self, r1: int, c1: int, r2: int, c2: int) -> str:
        """``Matrix!D2:D9`` (one cell when the range is one)."""
        if (r1, c1) == (r2, c2):
            return self.at(r1, c1)
        return f"{self.prefix}{letter(c1)}{r1}:{letter(c2)}{r2}"

    def row_cells(self, r: int) -> list[int]:
        """The columns of row ``r`` holding a value of their own, left to right."""
        return self._by_row.get(r, [])

    def column_cells(self, c: int) -> list[int]:
        """The rows of column ``c`` holding a value of their own, top to bottom."""
        return self._by_column.get(c, [])


def letter(column: int) -> str:
    """1 → A, 27 → AA."""
    text = ""
    while column:
        column, rest = divmod(column - 1, 26)
        text = chr(65 + rest) + text
    return text


def column_number(letters: str) -> int:
    """A → 1, AA → 27."""
    number = 0
    for ch in letters.upper():
        number = number * 26 + ord(ch) - 64
    return number


def sheet_prefix(title: str) -> str:
    """How a reference to a cell of the sheet starts: ``Matrix!``, ``'Job levels'!``."""
    return sheet_name(title) + "!"


class ImportErrors(InputErrors):
    """The problems that stop an import, with the notes (warnings) gathered on the way, said too."""

    def __init__(self, problems: Sequence[Problem], notes: Sequence[str] = ()) -> None:
        super().__init__(problems)
        self.notes = list(notes)


class _Refused(Exception):
    def __init__(self, problem: Problem) -> None:
        self.problem = problem


def read_grids(path: Path, name: str) -> tuple[list[Grid], list[Problem], list[str]]:
    """Every sheet of the spreadsheet at ``path`` (read from its own folder), the problems of its cells
    (formula errors, values past the last row read) and notes (sheets left out); a file that cannot be
    read at all is refused with :class:`InputErrors`."""
    try:
        data = files.read_bytes(path, (path.parent,), MAX_IMPORT_BYTES)
    except files.FileRefused as exc:
        raise InputErrors([Problem(name, exc.what, hint=exc.hint)]) from None
    suffix = path.suffix.lower()
    try:
        if suffix not in SPREADSHEETS:
            raise _Refused(
                Problem(
                    name,
                    f"is not a spreadsheet ladderpress reads (it ends in '{suffix or 'nothing'}')",
                    hint="give an Excel workbook (.xlsx), an OpenDocument spreadsheet (.ods) or a CSV file (.csv)",
                )
            )
        kind = _kind(data, name, suffix)
        if kind == "csv":
            grid, problems = _csv_grid(data, name, PurePosixPath(name).stem)
            return [grid], problems, []
        if kind == "ods":
            return _ods_grids(data, name)
        return _xlsx_grids(data, name)
    except _Refused as exc:
        raise InputErrors([exc.problem]) from None


def _kind(data: bytes, name: str, suffix: str) -> str:
    """ "xlsx", "ods" or "csv": what the bytes are, refused when that is not what the name says."""
    kind = binary_kind(data)
    stem = PurePosixPath(name).stem
    if suffix in (".csv", ".tsv"):
        if kind == "xlsx":
            raise _Refused(Problem(name, "is an Excel workbook, not CSV text", hint=f"name it {stem}.xlsx"))
        if kind == "ods":
            raise _Refused(Problem(name, "is an OpenDocument spreadsheet, not CSV text", hint=f"name it {stem}.ods"))
        if kind is not None:
            raise _Refused(Problem(name, f"{KINDS[kind][0]}, not CSV text", hint=SAVE_AS_XLSX))
        return "csv"
    if kind is None:
        if is_text(data):
            raise _Refused(
                Problem(name, "is text (CSV, perhaps), not a workbook", hint=f"name it {stem}.csv if it is CSV")
            )
        raise _Refused(Problem(name, "is not a workbook", hint=SAVE_AS_XLSX))
    if kind == "xlsx" and suffix == ".ods":
        raise _Refused(
            Problem(name, "is an Excel workbook, not an OpenDocument spreadsheet", hint=f"name it {stem}.xlsx")
        )
    if kind == "ods" and suffix != ".ods":
        raise _Refused(
            Problem(name, "is an OpenDocument spreadsheet, not an Excel workbook", hint=f"name it {stem}.ods")
        )
    if kind not in ("xlsx", "ods"):
        what = KINDS[kind][0].replace(", which cannot be read", "")
        if kind == "xls":
            what = "is an Excel 97-2003 workbook (.xls), which ladderpress does not read"
        raise _Refused(Problem(name, what, hint=SAVE_AS_XLSX if kind != "encrypted" else KINDS[kind][1]))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        unpacked = sum(info.file_size for info in archive.infolist())
    if unpacked > MAX_UNPACKED_BYTES:
        raise _Refused(
            Problem(
                name,
                f"unpacks to {unpacked:,} bytes, more than the {MAX_UNPACKED_BYTES:,} a ladder's workbook may",
                hint="keep only the ladder's sheets in the workbook, or save the matrix as CSV",
            )
        )
    return kind


def _bounded(
    title: str, values: Iterable[tuple[Cell, Any]], name: str, problems: list[Problem]
) -> tuple[dict[Cell, Any], str]:
    """The non-blank values inside the rows and columns read; a formula's error, or values past them, are problems."""
    prefix = sheet_prefix(title)
    cells: dict[Cell, Any] = {}
    beyond: Cell | None = None
    for (r, c), value in values:
        if blank(value):
            continue
        if r > MAX_ROWS or c > MAX_COLUMNS:
            beyond = beyond or (r, c)
            continue
        if isinstance(value, str) and value.strip() in ERRORS:
            problems.append(
                Problem(
                    name,
                    f"the cell shows the error {value.strip()}, not a value",
                    hint="correct the formula, or type the value",
                    cell=f"{prefix}{letter(c)}{r}",
                )
            )
            continue
        cells[(r, c)] = value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value
    if beyond is not None:
        problems.append(
            Problem(
                name,
                f"has values past row {MAX_ROWS:,} or column {letter(MAX_COLUMNS)}, the last ones read",
                hint="delete what lies so far from the ladder, or move it to a sheet of its own",
                cell=f"{prefix}{letter(beyond[1])}{beyond[0]}",
            )
        )
    return cells, prefix


def _xlsx_grids(data: bytes, name: str) -> tuple[list[Grid], list[Problem], list[str]]:
    """Every visible worksheet, read with openpyxl in full (not read-only) mode, which knows merged cells.

    Cached formula values are read (``data_only``), links are not followed, and the XML is parsed with
    defusedxml (installed with ladderpress). Only the cells the sheet holds are visited (``_cells``), so a
    single formatted cell at XFD1048576 costs nothing.
    """
    import openpyxl

    problems: list[Problem] = []
    notes: list[str] = []
    grids = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            book = openpyxl.load_workbook(io.BytesIO(data), data_only=True, keep_links=False)
        except Exception:  # noqa: BLE001 -- openpyxl raises whatever its zip and XML parsers raise on a damaged file
            raise _Refused(
                Problem(name, "is damaged: it cannot be read as an Excel workbook", hint=SAVE_AS_XLSX)
            ) from None
    for sheet in book.worksheets:
        if sheet.sheet_state != "visible":
            notes.append(f"{name}: the hidden sheet {sheet_prefix(sheet.title)[:-1]} is not read")
            continue
        values = ((position, cell.value) for position, cell in sheet._cells.items())
        cells, prefix = _bounded(sheet.title, values, name, problems)
        merges = [(m.min_row, m.min_col, m.max_row, m.max_col) for m in sheet.merged_cells.ranges]
        grids.append(Grid(sheet.title, prefix, cells, merges))
    if not grids:
        raise _Refused(Problem(name, "has no worksheet to read", hint="put the matrix on a visible sheet"))
    return grids, problems, notes


def _ods_grids(data: bytes, name: str) -> tuple[list[Grid], list[Problem], list[str]]:
    """Every sheet of an OpenDocument spreadsheet, read with python-calamine.

    calamine lays a sheet out as a full rectangle, and an .ods can repeat one cell a million times
    across and down in a few bytes: the sheets' extent is measured first (:func:`_ods_extent`, with
    defusedxml), and a sheet reaching past the rows and columns read is refused before calamine reads it.
    calamine does not report an .ods file's merged cells: a merged cell counts as its first cell, and
    the cells it covers are blank (which, in a grouping column, means "as above").
    """
    import python_calamine

    problems: list[Problem] = []
    for title, (rows, cols) in _ods_extent(data, name).items():
        if rows > MAX_ROWS or cols > MAX_COLUMNS:
            raise _Refused(
                Problem(
                    name,
                    f"the sheet {sheet_prefix(title)[:-1]} reaches row {rows:,} and column {cols:,}, past row "
                    f"{MAX_ROWS:,} or column {letter(MAX_COLUMNS)}, the last ones read",
                    hint="delete what lies so far from the ladder, or " + SAVE_AS_XLSX,
                )
            )
    try:
        book = python_calamine.load_workbook(io.BytesIO(data))
        grids = []
        for title in book.sheet_names:
            sheet = book.get_sheet_by_name(title)
            first_row, first_col = sheet.start or (0, 0)
            values = (
                ((first_row + i + 1, first_col + j + 1), value)
                for i, row in enumerate(sheet.to_python(skip_empty_area=False))
                for j, value in enumerate(row)
            )
            cells, prefix = _bounded(title, values, name, problems)
            grids.append(Grid(title, prefix, cells))
    except python_calamine.PasswordError:
        raise _Refused(
            Problem(name, "is protected by a password, so it cannot be read", hint="remove the password, then save it")
        ) from None
    except (python_calamine.CalamineError, ValueError, OSError):
        raise _Refused(
            Problem(name, "is damaged: it cannot be read as an OpenDocument spreadsheet", hint=SAVE_AS_XLSX)
        ) from None
    if not grids:
        raise _Refused(Problem(name, "has no sheet to read", hint="put the matrix on a sheet"))
    return grids, problems, []


ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"


def _ods_extent(data: bytes, name: str) -> dict[str, tuple[int, int]]:
    """Each sheet's last row and column holding a value, counting repeated rows and cells, from content.xml.

    Parsed with defusedxml (no entity expansion), as a stream: a few kB per sheet whatever it repeats.
    """
    from defusedxml.ElementTree import iterparse  # type: ignore[import-untyped]

    extent: dict[str, tuple[int, int]] = {}
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open("content.xml") as content:
            title, row, last_row, last_col = "", 0, 0, 0
            for event, element in iterparse(content, events=("start", "end")):
                tag = element.tag
                if event == "start":
                    if tag == f"{ODS_TABLE}table":
                        title, row, last_row, last_col = element.get(f"{ODS_TABLE}name", ""), 0, 0, 0
                    continue
                if tag in (f"{ODS_TABLE}table-cell", f"{ODS_TABLE}covered-table-cell"):
                    continue  # counted with their row
                if tag == f"{ODS_TABLE}table-row":
                    repeat = int(element.get(f"{ODS_TABLE}number-rows-repeated", "1") or 1)
                    column, used = 0, 0
                    for cell in element:
                        across = int(cell.get(f"{ODS_TABLE}number-columns-repeated", "1") or 1)
                        if len(cell) or cell.get("{urn:oasis:names:tc:opendocument:xmlns:office:1.0}value-type"):
                            used = column + across
                        column += across
                    if used:
                        last_row, last_col = row + repeat, max(last_col, used)
                    row += repeat
                    element.clear()
                elif tag == f"{ODS_TABLE}table":
                    extent[title] = (last_row, last_col)
                    element.clear()
    except Exception:  # noqa: BLE001 -- a damaged zip or XML raises whatever its parser raises
        raise _Refused(
            Problem(name, "is damaged: it cannot be read as an OpenDocument spreadsheet", hint=SAVE_AS_XLSX)
        ) from None
    return extent


def _csv_grid(data: bytes, name: str, title: str) -> tuple[Grid, list[Problem]]:
    """A CSV file as one grid: UTF-8 (its mark dropped) or UTF-16 with its mark, separated by commas,
    semicolons or tabs (whichever its first line uses most); a row CSV cannot read is a problem of its line."""
    try:
        text = csv_text(data)
    except NotText as exc:  # its line only: a matrix's cells are named by row and column anyway
        raise _Refused(Problem(name, exc.message, exc.line, hint="save it as CSV UTF-8")) from None
    problems: list[Problem] = []
    values: list[tuple[Cell, Any]] = []
    row = 0
    for line, record in csv_records(text, separator(text)):
        row += 1
        if isinstance(record, csv.Error):
            problems.append(Problem(name, f"line {line} is not readable CSV ({record})", line, hint="save it again"))
            continue
        values += [((row, c), value) for c, value in enumerate(record, 1)]
    cells, _ = _bounded(title, values, name, problems)
    return Grid(title, "", cells), problems


# --------------------------------------------------------------------------- the mapping file

ColumnLetter = Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{1,3}$", to_upper=True)]
Row = Annotated[int, Field(ge=1, le=MAX_ROWS)]
LevelField = Literal[
    "id",
    "code",
    "title",
    "short_title",
    "rank",
    "band",
    "tracks",
    "scope",
    "description",
    "duties",
    "experience",
    "years",
    "time_at_level",
    "reports_to",
    "leads_to",
    "promotion_signals",
]
MoveField = Literal["from", "to", "role", "kind", "summary", "criteria", "evidence", "business_need", "typical_time"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


class LadderFacts(_Strict):
    """What the ladder is called: a spreadsheet seldom says, so the import takes it from a title line or the file."""

    title: str | None = None
    subtitle: str | None = None
    field: str | None = None
    """The field, such as "Product management": the one track is named after it when no sheet names tracks."""
    organisation: str | None = None
    language: str | None = None


class MatrixMap(_Strict):
    """The matrix sheet: competencies down the side, levels across the top."""

    sheet: str | None = None
    header_row: Row | None = None
    """The row holding the levels' headers."""
    theme_column: ColumnLetter | None = None
    """The column grouping competencies (null: no such column; groups may still be heading rows)."""
    competency_column: ColumnLetter | None = None
    summary_column: ColumnLetter | None = None
    level_columns: str | None = None
    """The levels' columns, as a range (D:K) or a list (D, E, G)."""
    level_rows: dict[LevelField, Row] = {}
    """Rows holding facts about the levels rather than a competency, such as years: 3."""

    @field_validator("level_columns")
    @classmethod
    def columns(cls, value: str | None) -> str | None:
        if value is not None and _columns(value) is None:
            raise Refusal(f"'{value}' names no columns", "write a range such as D:K, or letters such as D, E, G")
        return value


class TableMap(_Strict):
    """A sheet with one row per item under a header row: levels, or moves."""

    sheet: str
    header_row: Row = 1
    columns: dict[str, ColumnLetter] = {}
    """Each field → the column holding it."""


def _check_reference(reference: str) -> str:
    if _reference(reference) is None:
        raise Refusal(
            f"'{reference}' is not a cell, column or range",
            "write it as a spreadsheet does: Matrix!M20, Levels!H or Matrix!A30:C31",
        )
    return reference


Reference = Annotated[str, StringConstraints(min_length=1, max_length=100), AfterValidator(_check_reference)]


class Mapping(_Strict):
    """``--mapping FILE``: what ``ladderpress import`` prints, corrected. Every part is optional."""

    ladder: LadderFacts = LadderFacts()
    matrix: MatrixMap = MatrixMap()
    levels: TableMap | None = None
    """The levels sheet (null: none, even if a sheet looks like one)."""
    moves: TableMap | None = None
    """The moves sheet (null: none)."""
    ignore: list[Reference] = []
    """Cells, columns or ranges to leave out, such as Matrix!M20, Levels!H or Matrix!A30:C31."""


LEVEL_COLUMNS: set[str] = set(get_args(LevelField))
MOVE_COLUMNS: set[str] = set(get_args(MoveField))


def _columns(text: str) -> list[int] | None:
    """``D:K`` or ``D, E, G`` as column numbers; None when it is neither."""
    text = text.strip().upper()
    span = re.fullmatch(r"([A-Z]{1,3})\s*:\s*([A-Z]{1,3})", text)
    if span:
        first, last = column_number(span[1]), column_number(span[2])
        return list(range(first, last + 1)) if first <= last else None
    parts = [part.strip() for part in text.split(",")]
    if parts and all(re.fullmatch(r"[A-Z]{1,3}", part) for part in parts):
        return [column_number(part) for part in parts]
    return None


def _reference(text: str) -> tuple[str | None, int, int, int, int] | None:
    """``Sheet!A1``, ``Sheet!H``, ``A1:C3`` → (sheet or None, first row, first column, last row, last column)."""
    sheet, _, where = text.strip().rpartition("!")
    sheet_name = sheet.strip().strip("'").replace("''", "'") if sheet else None
    where = where.strip().upper()
    cell = r"([A-Z]{1,3})(\d{1,7})?"
    match = re.fullmatch(cell + r"(?::" + cell + r")?", where)
    if not match:
        return None
    c1 = column_number(match[1])
    r1 = int(match[2]) if match[2] else 1
    c2 = column_number(match[3]) if match[3] else c1
    r2 = int(match[4]) if match[4] else (r1 if match[2] else MAX_ROWS)
    if not match[2] and match[3] and match[4]:
        return None
    return sheet_name, min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)


def read_mapping(path: Path) -> Mapping:
    """The mapping file, validated like any content file (its problems name its lines)."""
    from ladderpress.load import Positions, YamlProblem, read_yaml, validate

    root = path.parent
    try:
        value, marks = read_yaml(path, root, (root,))
    except YamlProblem as exc:
        raise InputErrors([_named(exc.problem, path)]) from None
    if value is None:
        value = {}
    mapping, problems = validate(Mapping, value, Positions(root, marks), default=path)
    if problems:
        raise InputErrors([_named(problem, path) for problem in problems])
    assert isinstance(mapping, Mapping)
    return mapping


def _named(problem: Problem, path: Path) -> Problem:
    """A problem of the mapping file, named as the user gave it."""
    return Problem(str(path), problem.message, problem.line, problem.column, problem.field, problem.hint, problem.code)


# --------------------------------------------------------------------------- reading cells


BULLET = re.compile(r"^\s*(?:[•*–—·▪◦●‣⁃○■□➢►→✓✔]|-(?=\s)|\d{1,2}[.)](?=\s))\s*")
"""A line that starts as a list item: a bullet character, a dash and a space, or a number (1. or 1))."""
NOTHING = {"-", "–", "—", "n/a", "na", "none", "n.a."}
"""What a cell holds when it means "nothing here" (a level a competency does not apply to)."""
DITTO = {'"', "〃", "''", "as above", "same as above", "ditto", "^"}
"""What a grouping cell holds when it means "as above"."""


def lines_of(text: str) -> list[tuple[bool, str]]:
    """A cell's text as (is it a list item, its text) lines; a line that carries on the one before
    (it starts in lower case and is no item) is joined to it."""
    found: list[tuple[bool, str]] = []
    for raw in text.replace("\u2028", "\n").replace("\u2029", "\n").split("\n"):
        line = raw.strip()
        if not line:
            continue
        item = BULLET.match(line)
        words = line[item.end() :].strip() if item else line
        if not words:
            continue
        if not item and found and words[:1].islower():
            previous_item, previous = found[-1]
            found[-1] = (previous_item, f"{previous} {words}")
            continue
        found.append((bool(item), words))
    return found


def text_list(text: str) -> list[str]:
    """A cell as a list: one item per line, bullets and numbers stripped."""
    return [words for _, words in lines_of(text)]


def expectation_of(text: str) -> dict[str, Any] | None:
    """A matrix cell as an expectation: one line is its text; lines under a first line that is no item
    are its behaviours; several lines (with or without bullets) are behaviours."""
    if text.strip().casefold() in NOTHING:
        return None
    found = lines_of(text)
    if not found:
        return None
    if len(found) == 1:
        return {"text": found[0][1]}
    first_item, first = found[0]
    if not first_item and any(item for item, _ in found[1:]):
        return {"text": first, "behaviours": [words for _, words in found[1:]]}
    return {"behaviours": [words for _, words in found]}


YEARS = re.compile(
    r"^\s*(\d{1,2})\s*(?:(?:-|–|—|to|until|bis|à|a)\s*(\d{1,2})|(\+))?\s*(?:years?|yrs?|y)?\.?\s*(\+)?\s*$",
    re.IGNORECASE,
)


def years_of(value: Any) -> list[int | None] | str:
    """``2–4``, ``2-4``, ``2 to 4``, ``15+``, ``3`` or the number 3 as ``[from, to]``; else why not."""
    if isinstance(value, datetime.date | datetime.datetime):
        return "was turned into a date by the spreadsheet"
    if isinstance(value, int | float) and not isinstance(value, bool):
        if float(value).is_integer() and 0 <= value <= 60:
            return [int(value), int(value)]
        return "is not a whole number of years"
    match = YEARS.match(str(value))
    if not match:
        return "is not a number of years"
    start = int(match[1])
    if match[3] or match[4]:
        return [start, None]
    return [start, int(match[2]) if match[2] else start]


CODE = r"[A-Z]{1,4}-?\d{1,2}[a-z]?"
HEADER_FORMS = [
    re.compile(rf"^(?P<title>.+?)\s*[(\[]\s*(?P<code>{CODE})\s*[)\]]$"),
    re.compile(rf"^(?P<code>{CODE})\s*[(\[]\s*(?P<title>.+?)\s*[)\]]$"),
    re.compile(rf"^(?P<code>{CODE})\s*(?:[-–—:|·/]\s*|\s+)(?P<title>.+)$"),
    re.compile(rf"^(?P<title>.+?)\s*[-–—:|·/]\s*(?P<code>{CODE})$"),
    re.compile(rf"^(?P<code>{CODE})$"),
]


def parse_header(text: str) -> tuple[str | None, str | None]:
    """A level's header as (title, code): ``Senior PM (L3)`` → (Senior PM, L3); ``L3`` → (None, L3);
    ``Senior Product Manager`` → (Senior Product Manager, None); on two lines, the line that is a code."""
    parts = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    if len(parts) > 1:
        codes = [part for part in parts if re.fullmatch(CODE, part)]
        if len(codes) == 1:
            return " ".join(part for part in parts if part != codes[0]) or None, codes[0]
    joined = " ".join(parts)
    for form in HEADER_FORMS:
        match = form.match(joined)
        if match:
            found = match.groupdict()
            title = found.get("title")
            return (title.strip(" -–—:|·/") or None) if title else None, found["code"]
    return joined or None, None


def title_from_code(code: str) -> str:
    """A title for a level known only by its code: L3 → Level 3, IC4 → Level IC4."""
    plain = re.fullmatch(r"L-?(\d{1,2}[a-z]?)", code)
    return f"Level {plain[1]}" if plain else f"Level {code}"


def split_names(text: str) -> list[str]:
    """A cell naming several things: separated by commas, semicolons, slashes or lines."""
    return [part.strip() for part in re.split(r"[,;/\n]", text) if part.strip()]


def _aliases(table: dict[str, Sequence[str]]) -> dict[str, str]:
    return {column_name(alias): name for name, aliases in table.items() for alias in (name, *aliases)}


LEVEL_HEADERS = _aliases(
    {
        "id": ["level id", "slug", "key"],
        "code": ["level code", "grade code", "job code"],
        "title": ["job title", "level title", "name", "level name", "role", "role title", "job"],
        "short_title": ["short title", "short name", "abbreviation", "short"],
        "rank": ["order", "seniority", "sort"],
        "band": ["grade", "pay band", "career band", "job grade"],
        "tracks": ["track", "career track", "path", "career path", "ladder"],
        "scope": ["scope of the role", "level scope"],
        "description": ["summary", "overview", "about", "what it is"],
        "duties": ["responsibilities", "key responsibilities", "what they do"],
        "experience": ["typical experience", "experience required"],
        "years": ["years of experience", "yoe", "experience years", "typical years", "years experience"],
        "time_at_level": ["time in level", "typical time at level", "tenure", "time in role"],
        "reports_to": ["manager", "reports into", "reporting line"],
        "leads_to": ["next level", "next levels", "promotes to", "promotion to", "next"],
        "promotion_signals": ["signals", "promotion criteria", "ready for promotion when", "ready for next level"],
    }
)
MOVE_HEADERS = _aliases(
    {
        "from": ["from level", "level", "current level", "source", "move from"],
        "to": ["to level", "target", "next level", "move to", "target level"],
        "role": ["role outside", "other role", "out to"],
        "kind": ["type", "move type", "kind of move"],
        "summary": ["description", "about", "what it means"],
        "criteria": ["requirements", "criterion"],
        "evidence": ["proof", "evidence needed"],
        "business_need": ["need", "business case"],
        "typical_time": ["time", "typical duration", "duration", "how long"],
    }
)
THEMES = {column_name(w) for w in ("theme", "group", "area", "category", "pillar", "competency group",
                                   "competency area", "section", "domain", "cluster", "focus area", "themes",
                                   "groups", "areas", "categories", "pillars", "dimension group")}  # fmt: skip
COMPETENCIES = {column_name(w) for w in ("competency", "competencies", "skill", "skills", "dimension",
                                         "dimensions", "criteria", "criterion", "attribute", "attributes",
                                         "capability", "capabilities", "behaviour", "behaviours", "behavior",
                                         "behaviors", "expectation", "expectations")}  # fmt: skip
SUMMARIES = {column_name(w) for w in ("description", "summary", "definition", "what it means", "what it is",
                                      "about", "descriptions", "definitions")}  # fmt: skip
LEVEL_ROWS = _aliases(
    {
        "years": ["years of experience", "yoe", "typical years", "years experience", "experience (years)"],
        "experience": ["typical experience"],
        "code": ["level code", "level"],
        "band": ["grade"],
        "tracks": ["track", "career track"],
        "scope": ["level scope"],
        "title": ["job title"],
        "short_title": ["short title"],
        "time_at_level": ["time in level", "time at level"],
        "description": ["level description", "summary"],
    }
)
"""Rows of a matrix that say something about each level (years of experience, say), not a competency."""
MATRIX_SHEETS = ("matrix", "competenc", "framework", "expectation", "skill", "ladder", "grid")
LEVEL_SHEETS = ("level", "grade", "role", "title", "band")
MOVE_SHEETS = ("move", "promotion", "path", "progression", "transition")


def _named_like(title: str, words: Sequence[str]) -> bool:
    folded = title.casefold()
    return any(word in folded for word in words)


# --------------------------------------------------------------------------- understanding a workbook


@dataclass
class Decision:
    """One line of the mapping printed: its YAML, and why."""

    line: str
    why: str = ""

    def __str__(self) -> str:
        return f"{self.line:<34} # {self.why}" if self.why else self.line


@dataclass
class _LevelDraft:
    """A level as the sheets give it, field by field, each value with the cell it came from."""

    key: str
    """The header or title it was first known by (for messages)."""
    values: dict[str, tuple[Any, str]] = field(default_factory=dict)
    order: int = 0
    derived: set[str] = field(default_factory=set)
    """Fields made from a matrix header (a title from a code): a row of titles replaces them."""


@dataclass
class Imported:
    """A spreadsheet understood: the ladder's data, validated, and what was decided on the way."""

    source: str
    data: dict[str, Any]
    ladder: Ladder
    mapping: list[Decision]
    notes: list[str]
    """Warnings: sheets left out, empty columns, what was inferred."""
    placeholders: dict[str, str]
    """Content file → what in it is placeholder text (for the TODOs the user is told of)."""
    exported: bool = False
    """Read exactly, from a workbook ladderpress exported."""


class _Reader:
    """Reads one workbook's grids into the ladder's data, gathering every problem."""

    def __init__(self, name: str, grids: list[Grid], mapping: Mapping, given: set[str]) -> None:
        self.name = name
        self.grids = grids
        self.mapping = mapping
        self.given = given
        """The mapping's parts given in a file (anything else is inferred)."""
        self.problems: list[Problem] = []
        self.notes: list[str] = []
        self.decisions: list[Decision] = []
        self.where: dict[Loc, str] = {}
        """Where each value of the ladder came from (a cell), for problems found when validating."""
        self.ignored: list[tuple[str | None, int, int, int, int]] = [
            found for reference in mapping.ignore if (found := _reference(reference)) is not None
        ]
        self.title_cells: list[tuple[str, str]] = []
        """The title and subtitle lines above the matrix, with their cells."""
        self.ladder_said: dict[str, str] = {}
        self.matrix_why = self.levels_why = self.moves_why = ""

    # -- small helpers

    def problem(self, grid: Grid, message: str, hint: str | None, r: int, c: int | None = None) -> None:
        self.problems.append(Problem(self.name, message, hint=hint, cell=grid.at(r, c)))

    def is_ignored(self, grid: Grid, r: int, c: int) -> bool:
        return any(
            (sheet is None or sheet == grid.title) and r1 <= r <= r2 and c1 <= c <= c2
            for sheet, r1, c1, r2, c2 in self.ignored
        )

    def grid(self, title: str, where: str) -> Grid | None:
        for grid in self.grids:
            if grid.title == title:
                return grid
        titles = [grid.title for grid in self.grids]
        close = difflib.get_close_matches(title, titles, n=1, cutoff=0.5)
        self.problems.append(
            Problem(
                self.name,
                f"has no sheet '{title}', which the mapping names for {where}",
                hint=f"did you mean '{close[0]}'?" if close else f"the sheets are: {', '.join(titles)}",
            )
        )
        return None

    # -- which sheet is which

    def sheets(self) -> tuple[Grid | None, Grid | None, Grid | None]:
        """The matrix, levels and moves sheets, as the mapping names them or as they look."""
        levels = moves = None
        scores: dict[str, tuple[int, str]] = {}
        for grid in self.grids:
            header = _header_row(grid)
            names = [column_name(grid.text(header, c)) for c in grid.row_cells(header)] if header else []
            level_hits = sum(1 for n in names if n in LEVEL_HEADERS and LEVEL_HEADERS[n] != "id")
            move_hits = sum(1 for n in names if n in MOVE_HEADERS)
            has_to = any(MOVE_HEADERS.get(n) == "to" for n in names)
            has_from = any(MOVE_HEADERS.get(n) == "from" for n in names)
            if has_to and has_from and (move_hits >= 2) and (_named_like(grid.title, MOVE_SHEETS) or move_hits >= 3):
                scores[grid.title] = (2, f"named '{grid.title}', its headers name where moves go from and to")
            elif level_hits >= 3 or (level_hits >= 2 and _named_like(grid.title, LEVEL_SHEETS)):
                hit_names = [n for n in names if n in LEVEL_HEADERS][:4]
                scores[grid.title] = (1, f"its headers name levels' fields ({', '.join(hit_names)}, …)")
        matrix_map = self.mapping.matrix
        if "levels" in self.given:
            levels = self.grid(self.mapping.levels.sheet, "levels") if self.mapping.levels else None
        else:
            levels = next((g for g in self.grids if scores.get(g.title, (0,))[0] == 1), None)
        if "moves" in self.given:
            moves = self.grid(self.mapping.moves.sheet, "moves") if self.mapping.moves else None
        else:
            moves = next((g for g in self.grids if scores.get(g.title, (0,))[0] == 2), None)
        matrix: Grid | None
        if matrix_map.sheet is not None:
            matrix = self.grid(matrix_map.sheet, "the matrix")
            why = "named in the mapping"
        else:
            others = [g for g in self.grids if g is not levels and g is not moves and g.cells]
            named = [g for g in others if _named_like(g.title, MATRIX_SHEETS)]
            matrix = (named or sorted(others, key=lambda g: -len(g.cells)))[0] if others else None
            why = (
                "the only sheet left"
                if len(others) == 1
                else f"named like a matrix ('{matrix.title}')"
                if named and matrix is not None
                else "the fullest sheet left"
            )
            if matrix is None:
                self.problems.append(
                    Problem(
                        self.name,
                        "has no sheet that could be the competency matrix",
                        hint="put the matrix on a sheet of its own: competencies down the side, levels across the top",
                    )
                )
        self.matrix_why = why
        self.levels_why = scores.get(levels.title, (0, "named in the mapping"))[1] if levels else ""
        self.moves_why = scores.get(moves.title, (0, "named in the mapping"))[1] if moves else ""
        for grid in self.grids:
            if grid not in (matrix, levels, moves) and grid.cells:
                self.notes.append(
                    f"{self.name}: the sheet {grid.prefix[:-1]} is not read: it is neither the matrix nor a "
                    "levels or moves sheet (name it in a mapping file if it is one)"
                )
        return matrix, levels, moves

    # -- the levels sheet

    def levels_sheet(self, grid: Grid) -> list[_LevelDraft]:
        """One draft per row of the levels sheet."""
        table = self.mapping.levels if "levels" in self.given and self.mapping.levels else None
        header = table.header_row if table else _header_row(grid) or 1
        columns = self._table_columns(grid, header, table, LEVEL_HEADERS, LEVEL_COLUMNS, "levels")
        self.decisions += [
            Decision("levels:"),
            Decision(f"  sheet: {_scalar(grid.title)}", self.levels_why),
            Decision(f"  header_row: {header}", _above(grid, header)),
            Decision("  columns:"),
        ]
        for name, c in columns.items():
            self.decisions.append(Decision(f"    {name}: {letter(c)}", f"'{_one_line(grid.text(header, c))}'"))
        if "title" not in columns and "code" not in columns and "id" not in columns:
            self.problem(
                grid,
                "the levels sheet has no column of titles, codes or ids",
                "call the column of the levels' titles 'Title' (or name it in a mapping file's levels: columns:)",
                header,
            )
            return []
        drafts: list[_LevelDraft] = []
        for r in range(header + 1, grid.rows + 1):
            cells = [c for c in grid.row_cells(r) if not self.is_ignored(grid, r, c)]
            if not cells:
                continue
            draft = _LevelDraft(key=f"row {r}", order=len(drafts))
            for name, c in columns.items():
                value = grid.value(r, c)
                if not blank(value):
                    draft.values[name] = (value, grid.at(r, c))
            for c in cells:
                if c not in columns.values():
                    self.problem(
                        grid,
                        f"'{_short(grid.text(r, c))}' is in a column that is no level field",
                        "give the column a level field's header, or list it under ignore: in a mapping file",
                        r,
                        c,
                    )
            if not any(name in draft.values for name in ("title", "code", "id")):
                self.problem(grid, "this level has no title, code or id", "write the level's title in its row", r, None)
                continue
            draft.key = cell_text(next(draft.values[n][0] for n in ("title", "code", "id") if n in draft.values))
            drafts.append(draft)
        if not drafts:
            self.problem(grid, "the levels sheet lists no level under its header", "add one row per level", header)
        return drafts

    def _table_columns(
        self,
        grid: Grid,
        header: int,
        table: TableMap | None,
        aliases: dict[str, str],
        allowed: set[str],
        what: str,
    ) -> dict[str, int]:
        """Each field → its column, from the mapping or from the headers (matched loosely)."""
        columns: dict[str, int] = {}
        if table is not None and table.columns:
            for named, column in table.columns.items():
                if named not in allowed:
                    close = difflib.get_close_matches(named, sorted(allowed), n=1)
                    self.problems.append(
                        Problem(
                            self.name,
                            f"the mapping names '{named}', which is no field of {what}",
                            hint=f"did you mean '{close[0]}'?"
                            if close
                            else f"choose from {', '.join(sorted(allowed))}",
                        )
                    )
                    continue
                columns[named] = column_number(column)
            return columns
        for c in grid.row_cells(header):
            text = grid.text(header, c)
            name: str | None = aliases.get(column_name(text))
            if name == "code" and what == "moves":
                name = None
            if name is None and column_name(text) == "level" and what == "levels":
                name = "code" if "code" not in columns else None
            if name is None:
                if not self.is_ignored(grid, header, c):
                    self.problem(
                        grid,
                        f"the column '{_short(text)}' is no field of {what}",
                        f"rename it to one of: {', '.join(sorted(allowed))}; or list it under ignore: in a "
                        "mapping file",
                        header,
                        c,
                    )
                    self.ignored.append((grid.title, header, c, MAX_ROWS, c))
                continue
            if name in columns:
                self.problem(
                    grid,
                    f"the column '{_short(text)}' is {name} again (column {letter(columns[name])} is too)",
                    "keep one column of each field",
                    header,
                    c,
                )
                continue
            columns[name] = c
        return columns

    # -- the matrix

    def matrix(self, grid: Grid, levels: list[_LevelDraft] | None) -> tuple[list[_LevelDraft], list[dict[str, Any]]]:
        """The levels (from the headers, or matched to the levels sheet's) and the competency groups."""
        m = self.mapping.matrix
        header = m.header_row or _header_row(grid)
        if header is None:
            self.problems.append(
                Problem(
                    self.name,
                    "the matrix sheet has no header row of levels",
                    hint="put the levels' titles in one row above the competencies",
                    cell=f"{grid.prefix}A1",
                )
            )
            return levels or [], []
        labels, level_columns, why = self._matrix_columns(grid, header)
        theme_c, competency_c, summary_c = labels
        self.decisions += [
            Decision("matrix:"),
            Decision(f"  sheet: {_scalar(grid.title)}", self.matrix_why),
            Decision(f"  header_row: {header}", _above(grid, header)),
            Decision(
                f"  theme_column: {letter(theme_c) if theme_c else 'null'}",
                why.get("theme", "no column groups the competencies"),
            ),
            Decision(
                f"  competency_column: {letter(competency_c) if competency_c else 'null'}", why.get("competency", "")
            ),
            Decision(
                f"  summary_column: {letter(summary_c) if summary_c else 'null'}",
                why.get("summary", "no column of summaries"),
            ),
        ]
        if competency_c is None:
            self.problem(grid, "the matrix has no column of competencies", "name it in a mapping file", header)
            return levels or [], []
        title_rows = self._above_header(grid, header)
        # the levels' columns
        drafts = self._level_columns(grid, header, level_columns, levels)
        _first, last = (min(level_columns), max(level_columns)) if level_columns else (competency_c + 1, competency_c)
        self.decisions.append(
            Decision(
                f"  level_columns: {_range_text(level_columns)}",
                f"{len(drafts)} level{'s' if len(drafts) != 1 else ''}, ranked left to right"
                if levels is None
                else f"{len(drafts)} level{'s' if len(drafts) != 1 else ''} of the levels sheet",
            )
        )
        by_column = dict(drafts)
        groups, level_rows, end = self._matrix_rows(grid, header, labels, by_column)
        if level_rows:
            self.decisions.append(Decision("  level_rows:"))
            for name, (r, label) in level_rows.items():
                self.decisions.append(Decision(f"    {name}: {r}", f"'{label}': the levels' {name.replace('_', ' ')}"))
        else:
            self.decisions.append(Decision("  level_rows: {}", "no row of years, codes or bands"))
        # what lies outside the table
        right = max([last, *(c for c in labels if c)])
        for (r, c), value in sorted(grid.cells.items()):
            if self.is_ignored(grid, r, c) or r in title_rows:
                continue
            if r < header or r > end or c > right or c < min(c for c in labels if c):
                self.problem(
                    grid,
                    f"'{_short(cell_text(value))}' lies outside the table (rows {header}–{end}, columns "
                    f"{letter(min(c for c in labels if c))}–{letter(right)}), so it cannot be placed",
                    "delete it, move it into the table, or list it under ignore: in a mapping file",
                    r,
                    c,
                )
        if title_rows:
            self.title_cells = [(grid.text(r, title_rows[r]), grid.at(r, title_rows[r])) for r in sorted(title_rows)]
        return [d for _, d in drafts], groups

    def _above_header(self, grid: Grid, header: int) -> dict[int, int]:
        """The title and subtitle above the table: the first two rows above its header holding one value each."""
        found: dict[int, int] = {}
        for r in range(1, header):
            cells = grid.row_cells(r)
            if len(cells) == 1 and len(found) < 2:
                found[r] = cells[0]
        return found

    def _matrix_columns(
        self, grid: Grid, header: int
    ) -> tuple[tuple[int | None, int | None, int | None], list[int], dict[str, str]]:
        """(theme, competency, summary) columns, the levels' columns, and why each label column was chosen.

        The label columns are those at the left whose header names one (``Area``, ``Competency``,
        ``Description``…) or is blank, and the first column whatever its header (unless it reads as a
        level's, like ``L1``); the levels' columns follow, up to the header's last value. Columns whose
        header names nothing are placed by where they stand: left of the competencies is the group,
        right of them the summary; with none named, one column is the competencies, two the group and
        the competencies, three the group, the competencies and the summary.
        """
        m = self.mapping.matrix
        cells = grid.row_cells(header)
        first = min([*cells, *(c for (r, c) in grid.cells if r > header)], default=1)
        last = max(cells, default=first)
        why: dict[str, str] = {}
        kinds: dict[int, str | None] = {}
        for c in range(first, last + 1):
            text = grid.text(header, c, merged=False)
            name = column_name(text)
            kind = "theme" if name in THEMES else "competency" if name in COMPETENCIES else None
            kind = kind or ("summary" if name in SUMMARIES else None)
            if kind is not None and kind not in kinds.values():
                kinds[c] = kind
                why[kind] = f"'{_one_line(text)}'"
            elif not text or (not kinds and not _level_like(text)):
                kinds[c] = None
            else:
                break
        unnamed = [c for c, kind in kinds.items() if kind is None]
        named = {kind: c for c, kind in kinds.items() if kind is not None}
        if "competency" in named:
            left = [c for c in unnamed if c < named["competency"]]
            right = [c for c in unnamed if c > named["competency"]]
            if left and "theme" not in named:
                named["theme"] = left[-1]
            if right and "summary" not in named:
                named["summary"] = right[0]
        elif "theme" in named:
            right = [c for c in unnamed if c > named["theme"]]
            for kind, c in zip(("competency", "summary"), right, strict=False):
                if kind not in named:
                    named[kind] = c
        elif "summary" in named:
            left = [c for c in unnamed if c < named["summary"]]
            if left:
                named["competency"] = left[-1]
            if len(left) > 1:
                named["theme"] = left[-2]
        else:
            order = {1: ["competency"], 2: ["theme", "competency"]}.get(
                len(unnamed), ["theme", "competency", "summary"]
            )
            named.update(zip(order, unnamed, strict=False))
        for kind, c in named.items():
            if kind not in why:
                header_text = grid.text(header, c, merged=False)
                shown = f"'{_one_line(header_text)}'" if header_text else f"column {letter(c)}, no header"
                where = {
                    "theme": "left of the competencies: its blank and merged cells are the group above",
                    "competency": "left of the levels",
                    "summary": "right of the competencies",
                }[kind]
                why[kind] = f"{shown}, {where}"
        if "theme" in named and not why["theme"].endswith("above"):
            why["theme"] += "; its blank and merged cells are the group above"
        theme_c, competency_c, summary_c = named.get("theme"), named.get("competency"), named.get("summary")
        given = m.model_fields_set
        if "theme_column" in given:
            theme_c = column_number(m.theme_column) if m.theme_column else None
            why["theme"] = "named in the mapping"
        if "competency_column" in given:
            competency_c = column_number(m.competency_column) if m.competency_column else None
            why["competency"] = "named in the mapping"
        if "summary_column" in given:
            summary_c = column_number(m.summary_column) if m.summary_column else None
            why["summary"] = "named in the mapping"
        labels = (theme_c, competency_c, summary_c)
        if m.level_columns:
            level_columns = _columns(m.level_columns) or []
        else:
            start = max([c for c in labels if c] or [first - 1]) + 1
            level_columns = list(range(start, last + 1))
        return labels, level_columns, why

    def _lost(self, grid: Grid, header: int, c: int) -> str:
        """``, so its cells (F3, F4) cannot be placed``: the values under a header that is refused."""
        below = [r for r in grid.column_cells(c) if r > header and not self.is_ignored(grid, r, c)]
        if not below:
            return ""
        shown = ", ".join(f"{letter(c)}{r}" for r in below[:6]) + (", …" if len(below) > 6 else "")
        return f", so {'its cells' if len(below) > 1 else 'its cell'} ({shown}) cannot be placed"

    def _level_columns(
        self, grid: Grid, header: int, columns: list[int], levels: list[_LevelDraft] | None
    ) -> list[tuple[int, _LevelDraft]]:
        """Each level column with its level: made from its header, or the levels sheet's it names."""
        found: list[tuple[int, _LevelDraft]] = []
        seen: dict[str, int] = {}
        lookup = _level_lookup(levels) if levels is not None else {}
        for c in columns:
            text = grid.text(header, c, merged=False)
            if not text:
                below = [r for r in grid.column_cells(c) if r > header and not self.is_ignored(grid, r, c)]
                if below:
                    for r in sorted(below):
                        self.problem(
                            grid,
                            f"'{_short(grid.text(r, c))}' is in a column with no level header, so its level is unknown",
                            f"write the level's title in {letter(c)}{header}, or move the cell to its level's column",
                            r,
                            c,
                        )
                else:
                    self.notes.append(
                        f"{self.name}: {grid.at(header, c)}: column {letter(c)} is empty (no header, no value); "
                        "it is left out"
                    )
                continue
            key = " ".join(text.split()).casefold()
            if key in seen:
                self.problem(
                    grid,
                    f"the level header '{_one_line(text)}' is also the header of column {letter(seen[key])}; "
                    f"each level has one column{self._lost(grid, header, c)}",
                    "rename one of them, or delete the column that repeats the other",
                    header,
                    c,
                )
                continue
            seen[key] = c
            if levels is not None:
                draft = _match_level(text, lookup)
                if draft is None:
                    names = [d.key for d in levels]
                    close = difflib.get_close_matches(text, names, n=1, cutoff=0.5)
                    self.problem(
                        grid,
                        f"the header '{_one_line(text)}' names no level of the levels sheet",
                        f"did you mean '{close[0]}'?" if close else f"write one of: {', '.join(names)}",
                        header,
                        c,
                    )
                    continue
                if any(d is draft for _, d in found):
                    column = next(col for col, d in found if d is draft)
                    self.problem(
                        grid,
                        f"the header '{_one_line(text)}' names the level '{draft.key}', as column {letter(column)} "
                        f"does; each level has one column{self._lost(grid, header, c)}",
                        "rename one of them, or delete the column that repeats the other",
                        header,
                        c,
                    )
                    continue
                found.append((c, draft))
                continue
            title, code = parse_header(text)
            draft = _LevelDraft(key=_one_line(text), order=len(found))
            draft.values["title"] = (title or title_from_code(code or text), grid.at(header, c))
            if title is None:
                draft.derived.add("title")
            if code:
                draft.values["code"] = (code, grid.at(header, c))
            found.append((c, draft))
        if not found and not self.problems:
            self.problem(grid, "the matrix has no level columns", "put one level per column in the header row", header)
        return found

    def _matrix_rows(
        self,
        grid: Grid,
        header: int,
        labels: tuple[int | None, int | None, int | None],
        by_column: dict[int, _LevelDraft],
    ) -> tuple[list[dict[str, Any]], dict[str, tuple[int, str]], int]:
        """The competency groups, the level-fact rows (name → row, label), and the table's last row."""
        theme_c, competency_c, summary_c = labels
        assert competency_c is not None
        m = self.mapping.matrix
        given_rows: dict[int, str] | None = None
        if "level_rows" in m.model_fields_set:
            given_rows = {r: name for name, r in m.level_rows.items()}
        groups: list[dict[str, Any]] = []
        current: dict[str, Any] | None = None
        current_at = ""
        level_rows: dict[str, tuple[int, str]] = {}
        competency_at: dict[str, str] = {}
        last_competency: tuple[dict[str, Any], int, int] | None = None  # the competency, its first row, merge end
        end = header
        blank_run = 0
        seen_competency = False
        rows = sorted({r for (r, _) in grid.cells if r > header} | {r for (r, _) in grid.covered if r > header})
        previous_row = header
        for r in rows:
            gap = r - previous_row - 1
            previous_row = r
            blank_run = gap
            if seen_competency and blank_run >= 2:
                break  # two blank rows end the table: what lies below is outside it
            theme_text = grid.text(r, theme_c, merged=False) if theme_c else ""
            theme_covered = bool(theme_c and (r, theme_c) in grid.covered)
            label = grid.text(r, competency_c, merged=False)
            covered = grid.covered.get((r, competency_c))
            level_cells = {  # a cell covered by a label merged across (a group's name over the row) is no value
                c: grid.value(r, c)
                for c in by_column
                if not blank(grid.value(r, c))
                and not self.is_ignored(grid, r, c)
                and grid.covered.get((r, c), (r, c))[1] in by_column
            }
            own_cells = [c for c in grid.row_cells(r) if not self.is_ignored(grid, r, c)]
            if not own_cells and not covered and not theme_covered:
                continue
            # a row of facts about the levels (years of experience, say)
            row_label = label or theme_text
            fact: str | None
            if given_rows is not None:
                fact = given_rows.get(r)
            else:
                before_any = not groups  # years, codes, bands: rows under the header, above the competencies
                fact = LEVEL_ROWS.get(column_name(row_label)) if row_label and level_cells and before_any else None
            if fact is not None:
                level_rows[fact] = (r, _one_line(row_label or f"row {r}"))
                for c, value in level_cells.items():
                    self._fact(by_column[c], fact, value, grid.at(r, c))
                end = r
                continue
            # a heading row: a group's name, alone on its row
            alone = len(own_cells) == 1 and (summary_c is None or not grid.text(r, summary_c, merged=False))
            if (
                not level_cells
                and not covered
                and ((theme_c and theme_text and not label) or (not theme_c and label and alone))
            ):
                name = theme_text or label
                current = {"name": name, "competencies": []}
                current_at = grid.at(r, theme_c if theme_c and theme_text else competency_c)
                groups.append(current)
                self._where_group(len(groups) - 1, current_at)
                end = r
                continue
            new_group = current is None or current["name"] != theme_text
            if theme_c and theme_text and theme_text.casefold() not in DITTO and new_group:
                current = {"name": theme_text, "competencies": []}
                current_at = grid.at(r, theme_c)
                groups.append(current)
                self._where_group(len(groups) - 1, current_at)
            # a row continuing a competency whose cell is merged down over it
            if covered is not None and last_competency is not None and covered[0] == last_competency[1]:
                for c, value in level_cells.items():
                    if (r, c) in grid.covered and grid.covered[(r, c)][0] <= last_competency[1]:
                        continue  # the same merged cell, already read
                    self._add_lines(last_competency[0], by_column[c], value, grid.at(r, c))
                end = r
                continue
            if not label:
                for c in own_cells:
                    if c in by_column or c == summary_c:
                        self.problem(
                            grid,
                            f"'{_short(grid.text(r, c))}' has no competency on its row",
                            f"write the competency's name in {letter(competency_c)}{r}, or delete the cell",
                            r,
                            c,
                        )
                end = r
                continue
            if current is None:
                current = {"name": grid.title if theme_c is None else "Competencies", "competencies": []}
                if theme_c is not None:
                    self.problem(
                        grid,
                        f"the competency '{_short(label)}' has no group",
                        f"write its group in {letter(theme_c)}{r} (a blank cell takes the group above)",
                        r,
                        theme_c,
                    )
                groups.append(current)
                self._where_group(len(groups) - 1, grid.at(r, competency_c))
            seen_competency = True
            end = r
            competency: dict[str, Any] = {"name": label, "summary": "", "expectations": {}}
            if summary_c:
                competency["summary"] = grid.text(r, summary_c, merged=False)
            competency["_at"] = grid.at(r, competency_c)
            competency["_row"] = r
            key = label.casefold()
            if key in competency_at and any(c["name"].casefold() == key for c in current["competencies"]):
                self.problem(
                    grid,
                    f"the competency '{_short(label)}' is already in this group, at {competency_at[key]}",
                    "merge the two rows, or rename one",
                    r,
                    competency_c,
                )
                continue
            competency_at.setdefault(key, grid.at(r, competency_c))
            for c, value in level_cells.items():
                self._add_lines(competency, by_column[c], value, grid.at(r, c))
            current["competencies"].append(competency)
            last_competency = (competency, r, r)
        for i, group in enumerate(groups):
            if not group["competencies"]:
                self.problems.append(
                    Problem(
                        self.name,
                        f"'{_short(group['name'])}' has no value at any level and no competency under it",
                        hint="fill in its row, or delete it",
                        cell=self.where.get(("competencies", i), None),
                    )
                )
        return groups, level_rows, end

    def _where_group(self, index: int, cell: str) -> None:
        self.where[("competencies", index)] = cell

    def _add_lines(self, competency: dict[str, Any], draft: _LevelDraft, value: Any, at: str) -> None:
        """A cell's expectation for one level; a second cell for the same level (a merged competency) adds lines."""
        expectation = expectation_of(cell_text(value))
        if expectation is None:
            return
        expectations = competency["expectations"]
        key = id(draft)
        if key in expectations:
            before = expectations[key][0]
            items = [before["text"]] if "text" in before and "behaviours" not in before else []
            kept = {"text": before["text"]} if "behaviours" in before and "text" in before else {}
            kept["behaviours"] = [*items, *before.get("behaviours", []), *expectation.get("behaviours", [])]
            if "text" in expectation:
                kept["behaviours"].append(expectation["text"])
            expectations[key] = (kept, expectations[key][1], draft)
            return
        expectations[key] = (expectation, at, draft)

    def _fact(self, draft: _LevelDraft, name: str, value: Any, at: str) -> None:
        """One fact about a level from a matrix row: it replaces what the header said (a title made from a
        code, say), and must agree with the levels sheet's, if given there."""
        if name in draft.values and name not in draft.derived:
            before, where = draft.values[name]
            if cell_text(before) != cell_text(value):
                self.problems.append(
                    Problem(
                        self.name,
                        f"{name.replace('_', ' ')} '{_short(cell_text(value))}' differs from "
                        f"'{_short(cell_text(before))}' at {where}",
                        hint="keep the two the same, or delete one",
                        cell=at,
                    )
                )
            return
        draft.values[name] = (value, at)
        draft.derived.discard(name)

    # -- the moves sheet

    def moves_sheet(
        self, grid: Grid, lookup: dict[str, _LevelDraft]
    ) -> list[tuple[_LevelDraft, dict[str, Any], str, dict[str, str]]]:
        """Each move: the level it goes from, the move's data, its row's reference, and each field's cell."""
        table = self.mapping.moves if "moves" in self.given and self.mapping.moves else None
        header = table.header_row if table else _header_row(grid) or 1
        columns = self._table_columns(grid, header, table, MOVE_HEADERS, MOVE_COLUMNS, "moves")
        self.decisions += [
            Decision("moves:"),
            Decision(f"  sheet: {_scalar(grid.title)}", self.moves_why),
            Decision(f"  header_row: {header}", _above(grid, header)),
            Decision("  columns:"),
        ]
        for name, c in columns.items():
            self.decisions.append(Decision(f"    {name}: {letter(c)}", f"'{_one_line(grid.text(header, c))}'"))
        found = []
        for r in range(header + 1, grid.rows + 1):
            cells = [c for c in grid.row_cells(r) if not self.is_ignored(grid, r, c)]
            if not cells:
                continue
            for c in cells:
                if c not in columns.values():
                    self.problem(
                        grid,
                        f"'{_short(grid.text(r, c))}' is in a column that is no field of moves",
                        "give the column a move field's header, or list it under ignore: in a mapping file",
                        r,
                        c,
                    )
            source = grid.text(r, columns["from"]) if "from" in columns else ""
            if not source:
                self.problem(
                    grid,
                    "this move does not say which level it goes from",
                    f"write the level in {letter(columns['from'])}{r}" if "from" in columns else "add a From column",
                    r,
                    columns.get("from"),
                )
                continue
            level = _match_level(source, lookup)
            if level is None:
                self.problem(
                    grid,
                    f"'{_short(source)}' is no level of the ladder",
                    _did_you_mean(source, lookup),
                    r,
                    columns["from"],
                )
                continue
            move: dict[str, Any] = {}
            cells_of: dict[str, str] = {}
            for name, c in columns.items():
                text = grid.text(r, c)
                if name == "from" or not text:
                    continue
                cells_of[name] = grid.at(r, c)
                if name == "to":
                    target = _match_level(text, lookup)
                    if target is None:
                        self.problem(
                            grid, f"'{_short(text)}' is no level of the ladder", _did_you_mean(text, lookup), r, c
                        )
                        continue
                    move["to"] = target
                elif name in ("criteria", "evidence"):
                    move[name] = text_list(text)
                elif name == "kind":
                    move[name] = text.casefold()
                else:
                    move[name] = text
            found.append((level, move, grid.at(r, None), cells_of))
        return found


def _did_you_mean(text: str, lookup: dict[str, _LevelDraft]) -> str:
    close = difflib.get_close_matches(text.casefold(), list(lookup), n=1, cutoff=0.5)
    return f"did you mean '{lookup[close[0]].key}'?" if close else "name a level by its title, code or id"


def _level_like(text: str) -> bool:
    """Whether a header reads as a level's (it holds a code such as L3)."""
    return parse_header(text)[1] is not None


def _level_lookup(drafts: Iterable[_LevelDraft]) -> dict[str, _LevelDraft]:
    """Every name a level goes by (id, code, title, short title, 'title (code)'), folded → its draft."""
    lookup: dict[str, _LevelDraft] = {}
    for draft in drafts:
        values = {name: cell_text(value) for name, (value, _) in draft.values.items()}
        names = [values.get(n, "") for n in ("id", "code", "title", "short_title")]
        if values.get("title") and values.get("code"):
            names.append(f"{values['title']} ({values['code']})")
        for name in names:
            if name:
                lookup.setdefault(" ".join(name.split()).casefold(), draft)
    return lookup


def _match_level(text: str, lookup: dict[str, _LevelDraft]) -> _LevelDraft | None:
    """The level a header or cell names: whole, by its code, or by its title."""
    folded = " ".join(text.split()).casefold()
    if folded in lookup:
        return lookup[folded]
    title, code = parse_header(text)
    for part in (code, title):
        if part and part.casefold() in lookup:
            return lookup[part.casefold()]
    slug = slugify(text)
    return lookup.get(slug)


def _header_row(grid: Grid) -> int | None:
    """The first row as wide as the table: at least two values, and at least 60% of the widest of the
    first rows (a title line above has one value; a row of merged band names above has fewer)."""
    rows = sorted({r for r, _ in grid.cells})[:30]
    widths = {r: len(grid.row_cells(r)) for r in rows}
    widest = max(widths.values(), default=0)
    for r in rows:
        if widths[r] >= 2 and widths[r] >= 0.6 * widest:
            return r
    return rows[0] if rows else None


def _above(grid: Grid, header: int) -> str:
    if header == 1:
        return "the first row"
    return f"rows above it: {'a title' if any(grid.row_cells(r) for r in range(1, header)) else 'blank'}"


def _range_text(columns: list[int]) -> str:
    if not columns:
        return "null"
    if columns == list(range(columns[0], columns[-1] + 1)):
        return f"{letter(columns[0])}:{letter(columns[-1])}"
    return ", ".join(letter(c) for c in columns)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _short(text: str, limit: int = 50) -> str:
    text = _one_line(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _scalar(text: str) -> str:
    """A text as a one-line YAML scalar (quoted when it must be)."""
    return (
        yaml.safe_dump(text, default_flow_style=True, allow_unicode=True, width=10_000).removesuffix("\n...\n").strip()
    )


# --------------------------------------------------------------------------- assembling the ladder


PLACEHOLDER_INTRODUCTION = """\
This ladder sets out the levels of {field} at {organisation}, what each level is responsible for,
and what each one asks of people, competency by competency.

It was made from a spreadsheet: an introduction to the field, written by the people who know it,
will take the place of these lines."""
PLACEHOLDER_HOW_TO_READ = """\
Each level has a section of its own. The competency matrix shows what each level asks for, one
competency at a time, and how that grows from one level to the next."""
PLACEHOLDER_TRACK = "Everyone in {field} grows along this track, from {first} to {last}."
PLACEHOLDER_SCOPE = "The scope of the {title} level is still to be written."
PLACEHOLDER_DESCRIPTION = (
    "What sets the {title} level apart is still to be written; its competencies show what it asks for."
)
PLACEHOLDER_FAQ = [
    {
        "question": "How do I use this ladder?",
        "answer": (
            "Find your level, read what it asks for, and talk it over with your manager. The next level's "
            "section shows what a step up asks for."
        ),
    },
    {
        "question": "Does everyone move through every level?",
        "answer": (
            "No. The levels describe what is common, not a timetable: people grow at different speeds and "
            "in different directions."
        ),
    },
]
DEFAULT_ORGANISATION = "Our company"
TITLE_WORDS = re.compile(
    r"\b(career|careers|competency|competencies|ladder|ladders|framework|frameworks|matrix|levels|levelling|"
    r"leveling|progression|expectations|grid|v\d+(\.\d+)?|draft|final|\d{4})\b",
    re.IGNORECASE,
)


def _field_from(text: str) -> str:
    """``Product Management Career Framework`` → ``Product Management``; what is left when the words a title
    adds are taken out."""
    words = " ".join(TITLE_WORDS.sub(" ", re.sub(r"[_\-–—:|()]+", " ", text)).split())
    return words


def import_workbook(path: Path, mapping_path: Path | None = None) -> Imported:
    """The ladder a spreadsheet holds, understood whole; raises :class:`InputErrors` with every problem."""
    name = str(path)
    mapping = read_mapping(mapping_path) if mapping_path is not None else Mapping()
    given = set(mapping.model_fields_set) if mapping_path is not None else set()
    grids, problems, notes = read_grids(path, name)
    if _exported(grids):
        return _from_export(name, grids, problems, notes)
    reader = _Reader(name, grids, mapping, given)
    reader.problems += problems
    reader.notes += notes
    reader.title_cells = []
    matrix_grid, levels_grid, moves_grid = reader.sheets()
    drafts = reader.levels_sheet(levels_grid) if levels_grid is not None else None
    if levels_grid is None:
        reader.decisions.append(Decision("levels: null", "no levels sheet: levels made from the matrix's headers"))
    groups: list[dict[str, Any]] = []
    if matrix_grid is not None:
        drafts_all, groups = reader.matrix(matrix_grid, drafts)
        if drafts is None:
            drafts = drafts_all
    drafts = drafts or []
    moves = reader.moves_sheet(moves_grid, _level_lookup(drafts)) if moves_grid is not None else []
    if moves_grid is None:
        reader.decisions.append(Decision("moves: null", "no moves sheet"))
    data, placeholders = _assemble(reader, path, mapping, drafts, groups, moves)
    ignore = ", ".join(_scalar(reference) for reference in mapping.ignore)
    reader.decisions.append(Decision(f"ignore: [{ignore}]", "cells to leave out, such as Matrix!M20 or Levels!H"))
    if reader.problems:
        raise ImportErrors(_in_order(reader.problems, grids), reader.notes)
    _levels_by_id(data, reader.where)
    try:
        ladder = _validated(name, data, reader.where)
    except InputErrors as exc:
        raise ImportErrors(exc.problems, reader.notes) from None
    return Imported(
        name, data, ladder, [*_ladder_decisions(data, reader), *reader.decisions], reader.notes, placeholders
    )


def _levels_by_id(data: dict[str, Any], where: dict[Loc, str]) -> None:
    """The levels in the order a project's files are read (by id, as content/levels/<id>.yaml sort), so the
    ladder imported is the one the project loads; where each value came from follows its level."""
    levels = data["levels"]
    order = sorted(range(len(levels)), key=lambda i: f"{levels[i]['id']}.yaml")
    data["levels"] = [levels[i] for i in order]
    moved = {old: new for new, old in enumerate(order)}
    remapped = {
        (
            ("levels", moved[loc[1]], *loc[2:])
            if loc[:1] == ("levels",) and len(loc) > 1 and isinstance(loc[1], int)
            else loc
        ): cell
        for loc, cell in where.items()
    }
    where.clear()
    where.update(remapped)


def _in_order(problems: list[Problem], grids: list[Grid]) -> list[Problem]:
    """Problems as the workbook is read: sheet by sheet, row by row, left to right (the file's own first)."""
    sheets = {grid.prefix.removesuffix("!"): i for i, grid in enumerate(grids)}

    def key(problem: Problem) -> tuple[int, int, int]:
        if problem.cell is None:
            return (-1, 0, 0)
        sheet, _, where = problem.cell.rpartition("!")
        found = re.match(r"([A-Z]*)(\d*)", where)
        column = column_number(found[1]) if found and found[1] else 0
        row = int(found[2]) if found and found[2] else 0
        return (sheets.get(sheet, len(sheets)), row, column)

    return sorted(problems, key=key)


def _ladder_decisions(data: dict[str, Any], reader: _Reader) -> list[Decision]:
    said = reader.ladder_said
    lines = [Decision("ladder:")]
    for key in ("title", "subtitle", "field", "organisation"):
        if key in data:
            lines.append(Decision(f"  {key}: {_scalar(data[key])}", said.get(key, "")))
    return lines


def _assemble(
    reader: _Reader,
    path: Path,
    mapping: Mapping,
    drafts: list[_LevelDraft],
    groups: list[dict[str, Any]],
    moves: list[tuple[_LevelDraft, dict[str, Any], str, dict[str, str]]],
) -> tuple[dict[str, Any], dict[str, str]]:
    """The ladder's data from the drafts, with placeholders for what a spreadsheet does not hold."""
    facts = mapping.ladder
    said: dict[str, str] = {}
    titles = getattr(reader, "title_cells", [])
    title = facts.title
    said["title"] = "named in the mapping"
    if title is None and titles:
        title, said["title"] = titles[0][0], f"{titles[0][1]}, the line above the table"
    field_name = facts.field
    said["field"] = "named in the mapping"
    if field_name is None:
        from_title = _field_from(title) if title else ""
        if from_title:
            field_name, said["field"] = from_title, "the title, less words such as 'career framework'"
        else:
            stem = _field_from(path.stem.replace("_", " "))
            field_name = stem[:1].upper() + stem[1:] if stem else "Our field"
            said["field"] = "the file's name" if stem else "nothing names it: TODO, name it here"
    if title is None:
        title, said["title"] = f"{field_name} career ladder", "made from the field"
    organisation = facts.organisation
    said["organisation"] = "named in the mapping"
    if organisation is None:
        organisation, said["organisation"] = DEFAULT_ORGANISATION, "the workbook does not say: TODO, name it here"
    data: dict[str, Any] = {"format": 2, "title": _one_line(title)}
    subtitle = facts.subtitle
    said["subtitle"] = "named in the mapping"
    if subtitle is None and len(titles) > 1:
        subtitle, said["subtitle"] = titles[1][0], f"{titles[1][1]}, the second line above the table"
    if subtitle:
        data["subtitle"] = _one_line(subtitle)
    data["field"] = _one_line(field_name)
    data["organisation"] = _one_line(organisation)
    if facts.language:
        data["language"] = facts.language
    reader.ladder_said = said
    data["introduction"] = PLACEHOLDER_INTRODUCTION.format(
        field=data["field"].casefold(), organisation="{organisation}"
    )
    data["how_to_read"] = PLACEHOLDER_HOW_TO_READ
    placeholders = {
        "content/ladder.yaml": "introduction and how_to_read are placeholder text"
        + ("; organisation is 'Our company'" if organisation == DEFAULT_ORGANISATION else ""),
    }
    levels, tracks, bands, level_placeholders = _levels(reader, drafts, data["field"])
    if bands:
        data["bands"] = bands
    data["tracks"] = tracks
    data["levels"] = levels
    if level_placeholders:
        placeholders["content/levels/"] = level_placeholders
    if any(t.get("_placeholder") for t in tracks):
        placeholders["content/tracks.yaml"] = (
            "the track's summary is placeholder text"
            if len(tracks) == 1
            else "the tracks' summaries are placeholder text"
        )
    for track in tracks:
        track.pop("_placeholder", None)
    ids = {id(draft): level["id"] for draft, level in zip(drafts, levels, strict=True)}
    data["competencies"], summaries = _competencies(reader, groups, ids)
    if summaries:
        placeholders["content/competencies.yaml"] = f"{summaries} competencies have their name as their summary"
    _moves(reader, levels, drafts, moves, tracks)
    for level in levels:
        if level.pop("_from_band", False):
            level.pop("rank")
    data["faq"] = PLACEHOLDER_FAQ
    placeholders["content/faq.yaml"] = "two questions in neutral words"
    data["onboarding"] = _starter_onboarding()
    placeholders["content/onboarding.yaml"] = "the starter project's general onboarding (its welcome and checklist)"
    return data, placeholders


def _levels(
    reader: _Reader, drafts: list[_LevelDraft], field_name: str
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]], str]:
    """The levels' data (ids, titles, ranks, tracks, bands, …), the tracks and the bands they name."""
    levels: list[dict[str, Any]] = []
    tracks: dict[str, dict[str, Any]] = {}
    bands: dict[str, dict[str, Any]] = {}
    seen: dict[str, str] = {}
    placeholder_fields: set[str] = set()
    for i, draft in enumerate(drafts):
        values = draft.values
        loc_base: Loc = ("levels", i)
        level: dict[str, Any] = {}
        text = _texts(values)
        title = text("title") or (title_from_code(text("code") or "") if text("code") else None) or text("id") or ""
        level_id = text("id") or slugify(title, max_length=64)
        where = values.get("id", values.get("title", values.get("code", (None, ""))))[1]
        if not level_id:
            reader.problems.append(
                Problem(reader.name, f"'{_short(title)}' makes no id", hint="give the level an id column", cell=where)
            )
            level_id = f"level-{i + 1}"
        if level_id in seen:
            reader.problems.append(
                Problem(
                    reader.name,
                    f"the level '{_short(title)}' has the id '{level_id}', as the level at {seen[level_id]} has",
                    hint="give the two levels different titles, or ids of their own",
                    cell=where,
                )
            )
        seen.setdefault(level_id, where)
        level["id"] = level_id
        reader.where[(*loc_base,)] = where
        for name, (_, at) in values.items():
            reader.where[(*loc_base, name)] = at
        if text("code"):
            level["code"] = text("code")
        level["title"] = title
        level["short_title"] = text("short_title") or title
        rank = values.get("rank")
        if rank is not None:
            number = rank[0]
            if isinstance(number, float) and number.is_integer():
                number = int(number)
            if isinstance(number, str) and number.strip().isdigit():
                number = int(number)
            if not isinstance(number, int) or isinstance(number, bool):
                reader.problems.append(
                    Problem(
                        reader.name,
                        f"rank '{_short(cell_text(number))}' is not a whole number",
                        hint="write a number such as 3",
                        cell=rank[1],
                    )
                )
            else:
                level["rank"] = number
        if "band" in values:
            band_name = text("band") or ""
            band_id = slugify(band_name, max_length=64) or "band"
            bands.setdefault(band_id, {"id": band_id, "name": band_name, "_order": len(bands) + 1})
            level["band"] = band_id
        if "rank" not in level:
            if "band" in level:
                level["_from_band"] = True  # ranked below, as its band is: the model takes the band's rank
            else:
                level["rank"] = i + 1
        track_names = split_names(text("tracks") or "") or [field_name]
        level["tracks"] = []
        for track_name in track_names:
            track_id = slugify(track_name, max_length=64) or "track"
            tracks.setdefault(track_id, {"id": track_id, "name": track_name, "short_name": track_name})
            if track_id not in level["tracks"]:
                level["tracks"].append(track_id)
        for name, template in (("scope", PLACEHOLDER_SCOPE), ("description", PLACEHOLDER_DESCRIPTION)):
            if text(name):
                level[name] = text(name) if name == "scope" else cell_text(values[name][0])
            else:
                level[name] = template.format(title=title)
                placeholder_fields.add(name)
        for name in ("duties", "promotion_signals"):
            if text(name):
                level[name] = text_list(text(name) or "")
        for name in ("experience", "time_at_level"):
            if text(name):
                level[name] = _one_line(text(name) or "")
        if "years" in values:
            value, at = values["years"]
            years = years_of(value)
            if isinstance(years, str):
                shown = cell_text(value)
                hint = (
                    "format the cells as text and type the years again, like 2–4"
                    if "date" in years
                    else "write years as 2–4, 2-4, 2 to 4 or 15+"
                )
                reader.problems.append(Problem(reader.name, f"years '{_short(shown)}' {years}", hint=hint, cell=at))
            else:
                level["years"] = years
        levels.append(level)
    # references between levels, now that every id is known
    lookup = _level_lookup(drafts)
    ids = {id(d): lv["id"] for d, lv in zip(drafts, levels, strict=True)}
    for draft, level in zip(drafts, levels, strict=True):
        for name in ("reports_to", "leads_to"):
            if name not in draft.values:
                continue
            value, at = draft.values[name]
            parts = split_names(cell_text(value))
            found = [_match_level(part, lookup) for part in parts]
            if all(found) and parts:
                level[name] = [ids[id(d)] for d in found if d is not None]
            elif name == "reports_to":
                level[name] = _one_line(cell_text(value))
            else:
                for part, target in zip(parts, found, strict=True):
                    if target is None:
                        reader.problems.append(
                            Problem(
                                reader.name,
                                f"'{_short(part)}' is no level of the ladder",
                                hint=_did_you_mean(part, lookup),
                                cell=at,
                            )
                        )
    band_list: list[dict[str, Any]] = []
    if bands:  # ranked as the levels first name them, or by the first explicit rank in each
        first_rank: dict[str, int] = {}
        for level in levels:
            if "band" in level and "rank" in level:
                first_rank.setdefault(level["band"], level["rank"])
        for band in sorted(bands.values(), key=lambda b: (first_rank.get(b["id"], 0), b["_order"])):
            band.pop("_order")
            band["rank"] = len(band_list) + 1
            band_list.append(band)
        band_rank = {band["id"]: band["rank"] for band in band_list}
        for level in levels:
            if level.get("_from_band"):
                level["rank"] = band_rank[level["band"]]
    ranked = sorted(levels, key=lambda lv: lv.get("rank", 0))
    track_list = []
    for track in tracks.values():
        members = [lv for lv in ranked if track["id"] in lv["tracks"]]
        track["summary"] = (
            PLACEHOLDER_TRACK.format(field=field_name.casefold(), first=members[0]["title"], last=members[-1]["title"])
            if members
            else f"The {track['name']} track."
        )
        track["_placeholder"] = True
        track_list.append(track)
    said = ""
    if placeholder_fields:
        fields = " and ".join(sorted(placeholder_fields, reverse=True))
        verb = "are" if len(placeholder_fields) > 1 else "is"
        said = f"the {fields} {verb} placeholder text where the workbook gives none"
    return levels, track_list, band_list, said


def _texts(values: dict[str, tuple[Any, str]]) -> Callable[[str], str | None]:
    """A draft's field as text (None when not given)."""

    def text(name: str) -> str | None:
        return cell_text(values[name][0]) if name in values else None

    return text


def _competencies(
    reader: _Reader, groups: list[dict[str, Any]], ids: dict[int, str]
) -> tuple[list[dict[str, Any]], int]:
    """The competency groups' data, with ids made from names; how many competencies lack a summary."""
    themes = []
    missing = 0
    used: dict[str, str] = {}
    for g, group in enumerate(groups):
        theme: dict[str, Any] = {"name": _one_line(group["name"]), "competencies": []}
        for c, competency in enumerate(group["competencies"]):
            comp_id = slugify(competency["name"], max_length=64) or f"competency-{c + 1}"
            if comp_id in used:
                comp_id = slugify(f"{group['name']} {competency['name']}", max_length=64)
            if comp_id in used:
                reader.problems.append(
                    Problem(
                        reader.name,
                        f"the competency '{_short(competency['name'])}' has the id '{comp_id}', as the one at "
                        f"{used[comp_id]} has",
                        hint="rename one of them",
                        cell=competency["_at"],
                    )
                )
            used.setdefault(comp_id, competency["_at"])
            summary = _one_line(competency["summary"])
            if not summary:
                summary = _one_line(competency["name"])
                missing += 1
            loc: Loc = ("competencies", g, "competencies", c)
            reader.where[loc] = competency["_at"]
            expectations: dict[str, Any] = {}
            for expectation, at, draft in competency["expectations"].values():
                level_id = ids[id(draft)]
                expectations[level_id] = expectation["text"] if list(expectation) == ["text"] else expectation
                reader.where[(*loc, "expectations", level_id)] = at
            theme["competencies"].append(
                {"id": comp_id, "name": _one_line(competency["name"]), "summary": summary, "expectations": expectations}
            )
        themes.append(theme)
    return themes, missing


def _moves(
    reader: _Reader,
    levels: list[dict[str, Any]],
    drafts: list[_LevelDraft],
    moves: list[tuple[_LevelDraft, dict[str, Any], str, dict[str, str]]],
    tracks: list[dict[str, Any]],
) -> None:
    """Moves from the moves sheet onto their levels; without any, each level leads to the next on its tracks."""
    by_draft = {id(d): lv for d, lv in zip(drafts, levels, strict=True)}
    index = {id(lv): i for i, lv in enumerate(levels)}
    for draft, move, at, cells in moves:
        level = by_draft[id(draft)]
        if "to" in move:
            move["to"] = by_draft[id(move["to"])]["id"]
        i = index[id(level)]
        plain = set(move) <= {"to", "kind"} and move.get("kind", "promotion") == "promotion" and "to" in move
        if plain:
            level.setdefault("leads_to", [])
            if move["to"] not in level["leads_to"]:
                level["leads_to"].append(move["to"])
            reader.where[("levels", i, "leads_to")] = at
            continue
        level.setdefault("moves", []).append(move)
        m = len(level["moves"]) - 1
        reader.where[("levels", i, "moves", m)] = at
        for name, cell in cells.items():
            reader.where[("levels", i, "moves", m, name)] = cell
    if moves or any("leads_to" in lv for lv in levels):
        return
    made = 0
    for track in tracks:
        members = sorted((lv for lv in levels if track["id"] in lv["tracks"]), key=lambda lv: lv["rank"])
        ranks = [lv["rank"] for lv in members]
        if len(set(ranks)) != len(ranks):
            continue
        for lower, higher in itertools.pairwise(members):
            lower.setdefault("leads_to", [])
            if higher["id"] not in lower["leads_to"]:
                lower["leads_to"].append(higher["id"])
                made += 1
    if made:
        for decision in reader.decisions:
            if decision.line == "moves: null":
                decision.why = "no moves sheet: each level leads to the next on its tracks"


def _starter_onboarding() -> dict[str, Any]:
    """The starter project's general onboarding (welcome, introduction, checklist, ways to grow), without its
    variants, which name the starter's bands and levels."""
    from ladderpress.packaged import builtin_dir

    value = yaml.safe_load((builtin_dir("content") / "onboarding.yaml").read_text(encoding="utf-8"))
    onboarding = dict(value["onboarding"])
    onboarding.pop("variants", None)
    return onboarding


def _validated(name: str, data: dict[str, Any], where: dict[Loc, str]) -> Ladder:
    """The ladder, or every problem validating it finds, each at the cell its value came from."""
    try:
        return Ladder.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            reference = (error.get("ctx") or {}).get("error")
            if isinstance(reference, LocatedProblems):
                problems += [_at(name, p.loc, p.message, p.hint, where) for p in reference.problems]
                continue
            message, hint = plain_words(error)
            problems.append(_at(name, tuple(error["loc"]), message, hint, where))
        raise InputErrors(problems) from None


def _at(name: str, loc: Loc, message: str, hint: str | None, where: dict[Loc, str]) -> Problem:
    """A problem at the cell closest to ``loc``, with the field's path when no cell holds it exactly."""
    from ladderpress.errors import field_path

    for end in range(len(loc), -1, -1):
        cell = where.get(tuple(loc[:end]))
        if cell is not None:
            inside = field_path(loc[end:]) if end < len(loc) else None
            return Problem(name, message, field=inside or field_path(loc), hint=hint, cell=cell)
    return Problem(name, message, field=field_path(loc) or None, hint=hint)


# --------------------------------------------------------------------------- workbooks ladderpress exported


def _exported(grids: list[Grid]) -> bool:
    """Whether the workbook is one ladderpress exported: its ``Levels`` sheet has the model's ``id`` and
    ``title`` columns and its ``Expectations`` sheet one row per competency and level (a workbook made by
    hand may call its matrix "Expectations", but not with those columns)."""
    from ladderpress.workbook import sheet_key

    headers = {
        sheet_key(grid.title): {column_name(grid.text(1, c, merged=False)) for c in grid.row_cells(1)} for grid in grids
    }
    levels, expectations = headers.get("levels", set()), headers.get("expectations", set())
    about = headers.get("about", set()) == {"field", "value"}
    return {"id", "title"} <= levels and ({"competency", "level"} <= expectations or about)


def _rows(grid: Grid) -> list[list[Any]]:
    """A grid as rows of values (None for a blank cell), from A1."""
    return [[grid.own(r, c) for c in range(1, grid.cols + 1)] for r in range(1, grid.rows + 1)]


def _from_export(name: str, grids: list[Grid], problems: list[Problem], notes: list[str]) -> Imported:
    """A workbook ladderpress exported, read exactly by the workbook contract (:mod:`ladderpress.workbook`)."""
    from ladderpress.workbook import Sheet, content_and_cells, sheets_to_ladder

    if problems:
        raise InputErrors(problems)
    sheets = [Sheet(grid.title, _rows(grid)) for grid in grids]
    data, _ = content_and_cells(sheets, name)
    ladder = sheets_to_ladder(sheets, name)
    decisions = [
        Decision(
            "# a workbook ladderpress exported (Levels, Expectations, …): read exactly, sheet by sheet; "
            "no mapping applies"
        )
    ]
    return Imported(name, data, ladder, decisions, notes, {}, exported=True)


# --------------------------------------------------------------------------- writing the project

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
            text = re.sub(r"(?m)^title: .*$", f"title: {_scalar(ladder.title)}", text)
            text = re.sub(r"(?m)^description: .*$", "description: The complete ladder, and how to grow along it.", text)
        made[f"guides/{name}"] = text
    if len(ladder.tracks) > 1:
        for track in ladder.tracks:
            made[f"guides/{track.id}-track.yaml"] = TRACK_RECIPE.format(
                title=_scalar(f"{ladder.title} — {track.name}"), name=_one_line(track.name), track=track.id
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

    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise UsageError(f"{folder} already exists and is not an empty folder; choose a new folder for the project")
    parent = folder.absolute().parent
    parent.mkdir(parents=True, exist_ok=True)
    scratch = parent / f".{folder.name}.importing-{os.getpid()}"
    shutil.rmtree(scratch, ignore_errors=True)
    made = project_files(imported, folder.absolute().name)
    try:
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
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    return sorted([*made, "brands/acme/", "schemas/"])


def summary(imported: Imported) -> str:
    """What the ladder holds, in one line: levels, tracks, competencies, expectations."""
    ladder = imported.ladder
    competencies = ladder.all_competencies()
    expectations = sum(len(c.expectations) for c in competencies)
    ids = [level.id for level in ladder.ranked_levels()]
    shown = ", ".join(ids[:8]) + (", …" if len(ids) > 8 else "")
    return (
        f"{_count(len(ids), 'level')} ({shown}), {_count(len(ladder.tracks), 'track')}, "
        f"{_count(len(ladder.competencies), 'group')} of {_count(len(competencies), 'competency', 'competencies')}, "
        f"{_count(expectations, 'expectation')}"
    )


def _count(n: int, noun: str, plural: str | None = None) -> str:
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


def import_report(imported: Imported, folder: Path | None, written: list[str] | None) -> Iterator[str]:
    """What ``ladderpress import`` prints: the mapping (YAML a user can save and correct), then what was made,
    or would be (as YAML comments, so that the whole output of a dry run is a mapping file)."""
    source = imported.source
    if imported.exported:
        yield f"# {source}: a workbook ladderpress exported: read exactly, sheet by sheet (no mapping applies)"
    else:
        yield f"# the mapping read from {source}: save these lines as mapping.yaml, change what is wrong, and"
        yield "# run the import again with --mapping mapping.yaml"
        yield from (str(decision) for decision in imported.mapping)
    made = project_files(imported, folder.absolute().name if folder is not None else "project")
    levels = [path for path in made if path.startswith("content/levels/")]
    content = [path.removeprefix("content/") for path in made if path.startswith("content/") and path not in levels]
    recipes = [PurePosixPath(path).stem for path in made if path.startswith("guides/")]
    lead = f"# made {folder}/" if written is not None else "# would make"
    yield f"{lead}: {summary(imported)}"
    yield f"#   content/: {', '.join(content)}, levels/ ({_count(len(levels), 'file')})"
    yield (
        f"#   and as `ladderpress init` makes them: guides/ ({', '.join(recipes)}), examples/new-hires.csv "
        "(the sample roster, at these levels), brands/acme/, schemas/"
    )
    for file, note in imported.placeholders.items():
        yield f"# TODO {file}: {note}"
    if written is None:
        yield "# nothing was written: run again with --into DIR to make the project"
    else:
        yield f"# next: ladderpress check --project {folder}, then build it: cd {folder} && ladderpress"
