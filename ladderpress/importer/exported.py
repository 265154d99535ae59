"""Workbooks ladderpress exported: known by their machine sheets, and read exactly by the workbook contract
(:mod:`ladderpress.workbook`), so that export then import gives the same ladder. No mapping applies.
"""

from __future__ import annotations

from typing import Any

from ladderpress.errors import InputErrors, Problem
from ladderpress.importer.grid import Grid
from ladderpress.importer.mapping import Decision
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
    levels, expectations = headers.get("levels", set()), headers.get("expectations", set())
    about = headers.get("about", set()) == {"field", "value"}
    return {"id", "title"} <= levels and ({"competency", "level"} <= expectations or about)


def _rows(grid: Grid) -> list[list[Any]]:
    """A grid as rows of values (None for a blank cell), from A1."""
    return [[grid.own(r, c) for c in range(1, grid.cols + 1)] for r in range(1, grid.rows + 1)]


def from_export(name: str, grids: list[Grid], problems: list[Problem], notes: list[str]) -> Imported:
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
