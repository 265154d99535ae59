"""The levels and moves sheets: one row per level or move under a header row, read into drafts and moves.

Each row's cells are placed by their column's field (:func:`.infer.table_columns`); a cell in a column that
is no field, a level with no title, code or id, or a move from or to no level of the ladder is a problem of
its cell.
"""

from __future__ import annotations

from typing import Any, Literal

from ladderpress.importer.cells import one_line, parse_header, short, text_list
from ladderpress.importer.grid import Grid, letter
from ladderpress.importer.infer import LEVEL_HEADERS, MOVE_HEADERS, header_row, table_columns
from ladderpress.importer.mapping import LEVEL_COLUMNS, MOVE_COLUMNS, Decision, above, scalar
from ladderpress.importer.reader import LevelDraft, Reader, did_you_mean, match_level
from ladderpress.sheets import blank, cell_text


def read_levels_sheet(reader: Reader, grid: Grid) -> list[LevelDraft]:
    """One draft per row of the levels sheet."""
    header, columns = _table(reader, grid, "levels")
    if "title" not in columns and "code" not in columns and "id" not in columns:
        reader.problem(
            grid,
            "the levels sheet has no column of titles, codes or ids",
            "call the column of the levels' titles 'Title' (or name it in a mapping file's levels: columns:)",
            header,
        )
        return []
    drafts: list[LevelDraft] = []
    split: list[str] = []  # the titles split into title and code
    for r in range(header + 1, grid.rows + 1):
        cells = [c for c in grid.row_cells(r) if not reader.is_ignored(grid, r, c)]
        if not cells:
            continue
        draft = LevelDraft(key=f"row {r}", order=len(drafts))
        for name, c in columns.items():
            value = grid.value(r, c)
            if not blank(value):
                draft.values[name] = (value, grid.at(r, c))
        _stray_cells(reader, grid, r, cells, columns, "level field", "a level field's header")
        written = draft.values.get("title")
        if _split_title(draft) and written is not None:
            split.append(one_line(cell_text(written[0])))
        if not any(name in draft.values for name in ("title", "code", "id")):
            reader.problem(grid, "this level has no title, code or id", "write the level's title in its row", r, None)
            continue
        draft.key = cell_text(next(draft.values[n][0] for n in ("title", "code", "id") if n in draft.values))
        drafts.append(draft)
    if not drafts:
        reader.problem(grid, "the levels sheet lists no level under its header", "add one row per level", header)
    if split:
        line = f"    title: {letter(columns['title'])}"
        said = next((d for d in reversed(reader.decisions) if d.line == line), None)
        if said is not None:
            said.why += f"; {len(split)} with a code ('{short(split[0])}', …), split as the matrix's headers are"
    return drafts


def _split_title(draft: LevelDraft) -> bool:
    """A title that carries its code, ``D1 - Developer 1``, is split as a matrix's header is
    (:func:`.cells.parse_header`): the title ``Developer 1``, the code ``D1`` (unless a code column gives
    another)."""
    if "title" not in draft.values:
        return False
    value, at = draft.values["title"]
    title, code = parse_header(cell_text(value))
    if title is None or code is None:
        return False
    given = draft.values.get("code")
    if given is not None and cell_text(given[0]).casefold() != code.casefold():
        return False
    draft.values["title"] = (title, at)
    draft.values.setdefault("code", (code, at))
    return True


def read_moves_sheet(
    reader: Reader, grid: Grid, lookup: dict[str, LevelDraft]
) -> list[tuple[LevelDraft, dict[str, Any], str, dict[str, str]]]:
    """Each move: the level it goes from, the move's data, its row's reference, and each field's cell."""
    header, columns = _table(reader, grid, "moves")
    found = []
    for r in range(header + 1, grid.rows + 1):
        cells = [c for c in grid.row_cells(r) if not reader.is_ignored(grid, r, c)]
        if not cells:
            continue
        _stray_cells(reader, grid, r, cells, columns, "field of moves", "a move field's header")
        source = grid.text(r, columns["from"]) if "from" in columns else ""
        if not source:
            reader.problem(
                grid,
                "this move does not say which level it goes from",
                f"write the level in {letter(columns['from'])}{r}" if "from" in columns else "add a From column",
                r,
                columns.get("from"),
            )
            continue
        level = match_level(source, lookup)
        if level is None:
            reader.problem(
                grid,
                f"'{short(source)}' is no level of the ladder",
                did_you_mean(source, lookup),
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
                target = match_level(text, lookup)
                if target is None:
                    reader.problem(grid, f"'{short(text)}' is no level of the ladder", did_you_mean(text, lookup), r, c)
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


def _table(reader: Reader, grid: Grid, what: Literal["levels", "moves"]) -> tuple[int, dict[str, int]]:
    """A levels or moves sheet's header row and each field's column (as the mapping names them, or inferred),
    printed as the mapping's lines."""
    given = reader.mapping.levels if what == "levels" else reader.mapping.moves
    table = given if what in reader.given and given else None
    header = table.header_row if table else header_row(grid) or 1
    aliases, allowed = (LEVEL_HEADERS, LEVEL_COLUMNS) if what == "levels" else (MOVE_HEADERS, MOVE_COLUMNS)
    columns = table_columns(reader, grid, header, table, aliases, allowed, what)
    reader.decisions += [
        Decision(f"{what}:"),
        Decision(f"  sheet: {scalar(grid.title)}", reader.levels_why if what == "levels" else reader.moves_why),
        Decision(f"  header_row: {header}", above(grid, header)),
        Decision("  columns:"),
    ]
    for name, c in columns.items():
        reader.decisions.append(Decision(f"    {name}: {letter(c)}", f"'{one_line(grid.text(header, c))}'"))
    return header, columns


def _stray_cells(
    reader: Reader, grid: Grid, r: int, cells: list[int], columns: dict[str, int], what: str, header: str
) -> None:
    """A problem for each of row ``r``'s cells in a column that holds no field (``what``: "level field")."""
    for c in cells:
        if c not in columns.values():
            reader.problem(
                grid,
                f"'{short(grid.text(r, c))}' is in a column that is no {what}",
                f"give the column {header}, or list it under ignore: in a mapping file",
                r,
                c,
            )
