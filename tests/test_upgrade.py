"""The content model's first edition: it still builds (upgraded in memory, one warning), and
``ladderpress upgrade`` rewrites its files in the second edition, comments kept, into the same PDFs.

tests/fixtures/first-edition/ is the default project's content/ and guides/ as they were before
the second edition (commit 554a2b8), kept as they were: never upgrade it in place.
"""

from __future__ import annotations

import contextlib
import difflib
import io
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import ladderpress
from ladderpress.cli import main
from ladderpress.events import Event
from ladderpress.upgrade import upgrade_ladder
from tests.conftest import FIXTURES, ROOT, page_texts, text

FIRST_EDITION = FIXTURES / "first-edition"
EPOCH = "1767225600"  # the PDFs' date fixed, so that the two editions' PDFs can be compared byte for byte
BRAND = ROOT / "brands" / "acme"
CHEAP = {"recipes": ["one-pagers", "level-guides"], "levels": ["pm"]}
"""Two short documents about one level (a book takes ten times as long)."""
DOCUMENTS = ("one-pagers/pm.pdf", "levels/pm.pdf")


def copy_of_first_edition(dest: Path) -> Path:
    shutil.copytree(FIRST_EDITION, dest)
    return dest


def build(project: Path, out: str = "out", **options: object) -> list[Event]:
    events = list(ladderpress.build(project, out=project / out, workers=1, source_date_epoch=EPOCH, **options))
    finished = events[-1]
    assert isinstance(finished, ladderpress.Finished) and finished.result.ok, events
    return events


def warnings(events: list[Event]) -> list[str]:
    return [event.text for event in events if isinstance(event, ladderpress.Warned)]


def upgrade(project: Path) -> tuple[int, str, str]:
    """``ladderpress upgrade --project PROJECT`` through the command line's entry: exit code, output, errors."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["upgrade", "--project", str(project)])
    return code, out.getvalue(), err.getvalue()


def files_of(project: Path) -> dict[str, bytes]:
    return {
        path.relative_to(project).as_posix(): path.read_bytes()
        for folder in ("content", "guides")
        for path in sorted((project / folder).rglob("*.yaml"))
    }


@dataclass
class Editions:
    before: Path
    after: Path
    before_events: list[Event]
    after_events: list[Event]
    said: str


@pytest.fixture(scope="module")
def editions(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Editions]:
    """The fixture built as it is, then upgraded by the command line and built again, the same way."""
    before = copy_of_first_edition(tmp_path_factory.mktemp("editions") / "before")
    after = copy_of_first_edition(before.parent / "after")
    before_events = build(before, **CHEAP)  # type: ignore[arg-type]
    code, said, err = upgrade(after)
    assert (code, err) == (0, "")
    after_events = build(after, **CHEAP)  # type: ignore[arg-type]
    yield Editions(before, after, before_events, after_events, said)


def test_a_first_edition_project_builds_with_one_warning_naming_upgrade(editions: Editions) -> None:
    (warning,) = warnings(editions.before_events)
    assert warning.startswith("content/ladder.yaml: written for the first edition")
    assert "run 'ladderpress upgrade'" in warning
    assert "format" not in (FIRST_EDITION / "content/ladder.yaml").read_text(encoding="utf-8")  # never upgraded


def test_upgrade_writes_the_second_edition_and_keeps_comments(editions: Editions) -> None:
    assert editions.said.splitlines() == [
        "content/ladder.yaml: format: 2 (the second edition of the content model)",
        "made 7 bands from the levels' ranks, and gave each level its band",
        "wrote {organisation} for 'Northwind Labs' in 1 place",
        "wrote {organisation} for 'Northwind Labs' in guides/onboarding.yaml (1 place)",
        "rewrote 10 files (content/ladder.yaml, content/levels/apm.yaml, content/levels/cpo.yaml, "
        "content/levels/director.yaml, content/levels/group-pm.yaml, content/levels/pm.yaml, "
        "content/levels/principal-pm.yaml, content/levels/senior-pm.yaml, content/levels/vp.yaml, "
        "guides/onboarding.yaml); comments and key order were kept",
    ]
    ladder = (editions.after / "content/ladder.yaml").read_text(encoding="utf-8").splitlines()
    assert ladder[:2] == ["# yaml-language-server: $schema=../schemas/content.schema.json", "format: 2"]
    assert "bands:" in ladder and "  - id: band-4" in ladder
    assert "  At {organisation}, product managers work alongside engineering, design," in ladder
    pm = (editions.after / "content/levels/pm.yaml").read_text(encoding="utf-8")
    assert "\nband: band-2\n" in pm and "\nrank:" not in pm
    onboarding = (editions.after / "guides/onboarding.yaml").read_text(encoding="utf-8")
    assert "# then the pages everyone at the same level shares (printed once per level, then reused).\n" in onboarding
    assert "\ntitle: Welcome to {organisation}\n" in onboarding

    # every other line of every file is kept as it was, in its place: comments, order, quotes, block styles
    before, after = files_of(editions.before), files_of(editions.after)
    assert before.keys() == after.keys()
    assert not any(b"equivalents" in data for data in after.values())
    for name in before:
        old, new = before[name].decode().splitlines(), after[name].decode().splitlines()
        removed = [line[1:] for line in difflib.ndiff(old, new) if line.startswith("- ")]
        added = [line[1:] for line in difflib.ndiff(old, new) if line.startswith("+ ")]
        assert all(line.startswith((" rank:", " equivalents:")) or "Northwind Labs" in line for line in removed), name
        assert all(
            line.startswith((" band:", " format:", " bands:", "   - id: band-", "     name: Band", "     rank: "))
            or "{organisation}" in line
            for line in added
        ), name
    assert warnings(editions.after_events) == []


def test_a_second_upgrade_changes_nothing(editions: Editions, tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(editions.after, project, ignore=shutil.ignore_patterns("out"))
    written = files_of(project)
    assert upgrade(project) == (0, "already in the second edition; nothing to change\n", "")
    assert files_of(project) == written


def test_the_pdfs_are_the_same_before_and_after_the_upgrade(editions: Editions) -> None:
    for document in DOCUMENTS:
        before, after = editions.before / "out" / document, editions.after / "out" / document
        assert page_texts(before) == page_texts(after), document
        assert before.read_bytes() == after.read_bytes(), document  # same date, same input: the same file


INTRODUCTION_RECIPE = """\
title: The introduction at {organisation}
template: introduction.html
styles: [base.css]
output: introduction.pdf
"""
INTRODUCTION_TEMPLATE = """\
<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ recipe.title }}</title></head>
<body><h1>{{ company }}</h1><div class="prose">{{ ladder.introduction | md }}</div></body></html>
"""
"""The handbook's introduction alone, through the same view of the content (a book would take ten times as long)."""


def test_a_brands_name_replaces_the_organisations_before_and_after_the_upgrade(
    editions: Editions, tmp_path: Path
) -> None:
    texts = []
    for project in (editions.before, editions.after):
        copy = tmp_path / project.name
        shutil.copytree(project, copy, ignore=shutil.ignore_patterns("out"))
        (copy / "guides/introduction.yaml").write_text(INTRODUCTION_RECIPE, encoding="utf-8")
        (copy / "templates").mkdir()
        (copy / "templates/introduction.html").write_text(INTRODUCTION_TEMPLATE, encoding="utf-8")
        build(copy, recipes=["introduction"], brand=BRAND)
        printed = text(copy / "out/introduction.pdf")
        assert "At Acme Robotics, product managers work alongside engineering" in printed
        assert "Northwind" not in printed
        texts.append(page_texts(copy / "out/introduction.pdf"))
    assert texts[0] == texts[1]


def test_filler_facts_are_not_printed_and_upgrade_removes_them(tmp_path: Path) -> None:
    project = copy_of_first_edition(tmp_path / "project")
    pm = project / "content/levels/pm.yaml"
    source = pm.read_text(encoding="utf-8")
    source = source.replace("reports_to: A Group PM or Director of Product", "reports_to: Not stated")
    source = source.replace("time_at_level: 2–3 years", "time_at_level: n/a  # ask HR")
    pm.write_text(source, encoding="utf-8")

    build(project, recipes=["one-pagers"], levels=["pm"])
    printed = text(project / "out/one-pagers/pm.pdf")
    assert "EXPERIENCE" in printed
    assert "REPORTS TO" not in printed and "TIME AT LEVEL" not in printed
    assert "Not stated" not in printed and "n/a" not in printed

    code, said, _ = upgrade(project)
    assert code == 0
    assert "removed reports_to: 'Not stated' from 'pm' (an absent fact is not printed)" in said
    assert "removed time_at_level: 'n/a' from 'pm' (an absent fact is not printed)" in said
    upgraded = pm.read_text(encoding="utf-8")
    assert "reports_to" not in upgraded and "time_at_level" not in upgraded and "n/a" not in upgraded
    assert "experience: 2–4 years, not always in product\n" in upgraded

    assert warnings(build(project, out="again", recipes=["one-pagers"], levels=["pm"])) == []
    assert page_texts(project / "again/one-pagers/pm.pdf") == page_texts(project / "out/one-pagers/pm.pdf")


def test_a_project_with_problems_is_not_upgraded(tmp_path: Path) -> None:
    project = copy_of_first_edition(tmp_path / "project")
    (project / "content/faq.yaml").write_text(
        (project / "content/faq.yaml").read_text(encoding="utf-8") + "extra: [\n", encoding="utf-8"
    )
    vp = project / "content/levels/vp.yaml"
    vp.write_text(vp.read_text(encoding="utf-8").replace("\nscope:", "\nscoop:"), encoding="utf-8")
    written = files_of(project)
    code, said, err = upgrade(project)
    assert (code, said) == (1, "")
    lines = err.splitlines()
    assert lines[-1].endswith(" problems found; nothing was changed.")
    assert lines[0].startswith("error: content/faq.yaml:") and "YAML syntax error" in lines[0]
    assert any(line.startswith("error: content/levels/vp.yaml:") and "unknown field 'scoop'" in line for line in lines)
    assert all(line.startswith("error: ") for line in lines[:-1])
    assert "equivalents" not in err  # what the upgrade would remove is not a problem to fix first
    assert files_of(project) == written


def test_an_upgrade_that_cannot_replace_a_file_changes_none(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file that cannot be replaced (immutable, say) half-way through: the files replaced before it get
    their old text back, so the project is never left half in one edition and half in the other."""
    project = copy_of_first_edition(tmp_path / "project")
    written = files_of(project)
    real_replace = os.replace

    def replace(source: str | Path, target: str | Path) -> None:
        if Path(target).name == "pm.yaml":
            raise PermissionError(1, "Operation not permitted")
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace)
    code, said, err = upgrade(project)
    assert (code, said) == (1, "")
    assert err.splitlines() == [
        "error: content/levels/pm.yaml: cannot be rewritten (Operation not permitted) "
        "(fix: make the file and its folder writable, then run the upgrade again)",
        "1 problem found; nothing was changed.",
    ]
    assert files_of(project) == written
    assert not list(project.rglob(".*.tmp"))


def test_the_comments_on_lines_the_upgrade_changes_are_kept(tmp_path: Path) -> None:
    """A comment on the rank line goes with the band that replaces it; a whole-line comment after
    ``equivalents`` stays when that line goes."""
    project = copy_of_first_edition(tmp_path / "project")
    level = project / "content/levels/group-pm.yaml"
    level.write_text(
        level.read_text(encoding="utf-8")
        .replace("\nrank: 4\n", "\nrank: 4  # why four\n")
        .replace("equivalents: [principal-pm]\n", "equivalents: [principal-pm]  # gone with it\n# kept\n"),
        encoding="utf-8",
    )
    assert upgrade(project)[0] == 0
    lines = level.read_text(encoding="utf-8").splitlines()
    assert "band: band-4 # why four" in lines
    assert "# kept" in lines and lines[lines.index("# kept") - 1] == "leads_to: [director]"
    assert not [line for line in lines if "gone with it" in line or line.startswith(("rank:", "equivalents:"))]


def test_upgrade_outside_a_project_is_a_usage_error(tmp_path: Path) -> None:
    code, said, err = upgrade(tmp_path)
    assert (code, said) == (2, "")
    assert "is not a ladderpress project" in err


def test_upgrade_keeps_each_files_own_indentation_and_anchors(tmp_path: Path) -> None:
    project = copy_of_first_edition(tmp_path / "project")
    group = project / "content/levels/group-pm.yaml"
    # dashes under their key rather than indented, and an anchor no alias uses: both written back as they were
    source = group.read_text(encoding="utf-8").replace("\n  - ", "\n- ").replace("duties:\n", "duties: &duties\n")
    group.write_text(source, encoding="utf-8")
    assert upgrade(project)[0] == 0
    old, new = source.splitlines(), group.read_text(encoding="utf-8").splitlines()
    changes = [line for line in difflib.ndiff(old, new) if line[:2] in ("- ", "+ ")]
    assert changes == ["- rank: 4", "+ band: band-4", "- equivalents: [principal-pm]"]


@pytest.mark.parametrize(
    "equivalents, rank",
    [(5, 1), ([[1]], 1), ({"b": 1}, 1), (["b"], [1]), (["b"], "x"), ("b", 1.5)],
)
def test_the_upgrade_in_memory_leaves_values_of_the_wrong_kind_to_the_model(equivalents: object, rank: object) -> None:
    """The loader upgrades before validating: a value of the wrong kind must not raise here, but be said by
    the model afterwards, at its place."""
    levels = [{"id": "a", "rank": rank, "equivalents": equivalents}, {"id": ["b"], "rank": 2}]
    upgrade_ladder({"organisation": "X"}, levels)
    assert "equivalents" not in levels[0]
