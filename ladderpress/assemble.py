"""Onboarding packets, fast: shared pages laid out and drawn once, personal pages per person.

Most of a packet is the same for everyone at the same level, track and brand. For each
such combination the packet is laid out once for a stand-in person, and the pages after
its personal ones are kept. A batch of people then costs one layout of all their personal
pages (cover and welcome letter, printed knowing the packet's page count) and one PDF in
which WeasyPrint draws the shared pages once and subsets the fonts once. pypdf cuts that
PDF into one packet per person: each person's pages followed by the shared pages, with
their contents links, bookmarks and page numbers as in a packet printed whole.

A person whose pages come out longer than the stand-in's is printed whole instead, as are
all packets of a PDF/A or PDF/UA build (a tagged structure cannot be cut into parts).
"""

from __future__ import annotations

import dataclasses
import datetime
import io
from collections.abc import Iterator
from dataclasses import dataclass

from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, TextStringObject
from weasyprint.document import Document

from ladderpress.load import Project
from ladderpress.model import Person
from ladderpress.pdf import Printed, Printer
from ladderpress.plan import Job
from ladderpress.render import Renderer
from ladderpress.roster import Entry

SHARED_START = "shared-start"
"""The anchor the packet template puts where the shared pages begin."""


@dataclass(frozen=True)
class SharedPart:
    document: Document
    """The whole packet, laid out for the stand-in."""
    personal_pages: int
    """How many of its first pages are personal (and are replaced for each person)."""
    warnings: list[str]

    @property
    def total(self) -> int:
        return len(self.document.pages)

    @property
    def pages(self) -> list:
        return self.document.pages[self.personal_pages:]


def stand_in(job: Job) -> Job:
    """The job for a neutral person at the same level: its shared pages are everyone's."""
    assert job.person is not None and job.focus is not None
    person = Person(name="New Colleague", level=job.focus.id, team="Your team", manager="Your manager",
                    buddy="Your buddy", start_date=datetime.date(2000, 1, 3),
                    track=job.track.id if job.track else None, language=job.person.person.language)
    return dataclasses.replace(job, person=Entry(person, 0, "stand-in"))


def combination(job: Job) -> tuple[object, ...]:
    """What the shared pages depend on: recipe, level, track, brand, layout and language."""
    assert job.person is not None and job.focus is not None
    return (job.recipe_name, job.focus.id, job.track.id if job.track else None,
            job.brand.folder if job.brand else None, job.layout, job.person.person.language)


def anchor_page(document: Document, name: str) -> int | None:
    """Index of the page holding the anchor ``name``."""
    return next((i for i, page in enumerate(document.pages) if name in page.anchors), None)


class PacketPrinter:
    """Prints packets, keeping one shared part per combination (never anyone's personal data)."""

    def __init__(self, printer: Printer, project: Project) -> None:
        self.printer = printer
        self.project = project
        self._shared: dict[tuple[object, ...], SharedPart] = {}
        self.printed_whole = 0

    def print_batch(self, renderer: Renderer, jobs: list[Job]) -> Iterator[tuple[Job, Printed]]:
        """Packets for people who share a combination, in the order given."""
        if self.printer.variant is not None:  # standards need the whole tagged structure
            for job in jobs:
                yield job, self.print_whole(renderer, job)
            return
        key = combination(jobs[0])
        assert all(combination(job) == key for job in jobs)
        sheets, sheet_warnings = self._sheets(jobs[0])
        warnings: list[str] = []
        if key not in self._shared:
            self._shared[key] = self._shared_part(renderer, jobs[0])
            warnings = self._shared[key].warnings  # reported once, with the first packet
        shared = self._shared[key]
        html = renderer.render_people(jobs, total_pages=shared.total)
        personal, more = self.printer.render(html, sheets)
        starts = [anchor_page(personal, f"person-{i}") for i in range(len(jobs))] + [len(personal.pages)]
        fits = [starts[i] is not None and starts[i + 1] is not None and starts[i + 1] - starts[i] ==
                shared.personal_pages for i in range(len(jobs))]
        pages = [page for i in range(len(jobs)) if fits[i] for page in personal.pages[starts[i]:starts[i + 1]]]
        batch = personal.copy(pages + shared.pages) if pages else None
        data, written = self.printer.write(batch, tags=False) if batch else (b"", [])
        reader = PdfReader(io.BytesIO(data)) if batch else None
        cut = 0
        for i, job in enumerate(jobs):
            if not fits[i]:
                self.printed_whole += 1
                yield job, self.print_whole(renderer, job)
                continue
            assert reader is not None
            packet = self._cut(reader, job, cut, len(pages), shared)
            cut += shared.personal_pages
            notes = list(dict.fromkeys(warnings + more + written)) if i == 0 else []
            files = self.printer.files_read(list(job.stylesheets), self.project.style_dirs(job.brand), job.brand)
            yield job, Printed(packet, shared.total, notes, sheet_warnings if i == 0 else [], files)

    def print_whole(self, renderer: Renderer, job: Job) -> Printed:
        """The simple path: lay out the whole packet for this person."""
        return self.printer.print(renderer.render(job), list(job.stylesheets), self.project.style_dirs(job.brand),
                                  job.layout, job.brand)

    def _cut(self, reader: PdfReader, job: Job, first: int, personal_total: int, shared: SharedPart) -> bytes:
        """One person's packet out of the batch PDF: their pages, then the shared ones."""
        own = list(range(first, first + shared.personal_pages))
        common = list(range(personal_total, personal_total + len(shared.pages)))
        writer = PdfWriter()
        writer.append(reader, pages=own + common)
        assert job.person is not None and job.focus is not None
        meta = reader.metadata or {}
        writer.add_metadata({**{k: v for k, v in meta.items() if k != "/Title"},
                             "/Title": f"{job.person.person.name} — {job.recipe.title}",
                             "/Subject": f"Onboarding packet for {job.person.person.name}, {job.focus.title}"})
        lang = reader.trailer["/Root"].get("/Lang")
        if lang is not None:
            writer._root_object[NameObject("/Lang")] = TextStringObject(str(lang))
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()

    def _sheets(self, job: Job) -> tuple[list, list[str]]:
        return self.printer.sheets_for(list(job.stylesheets), self.project.style_dirs(job.brand), job.layout,
                                       job.brand)

    def _shared_part(self, renderer: Renderer, job: Job) -> SharedPart:
        sheets, _ = self._sheets(job)
        whole, warnings = self.printer.render(renderer.render(stand_in(job)), sheets)
        start = anchor_page(whole, SHARED_START)
        return SharedPart(whole, start if start is not None else len(whole.pages), warnings)
