"""Reading what people keep in spreadsheets: the helpers the roster (:mod:`ladderpress.roster`) and the
importer (:mod:`ladderpress.importer`) share.

Both read untrusted files a spreadsheet program wrote, and both must say what a file is when it is not
what its name says, read CSV as spreadsheets write it (a byte-order mark, UTF-16 "Unicode text",
semicolons or tabs), show a cell's value as the spreadsheet shows it, and name a cell the way the
spreadsheet does (``'Q1 hires'!F4``). Each caller words its own problems and fixes; what is here only
reads and names.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import re
import zipfile
from collections.abc import Iterator
from typing import Any

BREAKS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
"""C0 and C1 controls (tab, CR, LF, VT, FF, NUL, ESC, U+001C-U+001E, U+0085, …) and the Unicode
line and paragraph separators: none of them belongs in a name, a team or a date."""


# --------------------------------------------------------------------------- values and names


def shown(value: Any) -> Any:
    """A YAML or workbook value as text, the way a spreadsheet shows it (lists and mappings are left for
    the model to refuse)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:.15g}"  # 15 digits, as Excel shows
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return str(value)
    return value


def cell_text(value: Any) -> str:
    """A cell's value as the spreadsheet shows it, as stripped text: 3 not 3.0, dates as YYYY-MM-DD."""
    text = shown(value)
    return text.strip() if isinstance(text, str) else str(text)


def blank(value: Any) -> bool:
    """Whether a cell holds nothing (None, or only white space)."""
    return value is None or (isinstance(value, str) and not value.strip())


def sheet_name(title: str) -> str:
    """A sheet's name as an A1 reference writes it: quoted when it is not a plain word (``'Q1 hires'``)."""
    title = BREAKS.sub(" ", str(title))
    plain = re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", title) and not re.fullmatch(
        r"[A-Za-z]{1,3}[0-9]+|[RrCc]|[Rr][0-9]*[Cc][0-9]*", title
    )
    return title if plain else "'" + title.replace("'", "''") + "'"


ERRORS = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA", "#SPILL!", "#CALC!")
"""What a cell holds when its formula failed (openpyxl passes the error on as text)."""


# --------------------------------------------------------------------------- what a file is, by its bytes

ZIP = (b"PK\x03\x04", b"PK\x05\x06")
"""How a zip archive starts (an .xlsx is one; so are .ods, .docx and .numbers files)."""
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
"""How a compound document starts: an .xls, or an Office file protected by a password (encrypted inside one)."""
ODS = b"application/vnd.oasis.opendocument.spreadsheet"
"""The first bytes of an OpenDocument spreadsheet's ``mimetype`` entry."""
SAVE_AS = "save it as .xlsx or CSV UTF-8"
DAMAGED = "open it in a spreadsheet and save it again as .xlsx, or as CSV UTF-8"
KINDS: dict[str, tuple[str, str]] = {
    "encrypted": (
        "is protected by a password, so it cannot be read",
        "remove the password (in Excel: File > Info > Protect Workbook), then save it as .xlsx or CSV UTF-8",
    ),
    "xls": ("is an Excel 97-2003 workbook (.xls), which cannot be read", SAVE_AS),
    "ods": ("is an OpenDocument spreadsheet (.ods), which cannot be read", SAVE_AS),
    "zip": ("is a zip archive that holds no Excel workbook (a Word or Numbers file, say)", SAVE_AS),
    "damaged": ("starts as a zip archive, as a workbook does, but is damaged", DAMAGED),
}
"""Files that are not text, by kind (see :func:`binary_kind`): what they are, and what to do."""


def binary_kind(data: bytes) -> str | None:
    """What a file's bytes are when they are not text: "xlsx" (an Excel workbook), or a key of :data:`KINDS`;
    None for anything else (text, or bytes of no kind known here)."""
    if data.startswith(OLE):
        return "encrypted" if "EncryptedPackage".encode("utf-16-le") in data else "xls"
    if not data.startswith(ZIP):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
                return "xlsx"
            kind = archive.getinfo("mimetype") if "mimetype" in names else None
            if kind is not None and kind.file_size < 100 and archive.read(kind).startswith(ODS):
                return "ods"
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, RuntimeError, NotImplementedError):
        return "damaged"
    return "zip"


def unpacked_bytes(data: bytes) -> int:
    """How many bytes a workbook (a zip, as :func:`binary_kind` found it) says it unpacks to: checked
    against a bound before any of it is parsed, so that a few kilobytes cannot ask for gigabytes."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return sum(info.file_size for info in archive.infolist())


def is_text(data: bytes) -> bool:
    """Whether a file starts as text: UTF-16 with its mark, or UTF-8 (a mark or not) with no NUL."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    head = data[:4096]
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return False
    return b"\x00" not in head


# --------------------------------------------------------------------------- CSV


class NotText(ValueError):
    """CSV bytes that do not decode: what is wrong, and where (the line, and the column when known)."""

    def __init__(self, message: str, line: int, column: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


def csv_text(data: bytes) -> str:
    """CSV bytes as text: UTF-16 with its byte-order mark (Excel's "Unicode text"), or UTF-8, a UTF-8 mark
    (spreadsheets often write one) dropped; raises :class:`NotText` where a byte does not decode (its line
    and column counted without the mark)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise NotText("starts as UTF-16 text but is not", 1) from None
    data = data.removeprefix(codecs.BOM_UTF8)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        start = data.rfind(b"\n", 0, exc.start) + 1
        column = len(data[start : exc.start].decode("utf-8")) + 1
        raise NotText("is not UTF-8 text", data.count(b"\n", 0, exc.start) + 1, column) from None


SEPARATORS = {",": "commas", ";": "semicolons", "\t": "tabs"}
"""What separates a CSV file's values: commas, or what European spreadsheets and "text" exports use."""


def separator(text: str) -> str:
    """The separator the header line uses most (a comma when it uses none): semicolons and tabs are
    read as such rather than taken for one long column."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {separator: first.count(separator) for separator in SEPARATORS}
    best = max(counts, key=lambda separator: counts[separator])
    return best if counts[best] else ","


def csv_records(text: str, separator: str = ",") -> Iterator[tuple[int, list[str] | csv.Error]]:
    """Each CSV record with the line it starts on, or the error that stopped it.

    The reader works on the raw stream (``newline=""``): only ``\\r`` and ``\\n`` end a row,
    never U+2028, U+0085, a form feed or the other breaks ``str.splitlines`` knows. Strict
    mode refuses a stray quote instead of quietly swallowing the rows after it.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=True)
    start = 1
    while True:
        try:
            yield start, next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield start, exc
            if reader.line_num < start:  # nothing was consumed: stop rather than loop
                return
        start = reader.line_num + 1
