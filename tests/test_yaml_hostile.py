"""Hostile files and hostile YAML: each is refused with one located line and a fix, never a traceback.

Every test damages a copy of the default project (content, recipes, a brand, a YAML roster),
runs ``build.py check`` in-process and asserts the exact error lines and the exit code.
The sections follow the security issue: files that are not what they seem, alias bombs,
tags and merge keys, and messages that pointed at the wrong place.
"""

from __future__ import annotations

import errno
import os
import pathlib
import re
import shutil
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ladderpress.cli import main
from ladderpress.errors import InputErrors
from ladderpress.load import MAX_EXPANDED_CHARS, load_project
from tests.conftest import ROOT, copy_project

LEVEL = "content/levels/pm.yaml"
PM = (ROOT / LEVEL).read_text(encoding="utf-8")
TAG_FIX = "(fix: remove the tag: ladder files hold plain text, numbers, dates, lists and mappings)"
MERGE_FIX = "(fix: write '<<: *name' where '&name' marks a mapping, or remove the '<<' line)"


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("pristine") / "project")
    shutil.copytree(ROOT / "brands", project / "brands")
    return project


@pytest.fixture
def project(pristine: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(pristine, tmp_path / "project", symlinks=True))


@pytest.fixture
def no_hang() -> Iterator[None]:
    """A read that blocks (a FIFO with no writer) fails the test after 20 s instead of hanging it."""

    def expire(signum: int, frame: object) -> None:
        raise TimeoutError("the check hung")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(20)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def check(project: Path, capsys: pytest.CaptureFixture[str], *args: str) -> list[str]:
    """Run ``check``; it must fail cleanly. Returns the error lines (without 'error: ')."""
    code = main(["--project", str(project), *args, "check"])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err + captured.out
    assert code == 1, captured.err
    lines = captured.err.splitlines()
    assert re.fullmatch(r"\d+ problems? found\.", lines[-1]), captured.err  # check builds nothing: it says no more
    return [line.removeprefix("error: ") for line in lines[:-1]]


def level_with(text: str) -> str:
    """The pm level with ``text`` in place of its scope line (line 8)."""
    old = "scope: Owns a single product or product area and is the team's first point of contact for it."
    assert old in PM
    return PM.replace(old, text)


# --------------------------------------------------------------------------- 1. files that are not files


def test_a_link_to_dev_zero_is_refused_not_read(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "content/levels/zz.yaml").symlink_to("/dev/zero")
    assert check(project, capsys) == [
        "content/levels/zz.yaml: is a link to a file outside the allowed folders (/dev/zero) "
        "(fix: copy the file itself into the project or brand folder)"
    ]


def test_a_fifo_level_is_refused_at_once(project: Path, capsys: pytest.CaptureFixture[str], no_hang: None) -> None:
    os.mkfifo(project / "content/levels/zz.yaml")
    started = time.perf_counter()
    assert check(project, capsys) == [
        "content/levels/zz.yaml: is not a regular file (it is a named pipe) (fix: replace it with an ordinary file)"
    ]
    assert time.perf_counter() - started < 10


def test_a_symlink_loop_is_refused(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "content/levels/zz.yaml").symlink_to("zz.yaml")
    (project / "guides/loop.yaml").symlink_to("loop2.yaml")
    (project / "guides/loop2.yaml").symlink_to("loop.yaml")
    assert check(project, capsys) == [
        "content/levels/zz.yaml: is a symlink loop (fix: replace the link with the file itself)",
        "guides/loop.yaml: is a symlink loop (fix: replace the link with the file itself)",
        "guides/loop2.yaml: is a symlink loop (fix: replace the link with the file itself)",
    ]


def test_links_to_etc_passwd_are_refused_as_outside(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "content/levels/zz.yaml").symlink_to("/etc/passwd")
    (project / "guides/passwords.yaml").symlink_to("/etc/passwd")
    outside = (
        "is a link to a file outside the allowed folders (/etc/passwd) "
        "(fix: copy the file itself into the project or brand folder)"
    )
    assert check(project, capsys) == [f"content/levels/zz.yaml: {outside}", f"guides/passwords.yaml: {outside}"]


def test_a_link_to_a_file_inside_the_project_is_read(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shared = project / "shared"
    shared.mkdir()
    (project / LEVEL).rename(shared / "pm.yaml")
    (project / LEVEL).symlink_to("../../shared/pm.yaml")
    assert main(["--project", str(project), "check"]) == 0
    assert "Traceback" not in capsys.readouterr().err
    # and a problem in it is reported under the link's name, the name the user sees in content/levels/
    (shared / "pm.yaml").write_text(PM.replace("band: band-2", "rank: two"), encoding="utf-8")
    assert check(project, capsys) == [
        "content/levels/pm.yaml:6:7: rank: expected a whole number, got text 'two' (fix: write a number such as 3)"
    ]


def test_brand_files_must_resolve_inside_the_brand(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    brand = project / "brands/acme"
    (brand / "evil.svg").symlink_to("/etc/hostname")
    (brand / "loop.ttf").symlink_to("loop.ttf")
    text = (brand / "brand.yaml").read_text(encoding="utf-8")
    text = text.replace("logo: logo.svg", "logo: evil.svg").replace("fonts/Lato-Italic.ttf", "loop.ttf")
    (brand / "brand.yaml").write_text(text, encoding="utf-8")
    assert check(project, capsys, "--brand", str(brand)) == [
        "brands/acme/brand.yaml:5:7: logo: 'evil.svg' is a link to a file outside the brand folder "
        "(fix: copy the file into the brand folder and name it from there)",
        "brands/acme/brand.yaml:14:13: fonts.body.italic: 'loop.ttf' is a symlink loop "
        "(fix: replace the link with the file itself)",
    ]


def test_brand_yaml_itself_must_be_inside_the_brand(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    brand = project / "brands/acme"
    (brand / "brand.yaml").unlink()
    (brand / "brand.yaml").symlink_to(project / "brands/harbor/brand.yaml")  # in the project, not in the brand
    assert check(project, capsys, "--brand", str(brand)) == [
        f"brands/acme/brand.yaml: is a link to a file outside the allowed folders "
        f"({project / 'brands/harbor/brand.yaml'}) (fix: copy the file itself into the project or brand folder)"
    ]


# --------------------------------------------------------------------------- 2. alias bombs


@pytest.mark.parametrize("aliases", [20_000, 190_000], ids=["100 kB", "781 kB"])
def test_an_alias_bomb_is_refused_fast_at_the_alias(
    project: Path, capsys: pytest.CaptureFixture[str], aliases: int
) -> None:
    """One 20,000-character anchor and thousands of aliases to it: refused where the text passes 4,000,000."""
    bomb = 'progression: [&s "' + "x" * 20_000 + '"' + ", *s" * aliases + "]\n"
    (project / "content/progression.yaml").write_text(bomb, encoding="utf-8")
    started = time.perf_counter()
    with pytest.raises(InputErrors):
        load_project(project)
    assert time.perf_counter() - started < 1.0
    # 11 characters of key + 20,000 of text + 20,000 per alias pass the cap at alias 199,
    # whose '*' is at column 18 + 20,001 + 3 + 4 * 198
    assert MAX_EXPANDED_CHARS == 4_000_000
    assert check(project, capsys) == [
        "content/progression.yaml:1:20814: expands to more than 4,000,000 characters of text, counting each alias "
        "(*name) as a copy of what it names (fix: write the text once and remove the repeated aliases)"
    ]


def test_nested_aliases_and_merges_are_counted_too(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = ['a: &a {k: "' + "y" * 1000 + '"}']
    for i in range(1, 13):  # each mapping merges the one before twice: 2**12 copies of the text
        rows.append(
            f"a{i}: &a{i} {{<<: [*{'a' if i == 1 else f'a{i - 1}'}], again{i}: *{'a' if i == 1 else f'a{i - 1}'}}}"
        )
    (project / "content/faq.yaml").write_text("\n".join(rows) + "\n", encoding="utf-8")
    [line] = check(project, capsys)
    assert line.startswith("content/faq.yaml:12:") and "expands to more than 4,000,000 characters" in line


# --------------------------------------------------------------------------- 3. tags and merge keys

TAG_CASES = [
    # (the scope line replaced by, the error line in content/levels/pm.yaml)
    ("<<: 5", f"8:5: '<<' merges take a mapping or a list of mappings, not the value '5' {MERGE_FIX}"),
    ("<<: [1, 2]", f"8:6: '<<' merges take a mapping or a list of mappings, not the value '1' {MERGE_FIX}"),
    (
        "scope: &s just text\nextra: {<<: *s}",
        f"9:13: extra: '<<' merges take a mapping or a list of mappings, not the value 'just text' {MERGE_FIX}",
    ),
    (
        "scope: !!timestamp hello",
        "8:8: scope: 'hello' is not a real date, as its tag !!timestamp says "
        "(fix: correct the value, or remove the tag)",
    ),
    (
        "scope: !!bool maybe",
        "8:8: scope: 'maybe' is not true or false, as its tag !!bool says (fix: correct the value, or remove the tag)",
    ),
    (
        "scope: !!int abc",
        "8:8: scope: 'abc' is not a whole number, as its tag !!int says (fix: correct the value, or remove the tag)",
    ),
    (
        "scope: !!int ''",
        "8:8: scope: '' is not a whole number, as its tag !!int says (fix: correct the value, or remove the tag)",
    ),
    (
        "scope: !!float x",
        "8:8: scope: 'x' is not a real number, as its tag !!float says (fix: correct the value, or remove the tag)",
    ),
    (
        "scope: !!null text",
        "8:8: scope: 'text' is not empty, as its tag !!null says (fix: correct the value, or remove the tag)",
    ),
    ("scope: !!binary '###'", f"8:8: scope: the tag !!binary is not allowed {TAG_FIX}"),
    ("scope: !!set {a, b}", f"8:8: scope: the tag !!set is not allowed on a mapping {TAG_FIX}"),
    ("scope: !!omap [a: 1]", f"8:8: scope: the tag !!omap is not allowed on a list {TAG_FIX}"),
    (
        "scope: !!python/object/apply:os.system [echo hi]",
        f"8:8: scope: the tag !!python/object/apply:os.system is not allowed on a list {TAG_FIX}",
    ),
    (
        "scope: !!python/object:os.system {}",
        f"8:8: scope: the tag !!python/object:os.system is not allowed on a mapping {TAG_FIX}",
    ),
    ("scope: !!python/name:os.system ''", f"8:8: scope: the tag !!python/name:os.system is not allowed {TAG_FIX}"),
    ("scope: !foo bar", f"8:8: scope: the tag !foo is not allowed {TAG_FIX}"),
    ("!foo scope: x", f"8:1: the tag !foo is not allowed {TAG_FIX}"),
    ("scope: !!str [a]", f"8:8: scope: the tag !!str is not allowed on a list {TAG_FIX}"),
]


@pytest.mark.parametrize("scope, expected", TAG_CASES, ids=[case[0] for case in TAG_CASES])
def test_tags_and_bad_merges_in_a_level_are_located(
    project: Path, capsys: pytest.CaptureFixture[str], scope: str, expected: str
) -> None:
    (project / LEVEL).write_text(level_with(scope), encoding="utf-8")
    assert check(project, capsys) == [f"{LEVEL}:{expected}"]


def test_merges_of_mappings_still_work(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``<<`` with a mapping, a list of mappings, a merged mapping merged again, and an alias of it."""
    text = (
        PM.replace("tracks: [ic, manager]\n", "")
        .replace("time_at_level: 2–3 years\n", "")
        .replace("experience: 2–4 years, not always in product\n", "")
    )
    (project / LEVEL).write_text(
        text.replace(
            "id: pm\n",
            "id: pm\n<<: [{tracks: [ic, manager]}, {tracks: [x]}]\n"
            "<<: {time_at_level: 2–3 years, experience: 2–4 years}\n",
        ),
        encoding="utf-8",
    )
    assert main(["--project", str(project), "check"]) == 0, capsys.readouterr().err
    # an explicit key overrides a merged one, even when the mapping is used again through an alias
    (project / "content/faq.yaml").write_text(
        (ROOT / "content/faq.yaml").read_text(encoding="utf-8")
        + "x-base: &b {question: Q, answer: A}\nx-one: &one {<<: *b, answer: B}\nx-two: *one\n",
        encoding="utf-8",
    )
    lines = check(project, capsys)
    assert all("appears twice" not in line for line in lines), lines
    assert [line.split(": ", 1)[1] for line in lines] == [
        f"{key}: unknown field '{key}' (fix: remove it)" for key in ("x-base", "x-one", "x-two")
    ]


def test_tags_in_brand_yaml_are_located(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    brand = project / "brands/acme"
    text = (brand / "brand.yaml").read_text(encoding="utf-8")
    (brand / "brand.yaml").write_text(text.replace("paper: A4", "paper: !!python/object:x {}"), encoding="utf-8")
    assert check(project, capsys, "--brand", str(brand)) == [
        f"brands/acme/brand.yaml:16:8: paper: the tag !!python/object:x is not allowed on a mapping {TAG_FIX}"
    ]
    (brand / "brand.yaml").write_text(text.replace("paper: A4", "paper: A4\n<<: 5"), encoding="utf-8")
    assert check(project, capsys, "--brand", str(brand)) == [
        f"brands/acme/brand.yaml:17:5: '<<' merges take a mapping or a list of mappings, not the value '5' {MERGE_FIX}"
    ]


def test_tags_and_merges_in_a_yaml_roster_are_located(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    roster = project / "examples/hires.yaml"
    roster.write_text("- name: Ada\n  level: pm\n  start_date: !!timestamp soon\n", encoding="utf-8")
    assert check(project, capsys, "--roster", str(roster)) == [
        "examples/hires.yaml:3:15: [0].start_date: 'soon' is not a real date, as its tag !!timestamp says "
        "(fix: correct the value, or remove the tag)"
    ]
    roster.write_text("- &p {name: Ada, level: pm}\n- {<<: [*p, 5], name: Bo}\n", encoding="utf-8")
    assert check(project, capsys, "--roster", str(roster)) == [
        f"examples/hires.yaml:2:13: [1]: '<<' merges take a mapping or a list of mappings, not the value '5' "
        f"{MERGE_FIX}"
    ]


# --------------------------------------------------------------------------- 4. messages that pointed elsewhere


def test_an_unclosed_quote_is_reported_where_it_opens(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / LEVEL).write_text(PM.replace("title: Product Manager", 'title: "Product Manager'), encoding="utf-8")
    assert check(project, capsys) == [
        f"{LEVEL}:4:8: YAML syntax error: the quote opened here is never closed (fix: close the quote, or remove it)"
    ]


def test_a_folder_named_ladder_yaml_gets_one_message(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "content/ladder.yaml").unlink()
    (project / "content/ladder.yaml").mkdir()
    assert check(project, capsys) == [
        "content/ladder.yaml: is a folder, not a file (fix: remove the folder or give the file another name)"
    ]


def test_an_unreadable_levels_folder_is_not_called_empty(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tests run as root, who may read anything: the folder's refusal is simulated where it is listed."""
    levels = project / "content/levels"
    listing = pathlib.Path.iterdir

    def iterdir(self: Path) -> Iterator[Path]:
        if self == levels:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))
        return listing(self)

    monkeypatch.setattr(pathlib.Path, "iterdir", iterdir)
    assert check(project, capsys) == [
        "content/levels: is a folder that cannot be read (Permission denied) "
        "(fix: give yourself permission to read it (chmod u+rx))"
    ]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any folder, whatever its permissions")
def test_an_unreadable_levels_folder_for_real(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    levels = project / "content/levels"
    levels.chmod(0)
    try:
        assert check(project, capsys) == [
            "content/levels: is a folder that cannot be read (Permission denied) "
            "(fix: give yourself permission to read it (chmod u+rx))"
        ]
    finally:
        levels.chmod(0o755)


def test_bad_bytes_and_nul_characters_carry_line_and_column(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "content/faq.yaml").write_bytes(b"faq:\n  - question: caf\xe9\n")
    (project / LEVEL).write_text(PM.replace("short_title: PM", "short_title: P\x00M"), encoding="utf-8")
    (project / "content/levels/vp.yaml").write_text("id: vp\ntitle: \x07\n", encoding="utf-8")
    assert check(project, capsys) == [
        "content/faq.yaml:2:18: is not UTF-8 text (fix: save the file as UTF-8)",
        f"{LEVEL}:5:15: contains a NUL character, which YAML does not allow "
        "(fix: delete it; save the file as plain UTF-8 text)",
        "content/levels/vp.yaml:2:8: contains the control character U+0007, which YAML does not allow "
        "(fix: delete it; save the file as plain UTF-8 text)",
    ]


# --------------------------------------------------------------------------- all at once


def test_every_hostile_file_is_reported_in_one_run(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "content/levels/zero.yaml").symlink_to("/dev/zero")
    (project / "content/levels/loop.yaml").symlink_to("loop.yaml")
    (project / LEVEL).write_text(level_with("scope: !!bool maybe"), encoding="utf-8")
    (project / "guides/bomb.yaml").write_text('x: [&s "' + "x" * 20_000 + '"' + ", *s" * 300 + "]\n", encoding="utf-8")
    lines = check(project, capsys)
    assert [line.split(":", 1)[0] for line in lines] == [
        "content/levels/loop.yaml",
        LEVEL,
        "content/levels/zero.yaml",
        "guides/bomb.yaml",
    ], lines
