"""The state of one import: the problems, notes and printed decisions it gathers, where each value came from,
and the levels it drafts.

The stages that read the matrix, levels and moves sheets (:mod:`.infer`, :mod:`.tables`, :mod:`.matrix`) and
assemble the ladder (:mod:`.assemble`) each take the :class:`Reader` and add to it, so that every problem of
the workbook is reported at once, each at its cell. A :class:`LevelDraft` is a level as the sheets give it,
field by field, before it is a level of the ladder; :func:`match_level` finds one by any name it goes by.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from slugify import slugify

from ladderpress.errors import Problem
from ladderpress.importer.cells import parse_header
from ladderpress.importer.grid import Grid
from ladderpress.importer.mapping import Decision, Mapping, parse_reference
from ladderpress.sheets import cell_text

Loc = tuple[str | int, ...]
"""A place in the ladder's data, as pydantic locates an error: ("levels", 2, "title")."""


@dataclass
class LevelDraft:
    """A level as the sheets give it, field by field, each value with the cell it came from."""

    key: str
    """The header or title it was first known by (for messages)."""
    values: dict[str, tuple[Any, str]] = field(default_factory=dict)
    order: int = 0
    derived: set[str] = field(default_factory=set)
    """Fields made from a matrix header (a title from a code): a row of titles replaces them."""
    sheet_tracks: list[str] = field(default_factory=list)
    """The tracks of the matrix sheets it is on, when there are several (one track a sheet)."""


class Reader:
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
            found for reference in mapping.ignore if (found := parse_reference(reference)) is not None
        ]
        self.left_out: list[str] = []
        """Columns left out with a warning (notes beside the levels), printed under ignore:."""
        self.title_cells: list[tuple[str, str]] = []
        """The title and subtitle lines above the matrix, with their cells."""
        self.ladder_said: dict[str, str] = {}
        self.levels_why = self.moves_why = ""
        self.groups: list[dict[str, Any]] = []
        """The competency groups, of every matrix sheet."""

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


def did_you_mean(text: str, lookup: dict[str, LevelDraft]) -> str:
    close = difflib.get_close_matches(text.casefold(), list(lookup), n=1, cutoff=0.5)
    return f"did you mean '{lookup[close[0]].key}'?" if close else "name a level by its title, code or id"


def level_lookup(drafts: Iterable[LevelDraft]) -> dict[str, LevelDraft]:
    """Every name a level goes by (id, code, title, short title, 'title (code)'), folded → its draft."""
    lookup: dict[str, LevelDraft] = {}
    for draft in drafts:
        values = {name: cell_text(value) for name, (value, _) in draft.values.items()}
        names = [values.get(n, "") for n in ("id", "code", "title", "short_title")]
        if values.get("title") and values.get("code"):
            names.append(f"{values['title']} ({values['code']})")
        for name in names:
            if name:
                lookup.setdefault(" ".join(name.split()).casefold(), draft)
    return lookup


def match_level(text: str, lookup: dict[str, LevelDraft]) -> LevelDraft | None:
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
