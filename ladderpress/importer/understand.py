"""A spreadsheet understood whole: :func:`import_workbook` runs the stages in order.

Read the grids (:mod:`.read`); a workbook ladderpress exported is read exactly (:mod:`.exported`). Any other
is mapped: which sheet is which (:mod:`.infer`), the levels and moves sheets (:mod:`.tables`), the matrix
(:mod:`.matrix`); then the ladder's data is assembled (:mod:`.assemble`) and validated, each problem at its
cell (:mod:`.problems`). Nothing is returned until every problem of the workbook is known.
"""

from __future__ import annotations

from pathlib import Path

from ladderpress.errors import InputErrors
from ladderpress.importer.assemble import assemble, in_file_order, ladder_decisions
from ladderpress.importer.exported import from_export, from_folder, is_exported
from ladderpress.importer.grid import Grid
from ladderpress.importer.infer import find_sheets, track_of
from ladderpress.importer.mapping import Decision, Mapping, MatrixMap, read_mapping, scalar
from ladderpress.importer.matrix import empty_groups, read_matrix
from ladderpress.importer.problems import control_problems, in_workbook_order, validated
from ladderpress.importer.read import read_grids
from ladderpress.importer.reader import LevelDraft, Reader, level_lookup
from ladderpress.importer.result import Imported, ImportErrors
from ladderpress.importer.tables import read_levels_sheet, read_moves_sheet


def import_workbook(path: Path, mapping_path: Path | None = None) -> Imported:
    """The ladder a spreadsheet holds, understood whole; raises :class:`InputErrors` with every problem."""
    name = str(path)
    mapping = read_mapping(mapping_path) if mapping_path is not None else Mapping()
    given = set(mapping.model_fields_set) if mapping_path is not None else set()
    if path.is_dir():  # the folder export --format csv writes (any other folder is refused, saying what is read)
        return from_folder(path, name)
    grids, problems, notes = read_grids(path, name)
    if is_exported(grids):
        return from_export(name, grids, problems, notes)
    reader = Reader(name, grids, mapping, given)
    reader.problems += problems
    reader.notes += notes
    matrices, levels_grid, moves_grid = find_sheets(reader)
    drafts = read_levels_sheet(reader, levels_grid) if levels_grid is not None else None
    if levels_grid is None:
        reader.decisions.append(Decision("levels: null", "no levels sheet: levels made from the matrix's headers"))
    drafts = _matrices(reader, matrices, drafts)
    moves = read_moves_sheet(reader, moves_grid, level_lookup(drafts)) if moves_grid is not None else []
    if moves_grid is None:
        reader.decisions.append(Decision("moves: null", "no moves sheet"))
    data, placeholders = assemble(reader, path, mapping, drafts, reader.groups, moves)
    ignore = ", ".join(_reference(ref) for ref in dict.fromkeys([*mapping.ignore, *reader.left_out]))
    reader.decisions.append(Decision(f"ignore: [{ignore}]", "cells to leave out, such as Matrix!M20 or Levels!H"))
    decisions = [*ladder_decisions(data, reader), *reader.decisions]
    reader.problems += control_problems(name, data, reader.where)
    if reader.problems:
        raise ImportErrors(in_workbook_order(reader.problems, grids), reader.notes, decisions)
    in_file_order(data, reader.where)
    try:
        ladder = validated(name, data, reader.where)
    except InputErrors as exc:
        raise ImportErrors(exc.problems, reader.notes, decisions) from None
    return Imported(name, data, ladder, decisions, reader.notes, placeholders)


def _reference(text: str) -> str:
    """A reference as YAML: ``"'IC Matrix'!I"`` rather than the doubled quotes a single-quoted scalar needs."""
    return f'"{text}"' if "'" in text and not set(text) & {'"', "\\"} else scalar(text)


def _matrices(
    reader: Reader, matrices: list[tuple[Grid, MatrixMap, str]], levels: list[LevelDraft] | None
) -> list[LevelDraft]:
    """Every matrix sheet read, one track a sheet when there are several (a level on two sheets is on both
    tracks); the levels (the levels sheet's, or made from the headers) and, in ``reader.groups``, the
    competencies. The printed mapping gives one ``matrix:`` or, for several, a list."""
    made: list[LevelDraft] = []
    several = len(matrices) > 1
    blocks: list[list[Decision]] = []
    for grid, m, _why in matrices:
        start = len(reader.decisions)
        track = track_of(grid.title) if several else None
        for draft in read_matrix(reader, grid, m, levels, made, reader.groups, track):
            if not any(draft is d for d in made):
                made.append(draft)
            if track and track not in draft.sheet_tracks:
                draft.sheet_tracks.append(track)
        blocks.append(reader.decisions[start:])
        del reader.decisions[start:]
    if matrices:
        reader.decisions.append(Decision("matrix:"))
    if len(matrices) == 1:
        reader.decisions += [Decision(f"  sheet: {scalar(matrices[0][0].title)}", matrices[0][2]), *blocks[0]]
    elif several:
        sheets = ", ".join(scalar(grid.title) for grid, _, _ in matrices)
        tracks = ", ".join(track_of(grid.title) for grid, _, _ in matrices)
        why = matrices[0][2] if matrices[0][2] == "named in the mapping" else "each looks like a matrix"
        reader.decisions.append(Decision(f"  sheet: [{sheets}]", f"{why}: one track a sheet ({tracks})"))
        reader.decisions += _alike([grid.title for grid, _, _ in matrices], blocks)
    empty_groups(reader, reader.groups)
    return levels if levels is not None else made


def _alike(sheets: list[str], blocks: list[list[Decision]]) -> list[Decision]:
    """The matrix sheets' decisions, each once when every sheet has it; one that differs is a comment saying
    what each sheet has (left out of the mapping, so that each sheet's is inferred again)."""
    chunks = [_chunks(block) for block in blocks]
    lines: list[Decision] = []
    for key, first in chunks[0].items():
        each = [chunk.get(key, []) for chunk in chunks]
        if all([d.line for d in c] == [d.line for d in first] for c in each):
            lines += first
            continue
        said = "; ".join(
            f"{' '.join(d.line.strip() for d in c).removeprefix(key + ':').strip() or 'none'} on {scalar(sheet)}"
            for sheet, c in zip(sheets, each, strict=True)
        )
        lines.append(Decision(f"  # {key}: {said} (each inferred from its sheet)"))
    return lines


def _chunks(block: list[Decision]) -> dict[str, list[Decision]]:
    """A matrix's decisions by key: each top-level line with the lines nested under it."""
    chunks: dict[str, list[Decision]] = {}
    key = ""
    for decision in block:
        if not decision.line.startswith("    "):
            key = decision.line.strip().split(":", 1)[0]
        chunks.setdefault(key, []).append(decision)
    return chunks
