"""Safe by default: escaped content, confined reads and writes, nothing lost on failure."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from ladderpress.cli import main
from tests.conftest import ROOT, copy_project, text


def _edit(path: Path, old: str, new: str) -> None:
    before = path.read_text(encoding="utf-8")
    assert old in before
    path.write_text(before.replace(old, new, 1), encoding="utf-8")


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_script_in_a_duty_appears_as_text(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    _edit(project / "content/levels/pm.yaml", "duties:\n", "duties:\n  - <script>alert(1)</script> & <b>bold</b>\n")
    assert main(["--project", str(project), "one-pagers", "--level", "pm"]) == 0
    content = text(project / "out/one-pagers/pm.pdf")
    assert "<script>alert(1)</script> & <b>bold</b>" in content


def test_raw_html_in_markdown_is_escaped_unless_the_ladder_opts_in(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    _edit(project / "content/levels/pm.yaml", "description: |\n", "description: |\n  Uses <em>raw</em> HTML.\n\n")
    (project / "guides/pm-guide.yaml").write_text(
        "title: PM guide\ntemplate: level-guide.html\nselect: {levels: [pm]}\nper: level\noutput: '{level}.pdf'\n"
    )
    assert main(["--project", str(project), "pm-guide"]) == 0
    assert "Uses <em>raw</em> HTML." in text(project / "out/pm.pdf")
    _edit(project / "content/ladder.yaml", "allow_html: false", "allow_html: true")
    assert main(["--project", str(project), "pm-guide"]) == 0
    content = text(project / "out/pm.pdf")
    assert "Uses raw HTML." in content and "<em>" not in content


def test_outside_files_and_the_network_are_refused_with_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = copy_project(tmp_path / "p")
    _edit(
        project / "templates/one-pager.html",
        "{% block body %}",
        '{% block body %}<img src="file:///etc/passwd" alt=""><img src="http://example.com/logo.png" alt="">'
        '<img src="../../outside.png" alt="">',
    )
    (tmp_path / "outside.png").write_bytes(b"not really a png")
    assert main(["--project", str(project), "one-pagers", "--level", "pm"]) == 0
    err = capsys.readouterr().err
    assert "/etc/passwd' was not loaded: it is outside the project folder" in err
    assert "http://example.com/logo.png' was not loaded" in err
    assert "outside.png' was not loaded" in err
    assert "template one-pager.html" in err
    reader = PdfReader(project / "out/one-pagers/pm.pdf")
    assert len(reader.pages) == 1
    assert "root:" not in reader.pages[0].extract_text()


def test_a_failed_document_keeps_the_previous_pdf_byte_identical(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = copy_project(tmp_path / "p")
    one_pagers = ["--project", str(project), "one-pagers", "--level", "pm", "--level", "vp"]  # the two it changes
    assert main(one_pagers) == 0
    before = {p.name: _digest(p) for p in (project / "out/one-pagers").glob("*.pdf")}
    assert sorted(before) == ["pm.pdf", "vp.pdf"]
    long_duties = "".join(
        f"  - A very long duty number {i} that keeps going and going to fill the page\n" for i in range(30)
    )  # two pages even in the tightest layout
    _edit(project / "content/levels/pm.yaml", "duties:\n", "duties:\n" + long_duties)
    _edit(project / "content/levels/vp.yaml", "title: VP of Product", "title: Vice President of Product")
    assert main(one_pagers) == 1
    err = capsys.readouterr().err
    assert re.search(
        r"level 'pm' needs \d+ pages even in the tightest layout, but recipe 'one-pagers' allows 1; shorten", err
    )
    assert re.search(r"1 of \d documents failed", err)  # only what changed was rebuilt
    after = {p.name: _digest(p) for p in (project / "out/one-pagers").glob("*.pdf")}
    assert after["pm.pdf"] == before["pm.pdf"]  # untouched
    assert after["vp.pdf"] != before["vp.pdf"]  # the others were still built
    assert not list((project / "out/one-pagers").glob(".*.tmp"))  # no temporary files left behind


def test_a_template_error_fails_its_documents_and_keeps_their_pdfs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = copy_project(tmp_path / "p")
    # the APM's one-pager, and a document of another template (its level guide) built with it
    recipes = ["--project", str(project), "one-pagers", "level-guides", "--level", "apm"]
    assert main(recipes) == 0
    before = _digest(project / "out/one-pagers/apm.pdf")
    _edit(project / "templates/one-pager.html", "{{ diagram(", "{{ nosuchfunction() }}{{ diagram(")
    assert main(recipes) == 1
    err = capsys.readouterr().err
    assert "templates/one-pager.html" in err and "nosuchfunction" in err
    assert _digest(project / "out/one-pagers/apm.pdf") == before


def test_files_the_tool_did_not_write_are_never_replaced(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = copy_project(tmp_path / "p")
    out = project / "out"
    (out / "one-pagers").mkdir(parents=True)
    (out / "one-pagers/vp.pdf").write_bytes(b"my own notes")  # where the VP's one-pager goes
    (out / "notes.txt").write_text("keep me")
    assert main(["--project", str(project), "one-pagers", "--level", "pm", "--level", "vp"]) == 1
    err = capsys.readouterr().err
    assert "exists and was not written by ladderpress" in err
    assert (out / "one-pagers/vp.pdf").read_bytes() == b"my own notes"
    assert (out / "notes.txt").read_text() == "keep me"
    assert len(PdfReader(out / "one-pagers/pm.pdf").pages) == 1
    # and what it did write, it may replace on the next build
    assert main(["--project", str(project), "one-pagers", "--level", "pm"]) == 0


@pytest.mark.parametrize("extra", [600, pytest.param(10_000, marks=pytest.mark.slow)], ids=["600", "10000"])
def test_ten_thousand_levels_are_refused_quickly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: int
) -> None:
    """Level files past the most allowed are refused before any is read: 600 extra ones, and in the slow run
    10,000 (writing them takes from half a second to four, with the disk)."""
    project = copy_project(tmp_path / "p")
    levels = project / "content/levels"
    for i in range(extra):
        (levels / f"l{i}.yaml").write_text(f"id: l{i}\n")
    assert main(["--project", str(project), "check"]) == 1
    assert f"holds {extra + 8:,} level files, more than the 500" in capsys.readouterr().err


def test_missing_stylesheet_and_image_name_the_file_that_asked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = copy_project(tmp_path / "p")
    _edit(project / "styles/one-pager.css", "/* ---", '@import "extra-missing.css";\n/* ---')
    _edit(
        project / "templates/one-pager.html", "{% block body %}", '{% block body %}<img src="missing-logo.png" alt="">'
    )
    assert main(["--project", str(project), "one-pagers", "--level", "pm"]) == 0
    err = capsys.readouterr().err
    assert re.search(r"warning: styles/one-pager\.css: '.*extra-missing\.css' was not found", err)
    assert re.search(r"warning: .*pm\.pdf \(template one-pager\.html\): '.*missing-logo\.png' was not found", err)


def test_worker_processes_leave_no_temporary_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """WeasyPrint copies fonts into a temporary folder that a worker process would leave behind."""
    import tempfile

    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    out = tmp_path / "out"
    assert main(["--project", str(ROOT), "--out", str(out), "-j", "2", "one-pagers"]) == 0
    assert len(list((out / "one-pagers").glob("*.pdf"))) == 8
    assert list(scratch.iterdir()) == []
