"""A sheet as the importer sees it: :class:`Grid`, its cells named as a spreadsheet names them (``Matrix!D7``),
and how far into a sheet the importer reads.

Every reader (.xlsx, .ods, .csv) gives the same thing, a grid of the non-blank values by (row, column) with
its merged ranges, so that what follows never asks which program wrote the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ladderpress.sheets import cell_text, sheet_name

MAX_ROWS = 5_000
"""The last row of a sheet read: a ladder's matrix has tens of rows, its levels sheet at most 500."""
MAX_COLUMNS = 520
"""The last column read: room for the most levels a ladder may have (500), beside their labels."""


Cell = tuple[int, int]
"""A cell as (row, column), both from 1."""


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
