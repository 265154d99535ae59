"""What a spreadsheet does not hold, written as placeholder text: the ladder's introduction, a level's scope
and description, a track's summary, the FAQ and onboarding.

A project must load and build as soon as it is imported, so these stand in; the import says which files
hold them (as TODOs) so that the user writes their own.
"""

from __future__ import annotations

from typing import Any

import yaml

PLACEHOLDER_INTRODUCTION = """\
This ladder sets out the levels of {field} at {organisation}, what each level is responsible for,
and what each one asks of people, competency by competency.

It was made from a spreadsheet: an introduction to the field, written by the people who know it,
will take the place of these lines."""
PLACEHOLDER_HOW_TO_READ = """\
Each level has a section of its own. The competency matrix shows what each level asks for, one
competency at a time, and how that grows from one level to the next."""
PLACEHOLDER_TRACK = "This track runs from {first} to {last}; who it is for is still to be written."
"""A track's summary: it names no field, which a second track (managers beside developers) is not all of."""
PLACEHOLDER_SCOPE = "The scope of the {title} level is still to be written."
PLACEHOLDER_DESCRIPTION = (
    "What sets the {title} level apart is still to be written; its competencies show what it asks for."
)
PLACEHOLDER_FAQ = [
    {
        "question": "How do I use this ladder?",
        "answer": (
            "Find your level, read what it asks for, and talk it over with your manager. The next level's "
            "section shows what a step up asks for."
        ),
    },
    {
        "question": "Does everyone move through every level?",
        "answer": (
            "No. The levels describe what is common, not a timetable: people grow at different speeds and "
            "in different directions."
        ),
    },
]
DEFAULT_ORGANISATION = "Our company"


def starter_onboarding() -> dict[str, Any]:
    """The starter project's general onboarding (welcome, introduction, checklist, ways to grow), without its
    variants, which name the starter's bands and levels."""
    from ladderpress.packaged import builtin_dir

    value = yaml.safe_load((builtin_dir("content") / "onboarding.yaml").read_text(encoding="utf-8"))
    onboarding = dict(value["onboarding"])
    onboarding.pop("variants", None)
    return onboarding
