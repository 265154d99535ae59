"""`ladderpress export` (issue 16): the workbook read back with openpyxl, the CSV files, the JSON and its
schema, and the contract's round trip (sheets, then content, then the same Ladder) on every project."""

from __future__ import annotations

import csv
import datetime
import io
import json
import shutil
import zipfile
from pathlib import Path
from typing import Any

import jsonschema
import openpyxl
import pytest

from ladderpress.cli import main
from ladderpress.errors import InputErrors
from ladderpress.export import csv_files, json_bytes, xlsx_bytes
from ladderpress.load import load_ladder
from ladderpress.model import Ladder
from ladderpress.workbook import (
    Sheet,
    decode,
    encode,
    from_csv_cell,
    ladder_to_sheets,
    sheets_to_content,
    sheets_to_ladder,
)
from tests.conftest import FIXTURES, ROOT

PROJECTS = {
    "default": ROOT,
    **{name: FIXTURES / name for name in ("engineering", "first-edition", "ft", "monzo", "snowflake")},
}
DEFAULT_SHEETS = [
    "About",
    "Levels",
    "Matrix",
    "Expectations",
    "Competencies",
    "Tracks",
    "Bands",
    "Distinctions",
    "Moves",
    "Specialisations",
    "Ways in",
    "Lateral moves",
    "Skills",
    "FAQ",
    "Progression",
    "Onboarding",
    "Checklist",
    "Onboarding variants",
]


def ladder_of(root: Path) -> Ladder:
    ladder, problems, _ = load_ladder(root / "content", root)
    assert ladder is not None, problems
    return ladder


_LADDERS: dict[str, Ladder] = {}


def project_ladder(name: str) -> Ladder:
    if name not in _LADDERS:
        _LADDERS[name] = ladder_of(PROJECTS[name])
    return _LADDERS[name]


def dumped(ladder: Ladder) -> dict[str, Any]:
    """The model as data, levels by id: the order the loader gives them (one file each, by name)."""
    data = ladder.model_dump()
    data["levels"] = sorted(data["levels"], key=lambda level: level["id"])
    return data


def read_xlsx(data: bytes) -> list[Sheet]:
    """A workbook's sheets as an import reads them: cell values only (a merged cell's others are blank)."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    return [Sheet(page.title, [list(row) for row in page.iter_rows(values_only=True)]) for page in book.worksheets]


def read_csv(files: dict[str, bytes]) -> list[Sheet]:
    return [
        Sheet(
            name, [[from_csv_cell(cell) for cell in row] for row in csv.reader(io.StringIO(data.decode("utf-8-sig")))]
        )
        for name, data in files.items()
    ]


# --------------------------------------------------------------------------- round trip


@pytest.mark.parametrize("name", PROJECTS)
def test_sheets_give_back_the_same_ladder(name: str) -> None:
    ladder = project_ladder(name)
    assert dumped(Ladder.model_validate(sheets_to_content(ladder_to_sheets(ladder)))) == dumped(ladder)


@pytest.mark.parametrize("name", PROJECTS)
def test_a_workbook_read_back_gives_the_same_ladder(name: str) -> None:
    ladder = project_ladder(name)
    assert dumped(sheets_to_ladder(read_xlsx(xlsx_bytes(ladder)))) == dumped(ladder)


@pytest.mark.parametrize("name", PROJECTS)
def test_csv_files_read_back_give_the_same_ladder(name: str) -> None:
    ladder = project_ladder(name)
    assert dumped(sheets_to_ladder(read_csv(csv_files(ladder)))) == dumped(ladder)


def test_a_dated_ladder_with_formula_like_text_comes_back_the_same() -> None:
    """Dates, text starting with '=' or "'", an empty list of ways to grow (not the same as none given)."""
    data = project_ladder("default").model_dump()
    data |= {"date": datetime.date(2026, 3, 1), "subtitle": '=HYPERLINK("http://x","y")', "field": "'quoted"}
    data["onboarding"]["variants"][0]["growth"] = []
    ladder = Ladder.model_validate(data)
    for sheets in (read_xlsx(xlsx_bytes(ladder)), read_csv(csv_files(ladder))):
        assert dumped(sheets_to_ladder(sheets)) == dumped(ladder)


@pytest.mark.parametrize("name", ["default", "engineering"])
def test_without_the_expectations_sheet_the_matrix_is_read(name: str) -> None:
    ladder = project_ladder(name)  # expectations of text and behaviours only: the grid holds all of them
    sheets = [sheet for sheet in read_xlsx(xlsx_bytes(ladder)) if sheet.name != "Expectations"]
    assert dumped(sheets_to_ladder(sheets)) == dumped(ladder)


# --------------------------------------------------------------------------- the workbook


@pytest.fixture(scope="module")
def workbook() -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(xlsx_bytes(project_ladder("default"))))


def test_the_workbook_has_a_sheet_per_part_of_the_ladder(workbook: openpyxl.Workbook) -> None:
    assert workbook.sheetnames == DEFAULT_SHEETS


def test_the_levels_sheet(workbook: openpyxl.Workbook) -> None:
    levels = workbook["Levels"]
    assert [cell.value for cell in levels[1]] == [
        "id",
        "code",
        "title",
        "short_title",
        "rank",
        "band",
        "tracks",
        "scope",
        "description",
        "duties",
        "experience",
        "years",
        "time_at_level",
        "reports_to",
        "leads_to",
        "promotion_signals",
    ]
    assert [levels.cell(row, 1).value for row in range(2, 10)] == [
        "apm",
        "pm",
        "senior-pm",
        "principal-pm",
        "group-pm",
        "director",
        "vp",
        "cpo",
    ]  # junior first
    assert levels["C2"].value == "Associate Product Manager"
    assert levels["E2"].value == 1 and levels["E2"].data_type == "n"
    assert levels["G2"].value == "ic, manager"
    assert levels["L2"].value == "0–2"
    assert levels["N3"].value == "group-pm, director"
    assert levels["J2"].value.count("\n") == len(project_ladder("default").level("apm").duties) - 1
    assert levels.freeze_panes == "B2"
    assert levels.auto_filter.ref == "A1:P9"
    assert all(cell.font.b for cell in levels[1]) and not levels["A2"].font.b
    assert levels["I2"].alignment.wrap_text and levels["I2"].alignment.vertical == "top"
    widths = {letter: levels.column_dimensions[letter].width for letter in "ABCI"}
    assert widths == {"A": 14.0, "B": 8.0, "C": 35.0, "I": 60.0}


def test_the_matrix_sheet(workbook: openpyxl.Workbook) -> None:
    matrix = workbook["Matrix"]
    assert [cell.value for cell in matrix[1]][:4] == [
        "Theme",
        "Competency",
        "Associate Product Manager (L1)",
        "Product Manager (L2)",
    ]
    assert matrix.max_column == 10 and matrix.max_row == 7
    assert sorted(str(merged) for merged in matrix.merged_cells.ranges) == ["A2:A4", "A5:A7"]
    assert matrix["A2"].value == project_ladder("default").competencies[0].name
    assert matrix["A3"].value is None
    assert matrix["B2"].value == project_ladder("default").competencies[0].competencies[0].name
    first = project_ladder("default").competencies[0].competencies[0].expectation("apm")
    assert first is not None and matrix["C2"].value == first.text
    assert matrix.freeze_panes == "C2"
    assert matrix.column_dimensions["C"].width == 36.0


def test_rows_are_as_tall_as_their_wrapped_text_and_sheets_print_with_their_headers(
    workbook: openpyxl.Workbook,
) -> None:
    levels = workbook["Levels"]
    description = next(cell.column for cell in levels[1] if cell.value == "description")
    text = str(levels.cell(2, description).value)
    assert text.count("\n") >= 3  # the APM's description: several lines, so its row is several lines tall
    assert levels.row_dimensions[2].height >= 15 * (text.count("\n") + 1)
    assert levels.row_dimensions[1].height is None  # the header row: one line, the default height
    assert levels.print_title_rows == "$1:$1" and levels.print_title_cols == "$A:$A"
    assert levels.page_setup.orientation == "landscape"
    assert not levels.sheet_properties.pageSetUpPr.fitToPage  # too wide to shrink to one page's width
    about = workbook["About"]
    assert about.sheet_properties.pageSetUpPr.fitToPage and about.page_setup.fitToWidth == 1


def test_the_about_sheet_is_fields_and_values(workbook: openpyxl.Workbook) -> None:
    about = workbook["About"]
    rows = {row[0]: row[1] for row in about.iter_rows(min_row=2, values_only=True)}
    assert [cell.value for cell in about[1]] == ["field", "value"]
    assert rows["title"] == "Product Management Career Ladder"
    assert rows["allow_html"] is False and about["B10"].data_type == "b"
    assert rows["date"] is None and rows["format"] == 2
    assert rows["responsibilities"].startswith("Owning the product's vision, strategy and roadmap\n")


def test_one_matrix_per_family_when_competencies_are_limited_to_families() -> None:
    sheets = {sheet.name: sheet for sheet in ladder_to_sheets(project_ladder("ft"))}
    assert [name for name in sheets if name.startswith("Matrix")] == [
        "Matrix Engineering",
        "Matrix Engineering (Legacy)",
    ]
    monzo = [sheet.name for sheet in ladder_to_sheets(project_ladder("monzo"))]
    assert [name for name in monzo if name.startswith("Matrix")] == ["Matrix Engineering", "Matrix Company-wide"]


def test_a_matrix_sheets_name_has_no_invisible_characters() -> None:
    """A track named with a bidi override (or a zero-width space) gives a tab that reads as it is."""
    data = project_ladder("default").model_dump()
    data["tracks"][0]["name"] = "IC \u202egnp.exe\u202c\u200b: [x]"
    data["competencies"][0]["competencies"][0]["tracks"] = [data["tracks"][0]["id"]]
    odd = Ladder.model_validate(data)
    names = [sheet.name for sheet in ladder_to_sheets(odd) if sheet.name.startswith("Matrix")]
    assert names == ["Matrix IC gnp.exe x", "Matrix People manager"]
    assert dumped(sheets_to_ladder(read_xlsx(xlsx_bytes(odd)))) == dumped(odd)


def test_text_starting_with_an_equals_sign_is_text_not_a_formula() -> None:
    ladder = project_ladder("default").model_copy(update={"subtitle": '=HYPERLINK("http://evil","x")'})
    about = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(ladder)))["About"]
    assert about["B4"].value == '=HYPERLINK("http://evil","x")' and about["B4"].data_type == "s"
    assert b"<f>" not in zipfile.ZipFile(io.BytesIO(xlsx_bytes(ladder))).read("xl/worksheets/sheet1.xml")


def test_the_same_ladder_gives_the_same_bytes_dated_by_the_ladder() -> None:
    ladder = project_ladder("default")
    first = xlsx_bytes(ladder)
    assert xlsx_bytes(ladder) == first
    dated = ladder.model_copy(update={"date": datetime.date(2026, 3, 1)})
    parts = zipfile.ZipFile(io.BytesIO(xlsx_bytes(dated)))
    assert {info.date_time for info in parts.infolist()} == {(2026, 3, 1, 0, 0, 0)}
    assert b"2026-03-01T00:00:00Z</dcterms:created>" in parts.read("docProps/core.xml")
    assert {info.date_time for info in zipfile.ZipFile(io.BytesIO(first)).infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_a_value_a_cell_cannot_hold_is_named_by_its_cell() -> None:
    data = project_ladder("default").model_dump()
    data["levels"][0]["scope"] = "Owns\x07 small things"  # an escape YAML allows in quotes; XML does not
    with pytest.raises(InputErrors) as refused:
        xlsx_bytes(Ladder.model_validate(data), "ladder.xlsx")
    assert [str(p) for p in refused.value.problems] == [
        "ladder.xlsx: Levels!H2: holds a control character a workbook cannot (written as an escape like \\x07 in "
        "the content) (fix: remove it from the content, or export it as csv or json)"
    ]


# --------------------------------------------------------------------------- csv and json


def test_csv_files_one_per_sheet_with_a_bom_and_formulas_neutralised() -> None:
    ladder = project_ladder("default").model_copy(update={"subtitle": "=1+1", "field": "'quoted"})
    files = csv_files(ladder)
    assert list(files) == [
        "about.csv",
        "levels.csv",
        "matrix.csv",
        "expectations.csv",
        "competencies.csv",
        "tracks.csv",
        "bands.csv",
        "distinctions.csv",
        "moves.csv",
        "specialisations.csv",
        "ways-in.csv",
        "lateral-moves.csv",
        "skills.csv",
        "faq.csv",
        "progression.csv",
        "onboarding.csv",
        "checklist.csv",
        "onboarding-variants.csv",
    ]
    assert all(data.startswith(b"\xef\xbb\xbf") for data in files.values())
    about = list(csv.reader(io.StringIO(files["about.csv"].decode("utf-8-sig"))))
    assert about[:5] == [
        ["field", "value"],
        ["format", "2"],
        ["title", "Product Management Career Ladder"],
        ["subtitle", "'=1+1"],
        ["field", "''quoted"],
    ]
    assert files["levels.csv"].split(b"\r\n")[1].startswith(b"apm,L1,Associate Product Manager,APM,1,band-1,")


def test_json_is_the_model_and_valid_against_its_schema() -> None:
    for name in PROJECTS:
        ladder = project_ladder(name)
        data, schema = (json.loads(part) for part in json_bytes(ladder))
        jsonschema.validate(data, schema, cls=jsonschema.Draft202012Validator)
        assert data == ladder.model_dump(mode="json")
        assert Ladder.model_validate(data) == ladder
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**data, "levels": [{"id": "Not An Id"}]}, schema, cls=jsonschema.Draft202012Validator)


# --------------------------------------------------------------------------- reading problems


def sheet(name: str, *rows: list[Any]) -> Sheet:
    return Sheet(name, [list(row) for row in rows])


def test_cells_that_cannot_be_read_are_named_all_at_once() -> None:
    sheets = read_xlsx(xlsx_bytes(project_ladder("default")))
    levels = next(s for s in sheets if s.name == "Levels")
    levels.rows[1][4] = "first"  # rank
    levels.rows[2][11] = "2020-02-04"  # years, as Excel makes a date of 2-4
    levels.rows[0].append("grade")
    moves = next(s for s in sheets if s.name == "Moves")
    moves.rows[1][0] = "senoir-pm"
    about = next(s for s in sheets if s.name == "About")
    about.rows[9][1] = "maybe"  # allow_html
    about.rows.append(["colour", "blue"])
    matrix_note = next(s for s in sheets if s.name == "Skills")
    matrix_note.rows[3] += [None, None, "ask Sam"]
    with pytest.raises(InputErrors) as refused:
        sheets_to_content(sheets, "ladder.xlsx")
    assert [str(p) for p in refused.value.problems] == [
        "ladder.xlsx: About!B10: allow_html: expected TRUE or FALSE, got 'maybe' (fix: write TRUE or FALSE)",
        "ladder.xlsx: About!A16: unknown field 'colour' (fix: name it as one of: format, title, subtitle, field, "
        "organisation, language, date, paper, allow_html, introduction, how_to_read, skills_intro, "
        "responsibilities, beyond_the_top)",
        "ladder.xlsx: Levels!Q1: unknown column 'grade' (fix: name it as one of: id, code, title, short_title, "
        "rank, band, tracks, scope, description, duties, experience, years, time_at_level, reports_to, "
        "leads_to, promotion_signals)",
        "ladder.xlsx: Levels!E2: rank: expected a whole number, got 'first' (fix: write a number such as 3)",
        "ladder.xlsx: Levels!L3: years: '2020-02-04' is not a span of years (fix: write years as from–to, "
        "like 2–4, or 15+)",
        "ladder.xlsx: Moves!A2: no level 'senoir-pm' on the Levels sheet (fix: write the id of a level on the "
        "Levels sheet (apm, pm, senior-pm, principal-pm, group-pm, director, …))",
        "ladder.xlsx: Skills!E4: 'ask Sam' is in a column without a header (fix: move it into a column that has "
        "one, or remove it)",
    ]


@pytest.mark.parametrize(
    ("row", "column", "value", "said"),
    [
        (3, 8, None, "Levels!3:3: scope: this field is required but missing (fix: add it)"),
        (2, 7, "ic, mgr", "Levels!G2: tracks: unknown track 'mgr' (fix: did you mean 'manager'?)"),
        (4, 6, "band-9", "Levels!F4: band: unknown band 'band-9'"),
    ],
)
def test_the_models_problems_are_named_by_their_cells(row: int, column: int, value: Any, said: str) -> None:
    sheets = ladder_to_sheets(project_ladder("default"))
    next(s for s in sheets if s.name == "Levels").rows[row - 1][column - 1] = value
    with pytest.raises(InputErrors) as refused:
        sheets_to_ladder(sheets, "ladder.xlsx")
    assert str(refused.value.problems[0]).startswith(f"ladder.xlsx: {said}")


def test_blank_theme_and_scale_cells_mean_as_above() -> None:
    """A person tidying the Competencies or Scales sheet blanks the cells repeated from the row above (or
    merges them): a theme keeps only its name, a scale nothing."""
    ladder = project_ladder("snowflake")
    sheets = ladder_to_sheets(ladder)
    blanked = 0
    for name, parent, kept in (("Competencies", 5, {1}), ("Scales", 3, set())):
        grid = next(s for s in sheets if s.name == name)
        original = [row[:parent] for row in grid.rows]
        for i in range(2, len(grid.rows)):
            if original[i] == original[i - 1]:
                grid.rows[i][:parent] = [cell if c in kept else None for c, cell in enumerate(original[i])]
                blanked += 1
    assert blanked == 4 + 4
    assert dumped(sheets_to_ladder(sheets)) == dumped(ladder)


@pytest.mark.parametrize(
    ("kind", "cell", "value"),
    [
        ("years", "2-4", [2, 4]),
        ("years", "2 to 4 years", [2, 4]),
        ("years", "15+", [15, None]),
        ("texts", "• one\n- two\n\n* three", ["one", "two", "three"]),
        ("ids", "pm,  senior-pm;vp", ["pm", "senior-pm", "vp"]),
        ("int", 3.0, 3),
        ("bool", "yes", True),
        ("date", datetime.datetime(2026, 3, 1, 0, 0), datetime.date(2026, 3, 1)),
        ("text", 12.0, "12"),
        ("texts_or_none", "(none)", []),
    ],
)
def test_cells_are_read_as_people_write_them(kind: Any, cell: Any, value: Any) -> None:
    assert decode(kind, cell) == value


def test_cells_are_written_as_the_contract_says() -> None:
    assert encode("years", [2, 4]) == "2–4" and encode("years", [15, None]) == "15+"
    assert encode("texts", ["a", "b"]) == "a\nb" and encode("texts", []) is None
    assert encode("ids", ["pm", "vp"]) == "pm, vp"
    assert encode("reports_to", "The CEO") == "The CEO" and encode("reports_to", ["vp"]) == "vp"


# --------------------------------------------------------------------------- the command


@pytest.fixture
def project(tmp_path: Path) -> Path:
    for part in ("content", "guides"):
        shutil.copytree(ROOT / part, tmp_path / part)
    return tmp_path


def test_export_writes_the_workbook_once_and_leaves_an_edited_one_alone(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = project / "out" / "product-management-career-ladder.xlsx"
    assert main(["export", "--project", str(project)]) == 0
    assert f"wrote {target}" in capsys.readouterr().out
    first = target.read_bytes()
    assert openpyxl.load_workbook(target).sheetnames == DEFAULT_SHEETS
    assert main(["export", "--project", str(project)]) == 0
    assert capsys.readouterr().out == f"{target} is up to date\n"
    target.write_bytes(first + b"edited")  # a manager saved over it
    assert main(["export", "--project", str(project)]) == 1
    err = capsys.readouterr().err
    assert f"not exported: {target} was changed since ladderpress wrote it" in err
    assert "(fix: move it away, or export to another file with --out)" in err
    assert target.read_bytes() == first + b"edited"


def test_export_never_writes_through_a_link(project: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    elsewhere = tmp_path_factory.mktemp("elsewhere") / "precious.xlsx"
    elsewhere.write_bytes(b"mine")
    (project / "out").mkdir()
    (project / "out" / "ladder.xlsx").symlink_to(elsewhere)
    assert main(["export", "--project", str(project), "--out", str(project / "out" / "ladder.xlsx")]) == 1
    assert elsewhere.read_bytes() == b"mine"


def test_export_never_writes_through_a_link_and_says_so(
    project: Path, tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    elsewhere = tmp_path_factory.mktemp("elsewhere") / "precious.xlsx"
    elsewhere.write_bytes(b"mine")
    (project / "out").mkdir()
    (project / "out" / "ladder.xlsx").symlink_to(elsewhere)
    assert main(["export", "--project", str(project), "--out", str(project / "out" / "ladder.xlsx")]) == 1
    assert (
        f"not exported: {project / 'out' / 'ladder.xlsx'} is a link, and an export never writes through one "
        "(fix: remove the link, or export to another file with --out)" in capsys.readouterr().err
    )


@pytest.mark.parametrize("kind", ["json", "csv"])
def test_an_export_refused_one_file_writes_none(project: Path, capsys: pytest.CaptureFixture[str], kind: str) -> None:
    """A JSON export whose schema file, or a CSV export one of whose sheets' files, is someone else's writes
    nothing at all: not the JSON without its schema, not the sheets before the refused one."""
    out = project / "out" / ("ladder.json" if kind == "json" else "ladder")
    theirs = out.parent / "ladder.schema.json" if kind == "json" else out / "levels.csv"
    theirs.parent.mkdir(parents=True)
    theirs.write_text("someone else's\n")
    assert main(["export", "--project", str(project), "--format", kind, "--out", str(out)]) == 1
    assert f"not exported: {theirs} exists and was not written by ladderpress" in capsys.readouterr().err
    assert sorted(path.name for path in theirs.parent.iterdir() if not path.name.startswith(".")) == [theirs.name]
    assert theirs.read_text() == "someone else's\n"


def test_export_csv_removes_only_its_own_stale_files(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = project / "out" / "ladder"
    assert main(["export", "--project", str(project), "--format", "csv", "--out", str(folder)]) == 0
    assert capsys.readouterr().out == f"{folder}/: wrote 18 CSV files (36 KB)\n"
    (folder / "notes.csv").write_text("mine\n")
    faq = project / "content" / "faq.yaml"
    faq.write_text("faq: []\n")
    assert main(["export", "--project", str(project), "--format", "csv", "--out", str(folder)]) == 0
    out, err = capsys.readouterr()
    assert (
        out == f"{folder}/: 17 CSV files up to date\nremoved {folder / 'faq.csv'} (a sheet this ladder no longer has)\n"
    )
    assert f"warning: {folder / 'notes.csv'}: not a sheet of this export" in err
    assert "(fix: move it away, so the folder holds only this ladder's sheets)" in err  # import reads no folder
    assert (folder / "notes.csv").read_text() == "mine\n"


def test_export_json_writes_its_schema_beside_it(project: Path) -> None:
    out = project / "ladder.json"
    assert main(["export", "--project", str(project), "--format", "json", "--out", str(out), "-q"]) == 0
    assert json.loads(out.read_text())["title"] == "Product Management Career Ladder"
    assert json.loads((project / "ladder.schema.json").read_text())["title"] == "Ladder"


def test_export_of_content_with_problems_writes_nothing(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    level = project / "content" / "levels" / "pm.yaml"
    level.write_text(level.read_text().replace("leads_to: [senior-pm]", "leads_to: [senoir-pm]"))
    assert main(["export", "--project", str(project)]) == 1
    err = capsys.readouterr().err
    assert "content/levels/pm.yaml" in err and "nothing was exported" in err
    assert not (project / "out").exists()


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["--format", "json", "--out", "ladder.xlsx"], "--format json writes a .json file; name it ladder.json"),
        (["--format", "csv", "--out", "ladder.csv"], "--format csv writes a folder of CSV files"),
        (["--format", "pdf"], "invalid choice: 'pdf'"),
    ],
)
def test_export_refuses_an_out_that_does_not_fit_the_format(
    project: Path, capsys: pytest.CaptureFixture[str], argv: list[str], said: str
) -> None:
    with pytest.raises(SystemExit) if "pdf" in argv else _no_exit():
        assert main(["export", "--project", str(project), *argv]) == 2
    assert said in capsys.readouterr().err


class _no_exit:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *args: object) -> bool:
        return False
