"""Print HTML to PDF with WeasyPrint.

One :class:`Printer` per build holds the process's single ``FontConfiguration``
(every ``CSS`` must be given it, or its ``@font-face`` rules are silently dropped)
and parses each stylesheet once. WeasyPrint's warnings are collected per document
so the build can report them instead of letting them scroll past.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from weasyprint import CSS, HTML
from weasyprint.document import Document
from weasyprint.logger import LOGGER as WEASYPRINT_LOGGER
from weasyprint.text.fonts import FontConfiguration

from ladderpress.fetch import ProjectFetcher
from ladderpress.load import LoadedBrand
from ladderpress.plan import Layout
from ladderpress.theme import brand_css


@dataclass(frozen=True)
class Printed:
    """A printed document, still in memory."""

    data: bytes
    pages: int
    warnings: list[str] = field(default_factory=list)
    """Problems met while printing this document (refused or missing resources)."""
    stylesheet_warnings: list[str] = field(default_factory=list)
    """Problems in stylesheets parsed for the first time for this document, each naming its file."""
    files: tuple[str, ...] = ()
    """Every file the document read: its stylesheets and what they and its HTML fetched (fonts,
    images, imports). An incremental build rebuilds the document when one of them changes."""


MISSING_GLYPH = ".notdef glyph rendered for Unicode string unsupported by fonts"
"""The start of WeasyPrint's warning for a character that no font has (its first argument)."""


class Written(NamedTuple):
    """A document written as PDF."""

    data: bytes
    warnings: list[str]
    missing: frozenset[str]
    """Characters that no font has (drawn as empty boxes)."""


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []
        self.missing: dict[str, None] = {}
        """Characters no font has, in the order met (WeasyPrint warns once per character drawn)."""

    def emit(self, record: logging.LogRecord) -> None:
        if isinstance(record.msg, str) and record.msg.startswith(MISSING_GLYPH) and record.args:
            self.missing[str(record.args[0])] = None  # type: ignore[index]
        else:
            self.messages.append(record.getMessage())

    def plain_messages(self) -> list[str]:
        """The messages, with the missing characters in one line that says what to do."""
        if not self.missing:
            return self.messages
        shown = " ".join(f"{c} (U+{ord(c):04X})" for c in self.missing)
        return [*self.messages, (f"no font has {shown}: printed as empty boxes (fix: give the brand a font "
                                 "that covers them, or use other characters)")]


BRAND_STYLESHEET = "brand.css"
"""A brand's own additions, applied after the built-in stylesheets of every document."""


class PrintFailed(Exception):
    """WeasyPrint could not lay out or write the document."""


class Printer:
    """Prints documents for one project, sharing fonts, stylesheets and the fetcher."""

    def __init__(self, base_dir: Path, allowed_roots: tuple[Path, ...], variant: str | None = None) -> None:
        self.base_url = base_dir.resolve().as_uri() + "/"
        self.font_config = FontConfiguration()
        self.fetcher = ProjectFetcher(allowed_roots)
        self.variant = variant
        self._css: dict[Path, CSS] = {}
        self._layouts: dict[Layout, CSS] = {}
        self._brands: dict[Path, CSS] = {}

    def brand_sheet(self, brand: LoadedBrand) -> CSS:
        """The brand's colours and fonts as a stylesheet; its url()s resolve inside the brand folder."""
        if brand.folder not in self._brands:
            self._brands[brand.folder] = CSS(string=brand_css(brand), base_url=brand.folder.as_uri() + "/",
                                             url_fetcher=self.fetcher, font_config=self.font_config)
        return self._brands[brand.folder]

    def layout_sheet(self, layout: Layout) -> CSS:
        if layout not in self._layouts:
            self._layouts[layout] = CSS(string=layout.css(), font_config=self.font_config)
        return self._layouts[layout]

    def stylesheet(self, name: str, style_dirs: tuple[Path, ...]) -> tuple[CSS, list[str]]:
        """Parse a stylesheet once per build (the first style folder that has it wins).

        Returns the sheet and, the first time only, the warnings its parsing raised,
        prefixed with the stylesheet's file name (WeasyPrint gives only line and column).
        """
        path = next(d / name for d in style_dirs if (d / name).is_file())
        if path in self._css:
            return self._css[path], []
        with _collecting() as collect:
            self._css[path] = CSS(filename=str(path), url_fetcher=self.fetcher, font_config=self.font_config)
        messages = self.fetcher.take_refused() + [m for m in collect.messages if not m.startswith("Failed to load")]
        shown = f"{path.parent.name}/{name}"
        return self._css[path], [f"{shown}: {message}" for message in messages]

    def sheets_for(self, stylesheets: list[str], style_dirs: tuple[Path, ...], layout: Layout | None,
                   brand: LoadedBrand | None) -> tuple[list[CSS], list[str]]:
        """The parsed stylesheets of a document, in order, and any first-time parsing warnings."""
        sheets, sheet_warnings = [], []
        for name in stylesheets:
            sheet, warnings = self.stylesheet(name, style_dirs)
            sheets.append(sheet)
            sheet_warnings += warnings
        if brand is not None:
            sheets.append(self.brand_sheet(brand))
            if (brand.style_dir / BRAND_STYLESHEET).is_file():
                sheet, warnings = self.stylesheet(BRAND_STYLESHEET, (brand.style_dir,))
                sheets.append(sheet)
                sheet_warnings += warnings
        sheets.append(self.layout_sheet(layout or Layout()))
        return sheets, sheet_warnings

    @property
    def options(self) -> dict[str, object]:
        return {"pdf_variant": self.variant} if self.variant else {"pdf_tags": True}

    def render(self, html: str, sheets: list[CSS]) -> tuple[Document, list[str]]:
        """Lay out a document (no PDF yet); return it and the warnings raised."""
        with _collecting() as collect:
            try:
                document = HTML(string=html, base_url=self.base_url, url_fetcher=self.fetcher).render(
                    stylesheets=sheets, font_config=self.font_config, **self.options)
            except Exception as exc:  # an engine failure fails this document, not the build
                self.fetcher.take_refused()
                raise PrintFailed(f"WeasyPrint could not lay it out ({type(exc).__name__}: {exc}); "
                                  "the last change to its template or stylesheet is the likely cause") from exc
        return document, self._warnings(collect)

    def write(self, document: Document, tags: bool = True) -> Written:
        """The PDF of a laid-out document (its fonts subset once, whatever pages it holds).

        ``tags=False`` leaves out the structure tree, for a PDF that will be cut into parts.
        """
        options = self.options if tags else {"pdf_tags": False}
        with _collecting() as collect:
            try:
                data = document.write_pdf(**options)
            except Exception as exc:
                self.fetcher.take_refused()
                raise PrintFailed(f"WeasyPrint could not write it ({type(exc).__name__}: {exc})") from exc
        return Written(data, self._warnings(collect), frozenset(collect.missing))

    def print(self, html: str, stylesheets: list[str], style_dirs: tuple[Path, ...], layout: Layout | None = None,
              brand: LoadedBrand | None = None) -> Printed:
        """Lay out and write one document; return its bytes, page count and warnings."""
        sheets, sheet_warnings = self.sheets_for(stylesheets, style_dirs, layout, brand)
        document, warnings = self.render(html, sheets)
        written = self.write(document)
        return Printed(written.data, len(document.pages), list(dict.fromkeys(warnings + written.warnings)),
                       sheet_warnings, self.files_read(stylesheets, style_dirs, brand))

    def files_read(self, stylesheets: list[str], style_dirs: tuple[Path, ...],
                   brand: LoadedBrand | None) -> tuple[str, ...]:
        """The stylesheet files of a document and every file fetched so far for its stylesheets and HTML."""
        paths = {str(next(d / n for d in style_dirs if (d / n).is_file())) for n in stylesheets}
        if brand is not None:
            paths.add(str(brand.folder / "brand.yaml"))
            if (brand.style_dir / BRAND_STYLESHEET).is_file():
                paths.add(str(brand.style_dir / BRAND_STYLESHEET))
        return tuple(sorted(paths | self.fetcher.served))

    def _warnings(self, collect: _Collect) -> list[str]:
        refused = self.fetcher.take_refused()
        return refused + [m for m in collect.plain_messages() if not m.startswith("Failed to load")]


@contextmanager
def _collecting() -> Iterator[_Collect]:
    """Collect WeasyPrint's warnings for the duration of the block."""
    collect = _Collect()
    WEASYPRINT_LOGGER.addHandler(collect)
    try:
        yield collect
    finally:
        WEASYPRINT_LOGGER.removeHandler(collect)
