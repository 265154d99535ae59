"""A company's own project: `init` makes one that builds at once, with templates built in."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from ladderpress.cli import main
from tests.conftest import text


def test_init_makes_a_project_that_builds_and_can_override_a_built_in(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "our-ladder"
    assert main(["init", str(project)]) == 0
    assert sorted(p.name for p in project.iterdir()) == [
        ".gitignore",
        "README.md",
        "brands",
        "content",
        "examples",
        "guides",
        "schemas",
    ]
    assert not (project / "templates").exists() and not (project / "styles").exists()
    assert main(["--project", str(project), "one-pagers", "level-guides", "--level", "pm"]) == 0
    assert len(PdfReader(project / "out/one-pagers/pm.pdf").pages) == 1
    assert "Questions people ask" in text(project / "out/levels/pm.pdf")

    # a file in the project's own templates/ replaces the built-in of the same name
    (project / "templates/blocks").mkdir(parents=True)
    (project / "templates/blocks/colophon.html").write_text(
        '<footer class="colophon"><p>Our own colophon.</p></footer>\n', encoding="utf-8"
    )
    assert main(["--project", str(project), "ic-track"]) == 0  # the shortest book with a colophon
    assert "Our own colophon." in text(project / "out/ic-track.pdf")

    capsys.readouterr()
    assert main(["init", str(project)]) == 2
    assert "is not an empty folder" in capsys.readouterr().err


def test_init_makes_a_second_edition_project_that_builds_without_warnings(tmp_path: Path) -> None:
    import ladderpress

    project = tmp_path / "our-ladder"
    assert main(["init", str(project), "-q"]) == 0
    assert "\nformat: 2\n" in (project / "content/ladder.yaml").read_text(encoding="utf-8")
    events = list(ladderpress.build(project, recipes=["one-pagers"], levels=["pm"], workers=1))
    assert [event.text for event in events if isinstance(event, ladderpress.Warned)] == []
    assert isinstance(events[-1], ladderpress.Finished) and events[-1].result.ok
    assert main(["upgrade", "--project", str(project), "-q"]) == 0
    # its schemas list the starter ladder's ids, for completion in an editor
    level = (project / "schemas/level.schema.json").read_text(encoding="utf-8")
    assert '"senior-pm"' in level and '"band-4"' in level
