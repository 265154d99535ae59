"""Unit tests of ladderpress/fetch.py: the only way WeasyPrint reads anything.

The fetcher is called directly with URLs, as WeasyPrint calls it; no PDF is laid out.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

import ladderpress.fetch
from ladderpress.fetch import ProjectFetcher, RefusedResource

FONT = b"\x00\x01\x00\x00 pretend font"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    (project / "styles/fonts").mkdir(parents=True)
    (project / "styles/fonts/Inter.otf").write_bytes(FONT)
    (project / "styles/base.css").write_text("body {}")
    (project / "examples").mkdir()
    (project / "examples/new-hires.csv").write_text("name,level\nLéa Dubois,pm\n")
    (project / ".env").write_text("SECRET=1")
    (project / ".git").mkdir()
    (project / ".git/config").write_text("[core]")
    (project / "out").mkdir()
    (project / "out/other.pdf").write_bytes(b"%PDF")
    (tmp_path / "outside.css").write_text("secret")
    return project


@pytest.fixture
def fetcher(root: Path) -> ProjectFetcher:
    return ProjectFetcher((root,), frozenset({root / "examples/new-hires.csv", root / "out"}))


def refused(fetcher: ProjectFetcher, url: str) -> str:
    with pytest.raises(RefusedResource) as exc:
        fetcher.fetch(url)
    assert fetcher.refused[-1] == str(exc.value)
    return str(exc.value)


# --------------------------------------------------------------------------- what is served


def test_a_regular_file_inside_a_root_is_served_and_its_digest_recorded(fetcher: ProjectFetcher, root: Path) -> None:
    path = root / "styles/fonts/Inter.otf"
    response = fetcher.fetch(path.as_uri())
    assert response.read() == FONT
    assert response.url == path.resolve().as_uri()
    assert fetcher.served == {str(path): hashlib.sha256(FONT).hexdigest()}
    assert fetcher.refused == []


def test_a_link_inside_the_root_is_followed(fetcher: ProjectFetcher, root: Path) -> None:
    (root / "styles/alias.css").symlink_to(root / "styles/base.css")
    response = fetcher.fetch((root / "styles/alias.css").as_uri())
    assert response.read() == b"body {}"
    assert response.url == (root / "styles/base.css").resolve().as_uri()


def test_escaped_and_dotted_paths_are_normalised(fetcher: ProjectFetcher, root: Path) -> None:
    (root / "styles/with space.css").write_text("p {}")
    assert fetcher.fetch(f"file://{root}/styles/with%20space.css").read() == b"p {}"
    assert fetcher.fetch(f"file://{root}/examples/../styles/base.css").read() == b"body {}"
    assert "outside the project folder" in refused(fetcher, f"file://{root}/styles/../../outside.css")


def test_data_urls_are_served(fetcher: ProjectFetcher) -> None:
    assert fetcher.fetch("data:text/plain;base64,aGVsbG8=").read() == b"hello"
    assert fetcher.served == {}


def test_served_lists_files_looked_for_and_absent_as_none(fetcher: ProjectFetcher, root: Path) -> None:
    missing = root / "styles/brand.css"
    assert refused(fetcher, missing.as_uri()) == f"'{missing}' was not found"
    assert fetcher.served == {str(missing): None}


def test_take_served_and_take_refused_hand_over_and_forget(fetcher: ProjectFetcher, root: Path) -> None:
    fetcher.fetch((root / "styles/base.css").as_uri())
    for _ in range(2):
        refused(fetcher, "https://example.com/logo.png")
    assert fetcher.take_served() == {str(root / "styles/base.css"): hashlib.sha256(b"body {}").hexdigest()}
    assert fetcher.take_refused() == [
        "'https://example.com/logo.png' was not loaded: only files inside the project are allowed, "
        "never https: addresses"
    ]  # said once, however often it was asked for
    assert fetcher.take_served() == {} and fetcher.take_refused() == []


# --------------------------------------------------------------------------- what is refused


def test_a_file_outside_the_roots_is_refused_and_not_recorded(fetcher: ProjectFetcher, tmp_path: Path) -> None:
    outside = tmp_path / "outside.css"
    assert refused(fetcher, outside.as_uri()) == f"'{outside}' was not loaded: it is outside the project folder"
    assert refused(fetcher, "file:///etc/passwd") == "'/etc/passwd' was not loaded: it is outside the project folder"
    assert fetcher.served == {}


def test_a_link_out_of_the_root_is_refused(fetcher: ProjectFetcher, root: Path, tmp_path: Path) -> None:
    link = root / "styles/linked.css"
    link.symlink_to(tmp_path / "outside.css")
    assert refused(fetcher, link.as_uri()) == f"'{link}' was not loaded: it is outside the project folder"
    assert fetcher.served.get(str(link)) is None  # nothing of the outside file's bytes is recorded


def test_a_fifo_is_refused_without_waiting_for_a_writer(fetcher: ProjectFetcher, root: Path) -> None:
    fifo = root / "styles/pipe.css"
    os.mkfifo(fifo)
    message = refused(fetcher, fifo.as_uri())
    assert message == f"'{fifo}' was not loaded: it is not a regular file (it is a named pipe)"


def test_a_folder_is_refused(fetcher: ProjectFetcher, root: Path) -> None:
    assert refused(fetcher, (root / "styles").as_uri()).endswith("it is a folder, not a file")


@pytest.mark.parametrize("name", [".env", ".git/config"])
def test_hidden_files_are_refused_and_not_recorded(fetcher: ProjectFetcher, root: Path, name: str) -> None:
    assert refused(fetcher, (root / name).as_uri()).endswith("it is outside the project folder")
    assert fetcher.served == {}


@pytest.mark.parametrize("name", ["examples/new-hires.csv", "out/other.pdf"])
def test_rosters_and_the_output_folder_are_private(fetcher: ProjectFetcher, root: Path, name: str) -> None:
    assert refused(fetcher, (root / name).as_uri()).endswith("it is outside the project folder")
    assert fetcher.served == {}


def test_a_link_to_a_private_file_is_refused(fetcher: ProjectFetcher, root: Path) -> None:
    link = root / "styles/people.css"
    link.symlink_to(root / "examples/new-hires.csv")
    assert refused(fetcher, link.as_uri()).endswith("it is outside the project folder")
    assert fetcher.served == {str(link): None}  # looked for, and nothing of the roster recorded


@pytest.mark.parametrize(
    ("url", "scheme"),
    [
        ("http://example.com/a.png", "http"),
        ("https://example.com/a.css", "https"),
        ("ftp://example.com/a.otf", "ftp"),
        ("javascript:alert(1)", "javascript"),
        ("styles/base.css", "relative"),
    ],
)
def test_every_other_scheme_is_refused(fetcher: ProjectFetcher, url: str, scheme: str) -> None:
    assert refused(fetcher, url) == (
        f"'{url}' was not loaded: only files inside the project are allowed, never {scheme}: addresses"
    )


def test_a_file_too_large_is_refused(fetcher: ProjectFetcher, root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ladderpress.fetch, "MAX_RESOURCE_BYTES", 4)
    assert "is larger than" in refused(fetcher, (root / "styles/fonts/Inter.otf").as_uri())


# --------------------------------------------------------------------------- while a PDF is written


def test_nothing_is_served_while_writing(fetcher: ProjectFetcher, root: Path) -> None:
    fetcher.writing = True
    for url in ((root / "styles/base.css").as_uri(), "data:text/plain,x", "https://example.com/x.pdf"):
        assert refused(fetcher, url).endswith(
            "was not attached: attachments come only from a recipe's 'attachments:' list"
        )
    assert fetcher.served == {}
    fetcher.writing = False
    assert fetcher.fetch((root / "styles/base.css").as_uri()).read() == b"body {}"


def test_a_long_url_is_shortened_in_the_message(fetcher: ProjectFetcher) -> None:
    fetcher.writing = True
    message = refused(fetcher, "data:text/plain," + "x" * 500)
    assert len(message) < 200 and "…" in message


def test_several_roots(tmp_path: Path, root: Path) -> None:
    brand = tmp_path / "brand"
    brand.mkdir()
    (brand / "logo.svg").write_text("<svg/>")
    fetcher = ProjectFetcher((root, brand))
    assert fetcher.fetch((brand / "logo.svg").as_uri()).read() == b"<svg/>"
    assert fetcher.fetch((root / "styles/base.css").as_uri()).read() == b"body {}"
