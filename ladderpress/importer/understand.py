"""A spreadsheet understood whole: :func:`import_workbook` runs the stages in order.

Read the grids (:mod:`.read`); a workbook ladderpress exported is read exactly (:mod:`.exported`). Any other
is mapped: which sheet is which (:mod:`.infer`), the levels and moves sheets (:mod:`.tables`), the matrix
(:mod:`.matrix`); then the ladder's data is assembled (:mod:`.assemble`) and validated, each problem at its
cell (:mod:`.problems`). Nothing is returned until every problem of the workbook is known.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ladderpress.errors import InputErrors
from ladderpress.importer.assemble import assemble, in_file_order, ladder_decisions
from ladderpress.importer.exported import from_export, from_folder, is_exported
from ladderpress.importer.infer import find_sheets
from ladderpress.importer.mapping import Decision, Mapping, read_mapping, scalar
from ladderpress.importer.matrix import read_matrix
from ladderpress.importer.problems import in_workbook_order, validated
from ladderpress.importer.read import read_grids
from ladderpress.importer.reader import Reader, level_lookup
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
    reader.title_cells = []
    matrix_grid, levels_grid, moves_grid = find_sheets(reader)
    drafts = read_levels_sheet(reader, levels_grid) if levels_grid is not None else None
    if levels_grid is None:
        reader.decisions.append(Decision("levels: null", "no levels sheet: levels made from the matrix's headers"))
    groups: list[dict[str, Any]] = []
    if matrix_grid is not None:
        drafts_all, groups = read_matrix(reader, matrix_grid, drafts)
        if drafts is None:
            drafts = drafts_all
    drafts = drafts or []
    moves = read_moves_sheet(reader, moves_grid, level_lookup(drafts)) if moves_grid is not None else []
    if moves_grid is None:
        reader.decisions.append(Decision("moves: null", "no moves sheet"))
    data, placeholders = assemble(reader, path, mapping, drafts, groups, moves)
    ignore = ", ".join(scalar(reference) for reference in mapping.ignore)
    reader.decisions.append(Decision(f"ignore: [{ignore}]", "cells to leave out, such as Matrix!M20 or Levels!H"))
    if reader.problems:
        raise ImportErrors(in_workbook_order(reader.problems, grids), reader.notes)
    in_file_order(data, reader.where)
    try:
        ladder = validated(name, data, reader.where)
    except InputErrors as exc:
        raise ImportErrors(exc.problems, reader.notes) from None
    return Imported(
        name, data, ladder, [*ladder_decisions(data, reader), *reader.decisions], reader.notes, placeholders
    )
