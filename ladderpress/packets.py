"""Onboarding packets: everything about printing one packet per person lives here.

A packet's job (:class:`~ladderpress.plan.PacketJob`) says whose it is, its title and
subject, and its combination; the template prints the sections ``recipe.packet_sections``
names and marks where the shared pages begin with the ``shared_start`` anchor. This module
prints packets, fast: shared pages laid out and drawn once, personal pages per person.

Most of a packet is the same for everyone at the same level, track and brand. For each
such combination the packet is laid out once for a stand-in person, and the pages after
its personal ones are kept. Each person's own pages (the welcome page, which shows no page
number) are rendered and laid out from their own data alone: no template ever sees two
people at once, so none can put one person's details into another's packet. A batch of
people then costs one tagged PDF in which WeasyPrint draws the shared pages once and subsets
the fonts once, with the stand-in's metadata (no one's details); :mod:`ladderpress.structure`
cuts one packet per person out of it, with their contents links, bookmarks, page numbers and
structure tree as in a packet printed whole.

Fonts subset for a batch hold the glyphs of everyone in it. A person whose pages print a
character of a script the shared pages do not (a name in Chinese, Arabic, Cyrillic, …; see
:func:`may_share_fonts`) is therefore written alone, from the same laid-out pages, with fonts
of their own; so is everyone in a PDF/A or PDF/UA build, whose metadata must be each
person's own. A person whose pages come out longer than the stand-in's is printed whole.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from weasyprint.document import Document, Page
from weasyprint.formatting_structure import boxes

from ladderpress.findings import Expect, Finding
from ladderpress.load import Project
from ladderpress.pdf import Printed, Printer, Reads, Written, expect_for, print_to_fit, within_limit
from ladderpress.plan import SHARED_START, PacketJob, attachment_paths, even_parts
from ladderpress.preflight import boxes_of, inspect
from ladderpress.render import Renderer
from ladderpress.structure import cut

MAX_BATCH = 32
"""Most people whose personal pages are laid out and written together: a batch's pages are
held in memory until it is cut into packets, and each batch draws the shared pages once.
Each packet is cut from the whole batch, which costs about 0.25 ms per page of the batch:
measured per packet, writing and cutting took 37 ms in batches of 80, 19 ms in batches of 30."""
KEEP_SHARED = 4
"""Shared parts a process keeps (the most recent), so memory does not grow with the levels."""


@dataclass(frozen=True)
class SharedPart:
    document: Document
    """The whole packet, laid out for the stand-in."""
    personal_pages: int
    """How many of its first pages are personal (and are replaced for each person)."""
    warnings: list[str]
    fetched: Reads
    """Files its layout fetched (images), for incremental builds."""
    fit: int = 0
    """The layout the template was asked for (0 = normal) to keep the packet within ``max_pages``."""
    findings: tuple[Finding, ...] = ()
    """What preflight found on the shared pages (numbered as in every packet of the combination)."""
    characters: frozenset[str] = frozenset()
    """Every character the stand-in's packet prints (see :func:`characters`)."""

    @property
    def total(self) -> int:
        return len(self.document.pages)

    @property
    def pages(self) -> list[Page]:
        shared: list[Page] = self.document.pages[self.personal_pages :]
        return shared


def anchor_page(document: Document, name: str) -> int | None:
    """Index of the page holding the anchor ``name``."""
    return next((i for i, page in enumerate(document.pages) if name in page.anchors), None)


def own_pages(personal: Document, expected: int) -> list | None:
    """A person's pages in their personal document (all of them, or those before the shared
    pages' anchor where it has one), or None when they are not ``expected`` in number (their
    packet is then printed whole)."""
    end = anchor_page(personal, SHARED_START)
    pages = personal.pages[: len(personal.pages) if end is None else end]
    return pages if len(pages) == expected else None


def characters(pages: list[Page]) -> frozenset[str]:
    """Every character the pages print (as laid out: after text-transform, without spaces).

    A font is subset once for a whole batch, so it holds the glyphs of every page in the batch.
    A person is put in a batch only when their pages print nothing the shared pages do not,
    so that no one's packet carries the shapes of another person's name. Characters stand in
    for glyphs: a letter set in another face of the same font is not told apart.
    """
    found: set[str] = set()
    for page in pages:
        for box in boxes_of(page._page_box):
            if isinstance(box, boxes.TextBox):
                found.update(box.text)
    return frozenset(found - set(" \u00a0\u00ad\n"))


class PacketPrinter:
    """Prints packets, keeping one shared part per combination (never anyone's personal data)."""

    def __init__(self, printer: Printer, project: Project) -> None:
        self.printer = printer
        self.project = project
        self._shared: dict[tuple[object, ...], SharedPart] = {}

    def print_run(self, renderer: Renderer, jobs: list[PacketJob]) -> Iterator[tuple[PacketJob, Printed]]:
        """Packets for people who share a combination, in the order given, in even batches."""
        for batch in even_parts(jobs, MAX_BATCH):
            yield from self._print_batch(renderer, batch)

    def _print_batch(self, renderer: Renderer, jobs: list[PacketJob]) -> Iterator[tuple[PacketJob, Printed]]:
        key = jobs[0].combination
        assert all(job.combination == key for job in jobs)
        sheets, sheet_warnings = self._sheets(jobs[0])
        notes: list[str] = []
        if key not in self._shared:
            if len(self._shared) >= KEEP_SHARED:
                del self._shared[next(iter(self._shared))]  # the oldest
            self._shared[key] = self._shared_part(renderer, jobs[0])
            notes = list(self._shared[key].warnings)
        shared = self._shared[key]
        own: list[list | None] = []
        alone: list[Document | None] = []
        labels: list[dict[str, str]] = []
        found: list[list[Finding]] = []
        more: list[str] = []
        fetched: Reads = {}
        for job in jobs:  # each from their own data: a template sees one person at a time
            personal, warnings, served = self.printer.render(renderer.render_person(job, shared.fit), sheets)
            pages = own_pages(personal, shared.personal_pages)
            # a standard (PDF/UA, PDF/A) wants each packet's own metadata: every packet is written alone
            apart = pages is not None and (
                self.printer.variant is not None or not may_share_fonts(characters(pages), shared.characters)
            )
            own.append(None if apart else pages)
            alone.append(personal if apart else None)
            labels.append(_labels(personal))
            found.append(self._findings(job, pages, shared))
            more += warnings
            fetched |= served
        written = self._write(own, shared)
        notes += list(dict.fromkeys(more)) + written.warnings
        personal_total = sum(len(pages) for pages in own if pages)
        attachments = attachment_paths(self.project.root, jobs[0].recipe)
        files = self.printer.files_read(
            list(jobs[0].stylesheets), self.project.style_dirs(jobs[0].brand), jobs[0].brand, fetched | shared.fetched
        )
        attached = [(path.name, self.printer.attachment_data(path)) for path in attachments]
        files |= {
            str(path): hashlib.sha256(data).hexdigest() for path, (_, data) in zip(attachments, attached, strict=True)
        }
        first = 0
        for job, pages, personal, label, findings in zip(jobs, own, alone, labels, found, strict=True):
            if personal is not None:
                printed = self._alone(personal, shared, attachments, files, findings)
            elif pages is None:  # longer than the stand-in's
                printed = self.print_whole(renderer, job)
            else:
                packet = self._cut(
                    written.data, label, list(range(first, first + len(pages))), personal_total, shared, attached
                )
                first += len(pages)
                printed = Printed(packet, shared.total, [], [], files, findings)
            # a batch's warnings are reported once, with its first packet
            yield (
                job,
                dataclasses.replace(
                    printed,
                    warnings=list(dict.fromkeys(notes + printed.warnings)),
                    stylesheet_warnings=sheet_warnings + printed.stylesheet_warnings,
                ),
            )
            notes, sheet_warnings = [], []

    def _alone(
        self,
        personal: Document,
        shared: SharedPart,
        attachments: tuple[Path, ...],
        files: Reads,
        findings: list[Finding],
    ) -> Printed:
        """A packet written on its own: the person's pages, then the shared ones as laid out once.

        It takes the person's own metadata (their document's title, subject and language); its
        fonts are subset for it alone. Still fast: nothing is laid out again.
        """
        pages = own_pages(personal, shared.personal_pages)
        assert pages is not None
        written = self.printer.write(personal.copy(pages + shared.pages), attachments=attachments)
        missing = inspect([], shared.total, Expect(), written.missing)  # the glyph finding, as a whole packet has it
        return Printed(
            written.data, shared.total, written.warnings, [], files, sorted([*findings, *missing], key=_page)
        )

    def _findings(self, job: PacketJob, pages: list | None, shared: SharedPart) -> list[Finding]:
        """Preflight's findings on a packet cut from parts: the person's own pages, then the shared ones."""
        if pages is None:
            return []  # printed whole, and inspected then
        own = inspect(list(enumerate(pages, 1)), shared.total, expect_for(self.project, job))
        return sorted([*own, *shared.findings], key=_page)

    def _write(self, own: list[list | None], shared: SharedPart) -> Written:
        """One tagged PDF of everyone's own pages, then the shared pages: fonts are subset once for all.

        It takes the stand-in's metadata, so that no one's details reach the others' packets; only
        people whose pages print no character the shared pages lack are in it (see :func:`characters`).
        """
        pages = [page for person in own if person for page in person]
        if not pages:
            return Written(b"", [], frozenset())
        return self.printer.write(shared.document.copy(pages + shared.pages))

    def print_whole(self, renderer: Renderer, job: PacketJob) -> Printed:
        """The simple path: lay out the whole packet for this person, as any document is printed."""
        return print_to_fit(renderer, self.printer, self.project, job)

    def _cut(
        self,
        batch: bytes,
        labels: dict[str, str],
        own: list[int],
        personal_total: int,
        shared: SharedPart,
        attached: list[tuple[str, bytes]],
    ) -> bytes:
        """One person's packet out of the batch PDF: their pages, then the shared ones, and the recipe's attachments."""
        common = list(range(personal_total, personal_total + len(shared.pages)))
        return cut(batch, own + common, labels, attached)

    def _sheets(self, job: PacketJob) -> tuple[list, list[str]]:
        return self.printer.sheets_for(list(job.stylesheets), self.project.style_dirs(job.brand), job.layout, job.brand)

    def _shared_part(self, renderer: Renderer, job: PacketJob) -> SharedPart:
        """The stand-in's whole packet, laid out in the first layout that keeps it within ``max_pages``."""
        sheets, _ = self._sheets(job)

        def lay_out(fit: int) -> SharedPart:
            whole, warnings, fetched = self.printer.render(renderer.stand_in(job, fit), sheets)
            start = anchor_page(whole, SHARED_START)
            return SharedPart(whole, start if start is not None else len(whole.pages), warnings, fetched, fit)

        part = within_limit(job, lay_out, lambda part: part.total)
        pages = list(enumerate(part.pages, part.personal_pages + 1))
        return dataclasses.replace(
            part,
            findings=tuple(inspect(pages, part.total, expect_for(self.project, job))),
            characters=characters(part.document.pages),
        )


LATIN = frozenset(chr(code) for code in (*range(0x20, 0x250), *range(0x2000, 0x2070)))
"""Latin letters with their accents (Latin-1 Supplement, Extended-A and -B) and punctuation."""


def may_share_fonts(printed: frozenset[str], shared: frozenset[str]) -> bool:
    """Whether a person's pages may be written in a batch, whose fonts are subset for everyone in it.

    Yes when they print nothing but what the shared pages print and Latin letters: that a
    batch-mate's name holds an "á" or a "ł" tells no one anything. A name in Chinese, Arabic,
    Cyrillic or any other script would put its glyphs into everyone's font subsets (and grow
    every packet by its fonts), so its packet is written alone, from the same shared pages.
    """
    return printed <= shared | LATIN


def _page(finding: Finding) -> int:
    return finding.page or 0


def _labels(personal: Document) -> dict[str, str]:
    """A packet's title and subject, as its own pages' template wrote them (see PacketJob)."""
    meta = personal.metadata
    return {key: value for key, value in (("/Title", meta.title), ("/Subject", meta.description)) if value}
