"""Where the built-in templates, styles and starter project live.

Installed from a wheel, they are package data under ``ladderpress/builtin/``; in a source
checkout (and an editable install) they are the checkout's own ``templates/``, ``styles/``,
``content/``… folders, which the wheel is built from. A project overrides any built-in file
by holding a file of the same name in its own folder, as a brand does.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
KINDS = ("templates", "styles", "content", "guides", "examples", "brands")


def builtin_root() -> Path:
    """The folder holding the built-in ``templates/``, ``styles/`` and starter files."""
    installed = PACKAGE / "builtin"
    return installed if (installed / "templates").is_dir() else PACKAGE.parent


def builtin_dir(kind: str) -> Path:
    assert kind in KINDS
    return builtin_root() / kind
