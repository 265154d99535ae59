"""The mapping: which sheet, row and column of a workbook means what.

``ladderpress import`` infers it and prints it as YAML, one :class:`Decision` a line with a comment saying
why; the user can save that, correct it and give it back with ``--mapping``. :class:`Mapping` is that file's
model (every part optional: what it leaves out is inferred), and :func:`read_mapping` reads it as any
content file is read, its problems naming its lines. The small helpers at the end write a decision's
values as the file spells them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal, get_args

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, field_validator

from ladderpress.errors import InputErrors, Problem, Refusal
from ladderpress.importer.grid import MAX_ROWS, Grid, column_number, letter

ColumnLetter = Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{1,3}$", to_upper=True)]
Row = Annotated[int, Field(ge=1, le=MAX_ROWS)]
LevelField = Literal[
    "id",
    "code",
    "title",
    "short_title",
    "rank",
    "band",
    "tracks",
    "scope",
    "description",
    "duties",
    "experience",
    "years",
    "time_at_level",
    "reports_to",
    "leads_to",
    "promotion_signals",
]
MoveField = Literal["from", "to", "role", "kind", "summary", "criteria", "evidence", "business_need", "typical_time"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


class LadderFacts(_Strict):
    """What the ladder is called: a spreadsheet seldom says, so the import takes it from a title line or the file."""

    title: str | None = None
    subtitle: str | None = None
    field: str | None = None
    """The field, such as "Product management": the one track is named after it when no sheet names tracks."""
    organisation: str | None = None
    language: str | None = None


class MatrixMap(_Strict):
    """The matrix sheet: competencies down the side, levels across the top."""

    sheet: str | list[str] | None = None
    """The sheet, or a list of them: each one track, named after its sheet (the rest of this map applies to
    each; what it leaves out is inferred sheet by sheet)."""
    header_row: Row | None = None
    """The row holding the levels' headers."""
    theme_column: ColumnLetter | None = None
    """The column grouping competencies (null: no such column; groups may still be heading rows)."""
    competency_column: ColumnLetter | None = None
    summary_column: ColumnLetter | None = None
    level_columns: str | None = None
    """The levels' columns, as a range (D:K) or a list (D, E, G)."""
    level_rows: dict[LevelField, Row] = {}
    """Rows holding facts about the levels rather than a competency, such as years: 3."""
    ranks: Literal["codes", "order"] | None = None
    """How levels with no rank are ranked: by the number their codes end in (D5 beside EM5), or in the order
    each sheet lists them, from 1. A levels sheet's Rank column wins over both."""

    @field_validator("level_columns")
    @classmethod
    def columns(cls, value: str | None) -> str | None:
        if value is not None and column_list(value) is None:
            raise Refusal(f"'{value}' names no columns", "write a range such as D:K, or letters such as D, E, G")
        return value


class TableMap(_Strict):
    """A sheet with one row per item under a header row: levels, or moves."""

    sheet: str
    header_row: Row = 1
    columns: dict[str, ColumnLetter] = {}
    """Each field → the column holding it."""


def _check_reference(reference: str) -> str:
    if parse_reference(reference) is None:
        raise Refusal(
            f"'{reference}' is not a cell, column or range",
            "write it as a spreadsheet does: Matrix!M20, Levels!H or Matrix!A30:C31",
        )
    return reference


Reference = Annotated[str, StringConstraints(min_length=1, max_length=100), AfterValidator(_check_reference)]


class Mapping(_Strict):
    """``--mapping FILE``: what ``ladderpress import`` prints, corrected. Every part is optional."""

    ladder: LadderFacts = LadderFacts()
    matrix: MatrixMap = MatrixMap()
    levels: TableMap | None = None
    """The levels sheet (null: none, even if a sheet looks like one)."""
    moves: TableMap | None = None
    """The moves sheet (null: none)."""
    ignore: list[Reference] = []
    """Cells, columns or ranges to leave out, such as Matrix!M20, Levels!H or Matrix!A30:C31."""


LEVEL_COLUMNS: set[str] = set(get_args(LevelField))
MOVE_COLUMNS: set[str] = set(get_args(MoveField))


def column_list(text: str) -> list[int] | None:
    """``D:K`` or ``D, E, G`` as column numbers; None when it is neither."""
    text = text.strip().upper()
    span = re.fullmatch(r"([A-Z]{1,3})\s*:\s*([A-Z]{1,3})", text)
    if span:
        first, last = column_number(span[1]), column_number(span[2])
        return list(range(first, last + 1)) if first <= last else None
    parts = [part.strip() for part in text.split(",")]
    if parts and all(re.fullmatch(r"[A-Z]{1,3}", part) for part in parts):
        return [column_number(part) for part in parts]
    return None


def parse_reference(text: str) -> tuple[str | None, int, int, int, int] | None:
    """``Sheet!A1``, ``Sheet!H``, ``A1:C3`` → (sheet or None, first row, first column, last row, last column)."""
    sheet, _, where = text.strip().rpartition("!")
    sheet_name = sheet.strip().strip("'").replace("''", "'") if sheet else None
    where = where.strip().upper()
    cell = r"([A-Z]{1,3})(\d{1,7})?"
    match = re.fullmatch(cell + r"(?::" + cell + r")?", where)
    if not match:
        return None
    c1 = column_number(match[1])
    r1 = int(match[2]) if match[2] else 1
    c2 = column_number(match[3]) if match[3] else c1
    r2 = int(match[4]) if match[4] else (r1 if match[2] else MAX_ROWS)
    if not match[2] and match[3] and match[4]:
        return None
    return sheet_name, min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)


def read_mapping(path: Path) -> Mapping:
    """The mapping file, validated like any content file (its problems name its lines)."""
    from ladderpress.load import Positions, YamlProblem, read_yaml, validate

    root = path.parent
    try:
        value, marks = read_yaml(path, root, (root,))
    except YamlProblem as exc:
        raise InputErrors([_named(exc.problem, path)]) from None
    if value is None:
        value = {}
    mapping, problems = validate(Mapping, value, Positions(root, marks), default=path)
    if problems:
        raise InputErrors([_named(problem, path) for problem in problems])
    assert isinstance(mapping, Mapping)
    return mapping


def _named(problem: Problem, path: Path) -> Problem:
    """A problem of the mapping file, named as the user gave it."""
    return Problem(str(path), problem.message, problem.line, problem.column, problem.field, problem.hint, problem.code)


@dataclass
class Decision:
    """One line of the mapping printed: its YAML, and why."""

    line: str
    why: str = ""

    def __str__(self) -> str:
        return f"{self.line:<34} # {self.why}" if self.why else self.line


def above(grid: Grid, header: int) -> str:
    if header == 1:
        return "the first row"
    return f"rows above it: {'a title' if any(grid.row_cells(r) for r in range(1, header)) else 'blank'}"


def range_text(columns: list[int]) -> str:
    if not columns:
        return "null"
    if columns == list(range(columns[0], columns[-1] + 1)):
        return f"{letter(columns[0])}:{letter(columns[-1])}"
    return ", ".join(letter(c) for c in columns)


def scalar(text: str) -> str:
    """A text as a one-line YAML scalar (quoted when it must be)."""
    return (
        yaml.safe_dump(text, default_flow_style=True, allow_unicode=True, width=10_000).removesuffix("\n...\n").strip()
    )
