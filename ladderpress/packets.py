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
people then costs one PDF in which WeasyPrint draws the shared pages once and subsets the
fonts once, with the stand-in's metadata (no one's details). pypdf cuts that PDF into one
packet per person: each person's pages followed by the shared pages, with their contents
links, bookmarks and page numbers as in a packet printed whole.

A person whose pages come out longer than the stand-in's, or whose details hold a
character that no font has, is printed whole instead, as are all packets of a PDF/A or
PDF/UA build (a tagged structure cannot be cut into parts).
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass

from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, TextStringObject
from weasyprint.document import Document, Page

from ladderpress.findings import Finding
from ladderpress.load import Project
from ladderpress.pdf import Printed, Printer, Reads, Written, expect_for, print_to_fit, within_limit
from ladderpress.plan import SHARED_START, PacketJob, attachment_paths, even_parts
from ladderpress.preflight import inspect
from ladderpress.render import Renderer

MAX_BATCH = 80
"""Most people whose personal pages are laid out and written together: a batch's pages are
held in memory until it is cut into packets, and each batch draws the shared pages once."""
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


def details(job: PacketJob) -> set[str]:
    """Every character of the person's own details."""
    return set("".join(str(value) for value in job.person.person.model_dump().values() if value))


class PacketPrinter:
    """Prints packets, keeping one shared part per combination (never anyone's personal data)."""

    def __init__(self, printer: Printer, project: Project) -> None:
        self.printer = printer
        self.project = project
        self._shared: dict[tuple[object, ...], SharedPart] = {}

    def print_run(self, renderer: Renderer, jobs: list[PacketJob]) -> Iterator[tuple[PacketJob, Printed]]:
        """Packets for people who share a combination, in the order given, in even batches."""
        if self.printer.variant is not None:  # standards need the whole tagged structure
            for job in jobs:
                yield job, self.print_whole(renderer, job)
            return
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
        labels: list[dict[str, str]] = []
        found: list[list[Finding]] = []
        more: list[str] = []
        fetched: Reads = {}
        for job in jobs:  # each from their own data: a template sees one person at a time
            personal, warnings, served = self.printer.render(renderer.render_person(job, shared.fit), sheets)
            own.append(own_pages(personal, shared.personal_pages))
            found.append(self._findings(job, own[-1], shared))
            labels.append(_labels(personal))
            more += warnings
            fetched |= served
        written = self._write(own, shared)
        # a character that no font has makes WeasyPrint write its own font encoding, for everyone in
        # the batch (and pypdf then cannot read their text): such people are printed apart, whole
        apart = {i for i, pages in enumerate(own) if pages and written.missing and written.missing & details(jobs[i])}
        if apart:
            own = [None if i in apart else pages for i, pages in enumerate(own)]
            written = self._write(own, shared)
        notes += list(dict.fromkeys(more)) + written.warnings
        reader = PdfReader(io.BytesIO(written.data)) if written.data else None
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
        for job, pages, label, findings in zip(jobs, own, labels, found, strict=True):
            if pages is None:  # longer than the stand-in's, or printed apart
                printed = self.print_whole(renderer, job)
            else:
                assert reader is not None
                packet = self._cut(
                    reader, label, list(range(first, first + len(pages))), personal_total, shared, attached
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

    def _findings(self, job: PacketJob, pages: list | None, shared: SharedPart) -> list[Finding]:
        """Preflight's findings on a packet cut from parts: the person's own pages, then the shared ones."""
        if pages is None:
            return []  # printed whole, and inspected then
        own = inspect(list(enumerate(pages, 1)), shared.total, expect_for(self.project, job))
        return sorted([*own, *shared.findings], key=lambda finding: finding.page or 0)

    def _write(self, own: list[list | None], shared: SharedPart) -> Written:
        """One PDF of everyone's own pages, then the shared pages: fonts are subset once for all.

        It takes the stand-in's metadata, so that no one's details reach the others' packets.
        """
        pages = [page for person in own if person for page in person]
        if not pages:
            return Written(b"", [], frozenset())
        return self.printer.write(shared.document.copy(pages + shared.pages), tags=False)

    def print_whole(self, renderer: Renderer, job: PacketJob) -> Printed:
        """The simple path: lay out the whole packet for this person, as any document is printed."""
        return print_to_fit(renderer, self.printer, self.project, job)

    def _cut(
        self,
        reader: PdfReader,
        labels: dict[str, str],
        own: list[int],
        personal_total: int,
        shared: SharedPart,
        attached: list[tuple[str, bytes]],
    ) -> bytes:
        """One person's packet out of the batch PDF: their pages, then the shared ones, and the recipe's attachments."""
        common = list(range(personal_total, personal_total + len(shared.pages)))
        writer = PdfWriter()
        writer.append(reader, pages=own + common)
        for name, data in attached:
            writer.add_attachment(name, data)
        meta: dict[str, object] = dict(reader.metadata or {})
        writer.add_metadata({**{k: v for k, v in meta.items() if k != "/Title"}, **labels})
        lang = reader.root_object.get("/Lang")
        if lang is not None:
            writer._root_object[NameObject("/Lang")] = TextStringObject(str(lang))
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()

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
        return dataclasses.replace(part, findings=tuple(inspect(pages, part.total, expect_for(self.project, job))))


def _labels(personal: Document) -> dict[str, str]:
    """A packet's title and subject, as its own pages' template wrote them (see PacketJob)."""
    meta = personal.metadata
    return {key: value for key, value in (("/Title", meta.title), ("/Subject", meta.description)) if value}
