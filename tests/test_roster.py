"""Rosters come from HR systems and are untrusted: every bad row is one located line, the good
rows are still built, rows end only at CR/LF, people are told apart by a normalised key,
a packet file never changes hands, and a roster that cannot be read is one line, never a traceback."""

from __future__ import annotations

import codecs
import csv
import datetime
import errno
import json
import os
import re
import time
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from types import MappingProxyType

import openpyxl
import pytest
from pypdf import PdfReader

import ladderpress.files
import ladderpress.roster as roster_module
from ladderpress.cli import main
from ladderpress.errors import Problem
from ladderpress.load import load_project
from ladderpress.model import Ladder
from ladderpress.plan import PacketJob, plan
from ladderpress.render import Renderers
from ladderpress.request import BuildRequest
from ladderpress.roster import COLUMNS, Roster, person_key, read_roster
from tests.conftest import ROOT, copy_project, text

HEADER = "name,level,team,manager,buddy,start_date\n"
REST = ",pm,Search,Priya Raman,Ines Duarte,2027-01-11\n"
BREAKS = ["\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e"]
CONTROLS = "\x00\x07\x0b\x0c\x1b\x1c\x1d\x1e\x7f\x85\x9b\u2028\u2029"
"""Characters that must never reach a packet (a PDF's text may hold its own line breaks)."""


@pytest.fixture(scope="module")
def ladder() -> Ladder:
    return load_project(ROOT).ladder


def write(path: Path, lines: list[str], header: str = HEADER) -> Path:
    """A CSV roster with exactly these bytes: no csv writer to quote or clean anything."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes((header + "".join(lines)).encode("utf-8"))
    return path


def read(path: Path, ladder: Ladder) -> Roster:
    return read_roster(path, path.parent, ladder, (path.parent,))


def people(roster: Roster) -> list[tuple[str, int]]:
    return [(entry.person.name, entry.row) for entry in roster.entries]


# --------------------------------------------------------------------------- reading


@pytest.mark.parametrize("sep", BREAKS, ids=[f"U+{ord(c):04X}" for c in BREAKS])
def test_a_line_separator_in_a_name_does_not_make_a_person_from_half_a_row(
    tmp_path: Path, ladder: Ladder, sep: str
) -> None:
    roster = read(write(tmp_path / "r.csv", [f'"Ann{sep}Lee"{REST}', f"Bo{sep}Ek{REST}", f"Cy Do{REST}"]), ladder)
    assert people(roster) == [("Ann Lee", 2), ("Bo Ek", 3), ("Cy Do", 4)]
    assert roster.problems == [] and not roster.fatal
    code = f"U+{ord(sep):04X}"
    assert roster.warnings == [
        f"r.csv:2: name: line break(s) or control character(s) ({code}) replaced by spaces",
        f"r.csv:3: name: line break(s) or control character(s) ({code}) replaced by spaces",
    ]


def test_control_characters_in_any_value_become_spaces_with_one_warning_per_row(tmp_path: Path, ladder: Ladder) -> None:
    lines = ['Ann\x00Lee,pm,"Se\r\narch",Priya\tRaman,\x1b[31mInes,2027-01-11\n', f"Bo Ek{REST}"]
    roster = read(write(tmp_path / "r.csv", lines), ladder)
    assert people(roster) == [("Ann Lee", 2), ("Bo Ek", 4)]  # the quoted CR LF is inside row 2
    person = roster.entries[0].person
    assert (person.team, person.manager, person.buddy) == ("Se arch", "Priya Raman", "[31mInes")
    assert roster.warnings == [
        "r.csv:2: name, team, manager, buddy: line break(s) or control character(s) "
        "(U+0000, U+0009, U+000A, U+000D, U+001B) replaced by spaces"
    ]


def test_a_yaml_roster_is_cleaned_the_same_way(tmp_path: Path, ladder: Ladder) -> None:
    path = tmp_path / "r.yaml"
    path.write_text(
        '- {name: "Ann\\u2028Lee", level: pm, team: "A\\x1bB", manager: M, buddy: B, start_date: 2027-01-11}\n',
        encoding="utf-8",
    )
    roster = read(path, ladder)
    assert people(roster) == [("Ann Lee", 1)] and roster.entries[0].person.team == "A B"
    assert roster.warnings == [
        "r.yaml:1: name, team: line break(s) or control character(s) (U+001B, U+2028) replaced by spaces"
    ]


def test_rows_that_are_not_csv_are_each_reported_and_the_others_read(tmp_path: Path, ladder: Ladder) -> None:
    lines = [
        f'"Ann"Lee{REST}',
        f"Bo Ek{REST}",
        f"Dubois, Lea{REST}",
        ",,,,,\n",
        "\n",
        f"Cy Do{REST[:-1]},,,\n",
        f'Di Fa,pm,"Search{REST}',
        f"Ed Go{REST}",
    ]
    roster = read(write(tmp_path / "r.csv", lines), ladder)
    assert people(roster) == [("Bo Ek", 3), ("Cy Do", 7)]
    assert [str(p) for p in roster.problems] == [
        'r.csv:2: a quote inside a value is not doubled (fix: write a quote inside a value as "", or remove it)',
        "r.csv:4: has 7 values, more than the 6 columns of the header "
        "(fix: put a value that holds a comma in double quotes)",
        "r.csv:8: a quote opened on this row is never closed, so the rest of the file was read into this row "
        '(fix: close the quote, or write a quote inside a value as "")',
    ]


def test_bytes_that_are_not_utf8_are_located_after_a_byte_order_mark(tmp_path: Path, ladder: Ladder) -> None:
    path = tmp_path / "r.csv"
    path.write_bytes(b"\xef\xbb\xbf" + HEADER.encode() + f"Ann Lee{REST}".encode() + b"B\xe9a,pm\n")
    roster = read(path, ladder)
    assert roster.fatal and roster.entries == []
    assert [str(p) for p in roster.problems] == ["r.csv:3:2: is not UTF-8 text (fix: export the roster as CSV UTF-8)"]


def test_a_header_with_a_byte_order_mark_and_a_repeated_column(tmp_path: Path, ladder: Ladder) -> None:
    bom = write(tmp_path / "bom.csv", [f"Ann Lee{REST}"], "\ufeff" + HEADER)
    assert people(read(bom, ladder)) == [("Ann Lee", 2)]
    twice = read(write(tmp_path / "twice.csv", [f"Ann Lee{REST[:-1]},x\n"], HEADER[:-1] + ",team\n"), ladder)
    assert twice.fatal and [str(p) for p in twice.problems] == [
        "twice.csv:1: the header has column(s) team more than once (fix: keep one column of each name)"
    ]


# --------------------------------------------------------------------------- who is who


def test_a_name_with_a_zero_width_space_is_a_duplicate_naming_both_rows(tmp_path: Path, ladder: Ladder) -> None:
    lines = [f"Lea Dubois{REST}", f"Lea Dubois\u200b{REST}", f"lea\u00a0 DUBOIS{REST}", f"\u202eLea Dubois{REST}"]
    roster = read(write(tmp_path / "r.csv", lines), ladder)
    assert people(roster) == [("Lea Dubois", 2)]
    assert [str(p) for p in roster.problems] == [
        "r.csv:3: name: 'Lea Dubois<U+200B>' is already on row 2 as 'Lea Dubois' (fix: remove the duplicate row)",
        "r.csv:4: name: 'lea DUBOIS' is already on row 2 as 'Lea Dubois' (fix: remove the duplicate row)",
        "r.csv:5: name: '<U+202E>Lea Dubois' is already on row 2 as 'Lea Dubois' (fix: remove the duplicate row)",
    ]


def test_nfc_and_nfd_are_one_person_but_accents_make_another(tmp_path: Path, ladder: Ladder) -> None:
    lines = [f"L\u00e9a Dubois{REST}", f"Lea Dubois{REST}", f"Le\u0301a Dubois{REST}"]
    roster = read(write(tmp_path / "r.csv", lines), ladder)
    assert people(roster) == [("L\u00e9a Dubois", 2), ("Lea Dubois", 3)]
    assert [str(p) for p in roster.problems] == [
        "r.csv:4: name: 'L\u00e9a Dubois' is already on row 2, with its accents encoded differently "
        "(fix: remove the duplicate row)"
    ]
    assert [entry.key for entry in roster.entries] == [person_key("L\u00e9a Dubois"), person_key("Lea Dubois")]


def test_person_key_is_a_digest_of_the_normalised_name() -> None:
    key = person_key("L\u00e9a Dubois")
    assert len(key) == 64 and int(key, 16) >= 0
    assert key == person_key("Le\u0301a  DUBOIS\u200b") == person_key(" l\u00e9a\u2028dubois ")
    assert key != person_key("Lea Dubois")
    # full-width letters (East Asian input methods type them) are the same letters
    assert person_key("Ａｄａ Ｌｏｖｅｌａｃｅ") == person_key("Ada Lovelace")


# --------------------------------------------------------------------------- files stay with their people


def placed(project: object, roster: Path, owners: dict[str, str] | None = None) -> dict[str, str]:
    result = plan(project, BuildRequest(recipes=("onboarding",), roster=roster), owners=owners or {})
    assert result.problems == [] and result.rejected == []
    packets = [job for job in result.jobs if isinstance(job, PacketJob)]
    assert len(packets) == len(result.jobs)
    assert all(job.output.name == f"{job.person.slug}.pdf" for job in packets)
    return {job.person.person.name: job.output.as_posix() for job in packets}


def test_a_packet_file_stays_with_the_person_it_was_written_for(tmp_path: Path) -> None:
    project = load_project(ROOT)
    lea, lea_accent = f"Lea Dubois{REST}", f"L\u00e9a Dubois{REST}"
    first = plan(project, BuildRequest(recipes=("onboarding",), roster=write(tmp_path / "1.csv", [lea_accent])))
    assert [job.output.as_posix() for job in first.jobs] == ["onboarding/lea-dubois.pdf"]
    owners = {job.output.as_posix(): job.person.key for job in first.jobs if isinstance(job, PacketJob)}
    assert owners == {"onboarding/lea-dubois.pdf": person_key("L\u00e9a Dubois")}
    kept = {"L\u00e9a Dubois": "onboarding/lea-dubois.pdf", "Lea Dubois": "onboarding/lea-dubois-2.pdf"}
    # whatever the order of the rows, Léa keeps her file and Lea is never given it
    assert placed(project, write(tmp_path / "2.csv", [lea, lea_accent]), owners) == kept
    assert placed(project, write(tmp_path / "3.csv", [lea_accent, lea]), owners) == kept
    # without the record, the row order decides: the hazard the record removes
    assert placed(project, write(tmp_path / "4.csv", [lea, lea_accent])) == {
        "Lea Dubois": "onboarding/lea-dubois.pdf",
        "L\u00e9a Dubois": "onboarding/lea-dubois-2.pdf",
    }


def test_recorded_files_are_never_given_to_anyone_else(tmp_path: Path) -> None:
    project = load_project(ROOT)
    gone, lea, ann = person_key("Someone Gone"), person_key("Lea Dubois"), person_key("Ann Lee")
    owners = {
        "onboarding/lea-dubois.pdf": gone,
        "onboarding/lea-dubois-2.pdf": gone,
        "onboarding/lea-dubois-4.pdf": lea,
        "onboarding/old-name.pdf": ann,
        "other/ann-lee.pdf": lea,
    }
    roster = write(tmp_path / "r.csv", [f"Ann Lee{REST}", f"Lea-Dubois{REST}", f"Lea Dubois{REST}"])
    assert placed(project, roster, owners) == {
        "Ann Lee": "onboarding/old-name.pdf",  # kept though the slug made today differs (a new slug library)
        "Lea-Dubois": "onboarding/lea-dubois-3.pdf",  # -1 and -2 belong to someone else, -4 to Lea Dubois
        "Lea Dubois": "onboarding/lea-dubois-4.pdf",
    }


def test_a_new_person_does_not_take_a_name_numbered_for_another(tmp_path: Path) -> None:
    project = load_project(ROOT)
    roster = write(tmp_path / "r.csv", [f"Ann Lee 2{REST}", f"Ann Lee{REST}", f"Ann-Lee{REST}"])
    assert placed(project, roster) == {
        "Ann Lee 2": "onboarding/ann-lee-2.pdf",
        "Ann Lee": "onboarding/ann-lee.pdf",
        "Ann-Lee": "onboarding/ann-lee-3.pdf",
    }


# --------------------------------------------------------------------------- end to end


def test_control_characters_never_reach_a_packet(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = [
        '"Ann\u2028Lee",pm,"Sea\x1b[31mrch",Priya\x85Raman,"Ines\x0cDuarte",2027-01-11\n',
        f"Bo\x0bEk{REST}",
        f"Ann Lee\u200b{REST}",
    ]
    roster = write(tmp_path / "r.csv", lines)
    out = tmp_path / "out"
    code = main(["--project", str(ROOT), "--out", str(out), "-j", "1", "onboarding", "--roster", str(roster)])
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err
    assert (
        f"error: {roster}:4: name: 'Ann Lee<U+200B>' is already on row 2 as 'Ann Lee' "
        "(fix: remove the duplicate row)" in err.splitlines()
    )
    assert (
        f"warning: {roster}:2: name, team, manager, buddy: line break(s) or control character(s) "
        "(U+000C, U+001B, U+0085, U+2028) replaced by spaces" in err.splitlines()
    )
    assert sorted(p.name for p in (out / "onboarding").glob("*.pdf")) == ["ann-lee.pdf", "bo-ek.pdf"]
    ann, bo = text(out / "onboarding/ann-lee.pdf"), text(out / "onboarding/bo-ek.pdf")
    assert "Ann Lee" in ann and "Sea [31mrch" in ann and "Priya Raman" in ann and "Bo Ek" in bo
    assert not set(CONTROLS) & set(ann + bo)


def test_a_packet_file_stays_with_its_person_between_builds(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """[Léa], then [Lea, Léa]: Léa's packet keeps its file, and Lea gets a file of her own."""
    out = tmp_path / "out"
    lea, lea_accent = f"Lea Dubois{REST}", f"L\u00e9a Dubois{REST}"

    def build(roster: Path) -> int:
        return main(["--project", str(ROOT), "--out", str(out), "-j", "1", "onboarding", "--roster", str(roster)])

    assert build(write(tmp_path / "1.csv", [lea_accent])) == 0
    assert "L\u00e9a Dubois" in text(out / "onboarding/lea-dubois.pdf")
    assert build(write(tmp_path / "2.csv", [lea, lea_accent])) == 0
    capsys.readouterr()
    assert "L\u00e9a Dubois" in text(out / "onboarding/lea-dubois.pdf")
    assert "Lea Dubois" in text(out / "onboarding/lea-dubois-2.pdf")
    assert "L\u00e9a" not in text(out / "onboarding/lea-dubois-2.pdf")


def fifo(path: Path) -> None:
    os.mkfifo(path)


def symlink_out(path: Path) -> None:
    outside = write(path.parent.parent / "elsewhere" / "r.csv", [f"Ann Lee{REST}"])
    path.symlink_to(outside)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (fifo, "is not a regular file (it is a named pipe) (fix: replace it with an ordinary file)"),
        (Path.mkdir, "is a folder, not a file (fix: remove the folder or give the file another name)"),
        (
            symlink_out,
            "is a link to a file outside the allowed folders ({target}) "
            "(fix: keep the roster in the project, or give the roster's own folder to --roster)",
        ),
        (lambda path: path.symlink_to(path), "is a symlink loop (fix: replace the link with the file itself)"),
        (lambda path: None, "not found (fix: check the file name and where the file is)"),
    ],
    ids=["fifo", "directory", "symlink-outside", "symlink-loop", "missing"],
)
@pytest.mark.parametrize("suffix", [".csv", ".yaml"])
def test_a_roster_that_cannot_be_read_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], make: object, message: str, suffix: str
) -> None:
    roster = tmp_path / "hr" / f"r{suffix}"
    roster.parent.mkdir()
    make(roster)  # type: ignore[operator]
    code = main(["--project", str(ROOT), "--out", str(tmp_path / "out"), "onboarding", "--roster", str(roster)])
    target = tmp_path / "elsewhere" / "r.csv"
    assert code == 1
    assert capsys.readouterr().err.splitlines() == [
        f"error: {roster}: {message.format(target=target.resolve())}",
        "1 problem found; nothing was built.",
    ]
    assert not (tmp_path / "out").exists()


def test_an_unreadable_roster_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    roster = write(tmp_path / "r.csv", [f"Ann Lee{REST}"])
    real_open = os.open

    def refuse(path: object, flags: int, *args: object, **kwargs: object) -> int:  # chmod 000, as a non-root user
        if Path(str(path)) == roster.resolve():
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, flags, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(ladderpress.files.os, "open", refuse)
    assert main(["--project", str(ROOT), "--out", str(tmp_path / "out"), "onboarding", "--roster", str(roster)]) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"error: {roster}: cannot be read (Permission denied) (fix: give yourself permission to read it (chmod u+r))",
        "1 problem found; nothing was built.",
    ]


def test_a_recipe_roster_linked_out_of_the_project_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = copy_project(tmp_path / "p")
    (project / "examples/new-hires.csv").unlink()
    (project / "examples/new-hires.csv").symlink_to(write(tmp_path / "elsewhere.csv", [f"Ann Lee{REST}"]))
    assert main(["--project", str(project), "onboarding"]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "error: guides/onboarding.yaml: roster: roster 'examples/new-hires.csv' is outside the project "
        "(fix: keep rosters in the project, or pass --roster FILE)",
        "1 problem found; nothing was built.",
    ]


# --------------------------------------------------------------------------- rosters as HR systems export them


@pytest.mark.parametrize(
    "header",
    ["Name,Level,Team,Manager,Buddy,Start Date\n", "NAME,LEVEL,TEAM,MANAGER,BUDDY,START_DATE\n",
     "name, level ,team,manager,buddy,start-date\n"],
)  # fmt: skip
def test_headers_are_matched_loosely(tmp_path: Path, ladder: Ladder, header: str) -> None:
    roster = read(write(tmp_path / "r.csv", ["Ana Silva" + REST], header=header), ladder)
    assert roster.problems == [] and people(roster) == [("Ana Silva", 2)]


def test_a_header_close_to_a_column_is_named_with_the_column_to_call_it(tmp_path: Path, ladder: Ladder) -> None:
    header = "Name,Level,Team,Manager,Buddy,Strat Date\n"
    roster = read(write(tmp_path / "r.csv", ["Ana Silva" + REST], header=header), ladder)
    assert [str(p) for p in roster.problems] == [
        "r.csv:1: the header lacks column(s) start_date (fix: rename 'Strat Date' to start_date)"
    ]


@pytest.mark.parametrize("separator", [";", "\t"], ids=["semicolons", "tabs"])
def test_semicolon_and_tab_separated_rosters_are_read(tmp_path: Path, ladder: Ladder, separator: str) -> None:
    header = HEADER.replace(",", separator)
    rows = ["Ana Silva" + REST.replace(",", separator), "Jonas Weber, Jr." + REST.replace(",", separator)]
    roster = read(write(tmp_path / "r.csv", rows, header=header), ladder)
    assert roster.problems == [] and people(roster) == [("Ana Silva", 2), ("Jonas Weber, Jr.", 3)]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-8-sig"])
def test_utf16_and_bom_rosters_are_read(tmp_path: Path, ladder: Ladder, encoding: str) -> None:
    path = tmp_path / "r.csv"
    text = (HEADER + "Søren Ørsted" + REST).replace(",", "\t" if encoding.startswith("utf-16") else ",")
    data = text.encode(encoding)
    if encoding == "utf-16-le":
        data = b"\xff\xfe" + data  # Excel writes the mark
    path.write_bytes(data)
    roster = read(path, ladder)
    assert roster.problems == [] and people(roster) == [("Søren Ørsted", 2)]


# --------------------------------------------------------------------------- a global hiring wave

GLOBAL = ROOT / "tests/fixtures/rosters/global.csv"
"""Names in ten scripts, some with a preferred name, all with an email (reused by the packet tests)."""
WAVE = [
    # name, file name (python-slugify's transliteration), greeting, email
    ("李小龙", "li-xiao-long", "小龙", "li.xiaolong@example.com"),
    ("山田 花子", "shan-tian-hua-zi", "山田 花子", "hanako.yamada@example.com"),  # kanji read as in Mandarin
    ("김민준", "gimminjun", "민준", "minjun.kim@example.com"),
    ("فاطمة الزهراء", "ftm-lzhr", "فاطمة", "fatima.alzahra@example.com"),  # an abjad: no vowels to spell
    ("נועה כהן", "nv-h-khn", "נועה", "noa.cohen@example.com"),
    ("अर्जुन शर्मा", "arjun-shrmaa", "अर्जुन", "arjun.sharma@example.com"),
    ("สมชาย ใจดี", "smchaay-aicchdii", "สมชาย", "somchai.jaidee@example.com"),
    ("Γιώργος Παπαδόπουλος", "giorgos-papadopoulos", "Γιώργος", "giorgos.papadopoulos@example.com"),
    ("Иван Петров", "ivan-petrov", "Иван", "ivan.petrov@example.com"),
    ("Nguyễn Văn An", "nguyen-van-an", "An", "an.nguyen@example.com"),
    ("Søren Ørsted", "soren-orsted", "Søren Ørsted", "soren.orsted@example.com"),  # no preferred name: greeted in full
]


def wave(roster: Roster) -> list[tuple[str, str, str, str | None]]:
    return [(e.person.name, e.slug, e.person.greeting_name, e.person.email) for e in roster.entries]


def test_a_global_roster_is_read_in_every_script(ladder: Ladder) -> None:
    roster = read(GLOBAL, ladder)
    assert roster.problems == [] and roster.warnings == []
    assert wave(roster) == WAVE
    assert [entry.row for entry in roster.entries] == list(range(2, 13))
    first = roster.entries[0].person
    assert (first.team, first.buddy, first.start_date) == ("搜索", "王芳", datetime.date(2027, 3, 1))
    assert roster.entries[8].person.team == "Платежи" and roster.entries[3].person.team == "المدفوعات"


def exported(text: str, shape: str) -> bytes:
    """The roster's text as a spreadsheet or HR system saves it."""
    if shape == "excel-semicolons":  # "CSV UTF-8" in a European locale: a mark, semicolons, CRLF
        return codecs.BOM_UTF8 + text.replace(",", ";").replace("\n", "\r\n").encode("utf-8")
    if shape == "unicode-text":  # Excel's "Unicode text": UTF-16 LE with its mark, tabs
        return codecs.BOM_UTF16_LE + text.replace(",", "\t").replace("\n", "\r\n").encode("utf-16-le")
    if shape == "utf-16-be":
        return codecs.BOM_UTF16_BE + text.replace(",", "\t").encode("utf-16-be")
    assert shape == "utf-8-bom"
    return codecs.BOM_UTF8 + text.encode("utf-8")


@pytest.mark.parametrize("shape", ["excel-semicolons", "unicode-text", "utf-16-be", "utf-8-bom"])
def test_the_global_roster_reads_the_same_in_every_export(tmp_path: Path, ladder: Ladder, shape: str) -> None:
    path = tmp_path / "wave.csv"
    path.write_bytes(exported(GLOBAL.read_text(encoding="utf-8"), shape))
    roster = read(path, ladder)
    assert roster.problems == [] and roster.warnings == []
    assert wave(roster) == WAVE


def test_a_semicolon_export_with_loose_headers_and_a_mark(tmp_path: Path, ladder: Ladder) -> None:
    path = tmp_path / "r.csv"
    path.write_bytes(
        codecs.BOM_UTF8
        + (
            "Name;Start Date;LEVEL;Team;Manager;BUDDY;Preferred-Name;E-Mail;Email\r\n"
            "Jonas Weber, Jr.;2027-01-11;pm;Search;Priya Raman;Ines Duarte;Jonas;x;jonas.weber@example.com\r\n"
            "Zoë Ünal;2027-01-18;apm;Core;Priya Raman;Ines Duarte;;;zoe@example.com\r\n"
        ).encode()
    )
    roster = read(path, ladder)
    assert roster.problems == []
    assert wave(roster) == [
        ("Jonas Weber, Jr.", "jonas-weber-jr", "Jonas", "jonas.weber@example.com"),
        ("Zoë Ünal", "zoe-unal", "Zoë Ünal", "zoe@example.com"),
    ]
    assert roster.warnings == [f"r.csv: ignoring column(s) e_mail; the columns used are {', '.join(COLUMNS)}"]


def test_a_bad_email_is_reported_with_its_row_and_column(tmp_path: Path, ladder: Ladder) -> None:
    header = HEADER[:-1] + ",email\n"
    lines = [f"Ann Lee{REST[:-1]},ann@example.com\n", f"Bo Ek{REST[:-1]},bo.example.com\n", f"Cy Do{REST[:-1]},\n"]
    roster = read(write(tmp_path / "r.csv", lines, header), ladder)
    assert [(e.person.name, e.person.email) for e in roster.entries] == [
        ("Ann Lee", "ann@example.com"),
        ("Cy Do", None),
    ]
    assert [str(p) for p in roster.problems] == [
        "r.csv:3: email: 'bo.example.com' is not an email address "
        "(fix: write one email address, like ana.silva@example.com)"
    ]
    yaml = tmp_path / "r.yaml"
    yaml.write_text(
        "- {name: Ann Lee, level: pm, team: T, manager: M, buddy: B, start_date: 2027-01-11, email: ann@example.com}\n"
        "- {name: Bo Ek, level: pm, team: T, manager: M, buddy: B, start_date: 2027-01-11, email: 'bo@'}\n",
        encoding="utf-8",
    )
    from_yaml = read(yaml, ladder)
    assert [(e.person.name, e.person.email) for e in from_yaml.entries] == [("Ann Lee", "ann@example.com")]
    assert [str(p) for p in from_yaml.problems] == [
        "r.yaml:2: email: 'bo@' is not an email address (fix: write one email address, like ana.silva@example.com)"
    ]


def test_an_email_with_an_invisible_character_is_refused_naming_it(tmp_path: Path, ladder: Ladder) -> None:
    """It would look like a real address in the delivery list, and bounce (or go elsewhere)."""
    header = HEADER[:-1] + ",email\n"
    lines = [f"Dora Li{REST[:-1]},dora@x\u200b.example\n", f"Bob Ek{REST[:-1]},bob@corp.example\u202e\n"]
    roster = read(write(tmp_path / "r.csv", lines, header), ladder)
    assert roster.entries == []
    assert [p.message for p in roster.problems] == [
        "'dora@x\u200b.example' is not an email address (it holds the invisible character(s) U+200B)",
        "'bob@corp.example\u202e' is not an email address (it holds the invisible character(s) U+202E)",
    ]


# --------------------------------------------------------------------------- files that are not what they say


def ods(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    return path


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
"""The start of a compound document, as an .xls or a password-protected workbook is."""


@pytest.mark.parametrize(
    ("file", "make", "message"),
    [
        ("r.csv", lambda p: workbook(p, [COLUMNS[:6]]),
         "is an Excel workbook, not CSV text (fix: name it r.xlsx, and it is read as a workbook)"),
        ("r.csv", ods, "is an OpenDocument spreadsheet (.ods), which cannot be read, not CSV text "
         "(fix: save it as .xlsx or CSV UTF-8)"),
        ("r.csv", lambda p: p.write_bytes(OLE), "is an Excel 97-2003 workbook (.xls), which cannot be read, "
         "not CSV text (fix: save it as .xlsx or CSV UTF-8)"),
        ("r.xlsx", lambda p: write(p, [f"Ann Lee{REST}"]),
         "is text (CSV, perhaps), not an Excel workbook (fix: name it r.csv if it is CSV, or save it as .xlsx or "
         "CSV UTF-8)"),
        ("r.xlsx", lambda p: p.write_bytes(OLE + "EncryptedPackage".encode("utf-16-le")),
         "is protected by a password, so it cannot be read (fix: remove the password (in Excel: File > Info > "
         "Protect Workbook), then save it as .xlsx or CSV UTF-8)"),
        ("r.xlsx", lambda p: p.write_bytes(OLE), "is an Excel 97-2003 workbook (.xls), which cannot be read "
         "(fix: save it as .xlsx or CSV UTF-8)"),
        ("r.xlsx", ods, "is an OpenDocument spreadsheet (.ods), which cannot be read "
         "(fix: save it as .xlsx or CSV UTF-8)"),
        ("r.xlsx", lambda p: p.write_bytes(workbook(p, [COLUMNS[:6]]).read_bytes()[:900]),
         "starts as a zip archive, as a workbook does, but is damaged "
         "(fix: open it in a spreadsheet and save it again as .xlsx, or as CSV UTF-8)"),
        ("r.xlsx", lambda p: p.write_bytes(bytes(range(256)) * 4), "is not an Excel workbook "
         "(fix: save it as .xlsx or CSV UTF-8)"),
        ("r.xlsx", lambda p: zipfile.ZipFile(p, "w").writestr("word/document.xml", "<w/>"),
         "is a zip archive that holds no Excel workbook (a Word or Numbers file, say) "
         "(fix: save it as .xlsx or CSV UTF-8)"),
        ("r.xlsx", lambda p: rewritten(workbook(p, [COLUMNS[:6]]), "xl/workbook.xml", lambda xml: xml[:40]),
         "is damaged: it cannot be read as an Excel workbook "
         "(fix: open it in a spreadsheet and save it again as .xlsx, or as CSV UTF-8)"),
    ],
    ids=["xlsx-as-csv", "ods-as-csv", "xls-as-csv", "csv-as-xlsx", "password", "xls", "ods", "truncated", "binary",
         "docx", "bad-xml"],
)  # fmt: skip
def test_a_file_that_is_not_what_its_name_says_is_refused_as_what_it_is(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], file: str, make: Callable[[Path], object], message: str
) -> None:
    path = tmp_path / file
    make(path)
    code = main(["--project", str(ROOT), "--out", str(tmp_path / "out"), "onboarding", "--roster", str(path)])
    assert code == 1
    assert capsys.readouterr().err.splitlines() == [f"error: {path}: {message}", "1 problem found; nothing was built."]


# --------------------------------------------------------------------------- workbooks

XLSX_HEADER = ["Name", "Level", "Team", "Manager", "Buddy", "Start Date", "Email"]


def workbook(path: Path, rows: list[list[object]], title: str = "Sheet1", others: Sequence[str] = ()) -> Path:
    """An .xlsx as a spreadsheet saves it, with ``rows`` on its first sheet (dates as date cells)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    for other in others:
        book.create_sheet(other)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def rewritten(path: Path, part: str, change: Callable[[str], str]) -> Path:
    """The workbook with one of its XML parts changed (what openpyxl cannot write: a cached formula value)."""
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts[part] = change(parts[part].decode("utf-8")).encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def test_a_workbook_of_the_global_roster_reads_as_the_csv_does(tmp_path: Path, ladder: Ladder) -> None:
    with GLOBAL.open(encoding="utf-8", newline="") as handle:
        records = list(csv.reader(handle))
    rows: list[list[object]] = [records[0]]
    for record in records[1:]:
        start = datetime.datetime.fromisoformat(record[5])  # a date cell: openpyxl gives a datetime
        rows.append([*record[:5], start, *(value or None for value in record[6:])])
    path = workbook(tmp_path / "wave.xlsx", [rows[0], [None], *rows[1:6], [], *rows[6:]])  # blank rows between
    roster = read(path, ladder)
    assert roster.problems == [] and roster.warnings == []
    assert wave(roster) == WAVE
    assert [entry.row for entry in roster.entries] == [3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 14]  # the sheet's rows
    assert roster.entries[0].person.start_date == datetime.date(2027, 3, 1)


def test_workbook_cells_become_dates_and_text_as_the_sheet_shows_them(tmp_path: Path, ladder: Ladder) -> None:
    rows: list[list[object]] = [
        [*XLSX_HEADER, "Employee ID", "Office", "Desk", "Joined"],
        ["Ana Silva", "pm", 404, "Priya", "Ines", datetime.datetime(2027, 1, 11, 9, 30), None, 7, "Lisbon", 1.25,
         datetime.datetime(2027, 1, 11)],
        ["Bo Ek", "pm", "Search", "Priya", "Ines", datetime.date(2027, 1, 12), "bo@example.com", 12345678901234.0,
         None, True, None],
    ]  # fmt: skip
    path = rewritten(
        workbook(tmp_path / "r.xlsx", rows),
        "xl/worksheets/sheet1.xml",
        # Bo's team is a formula that Excel calculated when it saved the file: its value is read
        lambda xml: re.sub(r'<c r="C3"[^>]*>.*?</c>', '<c r="C3" t="str"><f>UPPER("search")</f><v>SEARCH</v></c>', xml),
    )
    roster = read_roster(path, path.parent, ladder, (path.parent,), ["employee_id", "office", "desk", "joined"])
    assert roster.problems == []
    ana, bo = (entry.person for entry in roster.entries)
    assert (ana.team, ana.start_date, ana.email) == ("404", datetime.date(2027, 1, 11), None)
    assert ana.extra == {"employee_id": "7", "office": "Lisbon", "desk": "1.25", "joined": "2027-01-11"}
    assert (bo.team, bo.start_date) == ("SEARCH", datetime.date(2027, 1, 12))
    assert bo.extra == {"employee_id": "12345678901234", "office": "", "desk": "TRUE", "joined": ""}


def test_workbook_problems_name_the_sheet_and_cell(tmp_path: Path, ladder: Ladder) -> None:
    rows: list[list[object]] = [
        XLSX_HEADER,
        ["Ann Lee", "pm", "Search", "Priya", "Ines", "next week", None],
        ["Bo Ek", "pm", "Search", "Priya", "Ines", 46398, None],
        ["Cy Do", "senoir-pm", "Search", "Priya", "Ines", datetime.datetime(2027, 1, 11), None],
        [None, "pm", "Search", "Priya", "Ines", datetime.datetime(2027, 1, 11), None],
        ["Di Fa", "pm", "#N/A", "Priya", "Ines", datetime.datetime(2027, 1, 11), "di@"],
        ["Ed Go", "pm", "Search", "Priya", "Ines", datetime.datetime(2027, 1, 11), None, None, "a note"],
        ["ed go", "pm", "Search", "Priya", "Ines", datetime.datetime(2027, 1, 11), None],
    ]
    roster = read(workbook(tmp_path / "r.xlsx", rows, title="Q1 hires", others=["Notes", "Lookups"]), ladder)
    assert [entry.person.name for entry in roster.entries] == ["Ed Go"]
    assert [str(p) for p in roster.problems] == [
        "r.xlsx: 'Q1 hires'!F2: start_date: 'next week' is not a date "
        "(fix: write dates as YYYY-MM-DD, like 2027-01-31)",
        "r.xlsx: 'Q1 hires'!F3: start_date: '46398' is a number, not a date "
        "(fix: format the cell as a date (as one, 46398 is 2027-01-11))",
        "r.xlsx: 'Q1 hires'!B4: level: unknown level 'senoir-pm' (fix: did you mean 'senior-pm'?)",
        "r.xlsx: 'Q1 hires'!A5: name: this field is required but missing (fix: add it)",
        "r.xlsx: 'Q1 hires'!C6: team: the cell shows the error #N/A, not a value "
        "(fix: correct the formula, or type the value)",
        "r.xlsx: 'Q1 hires'!A8: name: 'ed go' is already on row 7 as 'Ed Go' (fix: remove the duplicate row)",
    ]
    assert roster.warnings == [
        "r.xlsx: reading the first sheet, 'Q1 hires', only; sheet(s) Notes, Lookups are not read",
        "r.xlsx: 'Q1 hires'!I7: ignoring 1 value(s) right of the header's last column (G); "
        "give a column a header to read it",
    ]


def test_a_workbook_problem_is_one_line_from_the_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows: list[list[object]] = [
        ["Name", "Level", "Team", "Manager", "Buddy", "Strat Date"],
        ["Ann Lee", "pm", "Search", "Priya", "Ines", "2027-01-11"],
    ]
    path = workbook(tmp_path / "r.xlsx", rows)
    assert main(["--project", str(ROOT), "--out", str(tmp_path / "out"), "onboarding", "--roster", str(path)]) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"error: {path}: Sheet1!A1:F1: the header lacks column(s) start_date (fix: rename 'Strat Date' to start_date)",
        "1 problem found; nothing was built.",
    ]


def test_a_workbook_is_bounded_before_and_while_it_is_read(
    tmp_path: Path, ladder: Ladder, monkeypatch: pytest.MonkeyPatch
) -> None:
    people = [[f"Person {i}", "pm", "T", "M", "B", datetime.datetime(2027, 1, 11)] for i in range(4)]
    path = workbook(tmp_path / "r.xlsx", [XLSX_HEADER[:6], *people])
    monkeypatch.setattr(roster_module, "MAX_ROWS", 3)
    assert [str(p) for p in read(path, ladder).problems] == [
        "r.xlsx: Sheet1!A5: has more than the 3 rows allowed (fix: split the roster)"
    ]
    monkeypatch.setattr(roster_module, "MAX_COLUMNS", 5)
    assert [str(p) for p in read(path, ladder).problems] == [
        "r.xlsx: Sheet1!1:1: the header has more than 5 columns (fix: delete the columns the roster does not need)"
    ]
    monkeypatch.setattr(roster_module, "MAX_WORKBOOK_BYTES", 4_000)  # a zip bomb is refused from what it declares
    (problem,) = read(path, ladder).problems
    assert re.fullmatch(
        r"r\.xlsx: unpacks to [\d,]+ bytes, more than the 4,000 a roster's workbook may "
        r"\(fix: keep only the roster in the workbook, or export it as CSV UTF-8\)",
        str(problem),
    )


def test_a_sheet_that_claims_rows_past_the_last_is_refused_quickly(tmp_path: Path, ladder: Ladder) -> None:
    path = rewritten(
        workbook(tmp_path / "r.xlsx", [XLSX_HEADER[:6], ["Ann Lee", "pm", "T", "M", "B", "2027-01-11"]]),
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace('<row r="2"', '<row r="999999999"').replace('r="A2"', 'r="A999999999"'),
    )
    started = time.perf_counter()
    roster = read(path, ladder)
    assert time.perf_counter() - started < 2  # the rows between are not even in the file: about 0.1 s
    assert roster.fatal and [str(p) for p in roster.problems] == [
        "r.xlsx: the sheet Sheet1 has rows past row 100,000, the last one read "
        "(fix: delete the rows below the roster, or export it as CSV UTF-8)"
    ]


def test_an_empty_first_sheet_is_one_problem(tmp_path: Path, ladder: Ladder) -> None:
    roster = read(workbook(tmp_path / "r.xlsx", [], others=["People"]), ladder)
    assert roster.fatal and [str(p) for p in roster.problems] == [
        "r.xlsx: the first sheet, Sheet1, is empty (fix: put the roster on the first sheet, a header first)"
    ]


@pytest.mark.parametrize("state", ["hidden", "veryHidden"])
def test_a_hidden_first_sheet_is_refused_rather_than_read(tmp_path: Path, ladder: Ladder, state: str) -> None:
    """Excel shows the first visible tab; people on a hidden sheet before it must not get packets unseen."""
    person = ["Ann Lee", "pm", "Search", "Priya", "Ines", datetime.datetime(2027, 1, 11), None]
    path = workbook(tmp_path / "r.xlsx", [XLSX_HEADER, ["Hidden Person", *person[1:]]], title="Old", others=["People"])
    book = openpyxl.load_workbook(path)
    book["People"].append(XLSX_HEADER)
    book["People"].append(person)
    book["Old"].sheet_state = state
    book.active = 1
    book.save(path)
    roster = read(path, ladder)
    assert roster.fatal and roster.entries == []
    assert [str(p) for p in roster.problems] == [
        "r.xlsx: the first sheet, Old, is hidden: the people on it are not the ones the workbook shows "
        "(fix: unhide the sheet (in Excel: right-click a tab > Unhide), or delete it, so that the roster is "
        "the first sheet one can see)"
    ]


def test_a_problem_in_a_sheet_prints_its_cell_instead_of_a_line() -> None:
    assert str(Problem("r.xlsx", "is bad", 4, field="team", hint="fix it", cell="Sheet1!C4")) == (
        "r.xlsx: Sheet1!C4: team: is bad (fix: fix it)"
    )
    assert str(Problem("r.csv", "is bad", 4, field="team")) == "r.csv:4: team: is bad"


# --------------------------------------------------------------------------- columns a recipe names


def test_columns_the_recipe_names_are_each_persons_extra(tmp_path: Path, ladder: Ladder) -> None:
    header = HEADER[:-1] + ",Employee ID,Office,Pronouns,Salary\n"
    lines = [f"Ann Lee{REST[:-1]},0042,Lisbon,she/her,90000\n", f"Bo Ek{REST[:-1]},43,,,1\n"]
    path = write(tmp_path / "r.csv", lines, header)
    roster = read_roster(path, tmp_path, ladder, (tmp_path,), ["employee_id", "office", "pronouns"], "guides/x.yaml")
    assert roster.problems == []
    assert [entry.person.extra for entry in roster.entries] == [
        {"employee_id": "0042", "office": "Lisbon", "pronouns": "she/her"},
        {"employee_id": "43", "office": "", "pronouns": ""},
    ]
    assert roster.warnings == [
        f"r.csv: ignoring column(s) salary; the columns used are {', '.join(COLUMNS)}, employee_id, office, pronouns"
    ]
    assert read(path, ladder).entries[0].person.extra == {}  # a recipe that names none: every column ignored


def test_a_named_column_the_roster_lacks_is_one_located_problem(tmp_path: Path, ladder: Ladder) -> None:
    path = write(tmp_path / "r.csv", [f"Ann Lee{REST[:-1]},Lisbon\n"], HEADER[:-1] + ",Ofice\n")
    roster = read_roster(path, tmp_path, ladder, (tmp_path,), ["office", "pronouns"], "guides/onboarding.yaml")
    assert roster.fatal and [str(p) for p in roster.problems] == [
        "r.csv:1: the header lacks column(s) office, pronouns, which guides/onboarding.yaml names in roster_columns "
        "(fix: rename 'Ofice' to office)"
    ]
    path = write(tmp_path / "r.csv", [f"Ann Lee{REST}"])
    roster = read_roster(path, tmp_path, ladder, (tmp_path,), ["pronouns"], "guides/onboarding.yaml")
    assert [str(p) for p in roster.problems] == [
        "r.csv:1: the header lacks column(s) pronouns, which guides/onboarding.yaml names in roster_columns "
        "(fix: add the column(s), or take them out of roster_columns in guides/onboarding.yaml)"
    ]


def test_a_yaml_roster_gives_the_named_keys_as_text_and_warns_of_the_others(tmp_path: Path, ladder: Ladder) -> None:
    path = tmp_path / "r.yaml"
    path.write_text(
        "- {name: Ann Lee, level: pm, team: T, manager: M, buddy: B, start_date: 2027-01-11, employee_id: 42,"
        " joined: 2026-12-01, prefered_name: Annie}\n"
        "- {name: Bo Ek, level: pm, team: T, manager: M, buddy: B, start_date: 2027-01-11, employee_id: [1]}\n",
        encoding="utf-8",
    )
    roster = read_roster(path, tmp_path, ladder, (tmp_path,), ["employee_id", "joined"], "guides/x.yaml")
    assert [entry.person.extra for entry in roster.entries] == [{"employee_id": "42", "joined": "2026-12-01"}]
    assert [str(p) for p in roster.problems] == [
        "r.yaml:2: employee_id: expected text, got a list "
        "(fix: write a single line of text, quoted if it contains ':' or starts with '{' or '[')"
    ]
    assert roster.warnings == [
        f"r.yaml: ignoring key(s) prefered_name; the keys used are {', '.join(COLUMNS)}, employee_id, joined"
    ]
    lacking = read_roster(path, tmp_path, ladder, (tmp_path,), ["office"], "guides/x.yaml")
    assert [str(p) for p in lacking.problems] == [
        "r.yaml:1: no one has the key(s) office, which guides/x.yaml names in roster_columns "
        "(fix: add them to the people, or take them out of roster_columns in guides/x.yaml)"
    ]


@pytest.mark.parametrize(
    ("columns", "message"),
    [
        (["Employee ID"], "roster_columns: 'Employee ID' is not written as a column name "
         "(fix: write it as employee_id)"),
        (["email"], "roster_columns: 'email' is a column every roster may have: templates show it as person.email "
         "(fix: take it out of roster_columns)"),
        (["extra"], "roster_columns: 'extra' is where templates find these columns (person.extra), so no column can "
         "be called that (fix: call the column something else, in the roster and here)"),
        (["office", "office"], "roster_columns: 'office' is named more than once (fix: name each column once)"),
        (["--"], "roster_columns: '--' names no column (fix: write a column's header, like employee_id)"),
    ],
)  # fmt: skip
def test_a_recipe_names_roster_columns_as_headers_are_matched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], columns: list[str], message: str
) -> None:
    project = copy_project(tmp_path / "p")
    recipe = project / "guides/onboarding.yaml"
    recipe.write_text(recipe.read_text(encoding="utf-8") + f"roster_columns: {json.dumps(columns)}\n", "utf-8")
    assert main(["--project", str(project), "check"]) == 1
    assert f"error: guides/onboarding.yaml:13:1: {message}" in capsys.readouterr().err.splitlines()


def test_templates_see_each_persons_named_columns_and_no_one_elses(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    recipe = project / "guides/onboarding.yaml"
    recipe.write_text(recipe.read_text(encoding="utf-8") + "roster_columns: [office, employee_id]\n", "utf-8")
    template = project / "templates/onboarding.html"
    anchor = "<h1>A note before your first day</h1>"
    shown = anchor + '\n<p>Office: {{ person.extra.office or "to be told" }}; ID {{ person.extra["employee_id"] }}</p>'
    source = template.read_text(encoding="utf-8")
    assert source.count(anchor) == 1
    template.write_text(source.replace(anchor, shown), "utf-8")
    header = "name,level,team,manager,buddy,start_date,preferred_name,Office,Employee ID,Salary\n"
    roster = write(
        tmp_path / "r.csv",
        ["Иван Петров,pm,Search,M,B,2027-01-11,Иван,Lisbon,E-17,900\n",
         "Nguyễn Văn An,pm,Search,M,B,2027-01-11,,,E-18,1\n"],
        header,
    )  # fmt: skip
    loaded = load_project(project)
    jobs = plan(loaded, BuildRequest(recipes=("onboarding",), roster=roster)).jobs
    assert isinstance(jobs[0], PacketJob)
    person = Renderers(loaded).for_job(jobs[0]).context(jobs[0])["person"]
    assert isinstance(person.extra, MappingProxyType) and dict(person.extra) == {
        "office": "Lisbon",
        "employee_id": "E-17",
    }
    assert dict(jobs[0].stand_in().person.person.extra) == {"office": "", "employee_id": ""}
    out = tmp_path / "out"
    assert (
        main(["--project", str(project), "--out", str(out), "-j", "1", "-q", "onboarding", "--roster", str(roster)])
        == 0
    )
    ivan = " ".join(PdfReader(out / "onboarding/ivan-petrov.pdf").pages[0].extract_text().split())
    an = " ".join(PdfReader(out / "onboarding/nguyen-van-an.pdf").pages[0].extract_text().split())
    assert "Welcome, Иван" in ivan and "Office: Lisbon; ID E-17" in ivan
    assert "Welcome, Nguyễn Văn An" in an and "Office: to be told; ID E-18" in an
    assert "Lisbon" not in an and "E-17" not in an and "E-18" not in ivan
    assert "900" not in ivan and "Nguyễn Văn An" in text(out / "onboarding/nguyen-van-an.pdf")
