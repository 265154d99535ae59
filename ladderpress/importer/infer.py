"""Which sheet, row and column is what, when the mapping does not say.

The headers people write are matched loosely against tables of the words they use (``Job title``, ``YoE``,
``Pillar``, …); a sheet is the levels or moves sheet when its headers name their fields, and the matrix
is the sheet named like one, or the fullest left. In the matrix, the label columns (group, competency,
summary) are found by their headers or by where they stand, and the levels' columns follow them. Each
choice comes back with why, for the printed mapping.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence

from ladderpress.errors import Problem
from ladderpress.importer.cells import one_line, parse_header, short
from ladderpress.importer.grid import MAX_ROWS, Grid, column_number, letter
from ladderpress.importer.mapping import Mapping, MatrixMap, TableMap, column_list
from ladderpress.importer.reader import Reader
from ladderpress.model import column_name
from ladderpress.sheets import blank


def _aliases(table: dict[str, Sequence[str]]) -> dict[str, str]:
    return {column_name(alias): name for name, aliases in table.items() for alias in (name, *aliases)}


LEVEL_HEADERS = _aliases(
    {
        "id": ["level id", "slug", "key"],
        "code": ["level code", "grade code", "job code"],
        "title": [
            "job title",
            "level title",
            "name",
            "level name",
            "role",
            "role title",
            "job",
            "position",
            "position title",
        ],
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
        "band": ["grade", "seniority", "career stage"],
        "tracks": ["track", "career track"],
        "scope": ["level scope"],
        "title": ["job title"],
        "short_title": ["short title"],
        "time_at_level": ["time in level", "time at level"],
        "description": ["level description", "summary"],
    }
)
"""Rows of a matrix that say something about each level (years of experience, say), not a competency."""
NOT_LEVELS = {column_name(w) for w in ("comment", "comments", "note", "notes", "example", "examples", "owner",
                                       "owners", "last reviewed", "reviewed", "last updated", "updated", "remarks",
                                       "status", "reviewer", "questions", "todo", "links", "source", "sources",
                                       "notes and comments", "open questions", "changes", "change log")}  # fmt: skip
"""Headers of a matrix's columns that hold no level: notes beside the levels, left out."""
MATRIX_SHEETS = ("matrix", "competenc", "framework", "expectation", "skill", "ladder", "grid")
LEVEL_SHEETS = ("level", "grade", "role", "title", "band")
MOVE_SHEETS = ("move", "promotion", "path", "progression", "transition")


def _named_like(title: str, words: Sequence[str]) -> bool:
    folded = title.casefold()
    return any(word in folded for word in words)


def header_row(grid: Grid) -> int | None:
    """The first row as wide as the table: at least two values, and at least 60% of the widest of the
    first rows (a title line above has one value; a row of merged band names above has fewer)."""
    rows = sorted({r for r, _ in grid.cells})[:30]
    widths = {r: len(grid.row_cells(r)) for r in rows}
    widest = max(widths.values(), default=0)
    for r in rows:
        if widths[r] >= 2 and widths[r] >= 0.6 * widest:
            return r
    return rows[0] if rows else None


def level_like(text: str) -> bool:
    """Whether a header reads as a level's (it holds a code such as L3)."""
    return parse_header(text)[1] is not None


def find_sheets(reader: Reader) -> tuple[list[tuple[Grid, MatrixMap, str]], Grid | None, Grid | None]:
    """The matrix sheets (each with its map and why it was chosen), the levels and moves sheets, as the mapping
    names them or as they look."""
    scores: dict[str, tuple[int, str]] = {}
    for grid in reader.grids:
        header = header_row(grid)
        names = [column_name(grid.text(header, c)) for c in grid.row_cells(header)] if header else []
        level_hits = sum(1 for n in names if (n in LEVEL_HEADERS and LEVEL_HEADERS[n] != "id") or n == "level")
        move_hits = sum(1 for n in names if n in MOVE_HEADERS)
        has_to = any(MOVE_HEADERS.get(n) == "to" for n in names)
        has_from = any(MOVE_HEADERS.get(n) == "from" for n in names)
        if has_to and has_from and (move_hits >= 2) and (_named_like(grid.title, MOVE_SHEETS) or move_hits >= 3):
            scores[grid.title] = (2, f"named '{grid.title}', its headers name where moves go from and to")
        elif level_hits >= 3 or (level_hits >= 2 and _named_like(grid.title, LEVEL_SHEETS)):
            hit_names = [n for n in names if n in LEVEL_HEADERS or n == "level"][:4]
            scores[grid.title] = (1, f"its headers name levels' fields ({', '.join(hit_names)}, …)")
    if "levels" in reader.given:
        levels = reader.grid(reader.mapping.levels.sheet, "levels") if reader.mapping.levels else None
    else:
        levels = next((g for g in reader.grids if scores.get(g.title, (0,))[0] == 1), None)
    if "moves" in reader.given:
        moves = reader.grid(reader.mapping.moves.sheet, "moves") if reader.mapping.moves else None
    else:
        moves = next((g for g in reader.grids if scores.get(g.title, (0,))[0] == 2), None)
    matrices = _matrix_sheets(reader, [g for g in reader.grids if g is not levels and g is not moves and g.cells])
    reader.levels_why = scores.get(levels.title, (0, "named in the mapping"))[1] if levels else ""
    reader.moves_why = scores.get(moves.title, (0, "named in the mapping"))[1] if moves else ""
    read = [grid for grid, _, _ in matrices]
    for grid in reader.grids:
        if grid not in (*read, levels, moves) and grid.cells:
            reader.notes.append(
                f"{reader.name}: the sheet {grid.prefix[:-1]} is not read: it is neither the matrix nor a "
                "levels or moves sheet (name it in a mapping file if it is one)"
            )
    return matrices, levels, moves


def matrix_maps(mapping: Mapping) -> list[MatrixMap]:
    """The mapping's ``matrix:``, one map a sheet (a list of sheets: the same map for each)."""
    m = mapping.matrix
    if not isinstance(m.sheet, list):
        return [m]
    return [m.model_copy(update={"sheet": sheet}) for sheet in dict.fromkeys(m.sheet)]  # a sheet named twice: once


def looks_like_matrix(grid: Grid) -> bool:
    """Whether a sheet reads as a matrix: its header has a competency or group column at the left (or levels'
    codes, such as L1 and L2), and a column beside that is no label and no note (a level's): a glossary of
    competencies (Competency, Definition) is not one."""
    header = header_row(grid)
    if header is None:
        return False
    texts = [grid.text(header, c) for c in grid.row_cells(header)]
    names = [column_name(text) for text in texts]
    labelled = any(n in COMPETENCIES or n in THEMES for n in names[:3]) or sum(map(level_like, texts)) >= 2
    labels = COMPETENCIES | THEMES | SUMMARIES | NOT_LEVELS
    return labelled and any(n not in labels for n in names)


def track_of(title: str) -> str:
    """The track a matrix sheet is: its name, less words such as 'track' or 'matrix'."""
    words = re.sub(
        r"\b(tracks?|matrix|matrices|ladder|competenc(y|ies)|framework|expectations)\b", " ", title, flags=re.I
    )
    name = " ".join(words.replace("_", " ").split()).strip(" -–:")
    return name or title


def _matrix_sheets(reader: Reader, others: list[Grid]) -> list[tuple[Grid, MatrixMap, str]]:
    """Each matrix sheet with its map and why: as the mapping names them, else every sheet that looks like
    a matrix, else the fullest sheet left."""
    maps = matrix_maps(reader.mapping)
    if any(m.sheet is not None for m in maps):
        found = [(reader.grid(m.sheet, "the matrix"), m) for m in maps if isinstance(m.sheet, str)]
        return [(grid, m, "named in the mapping") for grid, m in found if grid is not None]
    m = maps[0] if maps else MatrixMap()
    alike = [g for g in others if looks_like_matrix(g)]
    if len(alike) > 1:
        return [(g, m, f"looks like a matrix: the track '{track_of(g.title)}'") for g in alike]
    named = [g for g in others if _named_like(g.title, MATRIX_SHEETS)]
    matrix = (named or sorted(others, key=lambda g: -len(g.cells)))[0] if others else None
    if matrix is None:
        reader.problems.append(
            Problem(
                reader.name,
                "has no sheet that could be the competency matrix",
                hint="put the matrix on a sheet of its own: competencies down the side, levels across the top",
            )
        )
        return []
    why = (
        "the only sheet left"
        if len(others) == 1
        else f"named like a matrix ('{matrix.title}')"
        if named
        else "the fullest sheet left"
    )
    return [(matrix, m, why)]


def table_columns(
    reader: Reader,
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
                reader.problems.append(
                    Problem(
                        reader.name,
                        f"the mapping names '{named}', which is no field of {what}",
                        hint=f"did you mean '{close[0]}'?" if close else f"choose from {', '.join(sorted(allowed))}",
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
            # a column of whole numbers (1, 2, …) ranks the levels; else it holds their codes
            below = [grid.value(r, c) for r in range(header + 1, grid.rows + 1) if not blank(grid.value(r, c))]
            numbers = bool(below) and all(isinstance(v, int) or str(v).strip().isdigit() for v in below)
            name = "rank" if numbers and "rank" not in columns else "code" if "code" not in columns else None
        if name is None:
            if reader.is_ignored(grid, header, c):
                continue
            if what == "levels":  # salary ranges, headcounts, notes: kept beside the levels, no field of theirs
                reader.notes.append(
                    f"{reader.name}: {grid.at(header, c)}: the column '{short(text)}' is no field of levels; it "
                    f"is left out (if it is one, rename it to one of: {', '.join(sorted(allowed))})"
                )
                reader.left_out.append(f"{grid.prefix}{letter(c)}")
            else:
                reader.problem(
                    grid,
                    f"the column '{short(text)}' is no field of {what}",
                    f"rename it to one of: {', '.join(sorted(allowed))}; or list it under ignore: in a mapping file",
                    header,
                    c,
                )
            reader.ignored.append((grid.title, header, c, MAX_ROWS, c))
            continue
        if name in columns:
            reader.problem(
                grid,
                f"the column '{short(text)}' is {name} again (column {letter(columns[name])} is too)",
                "keep one column of each field",
                header,
                c,
            )
            continue
        columns[name] = c
    return columns


def matrix_columns(
    reader: Reader, grid: Grid, header: int, m: MatrixMap
) -> tuple[tuple[int | None, int | None, int | None], list[int], dict[str, str]]:
    """(theme, competency, summary) columns, the levels' columns, and why each label column was chosen.

    The label columns are those at the left whose header names one (``Area``, ``Competency``,
    ``Description``…) or is blank, and the first column whatever its header (unless it reads as a
    level's, like ``L1``); the levels' columns follow, up to the header's last value. Columns whose
    header names nothing are placed by where they stand: left of the competencies is the group,
    right of them the summary; with none named, one column is the competencies, two the group and
    the competencies, three the group, the competencies and the summary.
    """
    cells = [c for c in grid.row_cells(header) if not reader.is_ignored(grid, header, c)]
    first = min([*cells, *(c for (r, c) in grid.cells if r > header)], default=1)
    last = max(cells, default=first)
    kinds, why = _label_columns(grid, header, first, last)
    named = _placed(kinds)
    _say_why(grid, header, named, why)
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
        level_columns = column_list(m.level_columns) or []
    else:
        start = max([c for c in labels if c] or [first - 1]) + 1
        level_columns = list(range(start, last + 1))
    return labels, level_columns, why


def _label_columns(grid: Grid, header: int, first: int, last: int) -> tuple[dict[int, str | None], dict[str, str]]:
    """The label columns at the left of the header row, each with the kind its header names (theme,
    competency, summary) or None; and why, for those named."""
    why: dict[str, str] = {}
    kinds: dict[int, str | None] = {}
    for c in range(first, last + 1):
        text = grid.text(header, c, merged=False)
        name = column_name(text)
        kind = "theme" if name in THEMES else "competency" if name in COMPETENCIES else None
        kind = kind or ("summary" if name in SUMMARIES else None)
        if kind is not None and kind not in kinds.values():
            kinds[c] = kind
            why[kind] = f"'{one_line(text)}'"
        elif not text or (not kinds and not level_like(text)):
            kinds[c] = None
        else:
            break
    return kinds, why


def _placed(kinds: dict[int, str | None]) -> dict[str, int]:
    """Each kind of label column → its column: as its header names it, else by where it stands."""
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
        order = {1: ["competency"], 2: ["theme", "competency"]}.get(len(unnamed), ["theme", "competency", "summary"])
        named.update(zip(order, unnamed, strict=False))
    return named


def _say_why(grid: Grid, header: int, named: dict[str, int], why: dict[str, str]) -> None:
    """Why each label column placed by where it stands was chosen (its header, and where it stands)."""
    for kind, c in named.items():
        if kind not in why:
            header_text = grid.text(header, c, merged=False)
            shown = f"'{one_line(header_text)}'" if header_text else f"column {letter(c)}, no header"
            where = {
                "theme": "left of the competencies: its blank and merged cells are the group above",
                "competency": "left of the levels",
                "summary": "right of the competencies",
            }[kind]
            why[kind] = f"{shown}, {where}"
    if "theme" in named and not why["theme"].endswith("above"):
        why["theme"] += "; its blank and merged cells are the group above"
