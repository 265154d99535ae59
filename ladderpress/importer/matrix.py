"""The matrix sheet: competencies down the side, levels across the top, into level drafts and competency groups.

The header row gives the levels (made from its headers, or matched to the levels sheet's); each row below is
a group's heading, a competency with a cell per level, a row of facts about the levels (years, codes), or
the continuation of a competency merged down over it. Groups come from a first column (a blank or merged
cell takes the group above), from heading rows, or from merged cells across the row. What lies outside the
table, or cannot be given a level or a competency, is a problem of its cell.
"""

from __future__ import annotations

import difflib
from typing import Any

from ladderpress.errors import Problem
from ladderpress.importer.cells import (
    DITTO,
    expectation_of,
    one_line,
    parse_header,
    short,
    title_from_code,
    years_of,
)
from ladderpress.importer.grid import MAX_ROWS, Grid, letter
from ladderpress.importer.infer import LEVEL_ROWS, NOT_LEVELS, header_row, matrix_columns
from ladderpress.importer.mapping import Decision, MatrixMap, above, range_text
from ladderpress.importer.reader import LevelDraft, Reader, level_lookup, match_level
from ladderpress.model import column_name
from ladderpress.sheets import blank, cell_text


def read_matrix(
    reader: Reader,
    grid: Grid,
    m: MatrixMap,
    levels: list[LevelDraft] | None,
    known: list[LevelDraft],
    groups: list[dict[str, Any]],
    track: str | None = None,
) -> list[LevelDraft]:
    """The sheet's levels (made from its headers, or those of ``known`` they name; or matched to the levels
    sheet's); its competencies are added to ``groups`` (a group or competency of the same name, from another
    matrix sheet, is the same one), each on ``track`` when there are several."""
    header = m.header_row or header_row(grid)
    if header is None:
        reader.problems.append(
            Problem(
                reader.name,
                "the matrix sheet has no header row of levels",
                hint="put the levels' titles in one row above the competencies",
                cell=f"{grid.prefix}A1",
            )
        )
        return []
    labels, level_columns, why = matrix_columns(reader, grid, header, m)
    theme_c, competency_c, summary_c = labels
    theme_said = Decision(
        f"  theme_column: {letter(theme_c) if theme_c else 'null'}",
        why.get("theme", "no column groups the competencies"),
    )
    reader.decisions += [
        Decision(f"  header_row: {header}", above(grid, header)),
        theme_said,
        Decision(f"  competency_column: {letter(competency_c) if competency_c else 'null'}", why.get("competency", "")),
        Decision(
            f"  summary_column: {letter(summary_c) if summary_c else 'null'}",
            why.get("summary", "no column of summaries"),
        ),
    ]
    if competency_c is None:
        reader.problem(grid, "the matrix has no column of competencies", "name it in a mapping file", header)
        return []
    title_rows = _title_rows(grid, header)
    # the levels' columns
    drafts = _level_columns(reader, grid, header, level_columns, levels, known)
    _first, last = (min(level_columns), max(level_columns)) if level_columns else (competency_c + 1, competency_c)
    reader.decisions.append(
        Decision(
            f"  level_columns: {range_text([c for c, _ in drafts])}",
            f"{len(drafts)} level{'s' if len(drafts) != 1 else ''}, left to right (ranks: says how they rank)"
            if levels is None
            else f"{len(drafts)} level{'s' if len(drafts) != 1 else ''} of the levels sheet",
        )
    )
    by_column = dict(drafts)
    level_rows, end = _matrix_rows(reader, grid, header, labels, by_column, m, groups, track)
    if theme_c is None and any(g.get("_placeholder") for g in groups):
        theme_said.why += ": one group, 'Competencies' (TODO, name it)"
    if level_rows:
        reader.decisions.append(Decision("  level_rows:"))
        for name, (r, label) in level_rows.items():
            reader.decisions.append(Decision(f"    {name}: {r}", f"'{label}': the levels' {name.replace('_', ' ')}"))
    else:
        reader.decisions.append(Decision("  level_rows: {}", "no row of years, codes or bands"))
    # what lies outside the table
    right = max([last, *(c for c in labels if c)])
    for (r, c), value in sorted(grid.cells.items()):
        if reader.is_ignored(grid, r, c) or r in title_rows:
            continue
        if r < header or r > end or c > right or c < min(c for c in labels if c):
            reader.problem(
                grid,
                f"'{short(cell_text(value))}' lies outside the table (rows {header}–{end}, columns "
                f"{letter(min(c for c in labels if c))}–{letter(right)}), so it cannot be placed",
                "delete it, move it into the table, or list it under ignore: in a mapping file",
                r,
                c,
            )
    if title_rows and not reader.title_cells:
        reader.title_cells = [(grid.text(r, title_rows[r]), grid.at(r, title_rows[r])) for r in sorted(title_rows)]
    return [d for _, d in drafts]


def _title_rows(grid: Grid, header: int) -> dict[int, int]:
    """The title and subtitle above the table: the first two rows above its header holding one value each."""
    found: dict[int, int] = {}
    for r in range(1, header):
        cells = grid.row_cells(r)
        if len(cells) == 1 and len(found) < 2:
            found[r] = cells[0]
    return found


def _lost(reader: Reader, grid: Grid, header: int, c: int) -> str:
    """``, so its cells (F3, F4) cannot be placed``: the values under a header that is refused."""
    below = [r for r in grid.column_cells(c) if r > header and not reader.is_ignored(grid, r, c)]
    if not below:
        return ""
    shown = ", ".join(f"{letter(c)}{r}" for r in below[:6]) + (", …" if len(below) > 6 else "")
    return f", so {'its cells' if len(below) > 1 else 'its cell'} ({shown}) cannot be placed"


def _level_columns(
    reader: Reader,
    grid: Grid,
    header: int,
    columns: list[int],
    levels: list[LevelDraft] | None,
    known: list[LevelDraft],
) -> list[tuple[int, LevelDraft]]:
    """Each level column with its level: made from its header (or one of ``known``, an earlier matrix sheet's,
    it names), or the levels sheet's it names. A column whose header says it holds no level (Comments,
    Notes) is left out, with a warning; so are empty columns, a run of them in one warning."""
    found: list[tuple[int, LevelDraft]] = []
    seen: dict[str, int] = {}
    lookup = level_lookup(levels) if levels is not None else {}
    known_lookup = level_lookup(known)
    empty: list[int] = []
    for c in columns:
        if reader.is_ignored(grid, header, c):
            continue
        text = grid.text(header, c, merged=False)
        if text and column_name(text) in NOT_LEVELS:
            reader.notes.append(
                f"{reader.name}: {grid.at(header, c)}: the column '{one_line(text)}' is no level; it is left out"
            )
            reader.left_out.append(f"{grid.prefix}{letter(c)}")
            reader.ignored.append((grid.title, 1, c, MAX_ROWS, c))
            continue
        if not text:
            below = [r for r in grid.column_cells(c) if r > header and not reader.is_ignored(grid, r, c)]
            if below:
                for r in sorted(below):
                    reader.problem(
                        grid,
                        f"'{short(grid.text(r, c))}' is in a column with no level header, so its level is unknown",
                        f"write the level's title in {letter(c)}{header}, or move the cell to its level's column",
                        r,
                        c,
                    )
            else:
                empty.append(c)
            continue
        key = " ".join(text.split()).casefold()
        if key in seen:
            reader.problem(
                grid,
                f"the level header '{one_line(text)}' is also the header of column {letter(seen[key])}; "
                f"each level has one column{_lost(reader, grid, header, c)}",
                "rename one of them, or delete the column that repeats the other",
                header,
                c,
            )
            continue
        seen[key] = c
        if levels is not None:
            draft = match_level(text, lookup)
            if draft is None:
                names = [d.key for d in levels]
                close = difflib.get_close_matches(text, names, n=1, cutoff=0.5)
                reader.problem(
                    grid,
                    f"the header '{one_line(text)}' names no level of the levels sheet",
                    f"did you mean '{close[0]}'?"
                    if close
                    else f"write a level's code or title: {_listed([_as_written(d) for d in levels])}; if the "
                    "column holds no level, leave it out of level_columns: or list it under ignore: in a mapping file",
                    header,
                    c,
                )
                continue
            if any(d is draft for _, d in found):
                column = next(col for col, d in found if d is draft)
                reader.problem(
                    grid,
                    f"the header '{one_line(text)}' names the level '{draft.key}', as column {letter(column)} "
                    f"does; each level has one column{_lost(reader, grid, header, c)}",
                    "rename one of them, or delete the column that repeats the other",
                    header,
                    c,
                )
                continue
            found.append((c, draft))
            continue
        same = match_level(text, known_lookup) if known_lookup else None
        if same is not None and not any(d is same for _, d in found):
            found.append((c, same))  # the level an earlier matrix sheet has too: on both tracks
            continue
        title, code = parse_header(text)
        draft = LevelDraft(key=one_line(text), order=len(found))
        draft.values["title"] = (title or title_from_code(code or text), grid.at(header, c))
        if title is None:
            draft.derived.add("title")
        if code:
            draft.values["code"] = (code, grid.at(header, c))
        found.append((c, draft))
    for run in _runs(empty):
        shown = (
            f"column {letter(run[0])} is empty (no header, no value); it is left out"
            if len(run) == 1
            else f"columns {letter(run[0])}–{letter(run[-1])} are empty (no header, no value); they are left out"
        )
        reader.notes.append(f"{reader.name}: {grid.at(header, run[0])}: {shown}")
    if not found and not reader.problems:
        reader.problem(grid, "the matrix has no level columns", "put one level per column in the header row", header)
    return found


def _runs(columns: list[int]) -> list[list[int]]:
    """Columns in runs of neighbours: D, E, F, H → [D, E, F], [H]."""
    runs: list[list[int]] = []
    for c in columns:
        if runs and runs[-1][-1] == c - 1:
            runs[-1].append(c)
        else:
            runs.append([c])
    return runs


def _listed(names: list[str]) -> str:
    """Names for a fix, the first twelve."""
    return ", ".join(names[:12]) + (", …" if len(names) > 12 else "")


def _as_written(draft: LevelDraft) -> str:
    """A level as the levels sheet writes it: ``IC1 (Software Engineer I)``, or its title or code alone."""
    code, title = (cell_text(draft.values[n][0]) if n in draft.values else "" for n in ("code", "title"))
    return f"{code} ({title})" if code and title else code or title or draft.key


def _matrix_rows(
    reader: Reader,
    grid: Grid,
    header: int,
    labels: tuple[int | None, int | None, int | None],
    by_column: dict[int, LevelDraft],
    m: MatrixMap,
    groups: list[dict[str, Any]],
    track: str | None,
) -> tuple[dict[str, tuple[int, str]], int]:
    """The level-fact rows (name → row, label) and the table's last row; the competencies go into ``groups``."""
    theme_c, competency_c, summary_c = labels
    assert competency_c is not None
    given_rows: dict[int, str] | None = None
    if "level_rows" in m.model_fields_set:
        given_rows = {r: name for name, r in m.level_rows.items()}
    current: dict[str, Any] | None = None
    current_at = ""
    level_rows: dict[str, tuple[int, str]] = {}
    competency_at: dict[str, str] = {}
    last_competency: tuple[dict[str, Any], int, int] | None = None  # the competency, its first row, merge end
    end = header
    blank_run = 0
    seen_competency = False
    rows = sorted({r for (r, _) in grid.cells if r > header} | {r for (r, _) in grid.covered if r > header})
    previous_row = header
    for r in rows:
        gap = r - previous_row - 1
        previous_row = r
        blank_run = gap
        if seen_competency and blank_run >= 2:
            break  # two blank rows end the table: what lies below is outside it
        theme_text = grid.text(r, theme_c, merged=False) if theme_c else ""
        theme_covered = bool(theme_c and (r, theme_c) in grid.covered)
        label = grid.text(r, competency_c, merged=False)
        covered = grid.covered.get((r, competency_c))
        level_cells = {  # a cell covered by a label merged across (a group's name over the row) is no value
            c: grid.value(r, c)
            for c in by_column
            if not blank(grid.value(r, c))
            and not reader.is_ignored(grid, r, c)
            and grid.covered.get((r, c), (r, c))[1] in by_column
        }
        own_cells = [c for c in grid.row_cells(r) if not reader.is_ignored(grid, r, c)]
        if not own_cells and not covered and not theme_covered:
            continue
        # a row of facts about the levels (years of experience, say)
        row_label = label or theme_text
        fact: str | None
        if given_rows is not None:
            fact = given_rows.get(r)
        else:  # years, codes, bands: rows under the header, above the competencies, with no group, of short facts
            fact = LEVEL_ROWS.get(column_name(row_label)) if row_label and level_cells and current is None else None
            grouped = bool(label and (theme_text or theme_covered))
            if fact is not None and (grouped or not _facts(fact, level_cells.values())):
                fact = None
        if fact is not None:
            level_rows[fact] = (r, one_line(row_label or f"row {r}"))
            for c, value in level_cells.items():
                _fact(reader, by_column[c], fact, value, grid.at(r, c))
            end = r
            continue
        # a heading row: a group's name, alone on its row
        alone = len(own_cells) == 1 and (summary_c is None or not grid.text(r, summary_c, merged=False))
        if (
            not level_cells
            and not covered
            and ((theme_c and theme_text and not label) or (not theme_c and label and alone))
        ):
            current_at = grid.at(r, theme_c if theme_c and theme_text else competency_c)
            current = _group(reader, groups, theme_text or label, current_at)
            end = r
            continue
        new_group = current is None or current["name"] != theme_text
        if theme_c and theme_text and theme_text.casefold() not in DITTO and new_group:
            current_at = grid.at(r, theme_c)
            current = _group(reader, groups, theme_text, current_at)
        # a row continuing a competency whose cell is merged down over it
        if covered is not None and last_competency is not None and covered[0] == last_competency[1]:
            for c, value in level_cells.items():
                if (r, c) in grid.covered and grid.covered[(r, c)][0] <= last_competency[1]:
                    continue  # the same merged cell, already read
                _add_lines(last_competency[0], by_column[c], value, grid.at(r, c))
            end = r
            continue
        if not label:
            for c in own_cells:
                if c in by_column or c == summary_c:
                    reader.problem(
                        grid,
                        f"'{short(grid.text(r, c))}' has no competency on its row",
                        f"write the competency's name in {letter(competency_c)}{r}, or delete the cell",
                        r,
                        c,
                    )
            end = r
            continue
        if current is None:
            if theme_c is not None:
                reader.problem(
                    grid,
                    f"the competency '{short(label)}' has no group",
                    f"write its group in {letter(theme_c)}{r}; the competencies below it, with their group cell "
                    "blank, are in it too",
                    r,
                    theme_c,
                )
            # no group column or heading row names them: one group, its name placeholder (not the sheet's,
            # which for a CSV is the file's name)
            current = _group(reader, groups, "Competencies", grid.at(r, competency_c))
            current["_placeholder"] = True
        seen_competency = True
        end = r
        key = label.casefold()
        other = next((x for x in current["competencies"] if x["name"].casefold() == key), None)
        if other is not None and other["_sheet"] != grid.title:  # the same competency on an earlier matrix sheet
            for c, value in level_cells.items():
                before = other["expectations"].get(id(by_column[c]))
                if before is not None and before[0] == expectation_of(cell_text(value)):
                    continue  # a level on both sheets, said alike
                if before is not None:
                    reader.problem(
                        grid,
                        f"the competency '{short(label)}' says otherwise for '{by_column[c].key}' at {before[1]}",
                        "keep the two cells the same, or delete one",
                        r,
                        c,
                    )
                else:
                    _add_lines(other, by_column[c], value, grid.at(r, c))
            if track and track not in other["_tracks"]:
                other["_tracks"].append(track)
            last_competency = (other, r, r)
            continue
        competency: dict[str, Any] = {"name": label, "summary": "", "expectations": {}}
        competency["_tracks"] = [track] if track else []
        competency["_sheet"] = grid.title
        if summary_c:
            competency["summary"] = grid.text(r, summary_c, merged=False)
        competency["_at"] = grid.at(r, competency_c)
        competency["_row"] = r
        if key in competency_at and any(c["name"].casefold() == key for c in current["competencies"]):
            reader.problem(
                grid,
                f"the competency '{short(label)}' is already in this group, at {competency_at[key]}",
                "merge the two rows, or rename one",
                r,
                competency_c,
            )
            continue
        competency_at.setdefault(key, grid.at(r, competency_c))
        for c, value in level_cells.items():
            _add_lines(competency, by_column[c], value, grid.at(r, c))
        current["competencies"].append(competency)
        last_competency = (competency, r, r)
    return level_rows, end


def empty_groups(reader: Reader, groups: list[dict[str, Any]]) -> None:
    """A group with no competency under it, on any matrix sheet, is a problem of its cell."""
    for i, group in enumerate(groups):
        if not group["competencies"]:
            reader.problems.append(
                Problem(
                    reader.name,
                    f"'{short(group['name'])}' has no value at any level and no competency under it",
                    hint="fill in its row, or delete it",
                    cell=reader.where.get(("competencies", i), None),
                )
            )


def _group(reader: Reader, groups: list[dict[str, Any]], name: str, cell: str) -> dict[str, Any]:
    """The group of that name (from an earlier matrix sheet), or a new one at ``cell``."""
    for group in groups:
        if group["name"].casefold() == name.casefold():
            return group
    groups.append({"name": name, "competencies": []})
    reader.where[("competencies", len(groups) - 1)] = cell
    return groups[-1]


def _facts(name: str, values: Any) -> bool:
    """Whether a row's cells are short facts about the levels (years, a code, a band), not sentences."""
    if name in ("description", "experience"):
        return True
    for value in values:
        text = cell_text(value)
        if name == "years" and not isinstance(years_of(value), str):
            continue
        if "\n" in text.strip() or len(text) > 30 or len(text.split()) > 3:
            return False
    return True


def _add_lines(competency: dict[str, Any], draft: LevelDraft, value: Any, at: str) -> None:
    """A cell's expectation for one level; a second cell for the same level (a merged competency) adds lines."""
    expectation = expectation_of(cell_text(value))
    if expectation is None:
        return
    expectations = competency["expectations"]
    key = id(draft)
    if key in expectations:
        before = expectations[key][0]
        items = [before["text"]] if "text" in before and "behaviours" not in before else []
        kept = {"text": before["text"]} if "behaviours" in before and "text" in before else {}
        kept["behaviours"] = [*items, *before.get("behaviours", []), *expectation.get("behaviours", [])]
        if "text" in expectation:
            kept["behaviours"].append(expectation["text"])
        expectations[key] = (kept, expectations[key][1], draft)
        return
    expectations[key] = (expectation, at, draft)


def _fact(reader: Reader, draft: LevelDraft, name: str, value: Any, at: str) -> None:
    """One fact about a level from a matrix row: it replaces what the header said (a title made from a
    code, say), and must agree with the levels sheet's, if given there."""
    if name in draft.values and name not in draft.derived:
        before, where = draft.values[name]
        if cell_text(before) != cell_text(value):
            reader.problems.append(
                Problem(
                    reader.name,
                    f"{name.replace('_', ' ')} '{short(cell_text(value))}' differs from "
                    f"'{short(cell_text(before))}' at {where}",
                    hint="keep the two the same, or delete one",
                    cell=at,
                )
            )
        return
    draft.values[name] = (value, at)
    draft.derived.discard(name)
