"""What preflight reports: plain data that travels from a worker to the build's records and the command line.

(The inspection itself, which needs WeasyPrint, is :mod:`ladderpress.preflight`.)
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

CHECKS = ("sparse", "stranded", "hyphen", "overflow", "glyph", "image", "contrast", "name")
"""Every kind of finding, in the order a page's findings are listed. (A document longer than its
recipe's ``max_pages`` is not a finding: the build refuses it, naming the limit.)"""


@dataclass(frozen=True)
class Finding:
    """One thing to change on one page (or in the whole document when ``page`` is None)."""

    kind: str
    page: int | None
    what: str
    fix: str

    def line(self, document: str) -> str:
        where = f"{document} p. {self.page}" if self.page is not None else document
        return f"{where}: {self.what} (fix: {self.fix})"

    def as_record(self) -> list[object]:
        return [self.kind, self.page, self.what, self.fix]

    @classmethod
    def from_record(cls, record: object) -> Finding | None:
        """A finding read back from the build's records (None for anything malformed)."""
        if not isinstance(record, list) or len(record) != 4:
            return None
        kind, page, what, fix = record
        if kind not in CHECKS or not (isinstance(what, str) and isinstance(fix, str)):
            return None
        if page is not None and (isinstance(page, bool) or not isinstance(page, int) or page < 1):
            return None
        return cls(kind, page, printable(what), printable(fix))


def printable(text: str) -> str:
    """Text without control characters (a terminal's escape codes in a record or a document's text)."""
    return "".join(c for c in text if unicodedata.category(c) != "Cc")


@dataclass(frozen=True)
class Expect:
    """What a document should be, beyond how it looks: its company name and those it must not show."""

    company: str = ""
    other_names: tuple[str, ...] = ()
    """Company names this document must not contain (the content's own when a brand renames it, other brands')."""
