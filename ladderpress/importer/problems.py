"""Problems at the cells they come from: validation errors of the assembled ladder traced back to the cell
each value was read from, and every problem sorted as the workbook reads (sheet by sheet, row by row).
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

from ladderpress.errors import InputErrors, Problem, plain_words
from ladderpress.importer.grid import Grid, column_number
from ladderpress.importer.reader import Loc
from ladderpress.model import Ladder, LocatedProblems


def in_workbook_order(problems: list[Problem], grids: list[Grid]) -> list[Problem]:
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


def validated(name: str, data: dict[str, Any], where: dict[Loc, str]) -> Ladder:
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
