"""What an import gives: :class:`Imported`, the ladder understood with the mapping decided on the way, or
:class:`ImportErrors`, every problem that stops it with the notes gathered before.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ladderpress.errors import InputErrors, Problem
from ladderpress.importer.mapping import Decision
from ladderpress.model import Ladder


class ImportErrors(InputErrors):
    """The problems that stop an import, with the notes (warnings) gathered on the way, said too."""

    def __init__(
        self, problems: Sequence[Problem], notes: Sequence[str] = (), mapping: Sequence[Decision] = ()
    ) -> None:
        super().__init__(problems)
        self.notes = list(notes)
        self.mapping = list(mapping)
        """The mapping as far as it was inferred, printed so that the user can correct it."""


@dataclass
class Imported:
    """A spreadsheet understood: the ladder's data, validated, and what was decided on the way."""

    source: str
    data: dict[str, Any]
    ladder: Ladder
    mapping: list[Decision]
    notes: list[str]
    """Warnings: sheets left out, empty columns, what was inferred."""
    placeholders: dict[str, str]
    """Content file → what in it is placeholder text (for the TODOs the user is told of)."""
    exported: bool = False
    """Read exactly, from a workbook ladderpress exported."""
