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
                problems += [
                    _rank_clash(name, p.loc, p.subject, data, where)
                    if p.code == "rank-clash"
                    else _at(name, p.loc, p.message, p.hint, where)
                    for p in reference.problems
                ]
                continue
            message, hint = plain_words(error)
            problems.append(_at(name, tuple(error["loc"]), message, hint, where))
        raise InputErrors(problems) from None


def _rank_clash(name: str, loc: Loc, other: str | None, data: dict[str, Any], where: dict[Loc, str]) -> Problem:
    """Two levels of one track on one rank, in the workbook's words: the levels' titles and track names, at
    the later level's header (not the model's ``levels[1].band``)."""
    levels = {lv["id"]: lv for lv in data["levels"]}
    level = data["levels"][loc[1]]
    before = levels.get(other or "", {})
    tracks = {t["id"]: t["name"] for t in data["tracks"]}
    shared = [tracks.get(t, t) for t in level["tracks"] if t in before.get("tracks", [])]
    on = f"the track '{shared[0]}'" if len(shared) == 1 else "the tracks " + ", ".join(f"'{t}'" for t in shared)
    bands = {b["id"]: b["rank"] for b in data.get("bands", [])}
    rank = level.get("rank", bands.get(level.get("band", ""), "?"))
    return Problem(
        name,
        f"the levels '{before.get('title', other)}' and '{level['title']}' both rank {rank} on {on}, so one "
        "would hide the other",
        hint="give each level a rank of its own: a Rank column on a levels sheet, or ranks: order under matrix: "
        "in the mapping (ranked as the sheet lists them)",
        cell=where.get(("levels", loc[1])),
    )


def _at(name: str, loc: Loc, message: str, hint: str | None, where: dict[Loc, str]) -> Problem:
    """A problem at the cell closest to ``loc``, with the field's path when no cell holds it exactly."""
    from ladderpress.errors import field_path

    for end in range(len(loc), -1, -1):
        cell = where.get(tuple(loc[:end]))
        if cell is not None:
            inside = field_path(loc[end:]) if end < len(loc) else None
            return Problem(name, message, field=inside or field_path(loc), hint=hint, cell=cell)
    return Problem(name, message, field=field_path(loc) or None, hint=hint)


CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
"""C0 and C1 control characters but tab and line breaks: ESC (a terminal's escape sequences, OSC titles),
BEL, NUL, a vertical tab, NEL, …"""


def control_problems(name: str, data: Any, where: dict[Loc, str]) -> list[Problem]:
    """A problem for each cell whose text, as the ladder would hold it, has :data:`CONTROLS` in it.

    Refused, each at its cell, rather than replaced by spaces with one warning as a roster's are: a roster
    is read again at every build from an HR export someone else regenerates, and one character no one
    meant should not cost a person their packet; an import is done once, by someone at the spreadsheet,
    and what it reads becomes the project's text for good. A control character is never text anyone
    typed: an escape sequence pasted from a terminal (``ESC [31m``, ``ESC ]0;…BEL``) would leave ``[31m``
    in a title once its ESC was replaced, and the text would go on to a terminal, a YAML file and a
    workbook (which cannot hold it: the project could not be exported). So the cell is named, with its
    characters, for the user to retype; line breaks and tabs are text and stay."""
    found: dict[str | None, tuple[Loc, set[str]]] = {}
    for loc, text in _strings(data, ()):
        codes = {f"U+{ord(ch):04X}" for ch in CONTROLS.findall(text)}
        if not codes:
            continue
        cell = next((where[loc[:end]] for end in range(len(loc), 0, -1) if loc[:end] in where), None)
        found.setdefault(cell, (loc, set()))[1].update(codes)
    from ladderpress.errors import field_path

    if any(cell is not None for cell in found):  # text made from a cell (a track's summary) quotes it
        found.pop(None, None)
    problems = []
    for cell, (loc, codes) in found.items():
        what = "a control character" if len(codes) == 1 else "control characters"
        problems.append(
            Problem(
                name,
                f"holds {what} ({', '.join(sorted(codes))}), which a spreadsheet does not show and a terminal "
                "may act on",
                hint="retype the cell's text (the characters are invisible, so they cannot be deleted one by one)",
                cell=cell,
                field=None if cell is not None else field_path(loc) or None,
            )
        )
    return problems


def _strings(value: Any, loc: Loc) -> list[tuple[Loc, str]]:
    """Every text in the ladder's data, with where it is."""
    if isinstance(value, str):
        return [(loc, value)]
    if isinstance(value, dict):
        return [found for key, item in value.items() for found in _strings(item, (*loc, key))]
    if isinstance(value, list | tuple):
        return [found for i, item in enumerate(value) for found in _strings(item, (*loc, i))]
    return []
