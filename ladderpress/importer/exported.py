"""Workbooks ladderpress exported, and the folders of CSV files ``export --format csv`` writes: known by their
machine sheets, and read exactly by the workbook contract (:mod:`ladderpress.workbook`), so that export then
import gives the same ladder. No mapping applies.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ladderpress.errors import InputErrors, Problem
from ladderpress.importer.grid import Grid
from ladderpress.importer.mapping import Decision
from ladderpress.importer.problems import control_problems
from ladderpress.importer.read import read_csv_folder
from ladderpress.importer.result import Imported
from ladderpress.model import column_name


def is_exported(grids: list[Grid]) -> bool:
    """Whether the workbook is one ladderpress exported: its ``Levels`` sheet has the model's ``id`` and
    ``title`` columns and its ``Expectations`` sheet one row per competency and level (a workbook made by
    hand may call its matrix "Expectations", but not with those columns)."""
    from ladderpress.workbook import sheet_key

    headers = {
        sheet_key(grid.title): {column_name(grid.text(1, c, merged=False)) for c in grid.row_cells(1)} for grid in grids
    }
    return _machine_headers(headers)


def _machine_headers(headers: dict[str, set[str]]) -> bool:
    """Whether sheets with these header rows (by :func:`~ladderpress.workbook.sheet_key`) are an export's."""
    levels, expectations = headers.get("levels", set()), headers.get("expectations", set())
    about = headers.get("about", set()) == {"field", "value"}
    return {"id", "title"} <= levels and ({"competency", "level"} <= expectations or about)


def _rows(grid: Grid) -> list[list[Any]]:
    """A grid as rows of values (None for a blank cell), from A1."""
    return [[grid.own(r, c) for c in range(1, grid.cols + 1)] for r in range(1, grid.rows + 1)]


def from_export(name: str, grids: list[Grid], problems: list[Problem], notes: list[str]) -> Imported:
    """A workbook ladderpress exported, read exactly by the workbook contract (:mod:`ladderpress.workbook`)."""
    from ladderpress.workbook import Sheet

    if problems:
        raise InputErrors(problems)
    return _read_exactly(name, [Sheet(grid.title, _rows(grid)) for grid in grids], notes)


def _read_exactly(name: str, sheets: list[Any], notes: list[str]) -> Imported:
    from ladderpress.workbook import content_and_cells, sheets_to_ladder

    data, cells = content_and_cells(sheets, name)
    problems = control_problems(name, data, cells)
    if problems:
        raise InputErrors(problems)
    ladder = sheets_to_ladder(sheets, name)
    decisions = [
        Decision(
            "# a workbook ladderpress exported (Levels, Expectations, …): read exactly, sheet by sheet; "
            "no mapping applies"
        )
    ]
    return Imported(name, data, ladder, decisions, notes, {}, exported=True)


READS = "give the spreadsheet file itself (.xlsx, .ods or .csv), or the folder ladderpress export --format csv wrote"


def from_folder(folder: Path, name: str) -> Imported:
    """The folder ``export --format csv`` wrote, read exactly as the workbook it was: each CSV file is the
    sheet its name says (``level-sections.csv`` is ``Level sections``; a problem names its cell as
    ``levels.csv!E3``), each cell undone by :func:`~ladderpress.workbook.from_csv_cell`. Any other folder is
    refused, saying what import reads; CSV files an export does not write are left out, with a note."""
    from ladderpress.workbook import MATRIX, ORDER, Sheet, from_csv_cell, sheet_key

    found = read_csv_folder(folder, name)
    sheets = [Sheet(file, [[from_csv_cell(value) for value in row] for row in rows]) for file, rows in found]
    headers = {
        sheet_key(sheet.name): {column_name(str(cell)) for cell in sheet.rows[0] if cell is not None}
        for sheet in sheets
        if sheet.rows
    }
    if not _machine_headers(headers):
        if not found:
            raise InputErrors([Problem(name, "is a folder, not a spreadsheet, and holds no CSV file", hint=READS)])
        raise InputErrors(
            [
                Problem(
                    name,
                    "is a folder of CSV files ladderpress export did not write (no levels.csv with id and title "
                    "columns beside an expectations.csv or about.csv); import reads one spreadsheet, or such a folder",
                    hint=f"give one file of it, as {name.rstrip('/')}/{found[0][0]}",
                )
            ]
        )
    known = {sheet_key(sheet) for sheet in ORDER}
    notes = [
        f"{name.rstrip('/')}/{sheet.name}: not a sheet ladderpress exports, so it is not read"
        for sheet in sheets
        if sheet_key(sheet.name) not in known and not sheet_key(sheet.name).startswith(sheet_key(MATRIX) + "_")
    ]
    return _read_exactly(name, sheets, notes)
