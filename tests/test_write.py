"""Unit tests of ladderpress/write.py: atomic writes, the manifest and its journal, the lock,
refusing to replace files ladderpress did not write, and what a killed build leaves behind."""

from __future__ import annotations

import hashlib
import json
import os
import stat
import threading
from pathlib import Path, PurePosixPath

import pytest

from ladderpress.write import (
    CACHE,
    JOURNAL,
    LOCK,
    MANIFEST,
    FolderBusy,
    OutputFolder,
    WriteRefused,
    atomic_write,
)

PDF = b"%PDF-1.7 first"
PDF2 = b"%PDF-1.7 second"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write(out: Path, name: str, data: bytes, person: str | None = None) -> Path:
    """One build that writes one file, holding the lock as a build does."""
    folder = OutputFolder(out)
    with folder.lock(wait=False):
        return folder.write(PurePosixPath(name), data, person)


def manifest(out: Path) -> dict[str, dict[str, object]]:
    data = json.loads((out / MANIFEST).read_text())
    assert data["format"] == 2
    return data["files"]


# --------------------------------------------------------------------------- atomic_write


def test_atomic_write_replaces_the_file_and_leaves_nothing_beside_it(tmp_path: Path) -> None:
    target = tmp_path / "a.pdf"
    target.write_bytes(b"old")
    atomic_write(target, PDF)
    assert target.read_bytes() == PDF
    assert [p.name for p in tmp_path.iterdir()] == ["a.pdf"]


def test_atomic_write_gives_files_the_usual_permissions(tmp_path: Path) -> None:
    previous = os.umask(0o022)
    try:
        atomic_write(tmp_path / "a.pdf", PDF)
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "a.pdf").stat().st_mode) == 0o644


def test_a_failed_atomic_write_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "a.pdf"
    target.write_bytes(b"old")

    def fail(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="No space left"):
        atomic_write(target, PDF)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.pdf"]


# --------------------------------------------------------------------------- the manifest


def test_a_written_file_is_recorded_with_its_hash(tmp_path: Path) -> None:
    out = tmp_path / "out"
    path = write(out, "levels/pm.pdf", PDF)
    assert path == (out / "levels/pm.pdf").resolve()
    assert path.read_bytes() == PDF
    assert manifest(out) == {"levels/pm.pdf": {"sha256": [sha(PDF)]}}
    assert not (out / JOURNAL).exists()  # folded into the manifest when the lock was let go


def test_the_journal_holds_each_write_until_the_lock_is_let_go(tmp_path: Path) -> None:
    out = tmp_path / "out"
    folder = OutputFolder(out)
    with folder.lock(wait=False):
        folder.write(PurePosixPath("a.pdf"), PDF, person="ann")
        folder.write(PurePosixPath("b.pdf"), PDF2)
        journal = [json.loads(line) for line in (out / JOURNAL).read_text().splitlines()]
        assert journal == [
            {"name": "a.pdf", "person": "ann", "sha256": [sha(PDF)]},
            {"name": "b.pdf", "sha256": [sha(PDF2)]},
        ]
        assert not (out / MANIFEST).exists()
        assert OutputFolder(out).owners() == {"a.pdf": "ann"}  # a build killed now leaves a true record
    assert set(manifest(out)) == {"a.pdf", "b.pdf"}


def test_a_file_of_ours_is_replaced_and_both_hashes_kept(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write(out, "a.pdf", PDF)
    write(out, "a.pdf", PDF2)
    assert (out / "a.pdf").read_bytes() == PDF2
    assert manifest(out)["a.pdf"]["sha256"] == [sha(PDF), sha(PDF2)]
    write(out, "a.pdf", PDF)
    assert manifest(out)["a.pdf"]["sha256"] == [sha(PDF2), sha(PDF)]  # the last two, not every one


def test_a_torn_journal_line_is_skipped(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write(out, "a.pdf", PDF)
    (out / JOURNAL).write_text(json.dumps({"name": "b.pdf", "sha256": [sha(PDF2)]}) + '\n{"name": "c.p')
    (out / "b.pdf").write_bytes(PDF2)
    write(out, "b.pdf", PDF)  # b.pdf is known from the journal, so it may be replaced
    assert set(manifest(out)) == {"a.pdf", "b.pdf"}


# --------------------------------------------------------------------------- never a user's file


def test_a_file_ladderpress_did_not_write_is_never_replaced(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "handbook.pdf").write_bytes(b"my own notes")
    with pytest.raises(WriteRefused, match="exists and was not written by ladderpress"):
        write(out, "handbook.pdf", PDF)
    assert (out / "handbook.pdf").read_bytes() == b"my own notes"


def test_a_file_edited_since_it_was_written_is_never_replaced(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write(out, "handbook.pdf", PDF)
    (out / "handbook.pdf").write_bytes(PDF + b" annotated")
    with pytest.raises(WriteRefused, match="was changed since ladderpress wrote it"):
        write(out, "handbook.pdf", PDF2)
    assert (out / "handbook.pdf").read_bytes() == PDF + b" annotated"


def test_a_link_out_put_in_place_of_a_written_file_is_never_followed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write(out, "handbook.pdf", PDF)
    mine = tmp_path / "mine.pdf"
    mine.write_bytes(PDF)  # even with the very bytes that were written
    (out / "handbook.pdf").unlink()
    (out / "handbook.pdf").symlink_to(mine)
    with pytest.raises(WriteRefused, match="would be written outside the output folder"):
        write(out, "handbook.pdf", PDF2)
    assert mine.read_bytes() == PDF


def test_a_link_inside_the_folder_put_in_place_of_a_written_file_is_never_followed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write(out, "handbook.pdf", PDF)
    (out / "copy.pdf").write_bytes(PDF)  # the user's own copy, byte for byte what was written
    (out / "handbook.pdf").unlink()
    (out / "handbook.pdf").symlink_to("copy.pdf")
    with pytest.raises(WriteRefused):
        write(out, "handbook.pdf", PDF2)
    assert (out / "copy.pdf").read_bytes() == PDF


@pytest.mark.parametrize("name", ["../escape.pdf", "a/../../escape.pdf", "."])
def test_nothing_is_written_outside_the_folder(tmp_path: Path, name: str) -> None:
    out = tmp_path / "out"
    with pytest.raises(WriteRefused, match="outside the output folder"):
        write(out, name, PDF)
    assert not (tmp_path / "escape.pdf").exists()


def test_a_linked_subfolder_leading_out_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (tmp_path / "elsewhere").mkdir()
    (out / "levels").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(WriteRefused, match="outside the output folder"):
        write(out, "levels/pm.pdf", PDF)
    assert list((tmp_path / "elsewhere").iterdir()) == []


def test_a_file_where_a_folder_goes_is_named(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "levels").write_bytes(b"a file")
    with pytest.raises(WriteRefused, match=r"levels is a file, not a folder"):
        write(out, "levels/pm.pdf", PDF)


def test_a_packet_never_changes_hands(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write(out, "onboarding/lea.pdf", PDF, person="lea dubois")
    assert OutputFolder(out).owners() == {"onboarding/lea.pdf": "lea dubois"}
    write(out, "onboarding/lea.pdf", PDF2, person="lea dubois")  # the same person again: fine
    with pytest.raises(WriteRefused, match="holds another person's packet"):
        write(out, "onboarding/lea.pdf", PDF, person="lea martin")
    assert (out / "onboarding/lea.pdf").read_bytes() == PDF2


def test_when_the_record_cannot_be_written_neither_is_the_pdf(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / JOURNAL).mkdir()  # the journal cannot be opened for appending
    folder = OutputFolder(out)
    with pytest.raises(WriteRefused, match="cannot be written"):
        folder.write(PurePosixPath("a.pdf"), PDF)
    assert not (out / "a.pdf").exists()
    (out / JOURNAL).rmdir()
    (out / "a.pdf").write_bytes(PDF)  # now a user's file there, with the very bytes that failed
    with pytest.raises(WriteRefused, match="not written by ladderpress"):  # the failed write's hash was forgotten
        folder.write(PurePosixPath("a.pdf"), PDF2)


def test_an_old_manifest_of_names_only_claims_just_the_pdfs_the_cache_hashed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.pdf").write_bytes(PDF)
    (out / "b.pdf").write_bytes(b"a user's file, listed by a forged record")
    (out / MANIFEST).write_text(json.dumps({"files": ["a.pdf", "b.pdf"]}))
    (out / CACHE).write_text(json.dumps({"documents": {"a.pdf": {"pdf": sha(PDF)}}}))
    write(out, "a.pdf", PDF2)
    with pytest.raises(WriteRefused, match="not written by ladderpress"):
        write(out, "b.pdf", PDF2)


# --------------------------------------------------------------------------- the lock


def test_one_build_at_a_time(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with OutputFolder(out).lock(wait=False):
        assert (out / LOCK).read_text() == str(os.getpid())
        busy = f"another build \\(process {os.getpid()}\\) is writing to"
        with pytest.raises(FolderBusy, match=busy), OutputFolder(out).lock(wait=False):
            pass
    with OutputFolder(out).lock(wait=False):  # let go: free again
        pass


def test_a_second_build_waits_and_says_so(tmp_path: Path) -> None:
    out = tmp_path / "out"
    told: list[str] = []
    entered = threading.Event()

    def second() -> None:
        with OutputFolder(out).lock(wait=True, waiting=told.append):
            entered.set()

    with OutputFolder(out).lock(wait=False):
        thread = threading.Thread(target=second)
        thread.start()
        assert not entered.wait(0.3)
    thread.join(10)
    assert entered.is_set()
    assert told == [str(os.getpid())]


def test_the_records_are_read_afresh_once_the_lock_is_held(tmp_path: Path) -> None:
    out = tmp_path / "out"
    early = OutputFolder(out)  # made before another build wrote a.pdf
    write(out, "a.pdf", PDF)
    with early.lock(wait=False):
        early.write(PurePosixPath("a.pdf"), PDF2)  # known as ours, so replaced
    assert manifest(out)["a.pdf"]["sha256"] == [sha(PDF), sha(PDF2)]


def test_a_lock_file_that_is_a_link_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / LOCK).symlink_to(tmp_path / "elsewhere")
    with pytest.raises(WriteRefused, match="it is a link: remove it"), OutputFolder(out).lock(wait=False):
        pass
    assert not (tmp_path / "elsewhere").exists()


def test_a_manifest_that_is_a_folder_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / MANIFEST).mkdir(parents=True)
    with pytest.raises(WriteRefused, match="is not a file"), OutputFolder(out).lock(wait=False):
        pass


# --------------------------------------------------------------------------- leftovers


def test_a_killed_builds_temporary_files_are_removed_and_nothing_else(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write(out, "levels/pm.pdf", PDF)
    leftovers = [out / "levels/.pm.pdf.ab12cd34.tmp", out / f".{MANIFEST}.x1y2z3w4.tmp", out / f".{CACHE}.abcdefgh.tmp"]
    kept = [
        out / "levels/.other.pdf.ab12cd34.tmp",  # named after a file ladderpress never wrote
        out / "levels/.pm.pdf.short.tmp",  # not mkstemp's eight characters
        out / "levels/notes.txt",
    ]
    for path in leftovers + kept:
        path.write_bytes(b"x")
    (tmp_path / "elsewhere").mkdir()
    outside = tmp_path / "elsewhere/.pm.pdf.ab12cd34.tmp"
    outside.write_bytes(b"x")
    with OutputFolder(out).lock(wait=False):
        pass
    assert not any(path.exists() for path in leftovers)
    assert all(path.exists() for path in kept)
    assert outside.exists()


def test_a_record_naming_a_folder_elsewhere_removes_nothing_there(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (tmp_path / "elsewhere").mkdir()
    victim = tmp_path / "elsewhere/.x.pdf.ab12cd34.tmp"
    victim.write_bytes(b"x")
    (out / MANIFEST).write_text(json.dumps({"format": 2, "files": {"../elsewhere/x.pdf": {"sha256": []}}}))
    with OutputFolder(out).lock(wait=False):
        pass
    assert victim.exists()
