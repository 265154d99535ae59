"""The pure parts of packet printing: which pages are a person's own, which characters pages print,
and the page limit every document and packet is held to. Fake documents and layouts only: nothing
here is laid out by WeasyPrint."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace
from typing import Any

import pytest
from weasyprint import HTML

from ladderpress.load import load_project
from ladderpress.packets import SharedPart, _labels, anchor_page, characters, own_pages
from ladderpress.pdf import DocumentFailed, within_limit
from ladderpress.plan import FIT_STEPS, SHARED_START, DocumentJob, Job, PacketJob, plan
from ladderpress.request import BuildRequest
from tests.conftest import ROOT


def document(*anchors: tuple[str, ...]) -> Any:
    """A fake laid-out document: one page per tuple, each holding those anchors."""
    return SimpleNamespace(pages=[SimpleNamespace(anchors=dict.fromkeys(names, (0, 0))) for names in anchors])


@pytest.fixture(scope="module")
def jobs() -> list[Job]:
    return plan(load_project(ROOT), BuildRequest()).jobs


def packet_for(jobs: list[Job], name: str) -> PacketJob:
    return next(job for job in jobs if isinstance(job, PacketJob) and job.person.person.name == name)


def limited(job: Job, max_pages: int | None) -> Job:
    return dataclasses.replace(job, recipe=job.recipe.model_copy(update={"max_pages": max_pages}))


class Layouts:
    """A fake ``lay_out``: layout ``fit`` has ``counts[fit]`` pages; it records each call."""

    def __init__(self, *counts: int) -> None:
        self.counts = counts
        self.asked: list[int] = []

    def __call__(self, fit: int) -> tuple[int, int]:
        self.asked.append(fit)
        return (fit, self.counts[fit])


def pages(laid: tuple[int, int]) -> int:
    return laid[1]


# --------------------------------------------------------------------------- anchors and own pages


def test_anchor_page_is_the_first_page_holding_the_anchor() -> None:
    doc = document(("cover",), ("welcome",), (SHARED_START, "contents"), (SHARED_START,))
    assert anchor_page(doc, SHARED_START) == 2
    assert anchor_page(doc, "cover") == 0
    assert anchor_page(doc, "nowhere") is None
    assert anchor_page(document(), SHARED_START) is None


def test_own_pages_end_where_the_shared_pages_begin() -> None:
    doc = document(("person-1",), ("letter",), (SHARED_START,), ("faq",))
    own = own_pages(doc, 2)
    assert own == doc.pages[:2]
    assert own is not None and own[0] is doc.pages[0]  # the pages themselves, not copies


def test_own_pages_are_all_pages_without_the_anchor() -> None:
    doc = document(("person-1",), ("letter",), ())
    assert own_pages(doc, 3) == doc.pages


@pytest.mark.parametrize(
    ("anchors", "expected"),
    [
        ([("a",), ("b",), ("c",), (SHARED_START,)], 2),  # one page longer than the stand-in's
        ([("a",), (SHARED_START,)], 2),  # one page shorter
        ([("a",), ("b",), ("c",)], 2),  # no anchor: every page counts
        ([], 1),
    ],
)
def test_own_pages_of_another_length_than_the_stand_ins_are_none(anchors: list[tuple[str, ...]], expected: int) -> None:
    assert own_pages(document(*anchors), expected) is None


def test_a_person_with_no_own_pages_has_an_empty_list_not_none() -> None:
    doc = document((SHARED_START,), ("faq",))
    assert own_pages(doc, 0) == []
    assert own_pages(doc, 1) is None


def test_a_shared_part_keeps_the_pages_after_the_personal_ones() -> None:
    whole = document(("cover",), ("letter",), (SHARED_START,), ("faq",), ("checklist",))
    part = SharedPart(whole, 2, [], {})
    assert part.total == 5
    assert part.pages == whole.pages[2:]
    assert SharedPart(whole, 5, [], {}).pages == []


def test_labels_are_the_title_and_subject_the_template_wrote() -> None:
    personal = SimpleNamespace(metadata=SimpleNamespace(title="Léa Dubois — Welcome", description="For Léa"))
    assert _labels(personal) == {"/Title": "Léa Dubois — Welcome", "/Subject": "For Léa"}
    untitled = SimpleNamespace(metadata=SimpleNamespace(title=None, description=""))
    assert _labels(untitled) == {}


# --------------------------------------------------------------------------- characters


def test_characters_are_what_the_pages_print_as_laid_out() -> None:
    html = """<style>@page { @top-center { content: "Qz" } } .up { text-transform: uppercase }</style>
    <p class="up">léa</p><p>李小龙 · محمد</p>"""
    printed = characters(HTML(string=html).render().pages)
    assert printed == frozenset("LÉA李小龙·محمدQz")  # transformed, running heads included, no spaces


def test_characters_of_no_pages_are_none() -> None:
    assert characters([]) == frozenset()


# --------------------------------------------------------------------------- within_limit


def one_pager(jobs: list[Job], level: str = "pm") -> Job:
    return next(job for job in jobs if job.recipe_name == "one-pagers" and job.focus and job.focus.id == level)


def test_the_normal_layout_is_kept_when_it_fits(jobs: list[Job]) -> None:
    lay_out = Layouts(1, 1, 1)
    assert within_limit(one_pager(jobs), lay_out, pages) == (0, 1)
    assert lay_out.asked == [0]


def test_the_first_layout_that_fits_is_returned(jobs: list[Job]) -> None:
    job = limited(one_pager(jobs), 3)
    lay_out = Layouts(5, 3, 2)
    assert within_limit(job, lay_out, pages) == (1, 3)  # the first within the limit, not the shortest
    assert lay_out.asked == [0, 1]
    lay_out = Layouts(5, 4, 2)
    assert within_limit(job, lay_out, pages) == (2, 2)
    assert lay_out.asked == [0, 1, 2]


def test_a_document_with_no_limit_is_laid_out_once(jobs: list[Job]) -> None:
    handbook = next(job for job in jobs if job.recipe_name == "handbook")
    assert handbook.recipe.max_pages is None
    lay_out = Layouts(500, 1, 1)
    assert within_limit(handbook, lay_out, pages) == (0, 500)
    assert lay_out.asked == [0]
    packet = packet_for(jobs, "Léa Dubois")
    assert packet.recipe.max_pages is None
    lay_out = Layouts(40, 1, 1)
    assert within_limit(packet, lay_out, pages) == (0, 40)
    assert lay_out.asked == [0]


def test_a_level_document_too_long_in_every_layout_fails_naming_pages_and_limit(jobs: list[Job]) -> None:
    lay_out = Layouts(4, 3, 2)
    with pytest.raises(DocumentFailed) as caught:
        within_limit(one_pager(jobs, "senior-pm"), lay_out, pages)
    assert lay_out.asked == list(range(FIT_STEPS)) == [0, 1, 2]  # never more than FIT_STEPS layouts
    assert str(caught.value) == (
        "level 'senior-pm' needs 2 pages even in the tightest layout, but recipe 'one-pagers' allows 1; "
        "shorten its duties, scope or promotion signals"
    )


def test_a_whole_document_too_long_fails_naming_its_recipe(jobs: list[Job]) -> None:
    handbook = limited(next(job for job in jobs if job.recipe_name == "handbook"), 20)
    assert isinstance(handbook, DocumentJob)
    with pytest.raises(DocumentFailed) as caught:
        within_limit(handbook, Layouts(30, 25, 21), pages)
    assert str(caught.value).startswith(
        "recipe 'handbook' needs 21 pages even in the tightest layout, but recipe 'handbook' allows 20;"
    )


def test_a_packet_too_long_fails_with_a_packet_message_and_no_ones_name(jobs: list[Job]) -> None:
    packet = limited(packet_for(jobs, "Léa Dubois"), 8)
    lay_out = Layouts(12, 11, 10)
    with pytest.raises(DocumentFailed) as caught:
        within_limit(packet, lay_out, pages)
    assert lay_out.asked == [0, 1, 2]
    message = str(caught.value)
    assert message == (
        "a packet for level 'senior-pm' needs 10 pages even in the tightest layout, but recipe 'onboarding' "
        "allows 8; raise max_pages, or name fewer sections, in guides/onboarding.yaml"
    )
    assert "Léa" not in message and "Dubois" not in message


def test_the_page_count_is_taken_from_what_was_laid_out(jobs: list[Job]) -> None:
    laid: list[object] = []

    def lay_out(fit: int) -> object:
        laid.append(object())
        return laid[-1]

    def count(thing: object) -> int:
        return 9 if thing is laid[0] else 1

    assert within_limit(one_pager(jobs), lay_out, count) is laid[1]
    assert len(laid) == 2
