"""Unit tests of ladderpress/cache.py: keys, the up-to-date check, and the record on disk.

Each "build" is a fresh BuildCache.open, as a real build makes one: file hashes are
remembered for one build only.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path, PurePosixPath

import pytest

from ladderpress.cache import CACHE_FILE, BuildCache, engine_fingerprint

FINGERPRINT = engine_fingerprint({"variant": None})
OUTPUT = PurePosixPath("levels/pm.pdf")
PDF = b"%PDF-1.7 pretend"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / "styles").mkdir(parents=True)
    (root / "styles/base.css").write_text("body { color: black }")
    (root / "logo.svg").write_text("<svg/>")
    return root


@pytest.fixture
def out(tmp_path: Path) -> Path:
    return tmp_path / "out"


def open_cache(out: Path, project: Path, fingerprint: str = FINGERPRINT) -> BuildCache:
    return BuildCache.open(out, fingerprint, (project,))


def build(out: Path, project: Path, html: str = "<p>pm</p>", files: tuple[str, ...] = ("styles/base.css",)) -> str:
    """One build that writes the PDF and records it with the files it read; returns the key."""
    cache = open_cache(out, project)
    key = cache.key(html, "A4")
    (out / OUTPUT).parent.mkdir(parents=True, exist_ok=True)
    (out / OUTPUT).write_bytes(PDF)
    read = {str(project / name): cache.file_hash(str(project / name)) for name in files}
    cache.record(OUTPUT, key, PDF, read)
    cache.save()
    return key


def fresh(out: Path, project: Path, key: str) -> bool:
    return open_cache(out, project).up_to_date(OUTPUT, key, out)


# --------------------------------------------------------------------------- keys


def test_the_fingerprint_names_versions_and_options() -> None:
    parts = json.loads(FINGERPRINT)
    assert parts["options"] == {"variant": None}
    assert {"format", "ladderpress", "weasyprint", "pydyf", "pypdf", "fonttools"} <= set(parts)
    assert engine_fingerprint({"variant": None}) == FINGERPRINT
    assert engine_fingerprint({"variant": "pdf/ua-1"}) != FINGERPRINT


def test_the_key_changes_with_html_extra_and_fingerprint(out: Path, project: Path) -> None:
    cache = open_cache(out, project)
    key = cache.key("<p>a</p>", "A4")
    assert key == cache.key("<p>a</p>", "A4")
    assert len(key) == 64 and int(key, 16) >= 0
    assert cache.key("<p>b</p>", "A4") != key
    assert cache.key("<p>a</p>", "Letter") != key
    assert cache.key("<p>a</p>") != key
    assert cache.key("A4", "<p>a</p>") != key  # what is HTML and what is extra is not interchangeable
    assert open_cache(out, project, engine_fingerprint({"variant": "pdf/a-3b"})).key("<p>a</p>", "A4") != key


# --------------------------------------------------------------------------- up to date


def test_a_recorded_document_is_up_to_date_in_the_next_build(out: Path, project: Path) -> None:
    key = build(out, project)
    assert fresh(out, project, key)


def test_no_record_means_not_up_to_date(out: Path, project: Path) -> None:
    assert not fresh(out, project, "0" * 64)
    build(out, project)
    assert not open_cache(out, project).up_to_date(PurePosixPath("other.pdf"), "0" * 64, out)


def test_another_key_is_not_up_to_date(out: Path, project: Path) -> None:
    key = build(out, project)
    cache = open_cache(out, project)
    assert not cache.up_to_date(OUTPUT, cache.key("<p>pm, edited</p>", "A4"), out)
    assert cache.up_to_date(OUTPUT, key, out)


def test_a_read_file_that_changed_rebuilds(out: Path, project: Path) -> None:
    key = build(out, project)
    (project / "styles/base.css").write_text("body { color: red }")
    assert not fresh(out, project, key)


def test_a_read_file_that_was_removed_rebuilds(out: Path, project: Path) -> None:
    key = build(out, project)
    (project / "styles/base.css").unlink()
    assert not fresh(out, project, key)


def test_a_file_looked_for_and_absent_that_appears_rebuilds(out: Path, project: Path) -> None:
    key = build(out, project, files=("styles/base.css", "styles/brand.css"))
    recorded = json.loads((out / CACHE_FILE).read_text())["documents"][OUTPUT.as_posix()]["files"]
    assert recorded[str(project / "styles/brand.css")] is None
    assert fresh(out, project, key)
    (project / "styles/brand.css").write_text("h1 {}")
    assert not fresh(out, project, key)


def test_a_missing_or_changed_pdf_rebuilds(out: Path, project: Path) -> None:
    key = build(out, project)
    (out / OUTPUT).write_bytes(PDF + b" edited by hand")
    assert not fresh(out, project, key)
    (out / OUTPUT).unlink()
    assert not fresh(out, project, key)


def test_hashes_are_taken_once_per_build(out: Path, project: Path) -> None:
    key = build(out, project)
    cache = open_cache(out, project)
    assert cache.up_to_date(OUTPUT, key, out)
    (project / "styles/base.css").write_text("changed after it was hashed")
    assert cache.up_to_date(OUTPUT, key, out)  # this build saw the file as it was
    assert not fresh(out, project, key)  # the next one sees the change


def test_file_hash_reads_only_inside_the_roots(tmp_path: Path, out: Path, project: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("outside")
    (project / "link.css").symlink_to(secret)
    os.mkfifo(project / "fifo.css")
    cache = open_cache(out, project)
    assert cache.file_hash(str(secret)) is None
    assert cache.file_hash(str(project / "link.css")) is None
    assert cache.file_hash(str(project / "fifo.css")) is None
    assert cache.file_hash(str(project / "missing.css")) is None
    expected = hashlib.sha256((project / "logo.svg").read_bytes()).hexdigest()
    assert cache.file_hash(str(project / "logo.svg")) == expected


# --------------------------------------------------------------------------- the record on disk


def test_record_forget_save_round_trip(out: Path, project: Path) -> None:
    cache = open_cache(out, project)
    files = {str(project / "styles/base.css"): cache.file_hash(str(project / "styles/base.css"))}
    cache.record(OUTPUT, "k1", PDF, files)
    cache.record(PurePosixPath("handbook.pdf"), "k2", b"other", {})
    cache.forget(PurePosixPath("handbook.pdf"))
    cache.forget(PurePosixPath("never-recorded.pdf"))
    cache.save()
    data = json.loads((out / CACHE_FILE).read_text())
    assert data["engine"] == FINGERPRINT
    recorded = {"key": "k1", "pdf": hashlib.sha256(PDF).hexdigest(), "files": files, "findings": []}
    assert data["documents"] == {"levels/pm.pdf": recorded}
    assert open_cache(out, project).entries == data["documents"]
    assert [p.name for p in out.iterdir()] == [CACHE_FILE]  # no temporary file left beside it


def test_saving_nothing_creates_no_folder(out: Path, project: Path) -> None:
    open_cache(out, project).save()
    assert not out.exists()


def test_a_record_of_another_engine_is_ignored(out: Path, project: Path) -> None:
    key = build(out, project)
    other = open_cache(out, project, engine_fingerprint({"variant": "pdf/ua-1"}))
    assert other.entries == {}
    assert not other.up_to_date(OUTPUT, key, out)


@pytest.mark.parametrize(
    "damage",
    [
        b"{not json",
        b"[1, 2, 3]",
        b'"text"',
        b'{"engine": 1}',
        b"\xff\xfe",
        b"",
    ],
)
def test_a_damaged_record_only_causes_a_rebuild(out: Path, project: Path, damage: bytes) -> None:
    key = build(out, project)
    (out / CACHE_FILE).write_bytes(damage)
    cache = open_cache(out, project)
    assert cache.entries == {}
    assert not cache.up_to_date(OUTPUT, key, out)
    build(out, project)  # and the next build writes a good one again
    assert fresh(out, project, key)


def test_damaged_entries_are_not_up_to_date(out: Path, project: Path) -> None:
    key = build(out, project)
    for entry in ("not a dict", {"key": key}, {"key": key, "files": "x", "pdf": None}, {"key": key, "files": {}}):
        (out / CACHE_FILE).write_text(json.dumps({"engine": FINGERPRINT, "documents": {OUTPUT.as_posix(): entry}}))
        assert not fresh(out, project, key), entry


def test_documents_that_are_not_a_mapping_are_ignored(out: Path, project: Path) -> None:
    out.mkdir()
    (out / CACHE_FILE).write_text(json.dumps({"engine": FINGERPRINT, "documents": ["levels/pm.pdf"]}))
    assert open_cache(out, project).entries == {}


def test_a_record_that_is_a_link_out_or_a_folder_is_not_read(tmp_path: Path, out: Path, project: Path) -> None:
    key = build(out, project)
    planted = tmp_path / "planted.json"
    planted.write_text((out / CACHE_FILE).read_text())
    (out / CACHE_FILE).unlink()
    (out / CACHE_FILE).symlink_to(planted)
    assert open_cache(out, project).entries == {}
    (out / CACHE_FILE).unlink()
    (out / CACHE_FILE).mkdir()
    assert open_cache(out, project).entries == {}
    assert not fresh(out, project, key)
