"""Files to grids: every sheet of an .xlsx, .ods or .csv file, read guarded and bounded.

A spreadsheet given to ``import`` is untrusted: it is read through :mod:`ladderpress.files` (confined,
regular, bounded), refused as what it is when it is not what its name says (an .xlsx named .csv, an .xls,
a file protected by a password), and its unpacked size is checked before a parser sees it. .xlsx is read
with openpyxl, .ods with python-calamine (after its extent is measured: an .ods can ask for billions of
cells in a few bytes), .csv with the CSV helpers the roster uses too (:mod:`ladderpress.sheets`). A cell
showing a formula's error, or values past the last row or column read, are problems of their cells; a file
that cannot be read at all is refused whole.
"""

from __future__ import annotations

import csv
import io
import os
import warnings
import zipfile
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from typing import Any

from ladderpress import files
from ladderpress.errors import InputErrors, Problem
from ladderpress.importer.grid import MAX_COLUMNS, MAX_ROWS, Cell, Grid, letter, sheet_prefix
from ladderpress.sheets import (
    ERRORS,
    KINDS,
    NotText,
    binary_kind,
    blank,
    csv_records,
    csv_text,
    is_text,
    separator,
    unpacked_bytes,
)

MAX_IMPORT_BYTES = 10_000_000
"""The largest spreadsheet file read (a ladder's workbook is a few hundred kB at most)."""
MAX_UNPACKED_BYTES = 20_000_000
"""The most a workbook's parts may hold once unpacked (checked in its zip before anything is parsed)."""


SPREADSHEETS = (".xlsx", ".xlsm", ".ods", ".csv", ".tsv")
"""The files ``import`` reads, by their ending."""
SAVE_AS_XLSX = "open it in your spreadsheet program and save it as an Excel workbook (.xlsx), then import that"


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
    unpacked = unpacked_bytes(data)
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

    A formula's value is the one the workbook saved with it (Excel and LibreOffice save one; a workbook a
    program wrote may not): openpyxl gives either the formulas or the saved values, so a workbook holding
    formulas is read twice, and a formula without a saved value is a problem of its cell (it would read as
    blank, and its row as empty). Links are not followed, and the XML is parsed with defusedxml (installed
    with ladderpress). Only the cells the sheet holds are visited (``_cells``), so a single formatted cell
    at XFD1048576 costs nothing.
    """
    problems: list[Problem] = []
    notes: list[str] = []
    grids = []
    book = _load_xlsx(data, name, data_only=False)
    saved = None
    if any(cell.data_type == "f" for sheet in book.worksheets for cell in sheet._cells.values()):
        saved = _load_xlsx(data, name, data_only=True)
    for sheet in book.worksheets:
        if sheet.sheet_state != "visible":
            notes.append(f"{name}: the hidden sheet {sheet_prefix(sheet.title)[:-1]} is not read")
            continue
        values = _sheet_values(sheet, saved[sheet.title] if saved is not None else None, name, problems)
        cells, prefix = _bounded(sheet.title, values, name, problems)
        merges = [(m.min_row, m.min_col, m.max_row, m.max_col) for m in sheet.merged_cells.ranges]
        grids.append(Grid(sheet.title, prefix, cells, merges))
    if not grids:
        raise _Refused(Problem(name, "has no worksheet to read", hint="put the matrix on a visible sheet"))
    return grids, problems, notes


def _load_xlsx(data: bytes, name: str, data_only: bool) -> Any:
    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return openpyxl.load_workbook(io.BytesIO(data), data_only=data_only, keep_links=False)
        except Exception:  # noqa: BLE001 -- openpyxl raises whatever its zip and XML parsers raise on a damaged file
            raise _Refused(
                Problem(name, "is damaged: it cannot be read as an Excel workbook", hint=SAVE_AS_XLSX)
            ) from None


NO_SAVED_VALUE = "holds a formula with no saved value"


def _sheet_values(sheet: Any, saved: Any, name: str, problems: list[Problem]) -> list[tuple[Cell, Any]]:
    """A worksheet's cells: a formula's saved value in its place; a formula with none is a problem of its
    cell, and the cell keeps the formula's text, so that its row is still a row of values (a row of blank
    cells would also be said to have no value at any level)."""
    values: list[tuple[Cell, Any]] = []
    for position, cell in sheet._cells.items():
        value = cell.value
        if cell.data_type == "f" and saved is not None:
            formula = str(getattr(value, "text", value))
            value = saved._cells[position].value if position in saved._cells else None
            if value is None:
                problems.append(
                    Problem(
                        name,
                        NO_SAVED_VALUE,
                        hint="open and save the workbook in Excel or LibreOffice, or type the value",
                        cell=f"{sheet_prefix(sheet.title)}{letter(position[1])}{position[0]}",
                    )
                )
                value = formula
        values.append((position, value))
    return values


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


# --------------------------------------------------------------------------- a folder of CSV files

MAX_FOLDER_ENTRIES = 1_000
"""The most entries of a folder looked at (an export writes one CSV file per sheet: a few tens)."""
MAX_FOLDER_FILES = 100
"""The most CSV files of a folder read."""


def read_csv_folder(folder: Path, name: str) -> list[tuple[str, list[list[str]]]]:
    """Each CSV file in ``folder`` (by name, in name order) as its rows of raw text, as ``export --format csv``
    wrote them: read through :mod:`ladderpress.files` (confined to the folder: a link in it to a file
    elsewhere is refused), each at most :data:`MAX_IMPORT_BYTES`, all together at most
    :data:`MAX_UNPACKED_BYTES`. Links, subfolders and files of other kinds are not read."""
    names: list[str] = []
    try:
        with os.scandir(folder) as entries:
            for seen, entry in enumerate(entries, 1):
                if seen > MAX_FOLDER_ENTRIES:
                    raise _Refused(
                        Problem(
                            name,
                            f"holds more than {MAX_FOLDER_ENTRIES:,} files, more than an export writes",
                            hint="give the folder that ladderpress export --format csv wrote, or one spreadsheet",
                        )
                    )
                if entry.name.casefold().endswith(".csv") and not entry.name.startswith("."):
                    names.append(entry.name)
    except OSError as exc:
        problem = Problem(name, f"cannot be read ({exc.strerror})", hint="check the folder and try again")
        raise InputErrors([problem]) from None
    except _Refused as exc:
        raise InputErrors([exc.problem]) from None
    if len(names) > MAX_FOLDER_FILES:
        raise InputErrors(
            [
                Problem(
                    name,
                    f"holds {len(names):,} CSV files, more than the {MAX_FOLDER_FILES} an export writes",
                    hint="give the folder that ladderpress export --format csv wrote, or one spreadsheet",
                )
            ]
        )
    files_read: list[tuple[str, list[list[str]]]] = []
    problems: list[Problem] = []
    total = 0
    for file in sorted(names):
        shown = f"{name.rstrip('/')}/{file}"
        try:
            data = files.read_bytes(folder / file, (folder,), MAX_IMPORT_BYTES)
        except files.FileRefused as exc:
            problems.append(Problem(shown, exc.what, hint=exc.hint))
            continue
        total += len(data)
        if total > MAX_UNPACKED_BYTES:
            raise InputErrors(
                [
                    Problem(
                        name,
                        f"holds more than the {MAX_UNPACKED_BYTES:,} bytes of CSV a ladder's export may",
                        hint="give the folder that ladderpress export --format csv wrote, or one spreadsheet",
                    )
                ]
            )
        try:
            text = csv_text(data)
        except NotText as exc:
            problems.append(Problem(shown, exc.message, exc.line, hint="save it as CSV UTF-8"))
            continue
        rows: list[list[str]] = []
        for line, record in csv_records(text, separator(text)):
            if isinstance(record, csv.Error):
                unread = f"line {line} is not readable CSV ({record})"
                problems.append(Problem(shown, unread, line, hint="save it again"))
                continue
            rows.append(record)
        files_read.append((file, rows))
    if problems:
        raise InputErrors(problems)
    return files_read
