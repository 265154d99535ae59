"""Preflight (ladderpress/preflight.py): each check on a small page laid out by WeasyPrint, and the command.

The pages are real layouts of a few lines of HTML, so each test shows the defect a reader would
see and asserts the one line preflight prints for it.
"""

from __future__ import annotations

import base64
import io
import json
import shutil
from pathlib import Path

import pytest
from PIL import Image
from weasyprint import CSS, HTML

from ladderpress.cache import CACHE_FILE
from ladderpress.cli import main
from ladderpress.findings import Expect, Finding
from ladderpress.preflight import inspect
from tests.conftest import ROOT

PAGE = "@page { size: A5; margin: 15mm } body { font: 10pt/1.4 sans-serif; margin: 0 } p { margin: 0 0 4pt }"


def findings(html: str, css: str = "", expect: Expect | None = None, kinds: tuple[str, ...] = ()) -> list[Finding]:
    document = HTML(string=f"<html lang='en'><body>{html}</body></html>").render(stylesheets=[CSS(string=PAGE + css)])
    found = inspect(list(enumerate(document.pages, 1)), len(document.pages), expect or Expect())
    return [f for f in found if not kinds or f.kind in kinds]


def paragraphs(count: int, text: str = "A line of running text that fills most of the width.") -> str:
    return "".join(f"<p>{text}</p>" for _ in range(count))


# --------------------------------------------------------------------------- sparse pages


def test_a_page_left_mostly_blank_is_sparse_but_the_last_page_is_not() -> None:
    html = paragraphs(3) + "<p style='break-before: page'>Next part</p>" + paragraphs(2)
    (finding,) = findings(html, kinds=("sparse",))
    assert finding.page == 1
    assert finding.line("out/a.pdf").startswith("out/a.pdf p. 1: the page is ")
    assert "'A line of running text" in finding.what


def test_full_pages_are_not_sparse() -> None:
    assert findings(paragraphs(60), kinds=("sparse",)) == []


def test_a_cover_is_not_sparse() -> None:
    html = "<div style='page: cover'>Title</div>" + paragraphs(60)
    assert findings(html, css="@page cover { margin: 0 }", kinds=("sparse",)) == []


# --------------------------------------------------------------------------- stranded headings, rows, lists


def test_a_heading_as_the_last_line_of_a_page() -> None:
    html = "<div style='height: 172mm'></div><h2>Stranded heading</h2>" + paragraphs(20)
    found = findings(html, css="h2 { font-size: 10pt; margin: 0; break-after: auto }", kinds=("stranded",))
    assert [(f.page, f.what) for f in found] == [(1, "the heading 'Stranded heading' is the page's last line")]


def test_a_heading_kept_with_its_text_is_not_stranded() -> None:
    html = "<div style='height: 172mm'></div><h2>Kept heading</h2>" + paragraphs(20)
    assert findings(html, css="h2 { font-size: 10pt; margin: 0; break-after: avoid }", kinds=("stranded",)) == []


def table(rows: int) -> str:
    body = "".join(f"<tr><td>Row {i}</td><td>Some text</td></tr>" for i in range(rows))
    return f"<table><thead><tr><th>Name</th><th>Text</th></tr></thead><tbody>{body}</tbody></table>"


def test_one_table_row_alone_at_the_top_of_a_page() -> None:
    html = paragraphs(16) + table(12)
    found = findings(html, css="tr { break-inside: avoid }", kinds=("stranded",))
    assert [f.what for f in found] == ["one row of the table 'Name' stands alone at the top of the page"]
    assert found[0].page == 2


def test_two_rows_on_each_side_of_a_break_are_fine() -> None:
    html = paragraphs(16) + table(12)
    assert (
        findings(html, css="tbody tr:nth-child(2), tbody tr:last-child { break-before: avoid }", kinds=("stranded",))
        == []
    )


def themed_table(*themes: int) -> str:
    """A table of themes, each a heading row across it and its rows, as in the competency matrix."""
    groups = "".join(
        f"<tbody><tr><th colspan='2'>Theme {t}</th></tr>"
        + "".join(f"<tr><td>Row {i}</td><td>Text</td></tr>" for i in range(rows))
        + "</tbody>"
        for t, rows in enumerate(themes, 1)
    )
    return f"<table>{groups}</table>"


def test_a_heading_row_with_one_row_under_it_at_a_page_foot() -> None:
    html = "<div style='height: 153mm'></div>" + themed_table(2, 6)  # the second theme starts 10 mm from the foot
    css = "table { border-collapse: collapse; margin: 0 } td, th { padding: 0; line-height: 5mm }"
    css += " tr { break-inside: avoid } tr:first-child { break-after: avoid }"
    found = findings(html, css=css, kinds=("stranded",))
    assert [f.what for f in found] == ["a heading row of the table 'Theme 1' ends the page with one row under it"]


def test_a_whole_group_of_one_row_at_a_page_foot_is_not_stranded() -> None:
    html = "<div style='height: 165mm'></div>" + themed_table(1, 6)  # theme 1 whole at the foot, theme 2 overleaf
    css = "table { border-collapse: collapse; margin: 0 } td, th { padding: 0; line-height: 5mm }"
    css += " tr { break-inside: avoid } tr:first-child { break-after: avoid }"
    assert findings(html, css=css, kinds=("stranded",)) == []


def test_a_short_list_split_across_pages() -> None:
    html = paragraphs(26) + "<ul><li>First item</li><li>Second item</li><li>Third item</li></ul>" + paragraphs(3)
    found = findings(html, kinds=("stranded",))
    assert len(found) == 1 and "of the 3 items of the list 'First item" in found[0].what


# --------------------------------------------------------------------------- hyphens


def test_a_hyphenated_heading() -> None:
    found = findings("<h1 style='width: 30mm'>Responsi&shy;bilities and more</h1>", kinds=("hyphen",))
    assert [f.what for f in found] == ["'Responsi‐' is hyphenated in a heading"]


def test_a_hyphen_of_the_text_itself_is_not_hyphenation() -> None:
    assert findings("<h1 style='width: 32mm'>Human-centred design</h1>", kinds=("hyphen",)) == []


def test_running_text_may_be_hyphenated() -> None:
    html = "<p style='width: 30mm'>Responsi&shy;bilities and more</p>"
    assert findings(html, kinds=("hyphen",)) == []


# --------------------------------------------------------------------------- overflow and clipping


def test_an_unbroken_word_running_out_of_its_box() -> None:
    found = findings(f"<div style='width: 40mm'>{'x' * 40}</div>", kinds=("overflow",))
    assert len(found) == 1 and "runs " in found[0].what and "mm past the edge of its box" in found[0].what


def test_an_unbroken_word_that_wraps_is_fine() -> None:
    html = f"<div style='width: 40mm; overflow-wrap: break-word'>{'x' * 80}</div>"
    assert findings(html, kinds=("overflow",)) == []


def test_text_cut_off_by_a_box_that_hides_overflow() -> None:
    html = f"<div style='height: 10mm; overflow: hidden'>{paragraphs(8)}</div>"
    found = findings(html, kinds=("overflow",))
    assert len(found) == 1 and "is cut off by its box" in found[0].what


def test_list_bullets_outside_their_items_are_not_overflow() -> None:
    assert findings("<ul><li>One</li><li>Two</li></ul>", kinds=("overflow",)) == []


def test_a_box_pushed_past_the_page_margin() -> None:
    found = findings(f"<table><tr><td>{'x' * 200}</td><td>Next column</td></tr></table>", kinds=("overflow",))
    assert found and "past the page's margin" in found[0].what


def test_a_cover_that_runs_onto_a_second_page() -> None:
    html = f"<div style='page: cover'>{paragraphs(60)}</div>" + paragraphs(3)
    found = findings(html, css="@page cover { margin: 10mm }", kinds=("overflow",))
    assert [(f.page, f.what) for f in found] == [(2, "the cover runs onto another page")]


# --------------------------------------------------------------------------- contrast, images, names, glyphs


def test_pale_text_on_white() -> None:
    found = findings("<p style='color: #bbbbbb'>Pale</p><p style='color: #595959'>Dark enough</p>", kinds=("contrast",))
    assert [f.what for f in found] == ["text 'Pale' in #bbbbbb on #ffffff has a contrast of 1.9:1, under 4.5:1"]


def test_contrast_is_measured_against_the_painted_background() -> None:
    html = "<div style='background: #1a2b4c; color: #ffffff'>White on navy</div>"
    html += "<div style='background: #1a2b4c; color: #334466'>Navy on navy</div>"
    found = findings(html, kinds=("contrast",))
    assert len(found) == 1 and found[0].what.startswith("text 'Navy on navy' in #334466 on #1a2b4c")


def test_large_text_needs_three_to_one() -> None:
    html = "<h1 style='font-size: 24pt; color: #8a8a8a'>Large grey</h1>"  # 3.4:1
    assert findings(html, kinds=("contrast",)) == []


def png(width: int, height: int) -> str:
    data = io.BytesIO()
    Image.new("RGB", (width, height), "#336699").save(data, "PNG")
    return "data:image/png;base64," + base64.b64encode(data.getvalue()).decode()


def test_an_image_under_150_dpi_at_its_printed_size() -> None:
    html = f"<img src='{png(120, 60)}' style='width: 50.8mm'><img src='{png(600, 300)}' style='width: 50.8mm'>"
    found = findings(html, kinds=("image",))
    assert [f.what for f in found] == ["an image of 120 × 60 pixels prints at 60 dpi, under 150"]
    assert "at least 300 pixels across" in found[0].fix


@pytest.mark.parametrize(
    "html",
    ["<p><b>Northwind</b> Labs</p>", "<p>NORTHWIND LABS</p>", "<p>Northwind&nbsp;Labs</p>",
     "<p style='text-transform: uppercase'>northwind labs</p>", "<p>Northwind<br>Labs</p>"],
)  # fmt: skip
def test_another_company_named_in_any_case_and_spacing(html: str) -> None:
    expect = Expect("Acme Robotics", ("Northwind Labs",))
    assert len(findings(html, expect=expect, kinds=("name",))) == 1


def test_a_name_inside_a_longer_word_is_not_another_company() -> None:
    expect = Expect("Acme Robotics", ("Harbor",))
    assert findings("<p>Harbors and harboring</p>", expect=expect, kinds=("name",)) == []


def test_hidden_text_is_not_measured_for_contrast() -> None:
    assert findings("<p style='visibility: hidden; color: #eeeeee'>Hidden</p>", kinds=("contrast",)) == []


def test_another_company_named() -> None:
    expect = Expect("Acme Robotics", ("Northwind Labs",))
    found = findings("<p>Welcome to Northwind Labs.</p><p>Acme Robotics</p>", expect=expect, kinds=("name",))
    assert [f.what for f in found] == ["the page names 'Northwind Labs', not 'Acme Robotics'"]


def test_missing_glyphs_become_one_finding() -> None:
    document = HTML(string="<p>x</p>").render()
    (found,) = inspect([(1, document.pages[0])], 1, Expect(), frozenset({"\U0001f600"}))
    assert (found.kind, found.page) == ("glyph", None)
    assert "'\U0001f600' (U+1F600)" in found.what


def test_findings_survive_the_build_records() -> None:
    finding = Finding("sparse", 3, "the page is 20% full", "let it flow")
    assert Finding.from_record(json.loads(json.dumps(finding.as_record()))) == finding
    broken = (None, [], ["sparse", "3", "x", "y"], ["sparse", 3, 4, "y"], "text", ["sparse", True, "x", "y"],
              ["sparse", -3, "x", "y"], ["nonsense", 1, "x", "y"])  # fmt: skip
    for record in broken:
        assert Finding.from_record(record) is None
    escaped = Finding.from_record(["name", 1, "\x1b[31mred\x1b[0m", "fix"])
    assert escaped is not None and escaped.what == "[31mred[0m"


# --------------------------------------------------------------------------- the command


def recorded(out: Path) -> dict[str, list[object]]:
    """Each document's findings, as the build recorded them."""
    documents = json.loads((out / CACHE_FILE).read_text())["documents"]
    return {name: entry["findings"] for name, entry in documents.items()}


def test_the_default_project_passes_preflight(built: Path) -> None:
    found = {name: findings for name, findings in recorded(built).items() if findings}
    assert found == {}
    assert len(recorded(built)) >= 30


def pale_project(folder: Path) -> Path:
    """The default content and one-pagers, with a stylesheet that prints the scope too pale to read."""
    project = folder / "project"
    shutil.copytree(ROOT / "content", project / "content")
    (project / "guides").mkdir()
    shutil.copy(ROOT / "guides" / "one-pagers.yaml", project / "guides")
    (project / "styles").mkdir()
    pale = (ROOT / "styles" / "one-pager.css").read_text() + "\n.scope { color: #cccccc; }\n"
    (project / "styles" / "one-pager.css").write_text(pale)
    return project


def preflight_pale(folder: Path) -> tuple[Path, list[str]]:
    """The output folder, and the command that preflights the pale project's PM one-pager into it."""
    out = folder / "out"
    return out, ["preflight", "--project", str(pale_project(folder)), "--out", str(out), "--level", "pm", "-j", "1"]


def test_preflight_lists_findings_with_page_and_fix_and_strict_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, args = preflight_pale(tmp_path)
    assert main(args) == 0
    printed = capsys.readouterr().out
    line = next(line for line in printed.splitlines() if "contrast" in line)
    assert line.startswith(f"{out}/one-pagers/pm.pdf p. 1: text '") and "(fix: darken the text colour" in line
    assert "1 finding in 1 of 1 document" in printed
    # the second time the PDF is up to date: the finding comes from the build's records
    assert main([*args, "--strict"]) == 1
    assert "contrast" in capsys.readouterr().out


def test_damaged_findings_in_the_records_rebuild_the_document(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, args = preflight_pale(tmp_path)
    assert main(args) == 0
    records = json.loads((out / CACHE_FILE).read_text())
    records["documents"]["one-pagers/pm.pdf"]["findings"] = "oops"
    (out / CACHE_FILE).write_text(json.dumps(records))
    capsys.readouterr()
    assert main([*args, "--strict"]) == 1  # printed again: the finding is back
    assert "contrast" in capsys.readouterr().out


def test_a_build_with_findings_says_how_many(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = pale_project(tmp_path)
    assert main(["build", "--project", str(project), "--out", str(tmp_path / "out"), "--level", "pm", "-j", "1"]) == 0
    assert "preflight: 1 thing to look at in 1 document; `ladderpress preflight` lists them" in capsys.readouterr().out
