"""The command line: choosing recipes, listing, checking, exit codes, and new recipes."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from ladderpress.cli import main
from tests.conftest import FIXTURES, ROOT, copy_project, outline, text


def test_list_shows_recipes_and_their_documents(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--project", str(ROOT), "--list"]) == 0
    out = capsys.readouterr().out
    for name in ("handbook", "ic-track", "manager-track", "level-guides", "one-pagers"):
        assert name in out
    assert "one-pagers/senior-pm.pdf" in out and "levels/cpo.pdf" in out


def test_check_validates_without_printing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--project", str(ROOT), "--out", str(tmp_path), "check"]) == 0
    assert "no problems found" in capsys.readouterr().out
    assert not list(tmp_path.iterdir())


def test_unknown_recipe_is_a_usage_error_with_a_suggestion(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--project", str(ROOT), "one-pager"]) == 2
    err = capsys.readouterr().err
    assert "unknown recipe 'one-pager'" in err and "did you mean 'one-pagers'" in err
    assert "Traceback" not in err


def test_building_some_recipes_prints_one_line_per_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--project", str(ROOT), "--out", str(tmp_path), "one-pagers"]) == 0
    lines = [line for line in capsys.readouterr().out.splitlines() if ".pdf" in line]
    assert len(lines) == 8
    assert all("1 page" in line and "KB" in line for line in lines)
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")) == ["one-pagers"]


def test_a_new_recipe_file_is_a_new_document(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    (project / "guides" / "leadership.yaml").write_text(
        "title: Leadership Levels\n"
        "template: handbook.html\n"
        "select:\n  levels: [director, vp, cpo]\n"
        "output: leadership/handbook.pdf\n",
        encoding="utf-8",
    )
    assert main(["--project", str(project), "leadership"]) == 0
    reader = PdfReader(project / "out" / "leadership" / "handbook.pdf")
    titles = [title for title, _, _ in outline(reader)]
    assert {"Director of Product", "VP of Product", "Chief Product Officer"} <= set(titles)
    assert "Product Manager" not in titles
    assert reader.metadata.title == "Leadership Levels"


def test_unknown_cross_reference_is_refused_with_location(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = copy_project(tmp_path / "project")
    level = project / "content" / "levels" / "pm.yaml"
    level.write_text(level.read_text(encoding="utf-8").replace("leads_to: [senior-pm]", "leads_to: [senoir-pm]"),
                     encoding="utf-8")
    assert main(["--project", str(project)]) == 1
    err = capsys.readouterr().err
    assert "content/levels/pm.yaml:" in err
    assert "unknown level 'senoir-pm'" in err and "did you mean 'senior-pm'" in err
    assert "Traceback" not in err
    assert not (project / "out").exists()


def test_a_second_ladder_builds_with_the_same_recipes(tmp_path: Path) -> None:
    """An engineering ladder with three tracks and sub-levels: the model is not PM-specific."""
    project = copy_project(tmp_path / "project", content=FIXTURES / "engineering" / "content")
    assert main(["--project", str(project), "handbook", "one-pagers", "ic-track"]) == 0
    out = project / "out"
    handbook = text(out / "handbook.pdf")
    for title in ("Software Architect", "Engineering Manager", "IC3a"):
        assert title in handbook
    one_pagers = sorted(p.stem for p in (out / "one-pagers").glob("*.pdf"))
    assert one_pagers == ["architect", "director", "e1", "e2", "e3", "em", "staff"]
    assert all(len(PdfReader(p).pages) == 1 for p in (out / "one-pagers").glob("*.pdf"))
    ic = [title for title, _, _ in outline(PdfReader(out / "ic-track.pdf"))]
    assert "Software Architect" not in ic and "Engineering Manager" not in ic


def test_every_command_word_is_reserved_from_recipe_names() -> None:
    from ladderpress.cli import COMMAND_WORDS
    from ladderpress.load import RESERVED_RECIPE_NAMES

    assert COMMAND_WORDS == RESERVED_RECIPE_NAMES


def test_a_roster_no_recipe_uses_is_named(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--project", str(ROOT), "--roster", str(ROOT / "examples/new-hires.csv"), "--list",
                 "one-pagers"]) == 0
    assert "is not used: no recipe built here makes one document per person" in capsys.readouterr().err
