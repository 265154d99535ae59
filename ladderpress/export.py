"""``ladderpress export``: the ladder as a workbook, CSV files or JSON, for managers and HR systems (issue 16).

The sheets and their cells are :mod:`ladderpress.workbook`'s (the contract ``import`` reads back); this
module lays them out for people and writes the files:

- **xlsx**: one sheet each, the header row bold and frozen with the sheet's first columns, every cell
  wrapped and top-aligned, columns as wide as their longest line (within bounds), the Matrix's theme cells
  merged down over their competencies. Text is always written as text, so a value starting with ``=`` is
  never a formula. The same content gives the same bytes: the workbook's dates are the ladder's
  ``date:`` (1 January 1980 when it has none) and every part of the zip carries that date, not the clock's.
- **csv**: one file per sheet in a folder (``levels.csv``, ``level-sections.csv``), UTF-8 with a byte-order
  mark and CRLF lines as the delivery list is (Excel reads it right only so), values a spreadsheet would
  run as formulas neutralised with a leading ``'`` (:func:`ladderpress.workbook.csv_cell`, reversed by
  :func:`~ladderpress.workbook.from_csv_cell`).
- **json**: the validated model (``model_dump(mode="json")``) and its JSON Schema beside it
  (``<name>.schema.json``).

Files go through :class:`~ladderpress.write.OutputFolder`, as PDFs do: written to a temporary file and
renamed into place, never through a link, and never over a file ladderpress did not write there (a
workbook a manager edited and saved in place is left alone, with a message). A file already holding
the same bytes is left as it is. An earlier export's CSV file for a sheet that is now empty is removed
(when it is still as written), so the folder never holds a stale sheet.
"""

from __future__ import annotations

import datetime
import io
import json
import math
import os
import re
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, Literal, get_args

from slugify import slugify

from ladderpress.errors import InputErrors, Problem, UsageError
from ladderpress.files import FileRefused, read_bytes
from ladderpress.load import load_ladder
from ladderpress.model import Ladder
from ladderpress.workbook import RECORDS, Cell, Sheet, a1, csv_cell, ladder_to_sheets
from ladderpress.write import MAX_OUTPUT_BYTES, OutputFolder, WriteRefused

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

Format = Literal["xlsx", "csv", "json"]
FORMATS: tuple[str, ...] = get_args(Format)

MAX_CELL = 32_767
"""The most characters an Excel cell holds (a longer Markdown field cannot go into a workbook)."""
WIDTH = (8, 60)
"""Column widths, in characters: at least this (a header stays readable), at most that (text wraps)."""
MATRIX_WIDTH = 36
"""The widest a level's column in the Matrix grows: the grid stays a grid, its cells wrap."""
EPOCH = datetime.date(1980, 1, 1)
"""A workbook's date (its properties' and its parts') when the ladder gives none: the earliest a zip file
can write, and plainly not the day it was exported."""


@dataclass(frozen=True)
class Exported:
    """What an export did: the files written, those already as they should be, stale ones removed."""

    written: tuple[Path, ...]
    unchanged: tuple[Path, ...]
    removed: tuple[Path, ...]
    warnings: tuple[str, ...]


def export(project: Path, kind: str, out: Path | None = None, waiting: Callable[[str], None] | None = None) -> Exported:
    """Export the project's ladder as ``kind`` (xlsx, csv or json) to ``out`` (default: ``out/<title>.xlsx``,
    ``out/<title>/`` for csv). Raises :class:`InputErrors` when the content has problems (nothing is
    written), :class:`UsageError` for an ``out`` that does not fit the format, and
    :class:`~ladderpress.write.WriteRefused` for a file that is not ladderpress's to replace.
    ``waiting`` is told when another build or export holds the folder (with its process id)."""
    if kind not in FORMATS:
        raise UsageError(f"'{kind}' is not a format to export; choose {', '.join(FORMATS)}")
    root = project.resolve()
    if not (root / "content").is_dir():
        raise UsageError(f"{project} is not a ladderpress project (it has no content/ folder); pass --project DIR")
    ladder, problems, warnings = load_ladder(root / "content", root)
    if problems or ladder is None:
        raise InputErrors(problems)
    target = output_path(root, ladder, kind, out)  # type: ignore[arg-type]
    if kind == "xlsx":
        files = {PurePosixPath(target.name): xlsx_bytes(ladder, target.name)}
    elif kind == "json":
        data, schema = json_bytes(ladder)
        files = {PurePosixPath(target.name): data, PurePosixPath(schema_name(target.name)): schema}
    else:
        files = {PurePosixPath(target.name, name): data for name, data in csv_files(ladder).items()}
    written, unchanged, removed, left = _write(
        target.parent, files, stale=target if kind == "csv" else None, waiting=waiting
    )
    warnings += [
        f"{path}: not a sheet of this export, and not written by ladderpress, so left as it was (fix: move it "
        "away, so the folder holds only this ladder's sheets)"
        for path in left
    ]
    return Exported(tuple(written), tuple(unchanged), tuple(removed), tuple(warnings))


def output_path(root: Path, ladder: Ladder, kind: Format, out: Path | None) -> Path:
    """Where an export goes: ``out`` (a file, or a folder for csv), else ``PROJECT/out/<slug of the title>``.

    A file's name must end as its format does (``.xlsx``, ``.json``); a CSV folder's must not end in
    ``.csv``; an existing folder given for a file is where the default name goes."""
    name = slugify(ladder.title, max_length=80) or "ladder"
    default = name if kind == "csv" else f"{name}.{kind}"
    if out is None:
        return root / "out" / default
    if kind != "csv" and out.is_dir():
        return out / default
    if kind == "csv":
        if out.suffix.casefold() == ".csv":
            raise UsageError(f"--out {out}: --format csv writes a folder of CSV files, one per sheet; name a folder")
    elif out.suffix.casefold() != f".{kind}":
        raise UsageError(f"--out {out}: --format {kind} writes a .{kind} file; name it {out.stem}.{kind}")
    return out


def schema_name(name: str) -> str:
    """The JSON Schema's file name beside ``name`` (``ladder.json`` → ``ladder.schema.json``)."""
    return re.sub(r"\.json$", "", name, flags=re.IGNORECASE) + ".schema.json"


# --------------------------------------------------------------------------- formats


def xlsx_bytes(ladder: Ladder, name: str = "ladder.xlsx") -> bytes:
    """The workbook, laid out for people; the same bytes for the same ladder.

    Raises :class:`InputErrors` naming the cell (``name: Levels!I4``) of a value a workbook cannot hold:
    more than 32,767 characters, or a control character XML forbids."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.writer.excel import ExcelWriter

    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    header_font, header_fill = Font(bold=True), PatternFill("solid", fgColor="E8ECF2")
    wrapped = Alignment(wrap_text=True, vertical="top")
    problems = []
    records = set(RECORDS)
    for sheet in ladder_to_sheets(ladder):
        page = book.create_sheet(sheet.name)
        for r, row in enumerate(sheet.rows, 1):
            for c, value in enumerate(row, 1):
                if isinstance(value, str) and (len(value) > MAX_CELL or ILLEGAL_CHARACTERS_RE.search(value)):
                    problems.append(_unfit(name, a1(sheet.name, r, c), value))
                    continue
                cell = page.cell(r, c, value)
                if isinstance(value, str):
                    cell.data_type = "s"  # text, even "=…": never a formula
                elif isinstance(value, datetime.date):
                    cell.number_format = "yyyy-mm-dd"
                cell.alignment = wrapped
                if r == 1:
                    cell.font, cell.fill = header_font, header_fill
        for column, first, last in sheet.merged:
            page.merge_cells(start_row=first, start_column=column, end_row=last, end_column=column)
        page.freeze_panes = page.cell(2, sheet.frozen_columns + 1)
        widths = _widths(sheet)
        for letter, width in widths.items():
            page.column_dimensions[letter].width = width
        for r, height in _heights(sheet, list(widths.values())).items():
            page.row_dimensions[r].height = height
        _print_setup(page, sheet, list(widths.values()))
        if sheet.name not in records and not sheet.merged and len(sheet.rows) > 1:
            page.auto_filter.ref = page.dimensions  # sort and filter by any column (the Matrix keeps its merges)
    if problems:
        raise InputErrors(problems)
    edition = ladder.date if ladder.date and ladder.date >= EPOCH else EPOCH
    when = datetime.datetime.combine(edition, datetime.time())
    properties = book.properties
    properties.title, properties.subject, properties.creator = ladder.title, ladder.field, ladder.organisation
    properties.language, properties.lastModifiedBy = ladder.language, None
    properties.created = properties.modified = when  # never the clock: the same content, the same bytes
    buffer = io.BytesIO()
    archive = _DatedZip(buffer, when.timetuple()[:6])
    ExcelWriter(book, archive).save()  # not save_workbook(), which sets the time it was saved
    return buffer.getvalue()


def _unfit(name: str, cell: str, value: str) -> Problem:
    if len(value) > MAX_CELL:
        return Problem(
            name,
            f"{len(value):,} characters, more than the {MAX_CELL:,} a spreadsheet cell holds",
            hint="shorten it in the content, or export it as json",
            code="export.too-long",
            cell=cell,
        )
    return Problem(
        name,
        "holds a control character a workbook cannot (written as an escape like \\x07 in the content)",
        hint="remove it from the content, or export it as csv or json",
        code="export.control-character",
        cell=cell,
    )


def _widths(sheet: Sheet) -> dict[str, float]:
    """Each column's width: its longest line (East Asian wide characters count twice), within bounds."""
    from openpyxl.utils import get_column_letter

    widths: dict[str, float] = {}
    matrix = sheet.frozen_columns == 2 and bool(sheet.merged or sheet.name.startswith("Matrix"))
    for c in range(max((len(row) for row in sheet.rows), default=0)):
        longest = max((_longest_line(row[c]) for row in sheet.rows if c < len(row)), default=0)
        widest = MATRIX_WIDTH if matrix and c >= 2 else WIDTH[1]
        widths[get_column_letter(c + 1)] = float(min(max(longest + 2, WIDTH[0]), widest))
    return widths


LINE_HEIGHT = 15.0
"""Points a line of 11-point text takes in a row (Excel's and LibreOffice's default row is 15 pt)."""
MAX_ROW_HEIGHT = 409.0
"""The tallest row a spreadsheet allows, in points."""


def _heights(sheet: Sheet, widths: list[float]) -> dict[int, float]:
    """Each row's height, from the lines its wrapped cells need at their columns' widths.

    A workbook stores no layout of wrapped text: Excel and LibreOffice show an openpyxl file's rows one
    line high, each cell's text cut off after its first line, until someone resizes them. So the
    height is set here, from an estimate (a character is a width unit; wide characters count twice).
    """
    heights = {}
    for r, row in enumerate(sheet.rows, 1):
        lines = max((_lines(value, widths[c]) for c, value in enumerate(row) if c < len(widths)), default=1)
        if lines > 1:
            heights[r] = min(LINE_HEIGHT * lines, MAX_ROW_HEIGHT)
    return heights


def _lines(value: Cell, width: float) -> int:
    """How many lines a cell's text wraps to in a column ``width`` characters wide (with its padding)."""
    if value is None or isinstance(value, (bool, int, float, datetime.date)):
        return 1
    room = max(width - 2, 1)
    return sum(max(1, math.ceil(_line_width(line) / room)) for line in str(value).split("\n"))


def _line_width(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


FIT_WIDTH = 220
"""The widest sheet (in characters) printed scaled to the paper's width: about two landscape pages'
worth, so it prints no smaller than half size; a wider one runs on across pages at full size."""


def _print_setup(page: Worksheet, sheet: Sheet, widths: list[float]) -> None:
    """Printed, a sheet is landscape, its header row and frozen columns on every page, and scaled to the
    paper's width when that keeps it readable (see :data:`FIT_WIDTH`)."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties

    page.page_setup.orientation = "landscape"
    if sum(widths) <= FIT_WIDTH:
        page.page_setup.fitToWidth = 1
        page.page_setup.fitToHeight = 0  # as many pages down as it takes
        page.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    page.print_title_rows = "1:1"
    if sheet.frozen_columns:
        page.print_title_cols = f"A:{get_column_letter(sheet.frozen_columns)}"


def _longest_line(value: Cell) -> int:
    if value is None:
        return 0
    text = value.isoformat() if isinstance(value, datetime.date) else str(value)
    return max(_line_width(line) for line in text.split("\n"))


class _DatedZip(zipfile.ZipFile):
    """A zip whose every part carries one given date, not the time it was written (openpyxl writes parts
    by name, which zipfile dates with the clock, and worksheets from temporary files, dated by their mtime)."""

    def __init__(self, file: io.BytesIO, date_time: tuple[int, ...]) -> None:
        super().__init__(file, "w", zipfile.ZIP_DEFLATED)
        self.date_time = date_time

    def writestr(self, zinfo_or_arcname: Any, data: Any, *args: Any, **kwargs: Any) -> None:
        if not isinstance(zinfo_or_arcname, zipfile.ZipInfo):
            zinfo_or_arcname = zipfile.ZipInfo(zinfo_or_arcname, date_time=self.date_time)  # type: ignore[arg-type]
            zinfo_or_arcname.compress_type = zipfile.ZIP_DEFLATED
            zinfo_or_arcname.external_attr = 0o600 << 16
        super().writestr(zinfo_or_arcname, data, *args, **kwargs)

    def write(self, filename: Any, arcname: Any = None, *args: Any, **kwargs: Any) -> None:
        with open(filename, "rb") as handle:
            self.writestr(arcname or Path(filename).name, handle.read())


def csv_files(ladder: Ladder) -> dict[str, bytes]:
    """One CSV file per sheet, by file name (the sheet's name in lower case, words joined by ``-``)."""
    import csv

    files: dict[str, bytes] = {}
    for sheet in ladder_to_sheets(ladder):
        name = csv_name(sheet.name, files)
        text = io.StringIO(newline="")
        csv.writer(text, lineterminator="\r\n").writerows([csv_cell(cell) for cell in row] for row in sheet.rows)
        files[name] = b"\xef\xbb\xbf" + text.getvalue().encode("utf-8")
    return files


def csv_name(sheet: str, taken: dict[str, bytes] | set[str]) -> str:
    """A sheet's CSV file name: ``Level sections`` → ``level-sections.csv`` (``matrix-2.csv`` when taken)."""
    stem = slugify(sheet, max_length=60) or "sheet"
    name, number = f"{stem}.csv", 2
    while name in taken:
        name, number = f"{stem}-{number}.csv", number + 1
    return name


def json_bytes(ladder: Ladder) -> tuple[bytes, bytes]:
    """The validated model as JSON, and the JSON Schema it is valid against (pydantic's, of what it dumps)."""
    data = json.dumps(ladder.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **Ladder.model_json_schema(mode="serialization"),
    }
    return data.encode("utf-8"), (json.dumps(schema, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


# --------------------------------------------------------------------------- writing


def _write(
    folder: Path,
    files: dict[PurePosixPath, bytes],
    stale: Path | None,
    waiting: Callable[[str], None] | None,
) -> tuple[list[Path], list[Path], list[Path], list[Path]]:
    """Write each file into ``folder`` through its OutputFolder, holding its lock; with ``stale`` (a CSV
    folder), remove the CSV files an earlier export wrote there that this one does not (and list the
    others, someone else's)."""
    output = OutputFolder(folder)
    written: list[Path] = []
    unchanged: list[Path] = []
    removed: list[Path] = []
    left: list[Path] = []
    with output.lock(wait=True, waiting=waiting):
        due = {relative: data for relative, data in files.items() if not output.holds(relative, data)}
        unchanged += [output.root / relative for relative in files if relative not in due]
        for relative in due:  # every file checked before any is written: a refusal leaves the export whole
            _ours_to_write(output, relative)
        for relative, data in due.items():
            try:
                written.append(output.write(relative, data))
            except WriteRefused as exc:
                raise _said_for_export(exc) from None
        if stale is not None:
            removed, left = _remove_stale(output, PurePosixPath(stale.name), {r.name for r in files})
    return written, unchanged, removed, left


def _ours_to_write(output: OutputFolder, relative: PurePosixPath) -> None:
    """Refuse (:class:`WriteRefused`) a file the export may not replace: a link, one resolving outside the
    folder, or one ladderpress did not write there (or that was changed since); as ``output.write``
    would, but before anything is written."""
    path = output.root / relative
    if path.is_symlink():
        raise WriteRefused(
            f"{path} is a link, and an export never writes through one (fix: remove the link, or export to "
            "another file with --out)"
        )
    try:
        output.target(relative)
        if os.path.lexists(path):
            output._check_ours(path, relative.as_posix(), output._files.get(relative.as_posix()))
    except WriteRefused as exc:
        raise _said_for_export(exc) from None


def _said_for_export(exc: WriteRefused) -> WriteRefused:
    """The refusal with this command's fix (OutputFolder's speaks of recipes' output names)."""
    said, recipe = str(exc).partition("; ")[::2]
    if "recipe's output name" not in recipe:
        return exc
    return WriteRefused(f"{said} (fix: move it away, or export to another file with --out)")


def _remove_stale(output: OutputFolder, subfolder: PurePosixPath, kept: set[str]) -> tuple[list[Path], list[Path]]:
    """CSV files in the export's folder that this export did not write: removed when ladderpress wrote them
    and they are still as written (a sheet that is now empty); anyone else's is left alone, and listed."""
    removed, left = [], []
    for path in sorted((output.root / subfolder).glob("*.csv")):
        if path.name in kept:
            continue
        try:
            data = read_bytes(path, (output.root,), MAX_OUTPUT_BYTES)
        except FileRefused:
            data = None
        if data is not None and not path.is_symlink() and output.holds(subfolder / path.name, data):
            path.unlink()
            removed.append(path)
        else:
            left.append(path)
    return removed, left
