"""Print HTML to PDF with WeasyPrint.

One :class:`Printer` per build holds the process's single ``FontConfiguration``
(every ``CSS`` must be given it, or its ``@font-face`` rules are silently dropped)
and parses each stylesheet once. WeasyPrint's warnings are collected per document
so the build can report them instead of letting them scroll past.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import logging
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, TypeVar

from weasyprint import CSS, HTML, Attachment
from weasyprint.document import Document
from weasyprint.logger import LOGGER as WEASYPRINT_LOGGER
from weasyprint.text.fonts import FontConfiguration

from ladderpress.errors import relative
from ladderpress.fetch import ProjectFetcher
from ladderpress.files import FileRefused, confining_root, read_bytes, read_text
from ladderpress.findings import Expect, Finding
from ladderpress.load import LoadedBrand
from ladderpress.plan import FIT_STEPS, Job, Layout, PacketJob, attachment_paths
from ladderpress.preflight import inspect
from ladderpress.theme import brand_css

if TYPE_CHECKING:
    from ladderpress.load import Project
    from ladderpress.render import Renderer


@dataclass(frozen=True)
class Printed:
    """A printed document, still in memory."""

    data: bytes
    pages: int
    warnings: list[str] = field(default_factory=list)
    """Problems met while printing this document (refused or missing resources)."""
    stylesheet_warnings: list[str] = field(default_factory=list)
    """Problems in stylesheets parsed for the first time for this document, each naming its file."""
    files: Reads = field(default_factory=dict)
    """Every file the document read, with the SHA-256 of the bytes it read (None: looked for, absent):
    its stylesheets and what they and its HTML fetched (fonts, images, imports), the brand's files and
    the attachments. An incremental build rebuilds the document when one of them changes."""
    findings: list[Finding] = field(default_factory=list)
    """What preflight found on its pages (see :mod:`ladderpress.preflight`)."""


Reads = dict[str, str | None]
"""Files read for a document → the SHA-256 of the bytes read, or None for a file looked for and absent."""


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
        return [
            *self.messages,
            (
                f"no font has {shown}: printed as empty boxes (fix: give the brand a font "
                "that covers them, or use other characters)"
            ),
        ]


BRAND_STYLESHEET = "brand.css"
"""A brand's own additions, applied after the built-in stylesheets of every document."""


FIXED_DATE = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
MAX_STYLESHEET_BYTES = 2_000_000
MAX_ATTACHMENT_BYTES = 50_000_000


class PrintFailed(Exception):
    """WeasyPrint could not lay out or write the document (or a file it needs was refused)."""


class DocumentFailed(Exception):
    """One document could not be built (too long for its recipe's ``max_pages``); the others go on."""


Laid = TypeVar("Laid")


def within_limit(job: Job, lay_out: Callable[[int], Laid], pages: Callable[[Laid], int]) -> Laid:
    """``lay_out(fit)`` in the first layout whose pages fit the recipe's ``max_pages``, or fail.

    Templates may offer tighter layouts (``fit`` 1 and 2); a document with no limit is laid
    out once. Documents and packets alike are held to their recipe's limit here.
    """
    limit = job.recipe.max_pages
    for fit in range(FIT_STEPS if limit is not None else 1):
        laid = lay_out(fit)
        if limit is None or pages(laid) <= limit:
            return laid
    allowed = f"recipe '{job.recipe_name}' allows {job.recipe.max_pages}"
    if isinstance(job, PacketJob):
        raise DocumentFailed(
            f"a packet for level '{job.level.id}' needs {pages(laid)} pages even in the tightest "
            f"layout, but {allowed}; raise max_pages, or name fewer sections, in "
            f"guides/{job.recipe_name}.yaml"
        )
    subject = f"level '{job.focus.id}'" if job.focus else f"recipe '{job.recipe_name}'"
    raise DocumentFailed(
        f"{subject} needs {pages(laid)} pages even in the tightest layout, but {allowed}; "
        "shorten its duties, scope or promotion signals"
    )


def print_to_fit(renderer: Renderer, printer: Printer, project: Project, job: Job, html: str | None = None) -> Printed:
    """Print the job whole, within its recipe's ``max_pages`` (see :func:`within_limit`).

    ``html`` is the job's HTML in the normal layout, when the caller has rendered it already.
    """

    def attempt(fit: int) -> Printed:
        source = html if fit == 0 and html is not None else renderer.render(job, fit)
        return printer.print(
            source,
            list(job.stylesheets),
            project.style_dirs(job.brand),
            job.layout,
            job.brand,
            attachment_paths(project.root, job.recipe),
            expect_for(project, job),
        )

    return within_limit(job, attempt, lambda printed: printed.pages)


def expect_for(project: Project, job: Job) -> Expect:
    """What preflight holds a job's document to: its company's name, and no other the build knows of.

    The others are the content's ``organisation`` when a brand renames the company, and the
    names of the brands the project's recipes use.
    """
    company = job.brand.brand.name if job.brand else job.organisation
    names = [project.ladder.organisation, *(loaded.brand.name for loaded in project.brands.values())]
    others = tuple(dict.fromkeys(name for name in names if name and name != company and name not in company))
    return Expect(company, others)


class Printer:
    """Prints documents for one project, sharing fonts, stylesheets and the fetcher."""

    def __init__(
        self,
        base_dir: Path,
        allowed_roots: tuple[Path, ...],
        project_root: Path,
        variant: str | None = None,
        private: tuple[Path, ...] = (),
    ) -> None:
        self.base_url = base_dir.resolve().as_uri() + "/"
        self.project_root = project_root.resolve()
        self.font_config = FontConfiguration()
        self.fetcher = ProjectFetcher(allowed_roots, frozenset(private))
        self.variant = variant
        self._css: dict[Path, CSS] = {}
        self._sheet_reads: dict[Path, Reads] = {}
        """Each stylesheet (or brand sheet, by folder) and what it fetched when it was parsed: fonts, imports."""
        self._layouts: dict[Layout, CSS] = {}
        self._brands: dict[Path, CSS] = {}

    def brand_sheet(self, brand: LoadedBrand) -> CSS:
        """The brand's colours and fonts as a stylesheet; its url()s resolve inside the brand folder."""
        if brand.folder not in self._brands:
            self.fetcher.take_served()
            self._brands[brand.folder] = CSS(
                string=brand_css(brand),
                base_url=brand.folder.as_uri() + "/",
                url_fetcher=self.fetcher,
                font_config=self.font_config,
            )
            self._sheet_reads[brand.folder] = self.fetcher.take_served()
        return self._brands[brand.folder]

    def layout_sheet(self, layout: Layout) -> CSS:
        if layout not in self._layouts:
            self._layouts[layout] = CSS(string=layout.css(), font_config=self.font_config)
        return self._layouts[layout]

    def stylesheet(self, name: str, style_dirs: tuple[Path, ...], brand: LoadedBrand | None) -> tuple[CSS, list[str]]:
        """Parse a stylesheet once per build (the first style folder that has it wins).

        Returns the sheet and, the first time only, the warnings its parsing raised,
        prefixed with the stylesheet's file name (WeasyPrint gives only line and column).
        The file is read through :mod:`ladderpress.files`: a link out of its folder's root,
        a FIFO or a device fails the document with one line.
        """
        path = found(name, style_dirs)
        assert path is not None, f"stylesheet {name} was checked when the project was loaded"
        if path in self._css:
            return self._css[path], []
        root = confining_root(path.parent, self.project_root, brand.folder if brand else None)
        try:
            text = read_text(path, (root,), MAX_STYLESHEET_BYTES)
        except FileRefused as exc:
            raise PrintFailed(f"{relative(path, self.project_root)}: {exc.what} (fix: {exc.hint})") from None
        self.fetcher.take_served()
        own: Reads = {str(path): hashlib.sha256(text.encode("utf-8")).hexdigest()}
        with _collecting() as collect:
            try:
                self._css[path] = CSS(
                    string=text, base_url=path.as_uri(), url_fetcher=self.fetcher, font_config=self.font_config
                )
            except RecursionError:
                self.fetcher.take_refused()
                raise PrintFailed(
                    f"{relative(path, self.project_root)}: imports itself, directly or through other "
                    "stylesheets (fix: remove the @import that loops)"
                ) from None
        self._sheet_reads[path] = own | self.fetcher.take_served()
        messages = self.fetcher.take_refused() + [m for m in collect.messages if not m.startswith("Failed to load")]
        shown = f"{path.parent.name}/{name}"
        return self._css[path], [f"{shown}: {message}" for message in messages]

    def sheets_for(
        self, stylesheets: list[str], style_dirs: tuple[Path, ...], layout: Layout | None, brand: LoadedBrand | None
    ) -> tuple[list[CSS], list[str]]:
        """The parsed stylesheets of a document, in order, and any first-time parsing warnings."""
        sheets, sheet_warnings = [], []
        for name in stylesheets:
            sheet, warnings = self.stylesheet(name, style_dirs, brand)
            sheets.append(sheet)
            sheet_warnings += warnings
        if brand is not None:
            sheets.append(self.brand_sheet(brand))
            own = brand.style_dir / BRAND_STYLESHEET
            if os.path.lexists(own):
                sheet, warnings = self.stylesheet(BRAND_STYLESHEET, (brand.style_dir,), brand)
                sheets.append(sheet)
                sheet_warnings += warnings
        sheets.append(self.layout_sheet(layout or Layout()))
        return sheets, sheet_warnings

    @property
    def options(self) -> dict[str, object]:
        return {"pdf_variant": self.variant} if self.variant else {"pdf_tags": True}

    def render(self, html: str, sheets: list[CSS]) -> tuple[Document, list[str], Reads]:
        """Lay out a document (no PDF yet); return it, the warnings raised and the files it fetched.

        Attachments asked for by the HTML (``<a rel="attachment">``, ``<link rel="attachment">``)
        are taken off with a warning each: a template must never put a file into a PDF.
        """
        self.fetcher.take_served()  # what an earlier document left, if a time limit stopped it midway
        self.fetcher.take_refused()
        with _collecting() as collect:
            try:
                document = HTML(string=html, base_url=self.base_url, url_fetcher=self.fetcher).render(
                    stylesheets=sheets, font_config=self.font_config, **self.options
                )
            except Exception as exc:  # an engine failure fails this document, not the build
                self.fetcher.take_refused()
                raise PrintFailed(
                    f"WeasyPrint could not lay it out ({type(exc).__name__}: {exc}); "
                    "the last change to its template or stylesheet is the likely cause"
                ) from exc
        refused = refuse_attachments(document)
        return document, refused + self._warnings(collect), self.fetcher.take_served()

    def write(self, document: Document, tags: bool = True, attachments: tuple[Path, ...] = ()) -> Written:
        """The PDF of a laid-out document (its fonts subset once, whatever pages it holds).

        ``tags=False`` leaves out the structure tree, for a PDF that will be cut into parts.
        ``attachments`` are the recipe's own, inside the project; nothing else is fetched while writing.
        """
        options: dict[str, object] = dict(self.options) if tags else {"pdf_tags": False}
        if attachments:
            options["attachments"] = [self.attachment(path) for path in attachments]
        self.fetcher.writing = True
        try:
            with _collecting() as collect:
                try:
                    data = document.write_pdf(**options)
                except Exception as exc:
                    self.fetcher.take_refused()
                    raise PrintFailed(f"WeasyPrint could not write it ({type(exc).__name__}: {exc})") from exc
        finally:
            self.fetcher.writing = False
        return Written(data, self._warnings(collect), frozenset(collect.missing))

    def attachment(self, path: Path) -> Attachment:
        """A file a recipe attaches, read here (WeasyPrint fetches nothing while writing)."""
        # a fixed date, not the clock's: two builds of the same input stay byte-identical
        return Attachment(
            file_obj=io.BytesIO(self.attachment_data(path)), name=path.name, created=FIXED_DATE, modified=FIXED_DATE
        )

    def attachment_data(self, path: Path) -> bytes:
        """The bytes of a file a recipe attaches: a regular file inside the project, or the document fails."""
        try:
            return read_bytes(path, (self.project_root,), MAX_ATTACHMENT_BYTES)
        except FileRefused as exc:
            raise PrintFailed(f"attachment {relative(path, self.project_root)}: {exc.what} (fix: {exc.hint})") from None

    def print(
        self,
        html: str,
        stylesheets: list[str],
        style_dirs: tuple[Path, ...],
        layout: Layout | None = None,
        brand: LoadedBrand | None = None,
        attachments: tuple[Path, ...] = (),
        expect: Expect | None = None,
    ) -> Printed:
        """Lay out and write one document; return its bytes, page count, warnings and preflight findings."""
        sheets, sheet_warnings = self.sheets_for(stylesheets, style_dirs, layout, brand)
        document, warnings, served = self.render(html, sheets)
        written = self.write(document, attachments=attachments)
        files = self.files_read(stylesheets, style_dirs, brand, served | self.attached(attachments))
        pages = len(document.pages)
        findings = inspect(list(enumerate(document.pages, 1)), pages, expect or Expect(), written.missing)
        return Printed(
            written.data, pages, list(dict.fromkeys(warnings + written.warnings)), sheet_warnings, files, findings
        )

    def files_read(
        self,
        stylesheets: list[str],
        style_dirs: tuple[Path, ...],
        brand: LoadedBrand | None,
        fetched: Reads | None = None,
    ) -> Reads:
        """Every file that decided a document's look, with the hash of what was read, for incremental builds.

        That is each stylesheet and whatever it fetched (fonts, imports), the brand's files,
        what the document itself ``fetched`` (images, attachments), and every file that was
        looked for and absent where a stylesheet was found later in the search path: an
        override added there (a project's ``styles/one-pager.css``, a brand's ``brand.css``)
        must rebuild exactly the documents it affects. Hashes are of the bytes read when they
        were read: a file saved while the build runs is seen as changed by the next one.
        """
        reads: Reads = dict(fetched or {})
        for name in stylesheets:
            for folder in style_dirs:
                candidate = folder / name
                if candidate in self._css:
                    reads |= self._sheet_reads.get(candidate, {})
                    break
                reads[str(candidate)] = None
        if brand is not None:
            reads[str(brand.folder / "brand.yaml")] = brand.digest
            reads.setdefault(str(brand.style_dir / BRAND_STYLESHEET), None)
            reads |= self._sheet_reads.get(brand.folder, {})
            reads |= self._sheet_reads.get(brand.style_dir / BRAND_STYLESHEET, {})
        return dict(sorted(reads.items()))

    def attached(self, attachments: tuple[Path, ...]) -> Reads:
        """The hashes of the attachments as read (see :meth:`attachment_data`)."""
        return {str(path): hashlib.sha256(self.attachment_data(path)).hexdigest() for path in attachments}

    def _warnings(self, collect: _Collect) -> list[str]:
        refused = self.fetcher.take_refused()
        return refused + [m for m in collect.plain_messages() if not m.startswith("Failed to load")]


def found(name: str, folders: tuple[Path, ...]) -> Path | None:
    """The first ``folder/name`` that exists (a link counts, to be refused when read, not skipped)."""
    return next((folder / name for folder in folders if os.path.lexists(folder / name)), None)


def refuse_attachments(document: Document) -> list[str]:
    """Take every attachment the HTML asked for off a laid-out document; one warning each."""
    refused = [attachment.source for attachment in document.metadata.attachments]
    document.metadata.attachments = []
    for page in document.pages:
        kept = [link for link in page.links if link[0] != "attachment"]
        refused += [link[1] for link in page.links if link[0] == "attachment"]
        page.links[:] = kept
    return [
        f"'{_describe(source)}' was not attached: a template cannot attach files; name them in the recipe's "
        "'attachments:' list"
        for source in dict.fromkeys(map(_describe, refused))
    ]


def _describe(source: object) -> str:
    """An attachment's address: a link's target, or the URL a ``<link>``'s source was made from."""
    if isinstance(source, str):
        return source
    args, kwds = getattr(source, "args", ()), getattr(source, "kwds", {})  # select_source(guess, filename, url, …)
    address = kwds.get("url") or next((a for a in args if isinstance(a, str)), None)
    return str(address or "a linked file")


@contextmanager
def _collecting() -> Iterator[_Collect]:
    """Collect WeasyPrint's warnings for the duration of the block."""
    collect = _Collect()
    WEASYPRINT_LOGGER.addHandler(collect)
    try:
        yield collect
    finally:
        WEASYPRINT_LOGGER.removeHandler(collect)
