"""Read a roster of new hires (CSV or an Excel workbook as exported from an HR system, or YAML) into people.

A roster comes from an HR system and is untrusted. It is read through :mod:`ladderpress.files`
(confined, regular, bounded); CSV rows end only at ``\\r`` and ``\\n``, so a line separator
inside a name cannot split a row in two. A workbook (.xlsx) is read with openpyxl from those
bytes (see :func:`_xlsx_rows`), and its problems name the sheet and cell (``Sheet1!F4``).
Rows are validated like content, but one at a time:
a bad row is reported with its row number and a fix, and the other rows are still built.
Columns the recipe names in ``roster_columns`` reach templates as ``person.extra``; other
columns are ignored with one warning. People are told apart by :func:`person_key`, so
a name that differs only in invisible characters, spacing, case or accent encoding is a
duplicate. Output file names are made from the person's name, safely, and a file written for
one person is never handed to another (:func:`assign_files`).
"""

from __future__ import annotations

import csv
import dataclasses
import datetime
import difflib
import hashlib
import io
import re
import unicodedata
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from pydantic import ValidationError
from slugify import slugify

from ladderpress import files
from ladderpress.errors import Problem, did_you_mean, plain_words, relative
from ladderpress.load import YamlProblem, read_yaml
from ladderpress.model import Ladder, Person, column_name
from ladderpress.sheets import (
    BREAKS,
    DAMAGED,
    ERRORS,
    KINDS,
    SAVE_AS,
    NotText,
    binary_kind,
    blank,
    csv_records,
    csv_text,
    is_text,
    separator,
    sheet_name,
    shown,
    unpacked_bytes,
)

MAX_ROSTER_BYTES = 5_000_000
MAX_ROWS = 10_000
SLUG_LENGTH = 60
"""The longest file name (before .pdf) made from a person's name."""
COLUMNS = [name for name in Person.model_fields if name != "extra"]
"""The columns every roster may have (``extra`` holds the columns a recipe names, and is none of them)."""
REQUIRED = [name for name, info in Person.model_fields.items() if info.is_required()]
DATES = [name for name, info in Person.model_fields.items() if info.annotation is datetime.date]
"""Columns whose values are dates (a workbook's date cells pass as dates; every other value as text)."""
WORKBOOKS = (".xlsx", ".xlsm")
"""File names read as Excel workbooks (macros are never run: openpyxl reads the cells only)."""
MAX_COLUMNS = 200
"""The most columns of a workbook's sheet that are read (a header wider than that is refused)."""
MAX_WORKBOOK_BYTES = 50_000_000
"""The most a workbook's parts may hold once unpacked (its zip says so; more is refused before parsing)."""
MAX_SHEET_ROWS = 100_000
"""The last row of a sheet that is read: room for the most people a roster may list, with blank rows between
them, while a crafted sheet of blank rows (parsed at some 20,000 rows a second) costs seconds, not minutes."""

Row = tuple[int, dict[str, Any]]
"""A roster row: the line it starts on, and its values by column."""


def person_key(name: str) -> str:
    """Who a name stands for, as a sha256 hex digest (it is stored in the output folder, so never the name).

    Two names are the same person when they differ only in invisible format characters
    (zero-width spaces, joiners, bidi controls: Unicode category Cf), spacing, case, in how
    their accents are encoded (NFC or NFD), or in compatibility forms (full-width "Ａｄａ" is
    "Ada": NFKC). Accents themselves count: "Léa" is not "Lea".
    """
    visible = "".join(ch for ch in unicodedata.normalize("NFKD", name) if unicodedata.category(ch) != "Cf")
    folded = " ".join(visible.split()).casefold()
    return hashlib.sha256(unicodedata.normalize("NFKC", folded).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Entry:
    """A valid roster row."""

    person: Person
    row: int
    """Line of the file the person is on (CSV: the header is line 1; a workbook: the row of its sheet)."""
    slug: str
    """A safe file name made from the person's name (numbered by :func:`assign_files` when shared)."""
    key: str = field(init=False)
    """:func:`person_key` of the person's name: who the packet is for, without the name."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "key", person_key(self.person.name))


@dataclass
class Roster:
    entries: list[Entry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    """Rows that cannot be built, one problem each (at least), in the order of the file."""
    warnings: list[str] = field(default_factory=list)
    fatal: bool = False
    """The file itself cannot be read: nothing in it can be built."""


def read_roster(
    path: Path,
    root: Path,
    ladder: Ladder,
    roots: Sequence[Path],
    columns: Sequence[str] = (),
    named_by: str = "the recipe",
) -> Roster:
    """Every valid person in the roster, and one located problem per bad row.

    ``root`` is the project (file names are shown relative to it); the roster must lie in
    one of ``roots``: the project when a recipe names it, its own folder when given with --roster.
    ``columns`` are the extra columns the recipe names (``roster_columns``), which the roster must
    have and each person carries in ``extra``; ``named_by`` is the recipe's file, to say so.
    A file ending in .yaml or .yml is YAML, one ending in .xlsx or .xlsm a workbook; any other is
    CSV text, unless its bytes show it is a workbook or another kind of file, which is refused
    with what it is and what to do.
    """
    name = relative(path, root)
    roster = Roster()
    wanted = _Wanted(tuple(columns), named_by)
    place = _Place(name)
    try:
        suffix = path.suffix.lower()
        if suffix in (".yaml", ".yml"):
            rows = _yaml_rows(path, root, roots, roster, wanted)
        elif suffix in WORKBOOKS:
            rows, place = _xlsx_rows(_read(path, name, roots), name, roster, wanted)
        else:
            rows = _csv_rows(_csv_text(path, name, roots), place, roster, wanted)
    except _Fatal as exc:
        roster.problems.append(exc.problem)
        roster.fatal = True
        return roster
    if len(rows) > MAX_ROWS:
        roster.problems.append(
            Problem(name, f"has {len(rows):,} rows, more than the {MAX_ROWS:,} allowed", hint="split the roster")
        )
        roster.fatal = True
        return roster
    seen: dict[str, tuple[int, str]] = {}
    for line, values in rows:
        cleaned = _with_extra(_cleaned(values, line, place, roster), wanted.columns)
        person, problems = _check_row(cleaned, line, place, ladder)
        if person is None:
            roster.problems += problems
            continue
        entry = Entry(person, line, person_slug(person.name))
        if entry.key in seen:
            roster.problems.append(
                place.problem(_duplicate(person.name, *seen[entry.key]), line, "name", hint="remove the duplicate row")
            )
            continue
        seen[entry.key] = (line, person.name)
        roster.entries.append(entry)
    roster.problems.sort(key=lambda problem: problem.line or 0)
    return roster


@dataclass(frozen=True)
class _Wanted:
    """The extra columns a recipe names (``roster_columns``), and the recipe's file, to name it."""

    columns: tuple[str, ...] = ()
    named_by: str = "the recipe"

    @property
    def used(self) -> list[str]:
        """Every column read: a roster's own, then the recipe's."""
        return [*COLUMNS, *self.columns]


@dataclass(frozen=True)
class _Place:
    """Where a roster's rows are, to point at them: a text file's lines, or a sheet's cells in A1 form."""

    file: str
    sheet: str | None = None
    """The sheet's name as a reference writes it (quoted when it must be: ``'Q1 hires'``); None for text."""
    letters: Mapping[str, str] = field(default_factory=dict)
    """Each column of the header → its letter on the sheet."""
    last: str = "A"
    """The letter of the header's last column."""

    def cell(self, row: int, columns: Iterable[str] = ()) -> str | None:
        """The cell of one column on ``row`` (``Sheet1!F4``), else the row across the header (``Sheet1!A4:G4``)."""
        if self.sheet is None:
            return None
        letters = {self.letters[column] for column in columns if column in self.letters}
        if len(letters) == 1:
            return f"{self.sheet}!{letters.pop()}{row}"
        return f"{self.sheet}!A{row}:{self.last}{row}"

    def problem(self, message: str, row: int, field: str | None = None, hint: str | None = None) -> Problem:
        return Problem(self.file, message, row, field=field, hint=hint, cell=self.cell(row, [field] if field else []))

    def at(self, row: int, columns: Iterable[str] = ()) -> str:
        """The row (or cell) as a warning starts: ``r.csv:4`` or ``r.xlsx: Sheet1!F4``."""
        cell = self.cell(row, columns)
        return f"{self.file}: {cell}" if cell else f"{self.file}:{row}"


class _Fatal(Exception):
    def __init__(self, problem: Problem) -> None:
        self.problem = problem


def _read(path: Path, name: str, roots: Sequence[Path]) -> bytes:
    """The roster's bytes, through the one guarded way to read a user's file."""
    try:
        return files.read_bytes(path, roots, MAX_ROSTER_BYTES)
    except files.FileRefused as exc:
        raise _Fatal(_refused(name, exc)) from None


def _refused(name: str, exc: files.FileRefused) -> Problem:
    """The refusal as a problem, with a fix that fits a roster (files' own names the project and brand folders)."""
    hint = "keep the roster in the project, or give the roster's own folder to --roster" if exc.outside else exc.hint
    return Problem(name, exc.what, hint=hint)


def _csv_text(path: Path, name: str, roots: Sequence[Path]) -> str:
    """The roster as text: UTF-8, or UTF-16 with its byte-order mark (Excel's "Unicode text"). A
    UTF-8 mark (spreadsheets often write one) is dropped; any byte that is not UTF-8 is refused
    with its line and column (counted without the mark). A file that is not text at all (a workbook
    with the wrong name, an .xls, an .ods) is refused as what it is."""
    data = _read(path, name, roots)
    kind = binary_kind(data)
    if kind == "xlsx":
        raise _Fatal(
            Problem(
                name,
                "is an Excel workbook, not CSV text",
                hint=f"name it {PurePosixPath(name).stem}.xlsx, and it is read as a workbook",
            )
        )
    if kind is not None:
        what, hint = KINDS[kind]
        raise _Fatal(Problem(name, f"{what}, not CSV text", hint=hint))
    try:
        return csv_text(data)
    except NotText as exc:
        raise _Fatal(Problem(name, exc.message, exc.line, exc.column, hint="export the roster as CSV UTF-8")) from None


def _csv_rows(text: str, place: _Place, roster: Roster, wanted: _Wanted) -> list[Row]:
    """The data rows under the header; a row that is not readable CSV is a problem of its own."""
    name = place.file
    records = csv_records(text, separator(text))
    header_line, header = next(((line, cells) for line, cells in records if cells != []), (1, []))
    if isinstance(header, csv.Error):
        raise _Fatal(
            Problem(
                name,
                f"the header row is not readable CSV ({header})",
                header_line,
                hint="export the roster again as CSV UTF-8",
            )
        )
    columns = _header(header, header_line, place, roster, wanted)
    used = wanted.used
    rows = []
    for line, cells in records:
        if isinstance(cells, csv.Error):
            message, hint = _csv_words(cells)
            roster.problems.append(Problem(name, message, line, hint=hint))
            continue
        if not any(cell.strip() for cell in cells):
            continue  # a blank line, or a row of empty cells: no one is on it
        extra = [cell for cell in cells[len(columns) :] if cell.strip()]
        if extra:
            roster.problems.append(
                Problem(
                    name,
                    f"has {len(columns) + len(extra)} values, more than the {len(columns)} columns of the header",
                    line,
                    hint="put a value that holds a comma in double quotes",
                )
            )
            continue
        rows.append((line, {column: cell for column, cell in zip(columns, cells, strict=False) if column in used}))
    return rows


def _csv_words(error: csv.Error) -> tuple[str, str]:
    """The csv module's message in plain words, and a fix."""
    text = str(error)
    if text == "unexpected end of data":
        return (
            "a quote opened on this row is never closed, so the rest of the file was read into this row",
            'close the quote, or write a quote inside a value as ""',
        )
    if text.startswith("',' expected after"):
        return "a quote inside a value is not doubled", 'write a quote inside a value as "", or remove it'
    if text.startswith("field larger than field limit"):
        return f"holds a value longer than {csv.field_size_limit()} characters", "shorten it"
    return f"is not readable CSV ({text})", "export the roster again as CSV UTF-8"


def _header(cells: Sequence[str], line: int, place: _Place, roster: Roster, wanted: _Wanted) -> list[str]:
    """The header's column names; a missing or repeated column makes the whole roster unreadable.

    Headers are matched loosely, as HR systems write them: ``Name``, ``Start Date``, ``start-date``
    and ``START_DATE`` are the columns name and start_date. A required column that is missing
    names the header that comes close, and says what to call it; so does a column the recipe
    names (``roster_columns``) that the header lacks.
    """
    written = [BREAKS.sub(" ", cell).strip() for cell in cells]
    columns = [column_name(cell) for cell in written]
    used = wanted.used
    missing = [column for column in REQUIRED if column not in columns]
    unnamed = [column for column in wanted.columns if column not in columns]
    if missing or unnamed:
        unknown = {column: cell for column, cell in zip(columns, written, strict=True) if column not in used}
        hints = []
        for column in missing + unnamed:
            close = difflib.get_close_matches(column, list(unknown), n=1, cutoff=0.6)
            if close:
                hints.append(f"rename '{unknown[close[0]]}' to {column}")
        named = f"{', '.join(unnamed)}, which {wanted.named_by} names in roster_columns"
        if missing and unnamed:
            message = f"the header lacks column(s) {', '.join(missing)}, and {named}"
        else:
            message = f"the header lacks column(s) {', '.join(missing) if missing else named}"
        if not hints:
            hints.append(
                f"the columns are: {', '.join(COLUMNS)}"
                if missing
                else f"add the column(s), or take them out of roster_columns in {wanted.named_by}"
            )
        raise _Fatal(place.problem(message, line, hint="; ".join(hints)))
    twice = [column for column in dict.fromkeys(columns) if column in used and columns.count(column) > 1]
    if twice:
        raise _Fatal(
            place.problem(
                f"the header has column(s) {', '.join(twice)} more than once", line, hint="keep one column of each name"
            )
        )
    extra = [column or "(a column with no header)" for column in columns if column not in used]
    if extra:
        roster.warnings.append(
            f"{place.file}: ignoring column(s) {', '.join(extra)}; the columns used are {', '.join(used)}"
        )
    return columns


def _yaml_rows(path: Path, root: Path, roots: Sequence[Path], roster: Roster, wanted: _Wanted) -> list[Row]:
    """Each entry of a YAML roster as a row: its keys are the columns (exactly: YAML keys are not matched
    loosely); keys that are no column are ignored with one warning, as a CSV's extra columns are."""
    name = relative(path, root)
    try:
        files.confined(path, roots)  # first, so that a roster outside its folder gets a roster's fix
    except files.FileRefused as exc:
        raise _Fatal(_refused(name, exc)) from None
    try:
        value, marks = read_yaml(path, root, roots)  # read through files, like the CSV
    except YamlProblem as exc:
        raise _Fatal(exc.problem) from None
    if not isinstance(value, list):
        raise _Fatal(Problem(name, "must be a list of people, one '- name: …' entry each", 1))
    used = wanted.used
    rows = []
    ignored: dict[str, None] = {}
    for i, item in enumerate(value):
        line = marks.get((i,), (path, i + 1, 1))[1]
        if isinstance(item, dict):
            values = {k: v for k, v in item.items() if k in used}
            ignored.update(dict.fromkeys(str(k) for k in item if k not in used))
        else:
            values = {"name": item}
        rows.append((line, values))
    if ignored:
        roster.warnings.append(f"{name}: ignoring key(s) {', '.join(ignored)}; the keys used are {', '.join(used)}")
    absent = [column for column in wanted.columns if not any(column in values for _, values in rows)]
    if rows and absent:
        raise _Fatal(
            Problem(
                name,
                f"no one has the key(s) {', '.join(absent)}, which {wanted.named_by} names in roster_columns",
                1,
                hint=f"add them to the people, or take them out of roster_columns in {wanted.named_by}",
            )
        )
    return rows


def _cleaned(values: dict[str, Any], line: int, place: _Place, roster: Roster) -> dict[str, Any]:
    """The row's values with line breaks and control characters replaced by a space, and one warning.

    Replaced rather than refused: an HR export often carries a line break typed inside a cell
    (a team written on two lines), and refusing would cost that person their packet over a
    character no one meant to print. Replaced, they never reach a packet or a terminal; the
    warning names the row and columns so the export can be fixed. Blank values are dropped,
    as an empty cell means no value.
    """
    cleaned: dict[str, Any] = {}
    found: dict[str, set[str]] = {}
    for column, value in values.items():
        if isinstance(value, str):
            for match in BREAKS.finditer(value):
                found.setdefault(column, set()).update(f"U+{ord(ch):04X}" for ch in match.group())
            value = BREAKS.sub(" ", value).strip()
            if not value:
                continue
        cleaned[column] = value
    if found:
        codes = sorted(set().union(*found.values()))
        roster.warnings.append(
            f"{place.at(line, found)}: {', '.join(found)}: line break(s) or control character(s) "
            f"({', '.join(codes)}) replaced by spaces"
        )
    return cleaned


def _with_extra(values: dict[str, Any], columns: Sequence[str]) -> dict[str, Any]:
    """The row's values with the recipe's columns moved into ``extra``, as text ("" for a blank cell):
    every person has every column the recipe names, so a template never meets a missing one."""
    if not columns:
        return values
    kept = {column: value for column, value in values.items() if column not in columns}
    kept["extra"] = {column: shown(values.get(column)) for column in columns}
    return kept


def _check_row(values: dict[str, Any], line: int, place: _Place, ladder: Ladder) -> tuple[Person | None, list[Problem]]:
    """The row's person, or None and its problems, each naming the file, row and column."""
    problems = []
    try:
        person = Person.model_validate(values)
    except ValidationError as exc:
        for error in exc.errors():
            loc = error["loc"]
            column = str(loc[1] if loc[:1] == ("extra",) and len(loc) > 1 else loc[0]) if loc else None
            message, hint = plain_words(error, COLUMNS)
            if error["type"] == "date_from_datetime_parsing" or "date" in error["type"]:
                given = values.get(column) if column is not None else None
                message, hint = f"'{given}' is not a date", "write dates as YYYY-MM-DD, like 2027-01-31"
            elif column == "email" and error["type"] == "string_pattern_mismatch":
                given = str(values.get(column))
                hidden = [f"U+{ord(ch):04X}" for ch in given if unicodedata.category(ch) in ("Cf", "Cc")]
                message = f"'{given}' is not an email address" + (
                    f" (it holds the invisible character(s) {', '.join(dict.fromkeys(hidden))})" if hidden else ""
                )
            problems.append(place.problem(message, line, column, hint))
        return None, problems
    level_ids = [lv.id for lv in ladder.levels]
    level_id = values["level"]
    if level_id not in level_ids:
        problems.append(
            place.problem(
                f"unknown level '{level_id}'", line, "level", did_you_mean(level_id, level_ids).removeprefix("; ")
            )
        )
    elif values.get("track"):
        tracks = ladder.level(level_id).tracks
        if values["track"] not in tracks:
            problems.append(
                place.problem(
                    f"level '{level_id}' is not on track '{values['track']}'",
                    line,
                    "track",
                    did_you_mean(values["track"], tracks).removeprefix("; "),
                )
            )
    return (None if problems else person), problems


# --------------------------------------------------------------------------- workbooks


def _xlsx_rows(data: bytes, name: str, roster: Roster, wanted: _Wanted) -> tuple[list[Row], _Place]:
    """The rows of a workbook's first worksheet, and where they are; any other file is refused as what it is.

    The workbook is read from the bytes :func:`_read` gave (never opened again by path), with openpyxl
    in read-only mode (the sheet is streamed, not held) and ``data_only`` (a formula gives the value it
    had when the file was last saved; a formula never calculated is a blank cell). Its XML is parsed
    with defusedxml (openpyxl uses it when installed), and the parts' unpacked sizes are checked
    first (:data:`MAX_WORKBOOK_BYTES`), so no zip or entity bomb can make the parse large.

    Only the first worksheet is read, the tab furthest left: a workbook with more sheets (a notes or a
    lookup sheet) is read all the same, with one warning naming the sheets left unread, since people
    on them (a wave split by country, say) would get no packet.
    A first sheet that is hidden (or "very hidden") is refused: Excel shows no tab for it, so the
    roster one checks in Excel would not be the one the packets are made from.
    """
    kind = binary_kind(data)
    if kind is None:
        if is_text(data):
            raise _Fatal(
                Problem(
                    name,
                    "is text (CSV, perhaps), not an Excel workbook",
                    hint=f"name it {PurePosixPath(name).stem}.csv if it is CSV, or {SAVE_AS}",
                )
            )
        raise _Fatal(Problem(name, "is not an Excel workbook", hint=SAVE_AS))
    if kind != "xlsx":
        what, hint = KINDS[kind]
        raise _Fatal(Problem(name, what, hint=hint))
    unpacked = unpacked_bytes(data)
    if unpacked > MAX_WORKBOOK_BYTES:
        raise _Fatal(
            Problem(
                name,
                f"unpacks to {unpacked:,} bytes, more than the {MAX_WORKBOOK_BYTES:,} a roster's workbook may",
                hint="keep only the roster in the workbook, or export it as CSV UTF-8",
            )
        )
    import openpyxl  # here: only a workbook roster pays for importing it

    with warnings.catch_warnings():  # openpyxl warns of styles and extensions it skips: nothing to act on
        warnings.simplefilter("ignore")
        try:
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
        except Exception:  # noqa: BLE001 -- openpyxl raises whatever its zip and XML parsers raise on a damaged file
            raise _Fatal(Problem(name, "is damaged: it cannot be read as an Excel workbook", hint=DAMAGED)) from None
        try:
            sheets = book.worksheets
            if not sheets:
                raise _Fatal(Problem(name, "has no worksheet, only charts", hint="put the roster on the first sheet"))
            if sheets[0].sheet_state != "visible":  # Excel shows no tab for it: whoever checks the roster never sees it
                raise _Fatal(
                    Problem(
                        name,
                        f"the first sheet, {sheet_name(sheets[0].title)}, is hidden: the people on it are not "
                        "the ones the workbook shows",
                        hint="unhide the sheet (in Excel: right-click a tab > Unhide), or delete it, "
                        "so that the roster is the first sheet one can see",
                    )
                )
            if len(sheets) > 1:
                others = ", ".join(sheet_name(sheet.title) for sheet in sheets[1:])
                roster.warnings.append(
                    f"{name}: reading the first sheet, {sheet_name(sheets[0].title)}, only; "
                    f"sheet(s) {others} are not read"
                )
            return _sheet_rows(sheets[0], name, roster, wanted)
        except _Fatal:
            raise
        except Exception:  # noqa: BLE001 -- the sheet is parsed as it is read: a damaged one fails here
            raise _Fatal(Problem(name, "is damaged: its first sheet cannot be read", hint=DAMAGED)) from None
        finally:
            book.close()


def _sheet_rows(sheet: Any, name: str, roster: Roster, wanted: _Wanted) -> tuple[list[Row], _Place]:
    """The data rows of a sheet under its header (its first row that is not blank); blank rows are skipped.

    Dates pass as dates to the date columns (a date and time as its date) and every other value as
    text, as the spreadsheet shows it (12345, not 12345.0). A cell showing a formula's error, or a
    number where a date belongs (a date in a cell formatted as a number), is a problem of its row.
    """
    from openpyxl.utils import get_column_letter

    title = sheet_name(sheet.title)
    sheet.reset_dimensions()  # the size a sheet notes for itself may be wrong: read every row there is
    place = _Place(name, title)
    columns: list[str] | None = None
    used = wanted.used
    rows: list[Row] = []
    stray: list[str] = []
    empty = (None,) * (MAX_COLUMNS + 1)
    for number, cells in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS + 1, values_only=True), 1):
        if number > MAX_SHEET_ROWS:
            raise _Fatal(
                Problem(
                    name,
                    f"the sheet {title} has rows past row {MAX_SHEET_ROWS:,}, the last one read",
                    hint="delete the rows below the roster, or export it as CSV UTF-8",
                )
            )
        if cells == empty or _blank_row(cells):
            continue
        if columns is None:
            if not blank(cells[MAX_COLUMNS]):
                raise _Fatal(
                    Problem(
                        name,
                        f"the header has more than {MAX_COLUMNS} columns",
                        number,
                        hint="delete the columns the roster does not need",
                        cell=f"{title}!{number}:{number}",
                    )
                )
            header = ["" if blank(value) else str(shown(value)) for value in cells]
            while header and not header[-1]:
                header.pop()
            letters: dict[str, str] = {}
            for i, cell in enumerate(header, 1):
                letters.setdefault(column_name(BREAKS.sub(" ", cell)), get_column_letter(i))
            place = _Place(name, title, letters, get_column_letter(len(header)))
            columns = _header(header, number, place, roster, wanted)
            continue
        beyond = cells[len(columns) :]
        if not _blank_row(beyond):
            stray += [
                f"{title}!{get_column_letter(i)}{number}"
                for i, value in enumerate(beyond, len(columns) + 1)
                if not blank(value)
            ]
        values, problems = _sheet_values(cells, columns, used, number, place)
        if problems:
            roster.problems += problems
            continue
        rows.append((number, values))
        if len(rows) > MAX_ROWS:
            raise _Fatal(
                Problem(
                    name, f"has more than the {MAX_ROWS:,} rows allowed", number, hint="split the roster",
                    cell=f"{title}!A{number}",
                )
            )  # fmt: skip
    if columns is None:
        raise _Fatal(
            Problem(
                name, f"the first sheet, {title}, is empty", hint="put the roster on the first sheet, a header first"
            )
        )
    if stray:
        roster.warnings.append(
            f"{name}: {stray[0]}: ignoring {len(stray)} value(s) right of the header's last column "
            f"({place.last}); give a column a header to read it"
        )
    return rows, place


def _sheet_values(
    cells: Sequence[Any], columns: Sequence[str], used: Sequence[str], row: int, place: _Place
) -> tuple[dict[str, Any], list[Problem]]:
    """A sheet row's values by column (dates as dates, the rest as text), or the problems of its cells."""
    values: dict[str, Any] = {}
    problems = []
    for column, value in zip(columns, cells, strict=False):
        if column not in used or blank(value):
            continue
        if isinstance(value, str) and value.strip() in ERRORS:
            problems.append(
                place.problem(
                    f"the cell shows the error {value.strip()}, not a value",
                    row,
                    column,
                    "correct the formula, or type the value",
                )
            )
        elif column in DATES and isinstance(value, datetime.date):  # a datetime is a date too
            values[column] = value.date() if isinstance(value, datetime.datetime) else value
        elif column in DATES and isinstance(value, int | float) and not isinstance(value, bool):
            problems.append(
                place.problem(f"'{shown(value)}' is a number, not a date", row, column, _serial_hint(value))
            )
        else:
            values[column] = shown(value)
    return values, problems


def _serial_hint(value: float) -> str:
    """How to fix a date written as a number: often an Excel date whose cell lost its date format."""
    if float(value).is_integer() and 1 <= value <= 2_958_465:  # 1900-01-01 to 9999-12-31
        from openpyxl.utils.datetime import from_excel

        return f"format the cell as a date (as one, {shown(value)} is {from_excel(value).date().isoformat()})"
    return "type the date as YYYY-MM-DD, like 2027-01-31"


def _blank_row(cells: Sequence[Any]) -> bool:
    """Whether a row holds nothing but empty cells (quick for a wide row: its distinct values are few)."""
    return all(blank(value) for value in set(cells))


def _duplicate(name: str, row: int, earlier: str) -> str:
    """Why a name is a duplicate, with any invisible difference made visible."""
    if name == earlier:
        return f"'{name}' is already on row {row}"
    shown, before = _visible(name), _visible(earlier)
    if shown == before:
        return f"'{shown}' is already on row {row}, with its accents encoded differently"
    return f"'{shown}' is already on row {row} as '{before}'"


def _visible(name: str) -> str:
    """``name`` in NFC with each invisible format character written as ``<U+200B>``."""
    return "".join(
        f"<U+{ord(ch):04X}>" if unicodedata.category(ch) == "Cf" else ch for ch in unicodedata.normalize("NFC", name)
    )


def person_slug(name: str) -> str:
    """A file name from a person's name: ASCII letters, digits and hyphens only, never a path.

    Names in any script are transliterated (python-slugify, with text-unidecode): "Иван Петров"
    is ivan-petrov, "李小龙" li-xiao-long, "Søren Ørsted" soren-orsted, so one can tell whose
    packet a file is; a name with nothing to transliterate (emoji alone) is "person".
    """
    return slugify(name, max_length=SLUG_LENGTH) or "person"


SLUG_MARK = "PERSONxSLUGxMARK"
"""Stands for the person in an output pattern; real slugs are lower-case, so it is never one."""


def assign_files(
    entries: Sequence[Entry], fill: Callable[[Entry, str], PurePosixPath], owners: Mapping[str, str]
) -> list[tuple[Entry, PurePosixPath]]:
    """Each person's output file, so that a file written for one person never goes to another.

    ``fill(entry, slug)`` is the recipe's output pattern for the person with ``slug`` as the
    file name (raising ValueError when the pattern is unsafe); ``owners`` maps an output path
    already written (posix, relative to the output folder) to the :func:`person_key` it was
    written for. A person whose key owns a path that fits their pattern keeps it, whatever the
    row order and whatever their slug is now; nobody is given a path owned by another key; a
    new person gets their slug, else slug-2, slug-3, … skipping every path taken or owned.
    Returns the entries (their ``slug`` the one used) with their paths, in the roster's order.
    """
    owned: dict[str, list[str]] = {}
    for path, key in owners.items():
        owned.setdefault(key, []).append(str(PurePosixPath(path)))
    chosen: dict[int, tuple[str, PurePosixPath]] = {}
    for i, entry in enumerate(entries):  # first the people who keep their files: no row order involved
        kept = _kept(entry, fill, owned.get(entry.key, []))
        if kept is not None:
            chosen[i] = kept
    taken = {path for _, path in chosen.values()} | {PurePosixPath(path) for path in owners}
    # per pattern and slug, the number last given: every lower one is taken (a roster of names
    # that all make "person" would otherwise count up from 1 for each of them)
    tried: dict[tuple[str, str], int] = {}
    for i, entry in enumerate(entries):
        if i in chosen:
            continue
        pattern = str(fill(entry, SLUG_MARK))
        if SLUG_MARK not in pattern:  # the pattern ignores the person: plan's _clashes reports it
            chosen[i] = (entry.slug, fill(entry, entry.slug))
            continue
        number = tried.get((pattern, entry.slug), 1)
        slug = entry.slug if number == 1 else f"{entry.slug}-{number}"
        while fill(entry, slug) in taken:
            number += 1
            slug = f"{entry.slug}-{number}"
        tried[(pattern, entry.slug)] = number
        chosen[i] = (slug, fill(entry, slug))
        taken.add(chosen[i][1])
    return [(dataclasses.replace(entry, slug=chosen[i][0]), chosen[i][1]) for i, entry in enumerate(entries)]


def _kept(
    entry: Entry, fill: Callable[[Entry, str], PurePosixPath], paths: list[str]
) -> tuple[str, PurePosixPath] | None:
    """The slug and path this person already owns under their pattern, if any (their own slug first)."""
    if not paths:
        return None
    first, *rest = str(fill(entry, SLUG_MARK)).split(SLUG_MARK)
    if not rest:
        return None
    slug = r"([a-z0-9]+(?:-[a-z0-9]+)*)"
    pattern = re.compile(
        re.escape(first) + slug + "".join(r"\1" * bool(i) + re.escape(part) for i, part in enumerate(rest))
    )
    fits = []
    for path in paths:
        match = pattern.fullmatch(path)
        if match and fill(entry, match[1]) == PurePosixPath(path):
            fits.append((match[1] != entry.slug, path, match[1]))
    if not fits:
        return None
    _, path, found = min(fits)
    return found, PurePosixPath(path)
