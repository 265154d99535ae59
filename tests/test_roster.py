"""Rosters come from HR systems and are untrusted: every bad row is one located line, the good
rows are still built, rows end only at CR/LF, people are told apart by a normalised key,
a packet file never changes hands, and a roster that cannot be read is one line, never a traceback."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

import ladderpress.files
from ladderpress.cli import main
from ladderpress.load import load_project
from ladderpress.model import Ladder
from ladderpress.plan import PacketJob, plan
from ladderpress.request import BuildRequest
from ladderpress.roster import Roster, person_key, read_roster
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
    assert sorted(p.name for p in (out / "onboarding").iterdir()) == ["ann-lee.pdf", "bo-ek.pdf"]
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
