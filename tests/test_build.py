"""The default ladder, built end to end, checked on the real PDFs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from ladderpress.load import load_project
from tests.conftest import ROOT, outline, page_texts, text

LEVELS = {
    "apm": "Associate Product Manager",
    "pm": "Product Manager",
    "senior-pm": "Senior Product Manager",
    "principal-pm": "Staff / Principal Product Manager",
    "group-pm": "Group Product Manager",
    "director": "Director of Product",
    "vp": "VP of Product",
    "cpo": "Chief Product Officer",
}
HANDBOOK_CHAPTERS = [
    "Contents",
    "Introduction",
    "The ladder at a glance",
    "Levels compared",
    "The tracks compared",
    *LEVELS.values(),
    "Competencies",
    "Time at each level",
    "Specialisations",
    "Ways in",
    "Lateral moves",
    "Skills for the years ahead",
    "Questions people ask",
]


def test_default_content_has_the_required_levels_and_tracks() -> None:
    ladder = load_project(ROOT).ladder
    assert [lv.id for lv in ladder.ranked_levels()] == list(LEVELS)
    assert [t.id for t in ladder.tracks] == ["ic", "manager"]
    assert [lv.id for lv in ladder.shared_levels()] == ["apm", "pm", "senior-pm"]
    assert ladder.level("principal-pm").rank == ladder.level("group-pm").rank
    assert len(ladder.specialisations) == 6
    assert 5 <= len(ladder.all_competencies()) <= 7


def test_handbook_contains_every_level_title(built: Path) -> None:
    content = text(built / "handbook.pdf")
    for title in LEVELS.values():
        assert title in content


def test_handbook_outline_lists_every_chapter_in_order(built: Path) -> None:
    titles = [title for title, _, _ in outline(PdfReader(built / "handbook.pdf"))]
    assert titles == HANDBOOK_CHAPTERS


def test_track_handbooks_hold_only_their_track(built: Path) -> None:
    ic = [title for title, _, _ in outline(PdfReader(built / "ic-track.pdf"))]
    manager = [title for title, _, _ in outline(PdfReader(built / "manager-track.pdf"))]
    assert "Staff / Principal Product Manager" in ic and "Group Product Manager" not in ic
    assert "Group Product Manager" in manager and "Staff / Principal Product Manager" not in manager
    assert "Chief Product Officer" in manager and "Chief Product Officer" not in ic
    for shared in ("Associate Product Manager", "Product Manager", "Senior Product Manager"):
        assert shared in ic and shared in manager


def test_table_of_contents_page_numbers_match_chapter_starts(built: Path) -> None:
    reader = PdfReader(built / "handbook.pdf")
    pages = page_texts(built / "handbook.pdf")
    toc = pages[1]
    listed = {}
    for line in toc.splitlines():
        match = re.fullmatch(r"(?:[A-Z]+\d+\s+)?(.+?)\s+(\d+)", line.strip())
        if match:
            listed[match[1]] = int(match[2])
    starts = {title: page for title, page, _ in outline(reader)}
    for chapter in HANDBOOK_CHAPTERS[1:]:
        assert listed[chapter] == starts[chapter], chapter
        # and the chapter's heading really is on that page
        assert chapter in pages[starts[chapter] - 1]


def test_page_numbers_and_running_header(built: Path) -> None:
    reader = PdfReader(built / "handbook.pdf")
    pages = page_texts(built / "handbook.pdf")
    total = len(reader.pages)
    assert total >= 15
    start = {t: p for t, p, _ in outline(reader)}["Associate Product Manager"]
    page = pages[start - 1]
    assert f"{start} / {total}" in page
    # the running head names the chapter a page starts in: the level's first page if it opens at the
    # top, else the next one, which starts inside it
    running_head = "Associate Product Manager Northwind Labs"  # the head's two boxes, read as one line
    assert any(running_head in " ".join(p.split()) for p in pages[start - 1 : start + 1])
    assert f"1 / {total}" not in pages[0]  # no furniture on the cover


def test_metadata_title_author_subject_language(built: Path) -> None:
    reader = PdfReader(built / "handbook.pdf")
    assert reader.metadata.title == "Product Management Career Handbook"
    assert reader.metadata.author == "Northwind Labs"
    assert reader.metadata.subject
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"
    one = PdfReader(built / "one-pagers" / "pm.pdf")
    assert one.metadata.title == "Product Manager — Level One-Pager"


@pytest.mark.parametrize("level_id", list(LEVELS))
def test_every_one_pager_is_one_a4_page(built: Path, level_id: str) -> None:
    reader = PdfReader(built / "one-pagers" / f"{level_id}.pdf")
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width) * 25.4 / 72), round(float(box.height) * 25.4 / 72)) == (210, 297)
    content = " ".join(page_texts(built / "one-pagers" / f"{level_id}.pdf")[0].split())
    assert LEVELS[level_id] in content
    for heading in ("What you do", "What is expected", "Next step"):
        assert heading.upper() in content.upper()


def test_level_guides_show_the_level_and_where_it_leads(built: Path) -> None:
    guides = sorted(p.stem for p in (built / "levels").glob("*.pdf"))
    assert guides == sorted(LEVELS)
    senior = text(built / "levels" / "senior-pm.pdf")
    assert "Senior Product Manager" in senior
    assert "Staff / Principal Product Manager" in senior and "Group Product Manager" in senior
    assert "Competencies expected" in senior
    cpo = text(built / "levels" / "cpo.pdf")
    assert "top of this ladder" in cpo


def test_competency_matrices_have_every_level_of_their_track(built: Path) -> None:
    reader = PdfReader(built / "handbook.pdf")
    start = {t: p for t, p, _ in outline(reader)}["Competencies"]
    ic, manager = page_texts(built / "handbook.pdf")[start - 1 : start + 1]
    assert "Individual contributor" in ic and "People manager" in manager
    for short in ("APM", "Senior PM", "Principal PM"):
        assert short in ic
    for short in ("APM", "Senior PM", "Group PM", "CPO"):
        assert short in manager
    assert "Principal PM" not in manager.split("People manager", 1)[1]
    assert "Data literacy" in ic and "Data literacy" in manager


def test_markdown_fields_are_rendered_not_echoed(built: Path) -> None:
    content = text(built / "handbook.pdf")
    assert "**" not in content and "](" not in content


# --------------------------------------------------------------------------- the second edition, as printed


def test_the_default_ladder_uses_bands_and_a_transfer_and_prints_them(built: Path) -> None:
    ladder = load_project(ROOT).ladder
    assert [lv.id for lv in ladder.equivalents(ladder.level("principal-pm"))] == ["group-pm"]
    assert [(m.to, m.kind) for m in ladder.moves_from(ladder.level("principal-pm"))] == [
        ("group-pm", "transfer"),
        ("director", "promotion"),
    ]
    reader = PdfReader(built / "handbook.pdf")
    starts = {title: page for title, page, _ in outline(reader)}
    pages = page_texts(built / "handbook.pdf")
    compared = " ".join(pages[starts["Levels compared"] - 1].split())
    band_4 = compared[compared.index("Band 4") : compared.index("Band 3")]  # most senior first
    assert "Staff / Principal Product Manager" in band_4 and "Group Product Manager" in band_4
    # chapters flow: the Principal's runs on to the page where the Group PM's opens
    chapter = pages[starts["Staff / Principal Product Manager"] - 1 : starts["Group Product Manager"]]
    principal = " ".join(" ".join(chapter).split()).casefold()  # labels are set in capitals by CSS
    assert "other moves" in principal and "transfer, same band" in principal
    assert "band 4" in principal and "same band as" in principal
    guide = " ".join(text(built / "levels/principal-pm.pdf").split()).casefold()
    assert "transfer, same band" in guide and "group product manager" in guide
    senior = " ".join(text(built / "levels/senior-pm.pdf").split()).casefold()
    assert "move out" in senior and "product operations" in senior  # a move to a role outside the ladder
    assert "or across group product manager" in " ".join(text(built / "one-pagers/principal-pm.pdf").split()).casefold()


def test_reports_to_by_level_ids_prints_their_titles(built: Path) -> None:
    assert "Group Product Manager or Director of Product" in " ".join(text(built / "one-pagers/pm.pdf").split())


def test_no_document_prints_a_missing_value(built: Path) -> None:
    for pdf in sorted(built.rglob("*.pdf")):
        content = text(pdf)
        assert not re.search(r"\bNone\b|Not stated|\{organisation\}", content), pdf.name
