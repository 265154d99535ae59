"""`ladderpress import` (issue 16): a project from the spreadsheet a company already keeps its ladder in.

The spreadsheets are real files in tests/fixtures/spreadsheets/, made the way people make them by
make.py there: a grouped matrix with merged cells and a levels tab (xlsx), the same grid saved as CSV
and as .ods, levels known by codes only with a moves tab, and one with mistakes.
"""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from ladderpress.cli import main
from ladderpress.errors import InputErrors
from ladderpress.importer import (
    Imported,
    expectation_of,
    import_workbook,
    parse_header,
    title_from_code,
    write_project,
    years_of,
)
from ladderpress.load import load_ladder
from ladderpress.model import column_name

ROOT = Path(__file__).resolve().parent.parent
SHEETS = Path(__file__).resolve().parent / "fixtures" / "spreadsheets"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def imported(name: str, mapping: Path | None = None) -> Imported:
    return import_workbook(SHEETS / name, mapping)


def expectations(result: Imported) -> dict[str, dict[str, Any]]:
    """competency id → level id → expectation (as dumped, defaults left out)."""
    return {
        competency.id: {
            level: expectation.model_dump(exclude_defaults=True)
            for level, expectation in competency.expectations.items()
        }
        for competency in result.ladder.all_competencies()
    }


# --------------------------------------------------------------------------- cells


@pytest.mark.parametrize(
    ("header", "found"),
    [
        ("Senior PM (L3)", ("Senior PM", "L3")),
        ("Senior PM [L3]", ("Senior PM", "L3")),
        ("L3", (None, "L3")),
        ("L3 – Senior PM", ("Senior PM", "L3")),
        ("IC4 Staff Engineer", ("Staff Engineer", "IC4")),
        ("Senior PM - L3", ("Senior PM", "L3")),
        ("Senior PM\nL3", ("Senior PM", "L3")),
        ("Senior Product Manager", ("Senior Product Manager", None)),
        ("Level 3", ("Level 3", None)),
        ("VP Product", ("VP Product", None)),
        ("Level 3 – Senior", ("Senior", "L3")),
        ("Level 3: Senior", ("Senior", "L3")),
        ("Senior (Level 3)", ("Senior", "L3")),
        ("LEVEL 12 | Principal", ("Principal", "L12")),
        ("Senior PM Level 3", ("Senior PM Level 3", None)),
        ("IC1", (None, "IC1")),
        ("Staff\u202e (L4)", ("Staff", "L4")),
        ("\u2067Senior PM\u2069 (\u200bL3)", ("Senior PM", "L3")),
    ],
)
def test_a_level_header_gives_its_title_and_code(header: str, found: tuple[str | None, str | None]) -> None:
    assert parse_header(header) == found


def test_a_level_known_by_its_code_only_is_titled_after_it() -> None:
    assert title_from_code("L3") == "Level 3"
    assert title_from_code("IC4") == "IC4"


def test_a_level_known_by_a_code_that_is_not_ln_is_titled_by_it(tmp_path: Path) -> None:
    path = tmp_path / "grid.csv"
    path.write_text("Competency,IC1,L2\nQuality,Good,Better\n", encoding="utf-8")
    levels = [(level.id, level.code, level.title) for level in import_workbook(path).ladder.ranked_levels()]
    assert levels == [("ic1", "IC1", "IC1"), ("level-2", "L2", "Level 2")]


def _two_tracks(tmp_path: Path, first: list[str], second: list[str]) -> Path:
    """A workbook with a Developer track sheet and a Manager track sheet, no levels sheet."""
    from openpyxl import Workbook

    book = Workbook()
    for sheet, headers in zip((book.active, book.create_sheet()), (first, second), strict=True):
        assert sheet is not None
        sheet.title = "Developer track" if headers is first else "Manager track"
        sheet.append(["Area", "Dimension", *headers])
        sheet.append(["Craft", "Quality", *(f"Does {h}" for h in headers)])
    path = tmp_path / "tracks.xlsx"
    book.save(path)
    return path


def test_levels_whose_codes_end_in_numbers_are_ranked_by_them_on_every_track(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A second track's levels sit beside the first's (EM2 beside D2), not above its top level."""
    path = _two_tracks(
        tmp_path, ["D1 - Developer 1", "D2 - Developer 2", "D3 - Developer 3"], ["EM2 - Manager 2", "EM3 - Manager 3"]
    )
    ranks = {level.id: level.rank for level in import_workbook(path).ladder.levels}
    assert ranks == {"developer-1": 1, "developer-2": 2, "developer-3": 3, "manager-2": 2, "manager-3": 3}
    assert main(["import", str(path)]) == 0
    assert f"{'  ranks: codes':<34} # from the codes' numbers (D1–D3: 1–3, EM2–EM3: 2–3)" in capsys.readouterr().out
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text("matrix:\n  ranks: order\n", encoding="utf-8")
    ranks = {level.id: level.rank for level in import_workbook(path, mapping).ladder.levels}
    assert ranks == {"developer-1": 1, "developer-2": 2, "developer-3": 3, "manager-2": 1, "manager-3": 2}


def test_levels_without_numbered_codes_are_ranked_each_sheet_from_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _two_tracks(tmp_path, ["Junior", "Mid", "Senior"], ["Lead", "Head"])
    ranks = {level.id: level.rank for level in import_workbook(path).ladder.levels}
    assert ranks == {"junior": 1, "mid": 2, "senior": 3, "lead": 1, "head": 2}
    assert main(["import", str(path)]) == 0
    out = capsys.readouterr().out
    assert (
        f"{'  ranks: order':<34} # in the order the sheet lists them, each sheet from 1 (Developer: 1–3, Manager: 1–2)"
        in out
    )


def test_levels_sharing_a_band_are_ranked_within_it(tmp_path: Path) -> None:
    """Three levels all 'Senior' (a Seniority row, mapped as the band or read as one): one band, each level
    its own rank in it, in the order of its columns."""
    path = tmp_path / "em.csv"
    path.write_text(
        "Dimension,EM5 - Manager 5,EM6 - Manager 6,EM7 - Manager 7\n"
        "Seniority,Senior,Senior,Senior\n"
        "People,Manages,Manages more,Manages most\n",
        encoding="utf-8",
    )
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text("matrix:\n  level_rows: {band: 2}\n", encoding="utf-8")
    for ladder in (import_workbook(path, mapping).ladder, import_workbook(path).ladder):
        assert [(b.id, b.rank) for b in ladder.bands] == [("senior", 5)]
        assert [(lv.id, lv.rank, lv.band) for lv in ladder.levels] == [
            ("manager-5", 5, "senior"),
            ("manager-6", 6, "senior"),
            ("manager-7", 7, "senior"),
        ]
        assert [c.name for c in ladder.all_competencies()] == ["People"]


def test_two_levels_of_a_track_on_one_rank_are_named_in_the_workbooks_words(tmp_path: Path) -> None:
    path = tmp_path / "grid.csv"
    path.write_text(
        "Dimension,IC3 - Engineer,M3 - Manager\nSeniority,Senior,Senior\nTech,Does a,Does b\n", encoding="utf-8"
    )
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text("ladder:\n  field: Engineering\nmatrix:\n  ranks: codes\n", encoding="utf-8")
    with pytest.raises(InputErrors) as caught:
        import_workbook(path, mapping)
    assert [str(p) for p in caught.value.problems] == [
        f"{path}: C1: the levels 'Engineer' and 'Manager' both rank 3 on the track 'Engineering', so one would "
        "hide the other (fix: give each level a rank of its own: a Rank column on a levels sheet, or ranks: "
        "order under matrix: in the mapping (ranked as the sheet lists them))"
    ]


@pytest.mark.parametrize(
    ("cell", "years"),
    [("2–4", [2, 4]), ("2-4", [2, 4]), ("2 to 4", [2, 4]), ("15+", [15, None]), ("4–6 years", [4, 6]), (3, [3, 3])],
)
def test_years_are_read_as_people_write_them(cell: object, years: list[int | None]) -> None:
    assert years_of(cell) == years


def test_years_excel_made_a_date_are_said_to_be_one() -> None:
    import datetime

    assert years_of(datetime.datetime(2026, 2, 4)) == "was turned into a date by the spreadsheet"
    assert years_of("lots") == "is not a number of years"


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("Owns the plan", {"text": "Owns the plan"}),
        ("Owns it\n• Writes it down\n• Shares it", {"text": "Owns it", "behaviours": ["Writes it down", "Shares it"]}),
        ("- Tracks engagement\n- Acts on feedback", {"behaviours": ["Tracks engagement", "Acts on feedback"]}),
        ("* One\n* Two", {"behaviours": ["One", "Two"]}),
        ("– One\n– Two", {"behaviours": ["One", "Two"]}),
        ("1. One\n2) Two", {"behaviours": ["One", "Two"]}),
        ("Writes specs\nRuns standups", {"behaviours": ["Writes specs", "Runs standups"]}),
        ("Owns the plan for\na single product", {"text": "Owns the plan for a single product"}),
        ("–", None),
        ("n/a", None),
        ("  \n ", None),
    ],
)  # fmt: skip
def test_line_breaks_and_bullets_in_a_cell_become_lists(cell: str, expected: dict[str, Any] | None) -> None:
    assert expectation_of(cell) == expected


# --------------------------------------------------------------------------- the grouped matrix


def test_a_grouped_matrix_with_merged_cells_and_a_levels_tab() -> None:
    result = imported("grouped.xlsx")
    ladder = result.ladder
    assert [(lv.id, lv.code, lv.title, lv.short_title, lv.tracks, lv.band) for lv in ladder.ranked_levels()] == [
        ("associate-product-manager", "L1", "Associate Product Manager", "APM", ["ic", "manager"], "band-1"),
        ("product-manager", "L2", "Product Manager", "PM", ["ic", "manager"], "band-2"),
        ("senior-product-manager", "L3", "Senior Product Manager", "Senior PM", ["ic", "manager"], "band-3"),
        ("principal-product-manager", "L4", "Principal Product Manager", "Principal PM", ["ic"], "band-4"),
        ("group-product-manager", "M4", "Group Product Manager", "Group PM", ["manager"], "band-4"),
        ("director-of-product", "M5", "Director of Product", "Director", ["manager"], "band-5"),
    ]
    assert [(t.id, t.name) for t in ladder.tracks] == [("ic", "IC"), ("manager", "Manager")]
    assert [(b.id, b.name, b.rank) for b in ladder.bands][:2] == [("band-1", "Band 1", 1), ("band-2", "Band 2", 2)]
    # the years of experience are a row of the matrix
    assert [lv.years for lv in ladder.ranked_levels()] == [[0, 2], [2, 4], [4, 6], [7, 10], [7, 10], [10, None]]
    # reports to: level names where every part is a level, text otherwise
    assert ladder.level("associate-product-manager").reports_to == ["product-manager"]
    assert ladder.level("director-of-product").reports_to == "The VP of Product"
    # no moves sheet: each level leads to the next on its tracks
    assert ladder.level("senior-product-manager").leads_to == ["principal-product-manager", "group-product-manager"]
    # groups from the first column, merged down over their competencies
    assert [(theme.name, [c.name for c in theme.competencies]) for theme in ladder.competencies] == [
        ("Product thinking", ["Strategy & vision", "Customer insight", "Data literacy"]),
        ("Delivery", ["Execution", "People leadership"]),
    ]
    assert ladder.all_competencies()[0].summary == "Deciding where the product should go, and why."
    found = expectations(result)
    assert found["strategy-vision"]["senior-product-manager"] == {
        "text": "Sets strategy for a high-visibility product",
        "behaviours": ["Writes the strategy down", "Tests it with leadership"],
    }
    assert found["customer-insight"]["senior-product-manager"] == {
        "behaviours": ["Tracks engagement", "Acts on customer feedback"]
    }
    # a cell merged across two levels is each level's
    both = {"text": "Defines the measures that matter for a domain"}
    assert (
        found["data-literacy"]["principal-product-manager"] == found["data-literacy"]["group-product-manager"] == both
    )
    # a dash is "nothing at this level"
    assert "associate-product-manager" not in found["people-leadership"]
    assert ladder.title == "Product Management Career Framework" and ladder.field == "Product Management"
    assert result.notes == [
        f"{SHEETS / 'grouped.xlsx'}: the sheet Notes is not read: it is neither the matrix nor a levels or moves "
        "sheet (name it in a mapping file if it is one)"
    ]


def test_the_mapping_is_printed_one_line_per_decision(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", str(SHEETS / "grouped.xlsx")]) == 0
    out = capsys.readouterr().out
    for line in (
        "matrix:",
        "  sheet: Matrix                    # named like a matrix ('Matrix')",
        "  header_row: 3                    # rows above it: a title",
        "  theme_column: A                  # 'Area'; its blank and merged cells are the group above",
        "  competency_column: B             # 'Competency'",
        "  summary_column: C                # 'Description'",
        "  level_columns: D:I               # 6 levels of the levels sheet",
        "    years: 4                       # 'Years of experience': the levels' years",
        "  sheet: Levels                    # its headers name levels' fields (code, job_title, short_title, track, …)",
        "    title: B                       # 'Job title'",
        "moves: null                        # no moves sheet: each level leads to the next on its tracks",
        "  organisation: Our company        # the workbook does not say: TODO, name it here",
        "# TODO content/ladder.yaml: introduction and how_to_read are placeholder text; organisation is 'Our company'",
        "# TODO content/onboarding.yaml: the starter project's general onboarding (its welcome and checklist)",
        "# nothing was written: run again with --into DIR to make the project",
    ):
        assert line in out.splitlines(), line


def test_the_printed_mapping_read_back_gives_the_same_ladder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", str(SHEETS / "grouped.xlsx")]) == 0
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(capsys.readouterr().out, encoding="utf-8")  # the whole output of a dry run is a mapping
    assert imported("grouped.xlsx", mapping).ladder == imported("grouped.xlsx").ladder


def test_a_corrected_mapping_names_the_company_and_leaves_cells_out(tmp_path: Path) -> None:
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(
        "ladder:\n  organisation: Northwind Labs\n  field: Product management\n"
        "matrix:\n  level_columns: B, C, E\n"
        "ignore: [Matrix!F, Matrix!J20, Matrix!C2]\n",
        encoding="utf-8",
    )
    result = imported("mistakes.xlsx", mapping)
    assert result.ladder.organisation == "Northwind Labs"
    assert [lv.title for lv in result.ladder.ranked_levels()] == ["Junior", "Mid-level", "Senior"]
    assert result.ladder.level("senior").years == [5, None]
    assert result.ladder.level("mid-level").years is None


def test_a_mapping_file_with_mistakes_is_reported_like_any_content_file(tmp_path: Path) -> None:
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(
        "matrix:\n  sheet: Matrix\n  header_row: zero\n  competency_colum: B\nignore: [Matrix!!]\n", encoding="utf-8"
    )
    with pytest.raises(InputErrors) as refused:
        imported("grouped.xlsx", mapping)
    assert [str(problem) for problem in refused.value.problems] == [
        f"{mapping}:3:15: matrix.header_row: expected a whole number, got text 'zero' (fix: write a number such as 3)",
        f"{mapping}:4:21: matrix.competency_colum: unknown field 'competency_colum' (fix: remove it (did you mean "
        "'competency_column'?))",
        f"{mapping}:5:10: ignore[0]: 'Matrix!!' is not a cell, column or range (fix: write it as a spreadsheet does: "
        "Matrix!M20, Levels!H or Matrix!A30:C31)",
    ]


def test_a_mapping_naming_a_sheet_the_workbook_lacks_says_which_it_has(tmp_path: Path) -> None:
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text("matrix:\n  sheet: Matrx\n", encoding="utf-8")
    with pytest.raises(InputErrors) as refused:
        imported("grouped.xlsx", mapping)
    assert str(refused.value.problems[0]) == (
        f"{SHEETS / 'grouped.xlsx'}: has no sheet 'Matrx', which the mapping names for the matrix "
        "(fix: did you mean 'Matrix'?)"
    )


# --------------------------------------------------------------------------- the same grid as CSV and .ods


def test_the_same_grid_saved_as_csv_makes_the_levels_from_its_headers() -> None:
    result = imported("grouped.csv")
    ladder = result.ladder
    assert [(lv.id, lv.code, lv.title, lv.rank) for lv in ladder.ranked_levels()] == [
        ("associate-pm", "L1", "Associate PM", 1),
        ("pm", "L2", "PM", 2),
        ("senior-pm", "L3", "Senior PM", 3),
        ("principal-pm", "L4", "Principal PM", 4),
        ("group-pm", "M4", "Group PM", 5),
        ("director", "M5", "Director", 6),
    ]
    # one track named after the field, every level on it, each leading to the next
    assert [(t.id, t.name) for t in ladder.tracks] == [("product-management", "Product Management")]
    assert [lv.leads_to for lv in ladder.ranked_levels()] == [
        ["pm"],
        ["senior-pm"],
        ["principal-pm"],
        ["group-pm"],
        ["director"],
        [],
    ]
    assert [lv.years for lv in ladder.ranked_levels()][:3] == [[0, 2], [2, 4], [4, 6]]
    # blank cells below a group's first are the group above; the cell merged in the workbook is blank in CSV
    assert [len(theme.competencies) for theme in ladder.competencies] == [3, 2]
    from_xlsx = expectations(imported("grouped.xlsx"))
    renamed = {
        "associate-product-manager": "associate-pm",
        "product-manager": "pm",
        "senior-product-manager": "senior-pm",
        "principal-product-manager": "principal-pm",
        "group-product-manager": "group-pm",
        "director-of-product": "director",
    }
    expected = {c: {renamed[lv]: e for lv, e in found.items()} for c, found in from_xlsx.items()}
    del expected["data-literacy"]["group-pm"]
    assert expectations(result) == expected
    assert result.mapping[0].line == "ladder:"
    assert any(d.line == "  sheet: grouped" for d in result.mapping)


def test_the_same_grid_as_an_ods_file_reads_as_the_csv_does() -> None:
    assert imported("grouped.ods").ladder == imported("grouped.csv").ladder


def test_an_ods_file_that_asks_for_billions_of_cells_is_refused_before_it_is_read(tmp_path: Path) -> None:
    content = (
        '<?xml version="1.0"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>'
        '<table:table table:name="Bomb"><table:table-row table:number-rows-repeated="10000">'
        '<table:table-cell table:number-columns-repeated="9000" office:value-type="string"><text:p>x</text:p>'
        "</table:table-cell></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"
    )
    bomb = tmp_path / "bomb.ods"
    with zipfile.ZipFile(bomb, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content)
    assert bomb.stat().st_size < 1000  # 90 million cells, which calamine would lay out in 2.4 GB
    with pytest.raises(InputErrors) as refused:
        import_workbook(bomb)
    assert str(refused.value.problems[0]) == (
        f"{bomb}: the sheet Bomb reaches row 10,000 and column 9,000, past row 5,000 or column SZ, the last ones "
        "read (fix: delete what lies so far from the ladder, or open it in your spreadsheet program and save it "
        "as an Excel workbook (.xlsx), then import that)"
    )


# --------------------------------------------------------------------------- levels by code, moves


def test_levels_known_by_their_codes_groups_as_heading_rows_and_a_moves_tab() -> None:
    result = imported("engineering-levels.xlsx")
    ladder = result.ladder
    assert [(lv.id, lv.code, lv.title) for lv in ladder.ranked_levels()] == [
        ("level-1", "L1", "Level 1"),
        ("level-2", "L2", "Level 2"),
        ("level-3", "L3", "Level 3"),
        ("level-4", "L4", "Level 4"),
        ("level-5", "L5", "Level 5"),
    ]
    assert ladder.field == "Engineering" and ladder.title == "Engineering career ladder"
    assert [(theme.name, [c.id for c in theme.competencies]) for theme in ladder.competencies] == [
        ("Craft", ["code-quality", "testing"]),
        ("Impact", ["scope"]),  # a competency named like a level's field, under a group: a competency
    ]
    assert ladder.level("level-1").leads_to == []
    assert [(m.to, m.criteria) for m in ladder.level("level-1").moves] == [("level-2", ["Delivers features alone"])]
    assert [(m.to, m.criteria) for m in ladder.level("level-2").moves] == [
        ("level-3", ["Leads a project", "Mentors others"])
    ]
    assert ladder.level("level-3").leads_to == ["level-4"] and ladder.level("level-4").leads_to == ["level-5"]
    assert "level-4" not in expectations(result)["testing"]


# --------------------------------------------------------------------------- mistakes


def test_every_mistake_is_named_with_its_cell_and_nothing_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    into = tmp_path / "ours"
    assert main(["import", str(SHEETS / "mistakes.xlsx"), "--into", str(into)]) == 1
    err = capsys.readouterr().err
    name = SHEETS / "mistakes.xlsx"
    assert err.splitlines() == [
        f"warning: {name}: Matrix!D1: column D is empty (no header, no value); it is left out",
        f"error: {name}: Matrix!F1: the level header 'Mid-level' is also the header of column C; each level has "
        "one column, so its cell (F3) cannot be placed (fix: rename one of them, or delete the column that repeats "
        "the other)",
        f"error: {name}: Matrix!C2: years '2026-02-04' was turned into a date by the spreadsheet (fix: format the "
        "cells as text and type the years again, like 2–4)",
        f"error: {name}: Matrix!J20: 'Ask Sam whether we need a Staff level' lies outside the table (rows 1–4, "
        "columns A–F), so it cannot be placed (fix: delete it, move it into the table, or list it under ignore: "
        "in a mapping file)",
        "3 problems found; nothing was written.",
    ]
    assert not into.exists()
    assert [p.name for p in tmp_path.iterdir()] == []  # not even the folder it was being made in


def _workbook(tmp_path: Path, rows: list[list[Any]], title: str = "Matrix") -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(row)
    path = tmp_path / "ladder.xlsx"
    book.save(path)
    return path


def test_cells_without_a_place_are_each_named(tmp_path: Path) -> None:
    path = _workbook(
        tmp_path,
        [
            ["Area", "Competency", "L1", "L2", None],
            ["Craft", "Quality", "Good", "Better", "a value with no level"],
            [None, None, "a cell with no competency", None, None],
            [None, "Pace", "Fast", "Faster", None],
        ],
    )
    with pytest.raises(InputErrors) as refused:
        import_workbook(path)
    assert [str(problem).split(": ", 1)[1] for problem in refused.value.problems] == [
        "Matrix!E2: 'a value with no level' lies outside the table (rows 1–4, columns A–D), so it cannot be "
        "placed (fix: delete it, move it into the table, or list it under ignore: in a mapping file)",
        "Matrix!C3: 'a cell with no competency' has no competency on its row (fix: write the competency's name "
        "in B3, or delete the cell)",
    ]


def test_a_matrix_header_naming_no_level_of_the_levels_tab_is_named(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    matrix = book.active
    assert matrix is not None
    matrix.title = "Matrix"
    matrix.append(["Competency", "Junior (E1)", "Senoir", "Staff (E3)"])
    matrix.append(["Quality", "Good", "Better", "Best"])
    levels = book.create_sheet("Levels")
    levels.append(["Code", "Title", "Track"])
    levels.append(["E1", "Junior", "Engineering"])
    levels.append(["E2", "Senior", "Engineering"])
    book.save(tmp_path / "ladder.xlsx")
    with pytest.raises(InputErrors) as refused:
        import_workbook(tmp_path / "ladder.xlsx")
    assert [str(problem).split(": ", 1)[1] for problem in refused.value.problems] == [
        "Matrix!C1: the header 'Senoir' names no level of the levels sheet (fix: did you mean 'Senior'?)",
        "Matrix!D1: the header 'Staff (E3)' names no level of the levels sheet (fix: write a level's code or title: "
        "E1 (Junior), E2 (Senior); if the column holds no level, leave it out of level_columns: or list it under "
        "ignore: in a mapping file)",
    ]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("grid.csv", None, "is an Excel workbook, not CSV text (fix: name it grid.xlsx)"),
        ("grid.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "is not a spreadsheet ladderpress reads"),
        ("grid.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "is an Excel 97-2003 workbook (.xls)"),
        ("grid.xlsx", b"Competency,L1\nQuality,Good\n", "is text (CSV, perhaps), not a workbook"),
        ("grid.ods", None, "is an Excel workbook, not an OpenDocument spreadsheet (fix: name it grid.xlsx)"),
    ],
)
def test_a_file_that_is_not_what_its_name_says_is_refused(
    tmp_path: Path, name: str, data: bytes | None, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(data if data is not None else (SHEETS / "grouped.xlsx").read_bytes())
    with pytest.raises(InputErrors) as refused:
        import_workbook(path)
    assert message in str(refused.value.problems[0])


def test_a_csv_with_semicolons_and_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    path = tmp_path / "grid.csv"
    path.write_bytes('\ufeffCompetency;Junior (E1);Senior (E2)\r\nQuality;Good;"Better\n• and tested"\r\n'.encode())
    result = import_workbook(path)
    assert expectations(result) == {
        "quality": {"junior": {"text": "Good"}, "senior": {"text": "Better", "behaviours": ["and tested"]}}
    }


def test_a_formula_without_a_saved_value_is_named_not_read_as_blank(tmp_path: Path) -> None:
    """A workbook a program wrote holds formulas but no values for them (Excel saves both): each such cell is
    named, and its row is not also said to have no value at any level; a saved value is read."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Matrix"
    sheet.append(["Competency", "Junior (E1)", "Senior (E2)"])
    sheet.append(["Impact", '="Team"', '="Org"'])
    sheet.append(["Craft", "Good", '="Better"'])
    raw = io.BytesIO()
    book.save(raw)
    path = tmp_path / "grid.xlsx"
    path.write_bytes(raw.getvalue())
    with pytest.raises(InputErrors) as refused:
        import_workbook(path)
    fix = "(fix: open and save the workbook in Excel or LibreOffice, or type the value)"
    assert [str(p) for p in refused.value.problems] == [
        f"{path}: Matrix!{cell}: holds a formula with no saved value {fix}" for cell in ("B2", "C2", "C3")
    ]
    saved = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(saved, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                for cell, value in (("B2", "Team"), ("C2", "Org"), ("C3", "Better")):
                    formula = f'<c r="{cell}"><f>"{value}"</f><v></v></c>'.encode()
                    assert formula in data
                    data = data.replace(formula, f'<c r="{cell}" t="str"><f>"{value}"</f><v>{value}</v></c>'.encode())
            target.writestr(item, data)
    path.write_bytes(saved.getvalue())
    assert expectations(import_workbook(path)) == {
        "impact": {"junior": {"text": "Team"}, "senior": {"text": "Org"}},
        "craft": {"junior": {"text": "Good"}, "senior": {"text": "Better"}},
    }


def test_control_characters_in_a_cell_are_named_at_their_cell(tmp_path: Path) -> None:
    """An escape sequence in a header or a competency's name is never written into the project (it could not
    be exported, and would reach a terminal): each cell is named with its characters, once."""
    path = tmp_path / "grid.csv"
    header = b"Competency,Senior PM (L3)\x1b[31m,Staff\xe2\x80\xae (L4)\r\n"
    path.write_bytes(header + b"Imp\x1b[2Jact\x1b]0;pwned\x07,Team\tplay,Org\r\n")
    with pytest.raises(InputErrors) as refused:
        import_workbook(path)
    said = "which a spreadsheet does not show and a terminal may act on (fix: retype the cell's text (the characters "
    said += "are invisible, so they cannot be deleted one by one))"
    assert [str(p) for p in refused.value.problems] == [
        f"{path}: B1: holds a control character (U+001B), {said}",
        f"{path}: A2: holds control characters (U+0007, U+001B), {said}",
    ]


def test_control_characters_in_an_edited_csv_export_are_named_at_their_file_and_cell(tmp_path: Path) -> None:
    folder = tmp_path / "csv"
    assert main(["export", "--format", "csv", "--project", str(ROOT), "--out", str(folder), "-q"]) == 0
    levels = folder / "levels.csv"
    levels.write_bytes(levels.read_bytes().replace(b"Associate Product Manager", b"Associate\x1b[5m PM", 1))
    with pytest.raises(InputErrors) as refused:
        import_workbook(folder)
    assert [str(p) for p in refused.value.problems] == [
        f"{folder}: levels.csv!C2: holds a control character (U+001B), which a spreadsheet does not show and a "
        "terminal may act on (fix: retype the cell's text (the characters are invisible, so they cannot be deleted "
        "one by one))"
    ]


# --------------------------------------------------------------------------- --into


def test_import_into_a_folder_makes_a_project_that_checks_clean_and_builds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "ours"
    assert main(["import", str(SHEETS / "grouped.xlsx"), "--into", str(project)]) == 0
    out = capsys.readouterr().out
    assert f"# next: ladderpress check --project {project}, then build it: cd {project} && ladderpress" in out
    assert sorted(p.name for p in project.iterdir()) == [
        ".gitignore",
        "README.md",
        "brands",
        "content",
        "examples",
        "guides",
        "schemas",
    ]
    assert sorted(p.name for p in (project / "guides").iterdir()) == [
        "handbook.yaml",
        "ic-track.yaml",
        "level-guides.yaml",
        "manager-track.yaml",
        "onboarding.yaml",
        "one-pagers.yaml",
    ]
    level = (project / "content/levels/senior-product-manager.yaml").read_text(encoding="utf-8")
    assert level.startswith("# yaml-language-server: $schema=../../schemas/level.schema.json\n")
    assert "tracks: [ic, manager]\n" in level and "years: [4, 6]\n" in level
    assert "# TODO: the introduction" not in level
    assert main(["check", "--project", str(project)]) == 0
    assert "ok: 6 levels, 6 recipes" in capsys.readouterr().out
    assert main(["build", "one-pagers", "--level", "senior-product-manager", "--project", str(project), "-j", "1"]) == 0
    assert len(PdfReader(project / "out/one-pagers/senior-product-manager.pdf").pages) == 1
    # a folder that is not empty is refused, whatever it holds
    assert main(["import", str(SHEETS / "grouped.xlsx"), "--into", str(project)]) == 2
    assert "already exists and is not an empty folder" in capsys.readouterr().err


def test_into_a_link_says_it_is_one_and_what_to_give(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to("real")
    (tmp_path / "dangling").symlink_to("nowhere")
    grid = str(SHEETS / "grouped.csv")
    assert main(["import", grid, "--into", str(tmp_path / "link")]) == 2
    assert capsys.readouterr().err.splitlines()[0] == (
        f"usage error: {tmp_path}/link is a link (to real); give the folder itself, as --into {tmp_path}/real"
    )
    assert main(["import", grid, "--into", str(tmp_path / "dangling")]) == 2
    assert capsys.readouterr().err.splitlines()[0] == (
        f"usage error: {tmp_path}/dangling is a link to nowhere, which does not exist; give the folder to make, "
        "not a link"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dangling", "link", "real"]
    assert list((tmp_path / "real").iterdir()) == []


def test_into_a_folder_that_cannot_be_made_names_it_not_a_temporary_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a-file").write_text("mine\n", encoding="utf-8")
    into = tmp_path / "a-file" / "ours"
    assert main(["import", str(SHEETS / "grouped.csv"), "--into", str(into)]) == 1
    assert capsys.readouterr().err.splitlines()[0] == (
        f"error: {into}: cannot make the project there (File exists) (fix: check that it exists, that you may "
        "read and write it, and that the disk has room)"
    )
    if Path("/proc/self").is_dir():
        assert main(["import", str(SHEETS / "grouped.csv"), "--into", "/proc/self/x"]) == 1
        err = capsys.readouterr().err
        assert err.startswith("error: /proc/self/x: cannot make the project there (")
        assert "importing" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]


def test_into_a_folder_inside_a_project_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = tmp_path / "ladder"
    assert main(["init", str(project), "-q"]) == 0
    for into in (project / "imported", project / "content" / "imported"):
        assert main(["import", str(SHEETS / "grouped.csv"), "--into", str(into)]) == 2
        assert capsys.readouterr().err.splitlines()[0] == (
            f"usage error: {into} is inside the project {project}, which would not read it; choose a folder "
            f"outside it, as --into {tmp_path}/imported (to change that project's content, import into a new "
            "folder and copy its content/ over the project's)"
        )
        assert not into.exists()


@pytest.mark.parametrize("name", ["grouped.xlsx", "grouped.csv", "grouped.ods", "engineering-levels.xlsx"])
def test_the_project_written_loads_the_ladder_imported(name: str, tmp_path: Path) -> None:
    result = imported(name)
    write_project(result, tmp_path / "ours")
    back, problems, warnings = load_ladder(tmp_path / "ours/content", tmp_path / "ours")
    assert back is not None and (problems, warnings) == ([], [])
    assert back == result.ladder


def test_the_sample_roster_names_the_imported_levels(tmp_path: Path) -> None:
    project = tmp_path / "ours"
    write_project(imported("engineering-levels.xlsx"), project)
    roster = (project / "examples/new-hires.csv").read_text(encoding="utf-8").splitlines()
    assert roster[0].startswith("name,level,")
    assert {line.split(",")[1] for line in roster[1:]} == {"level-1", "level-2", "level-3", "level-4", "level-5"}


# --------------------------------------------------------------------------- the round trip


ROUND_TRIP = ["default", "engineering", "first-edition", "ft", "monzo", "snowflake"]


def _source(name: str, tmp_path: Path) -> Path:
    """A copy of the default project's content, or of a fixture's (a first edition upgraded)."""
    source = tmp_path / "source"
    if name == "default":
        shutil.copytree(ROOT / "content", source / "content")
    else:
        shutil.copytree(FIXTURES / name / "content", source / "content")
        if (FIXTURES / name / "guides").is_dir():
            shutil.copytree(FIXTURES / name / "guides", source / "guides")
    if name == "first-edition":
        assert main(["upgrade", "--project", str(source), "-q"]) == 0
    return source


@pytest.mark.parametrize("name", ROUND_TRIP)
def test_export_then_import_gives_the_same_ladder(name: str, tmp_path: Path) -> None:
    """export --format xlsx, then import --into: the new project's ladder is the one exported."""
    source = _source(name, tmp_path)
    ladder, problems, _ = load_ladder(source / "content", source)
    assert ladder is not None, problems
    workbook = tmp_path / "ladder.xlsx"
    assert main(["export", "--project", str(source), "--out", str(workbook), "-q"]) == 0
    result = import_workbook(workbook)
    assert result.exported
    project = tmp_path / "imported"
    write_project(result, project)
    back, problems, warnings = load_ladder(project / "content", project)
    assert back is not None, problems
    assert warnings == []
    assert back.model_dump() == ladder.model_dump()


@pytest.mark.parametrize("name", ROUND_TRIP)
def test_export_csv_then_import_of_its_folder_gives_the_same_ladder(name: str, tmp_path: Path) -> None:
    """export --format csv (a folder: UTF-8 with a byte-order mark, CRLF, formula-like values behind a ')
    then import of the folder: read exactly, as the workbook is, and the project made loads the same ladder."""
    source = _source(name, tmp_path)
    ladder, problems, _ = load_ladder(source / "content", source)
    assert ladder is not None, problems
    folder = tmp_path / "csv"
    assert main(["export", "--format", "csv", "--project", str(source), "--out", str(folder), "-q"]) == 0
    result = import_workbook(folder)
    assert result.exported and result.notes == []
    project = tmp_path / "imported"
    write_project(result, project)
    back, problems, warnings = load_ladder(project / "content", project)
    assert back is not None, problems
    assert warnings == []
    assert back.model_dump() == ladder.model_dump()


def test_a_formula_like_value_comes_back_from_the_csv_folder_as_written(tmp_path: Path) -> None:
    source = _source("default", tmp_path)
    faq = source / "content/faq.yaml"
    text = faq.read_text(encoding="utf-8")
    asked = 'faq:\n  - question: "=1+1"\n    answer: "\'quoted, -3 and @me"\n'
    faq.write_text(text.replace("faq:\n", asked, 1), encoding="utf-8")
    ladder, problems, _ = load_ladder(source / "content", source)
    assert ladder is not None, problems
    assert ladder.faq[0].question == "=1+1"
    folder = tmp_path / "csv"
    assert main(["export", "--format", "csv", "--project", str(source), "--out", str(folder), "-q"]) == 0
    written = (folder / "faq.csv").read_bytes()
    assert written.startswith(b"\xef\xbb\xbfquestion,answer,levels,audience\r\n'=1+1,\"''quoted, -3 and @me\",,\r\n")
    back = import_workbook(folder).ladder
    assert (back.faq[0].question, back.faq[0].answer) == ("=1+1", "'quoted, -3 and @me")


def test_an_edited_csv_export_names_its_file_and_cell(tmp_path: Path) -> None:
    folder = tmp_path / "csv"
    assert main(["export", "--format", "csv", "--project", str(ROOT), "--out", str(folder), "-q"]) == 0
    levels = folder / "levels.csv"
    lines = levels.read_bytes().split(b"\r\n")
    cells = lines[2].split(b",")
    cells[4] = b"second"  # rank
    lines[2] = b",".join(cells)
    levels.write_bytes(b"\r\n".join(lines))
    with pytest.raises(InputErrors) as refused:
        import_workbook(folder)
    assert [str(p) for p in refused.value.problems] == [
        f"{folder}: levels.csv!E3: rank: expected a whole number, got 'second' (fix: write a number such as 3)"
    ]


def test_a_csv_file_an_export_does_not_write_is_left_out_with_a_note(tmp_path: Path) -> None:
    folder = tmp_path / "csv"
    assert main(["export", "--format", "csv", "--project", str(ROOT), "--out", str(folder), "-q"]) == 0
    (folder / "notes.csv").write_text("mine\n", encoding="utf-8")
    assert import_workbook(folder).notes == [f"{folder}/notes.csv: not a sheet ladderpress exports, so it is not read"]


def test_a_folder_that_is_no_csv_export_says_what_import_reads(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["import", str(empty)]) == 1
    assert capsys.readouterr().err.splitlines()[0] == (
        f"error: {empty}: is a folder, not a spreadsheet, and holds no CSV file (fix: give the spreadsheet file "
        "itself (.xlsx, .ods or .csv), or the folder ladderpress export --format csv wrote)"
    )
    theirs = tmp_path / "theirs"
    theirs.mkdir()
    shutil.copy(SHEETS / "grouped.csv", theirs / "grouped.csv")
    assert main(["import", str(theirs)]) == 1
    assert capsys.readouterr().err.splitlines()[0] == (
        f"error: {theirs}: is a folder of CSV files ladderpress export did not write (no levels.csv with id and "
        "title columns beside an expectations.csv or about.csv); import reads one spreadsheet, or such a folder "
        f"(fix: give one file of it, as {theirs}/grouped.csv)"
    )
    assert (theirs / "grouped.csv").is_file()


def test_a_csv_export_imported_into_a_project_says_what_it_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "csv"
    assert main(["export", "--format", "csv", "--project", str(ROOT), "--out", str(folder), "-q"]) == 0
    assert main(["import", str(folder), "--into", str(tmp_path / "ours")]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"# {folder}: CSV files ladderpress exported: read exactly, file by file (no mapping applies)"
    assert main(["check", "--project", str(tmp_path / "ours")]) == 0


def test_a_link_in_a_csv_export_to_a_file_elsewhere_is_not_read(tmp_path: Path) -> None:
    folder = tmp_path / "csv"
    assert main(["export", "--format", "csv", "--project", str(ROOT), "--out", str(folder), "-q"]) == 0
    secret = tmp_path / "secret.csv"
    secret.write_text("field,value\n", encoding="utf-8")
    (folder / "faq.csv").unlink()
    (folder / "faq.csv").symlink_to(secret)
    with pytest.raises(InputErrors) as refused:
        import_workbook(folder)
    assert [str(p) for p in refused.value.problems] == [
        f"{folder}/faq.csv: is a link to a file outside the allowed folders ({secret}) "
        "(fix: copy the file itself into the project or brand folder)"
    ]


def test_an_exported_workbook_is_read_exactly_and_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    workbook = tmp_path / "ladder.xlsx"
    assert main(["export", "--project", str(ROOT), "--out", str(workbook), "-q"]) == 0
    assert main(["import", str(workbook)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"# {workbook}: a workbook ladderpress exported: read exactly, sheet by sheet (no mapping applies)"
    assert out[1].startswith("# would make: 8 levels (apm, pm, senior-pm, principal-pm, group-pm, director, vp, cpo)")


def test_an_edited_exported_workbook_names_the_cell_it_cannot_read(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    workbook = tmp_path / "ladder.xlsx"
    assert main(["export", "--project", str(ROOT), "--out", str(workbook), "-q"]) == 0
    book = load_workbook(workbook)
    book["Levels"]["E3"] = "second"  # rank
    raw = io.BytesIO()
    book.save(raw)
    workbook.write_bytes(raw.getvalue())
    with pytest.raises(InputErrors) as refused:
        import_workbook(workbook)
    assert [str(p) for p in refused.value.problems] == [
        f"{workbook}: Levels!E3: rank: expected a whole number, got 'second' (fix: write a number such as 3)"
    ]


# --------------------------------------------------------------------------- workbooks as people keep them


def _book(tmp_path: Path, sheets: dict[str, list[list[Any]]], name: str = "ladder.xlsx") -> Path:
    from openpyxl import Workbook

    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    path = tmp_path / name
    book.save(path)
    return path


TRACKS = {
    "IC track": [
        ["Competency", "Engineer (L1)", "Senior (L2)", "Lead (L3)"],
        ["Years of experience", "0-2", "2-5", "5+"],
        ["Delivery", "Delivers tasks", "Delivers features", "Delivers projects"],
        ["Design", "Follows designs", "Designs features", "Designs systems"],
    ],
    "Manager track": [
        ["Competency", "L3", "Manager (M4)"],
        ["Delivery", "Delivers projects", "Delivers programs"],
        ["Coaching", "Coaches peers", "Coaches managers"],
    ],
}


def test_every_matrix_sheet_is_read_each_one_track(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _book(tmp_path, TRACKS)
    result = import_workbook(path)
    ladder = result.ladder
    assert [(t.id, t.name) for t in ladder.tracks] == [("ic", "IC"), ("manager", "Manager")]
    assert {lv.id: lv.tracks for lv in ladder.levels} == {
        "engineer": ["ic"],
        "senior": ["ic"],
        "lead": ["ic", "manager"],  # L3 on both sheets: on both tracks
        "manager": ["manager"],
    }
    assert {c.id: c.tracks for c in ladder.all_competencies()} == {
        "delivery": [],  # on every sheet: every track's
        "design": ["ic"],
        "coaching": ["manager"],
    }
    assert expectations(result)["delivery"] == {
        "engineer": {"text": "Delivers tasks"},
        "senior": {"text": "Delivers features"},
        "lead": {"text": "Delivers projects"},
        "manager": {"text": "Delivers programs"},
    }
    assert main(["import", str(path)]) == 0
    out, err = capsys.readouterr()
    assert "is not read" not in err
    lines = out.splitlines()
    start = lines.index("matrix:")
    assert lines[start : start + 8] == [
        "matrix:",
        "  sheet: [IC track, Manager track] # each looks like a matrix: one track a sheet (IC, Manager)",
        "  header_row: 1                    # the first row",
        "  theme_column: null               # no column groups the competencies: one group, 'Competencies' (TODO, "
        "name it)",
        "  competency_column: A             # 'Competency'",
        "  summary_column: null             # no column of summaries",
        "  # level_columns: B:D on IC track; B:C on Manager track (each inferred from its sheet)",
        "  # level_rows: years: 2 on IC track; {} on Manager track (each inferred from its sheet)",
    ]


def test_a_glossary_of_competencies_is_no_track(tmp_path: Path) -> None:
    glossary = [["Competency", "Definition"], ["Delivery", "Getting things done"]]
    path = _book(tmp_path, {**TRACKS, "Glossary": glossary})
    result = import_workbook(path)
    assert [t.id for t in result.ladder.tracks] == ["ic", "manager"]
    assert result.notes == [
        f"{path}: the sheet Glossary is not read: it is neither the matrix nor a levels or moves sheet (name it in "
        "a mapping file if it is one)"
    ]


def test_the_mapping_names_one_matrix_sheet_or_a_list(tmp_path: Path) -> None:
    path = _book(tmp_path, TRACKS)
    both = tmp_path / "both.yaml"
    both.write_text("matrix:\n  sheet: [IC track, Manager track]\n", encoding="utf-8")
    assert [t.id for t in import_workbook(path, both).ladder.tracks] == ["ic", "manager"]
    one = tmp_path / "one.yaml"
    one.write_text("matrix:\n  sheet: IC track\n", encoding="utf-8")
    result = import_workbook(path, one)
    assert [t.id for t in result.ladder.tracks] == ["our-field"]
    assert result.notes == [
        f"{path}: the sheet 'Manager track' is not read: it is neither the matrix nor a levels or moves sheet "
        "(name it in a mapping file if it is one)"
    ]


def test_with_problems_the_mapping_is_still_printed_to_correct(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    into = tmp_path / "ours"
    assert main(["import", str(SHEETS / "mistakes.xlsx"), "--into", str(into)]) == 1
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert lines[0] == (
        f"# the mapping read from {SHEETS / 'mistakes.xlsx'}: save these lines as mapping.yaml, change what is "
        "wrong, and"
    )
    assert "  sheet: Matrix                    # the only sheet left" in lines
    assert lines[-1] == (
        "# nothing was made: the problems (on stderr) say what to correct, in the workbook or in this mapping"
    )
    assert err.splitlines()[-1] == "3 problems found; nothing was written."
    assert not into.exists()


def test_a_column_of_notes_beside_the_levels_is_no_level(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _workbook(
        tmp_path,
        [
            ["Competency", "Junior", "Notes", "Senior", "Comments", "Last reviewed"],
            ["Quality", "Good", "ask Sam", "Better", "new", "2025"],
        ],
    )
    result = import_workbook(path)
    assert [lv.id for lv in result.ladder.ranked_levels()] == ["junior", "senior"]
    assert result.notes == [
        f"{path}: Matrix!C1: the column 'Notes' is no level; it is left out",
        f"{path}: Matrix!E1: the column 'Comments' is no level; it is left out",
        f"{path}: Matrix!F1: the column 'Last reviewed' is no level; it is left out",
    ]
    assert main(["import", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"{'  level_columns: B, D':<34} # 2 levels, left to right (ranks: says how they rank)" in out.splitlines()
    assert "ignore: [Matrix!C, Matrix!E, Matrix!F] # cells to leave out, such as Matrix!M20 or Levels!H" in out


def test_a_column_ignored_whole_is_left_out_before_the_levels_are_found(tmp_path: Path) -> None:
    path = _book(
        tmp_path,
        {
            "IC Matrix": [["Competency", "E1", "E2", "Priority"], ["Quality", "Good", "Better", "High"]],
            "Levels": [["Code", "Title", "Track"], ["E1", "Junior", "Engineering"], ["E2", "Senior", "Engineering"]],
        },
    )
    with pytest.raises(InputErrors) as refused:
        import_workbook(path)
    assert [str(problem).split(": ", 1)[1] for problem in refused.value.problems] == [
        "'IC Matrix'!D1: the header 'Priority' names no level of the levels sheet (fix: write a level's code or "
        "title: E1 (Junior), E2 (Senior); if the column holds no level, leave it out of level_columns: or list it "
        "under ignore: in a mapping file)"
    ]
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text("ignore: [\"'IC Matrix'!D\"]\n", encoding="utf-8")
    result = import_workbook(path, mapping)
    assert [lv.id for lv in result.ladder.ranked_levels()] == ["junior", "senior"]
    assert result.notes == []
    ignored = "ignore: [\"'IC Matrix'!D\"]"
    assert f"{ignored:<34} # cells to leave out, such as Matrix!M20 or Levels!H" in map(str, result.mapping)


def test_columns_of_a_levels_tab_that_are_no_field_are_left_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _book(
        tmp_path,
        {
            "Matrix": [["Competency", "E1", "E2"], ["Quality", "Good", "Better"]],
            "Levels": [
                ["Code", "Title", "Salary range", "Headcount"],
                ["E1", "Junior", "$100k-$150k", 12],
                ["E2", "Senior", "$150k-$200k", 4],
            ],
        },
    )
    assert main(["import", str(path)]) == 0
    out, err = capsys.readouterr()
    fields = (
        "band, code, description, duties, experience, id, leads_to, promotion_signals, rank, reports_to, scope, "
        "short_title, time_at_level, title, tracks, years"
    )
    assert err.splitlines() == [
        f"warning: {path}: Levels!C1: the column 'Salary range' is no field of levels; it is left out (if it is "
        f"one, rename it to one of: {fields})",
        f"warning: {path}: Levels!D1: the column 'Headcount' is no field of levels; it is left out (if it is one, "
        f"rename it to one of: {fields})",
    ]
    assert f"{'ignore: [Levels!C, Levels!D]':<34} # cells to leave out, such as Matrix!M20 or Levels!H" in out


def test_a_competency_named_like_a_level_fact_is_a_competency(tmp_path: Path) -> None:
    grouped = tmp_path / "grouped.csv"
    grouped.write_text(
        "Pillar,Competency,IC1,IC2\n"
        ",Years,0-2 yrs,2-4 yrs\n"
        'Craft,Code,"Writes code\n• tests it",Writes clean code\n'
        ",Ops,Joins the rota,Runs the rota\n",
        encoding="utf-8",
    )
    result = import_workbook(grouped)
    assert [c.id for c in result.ladder.all_competencies()] == ["code", "ops"]
    assert [lv.code for lv in result.ladder.ranked_levels()] == ["IC1", "IC2"]
    assert [lv.years for lv in result.ladder.ranked_levels()] != [None, None]
    plain = _workbook(
        tmp_path,
        [
            ["Competency", "Senior PM (L3)", "Staff PM (L4)"],
            ["Scope", "Owns a feature area", "Owns a whole product"],
            ["Impact", "Team", "Org"],
        ],
    )
    result = import_workbook(plain)
    assert [c.id for c in result.ladder.all_competencies()] == ["scope", "impact"]
    assert result.placeholders["content/competencies.yaml"] == (
        "2 competencies have their name as their summary; the group 'Competencies' is a placeholder name"
    )


def test_a_first_competency_without_a_group_is_told_to_write_one(tmp_path: Path) -> None:
    path = _workbook(tmp_path, [["Area", "Competency", "Junior"], [None, "Ops", "Joins"], ["Craft", "Code", "Writes"]])
    with pytest.raises(InputErrors) as refused:
        import_workbook(path)
    assert [str(problem).split(": ", 1)[1] for problem in refused.value.problems] == [
        "Matrix!A2: the competency 'Ops' has no group (fix: write its group in A2; the competencies below it, with "
        "their group cell blank, are in it too)"
    ]


def test_one_competency_is_said_in_the_singular(tmp_path: Path) -> None:
    path = _workbook(tmp_path, [["Competency", "Junior"], ["Quality", "Good"]])
    assert import_workbook(path).placeholders["content/competencies.yaml"] == (
        "1 competency has its name as its summary; the group 'Competencies' is a placeholder name"
    )


def test_a_run_of_empty_columns_is_one_warning(tmp_path: Path) -> None:
    path = _workbook(tmp_path, [["Competency", "Junior", "Senior"], ["Quality", "Good", "Better"]])
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text("matrix:\n  level_columns: B:ZZ\n", encoding="utf-8")
    assert import_workbook(path, mapping).notes == [
        f"{path}: Matrix!D1: columns D–ZZ are empty (no header, no value); they are left out"
    ]


@pytest.mark.parametrize(
    ("title", "field"),
    [
        ("Engineering Ladders – Developer career framework", "Developer"),
        ("Product Management Career Framework", "Product Management"),
        ("Acme engineering levels", "Acme engineering"),
        ("Career ladder: Design", "Design"),
        ("Data Science Progression Framework 2024", "Data Science"),
        ("Front-end Engineering - v2", "Front-end Engineering"),
    ],
)
def test_the_field_is_the_part_of_the_title_naming_the_framework_its_words_in_order(
    tmp_path: Path, title: str, field: str
) -> None:
    path = _workbook(tmp_path, [[title], ["Competency", "Junior", "Senior"], ["Quality", "Good", "Better"]])
    result = import_workbook(path)
    assert (result.ladder.title, result.ladder.field) == (title, field)
    assert result.ladder.tracks[0].summary == (
        "This track runs from Junior to Senior; who it is for is still to be written."
    )


def test_competencies_no_column_groups_are_one_group_named_as_a_placeholder_not_after_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "acme-engineering-manager.csv"
    path.write_text("Dimension,EM5,EM6\nPeople,Coaches,Grows leads\nProcess,Adjusts,Shapes\n", encoding="utf-8")
    result = import_workbook(path)
    assert [(theme.name, [c.id for c in theme.competencies]) for theme in result.ladder.competencies] == [
        ("Competencies", ["people", "process"])
    ]
    assert result.placeholders["content/competencies.yaml"] == (
        "2 competencies have their name as their summary; the group 'Competencies' is a placeholder name"
    )
    assert main(["import", str(path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert (
        "  theme_column: null               # no column groups the competencies: one group, 'Competencies' (TODO, "
        "name it)"
    ) in out
    assert (
        "# TODO content/competencies.yaml: 2 competencies have their name as their summary; the group "
        "'Competencies' is a placeholder name"
    ) in out


@pytest.mark.parametrize("column", ["Position", "Role", "Job", "Job title", "Title"])
def test_a_levels_tab_headed_level_and_position_splits_a_coded_title_as_the_matrix_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], column: str
) -> None:
    path = _book(
        tmp_path,
        {
            "Developer": [
                ["Area", "Dimension", "D1 - Developer 1", "D2 - Developer 2"],
                ["Craft", "Technology", "Adopts", "Specializes"],
            ],
            "Levels": [["Level", "Senior", column], [1, "No", "D1 - Developer 1"], [2, "No", "D2 - Developer 2"]],
        },
    )
    levels = import_workbook(path).ladder.levels
    assert [(lv.id, lv.code, lv.title, lv.rank) for lv in levels] == [
        ("developer-1", "D1", "Developer 1", 1),
        ("developer-2", "D2", "Developer 2", 2),
    ]
    assert parse_header("D1 - Developer 1") == ("Developer 1", "D1")  # the matrix's headers, split the same way
    assert main(["import", str(path)]) == 0
    out, err = capsys.readouterr()
    lines = out.splitlines()
    start = lines.index("levels:")
    assert lines[start : start + 6] == [
        "levels:",
        f"  sheet: Levels                    # its headers name levels' fields (level, {column_name(column)}, …)",
        "  header_row: 1                    # the first row",
        "  columns:",
        "    rank: A                        # 'Level'",
        f"    title: C                       # '{column}'; 2 with a code ('D1 - Developer 1', …), split as the "
        "matrix's headers are",
    ]
    assert err.splitlines() == [
        f"warning: {path}: Levels!B1: the column 'Senior' is no field of levels; it is left out (if it is one, "
        "rename it to one of: band, code, description, duties, experience, id, leads_to, promotion_signals, rank, "
        "reports_to, scope, short_title, time_at_level, title, tracks, years)"
    ]


def test_a_second_tracks_summary_does_not_name_the_field_as_if_it_were_the_first(tmp_path: Path) -> None:
    ladder = import_workbook(_book(tmp_path, TRACKS)).ladder
    assert [(t.name, t.summary) for t in ladder.tracks] == [
        ("IC", "This track runs from Engineer to Lead; who it is for is still to be written."),
        ("Manager", "This track runs from Lead to Manager; who it is for is still to be written."),
    ]


def test_the_matrix_of_one_group_prints_no_group_heading_and_of_two_prints_each(tmp_path: Path) -> None:
    from ladderpress.load import load_project
    from ladderpress.render import Renderer
    from tests.test_render import job, template

    matrix = '{% import "_macros.html" as m with context %}{{ m.competency_matrix(levels, ladder.competencies) }}'
    headings = []
    for name, text in {
        "one.csv": "Dimension,EM5,EM6\nPeople,Coaches,Grows leads\n",
        "two.csv": "Area,Dimension,EM5,EM6\nPeople skills,People,Coaches,Grows leads\nCraft,Process,Adjusts,Shapes\n",
    }.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        root = tmp_path / path.stem
        assert main(["import", str(path), "--into", str(root), "-q"]) == 0
        template(root, "t.html", matrix)
        project = load_project(root)
        html = Renderer(project).render(job(project, focus=None))
        assert "People" in html
        headings.append(html.count('<tr class="matrix__theme">'))
    assert headings == [0, 2]
