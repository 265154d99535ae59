"""Typed models of everything a user writes: the ladder content and the recipes.

Every model forbids unknown keys, so a typo such as ``dutes:`` is an error rather
than silently ignored. Cross-references (a level's tracks, ``leads_to``,
``equivalents``, competency expectations) are checked once the whole ladder is
assembled, in :meth:`Ladder.check_references`, so that all broken references are
reported together and each names the field that holds it.
"""

from __future__ import annotations

import datetime
import difflib
import re
import string
from functools import cached_property
from typing import Annotated, Literal, NamedTuple

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from ladderpress.errors import COLOUR, ID, LANGUAGE, RELATIVE_PATH, STYLESHEET, TEMPLATE, Refusal, suggestion

Id = Annotated[
    str,
    StringConstraints(pattern=ID.regex, max_length=64),
]
"""Ids are lower-case slugs: they become file names and anchors."""

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20_000)]
"""A non-empty piece of plain text (escaped when rendered)."""

Markdown = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50_000)]
"""A non-empty Markdown field (rendered, never echoed raw)."""

NonEmptyTexts = Annotated[list[Text], Field(min_length=1, max_length=200)]


class Strict(BaseModel):
    """Base for all models: unknown keys are refused, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


# --------------------------------------------------------------------------- ladder


class Distinction(Strict):
    """A role that is often confused with this field, and how it differs."""

    role: Text
    difference: Text


class Track(Strict):
    """A career track (for example individual contributor or manager)."""

    id: Id
    name: Text
    short_name: Text
    summary: Markdown
    scope: Text | None = None
    skills: list[Text] = []
    promotion: Text | None = None
    pros: list[Text] = []
    cons: list[Text] = []


class SubLevel(Strict):
    """An optional step inside a level (for example L5a and L5b)."""

    code: Text
    title: Text
    summary: Text | None = None


Paper = Literal["A4", "Letter"]


class Level(Strict):
    """One rung of the ladder."""

    id: Id
    code: Text
    title: Text
    short_title: Text
    rank: Annotated[int, Field(ge=0, le=1000)]
    tracks: Annotated[list[Id], Field(min_length=1)]
    scope: Text
    description: Markdown
    duties: NonEmptyTexts
    experience: Text
    years: Annotated[list[Annotated[int, Field(ge=0, le=60)] | None], Field(min_length=2, max_length=2)] | None = None
    """Typical years of experience as ``[from, to]`` (``to`` may be null for "15+"); drawn on the diagram."""
    time_at_level: Text
    reports_to: Text
    leads_to: list[Id] = []
    equivalents: list[Id] = []
    promotion_signals: list[Text] = []
    sublevels: list[SubLevel] = []

    @field_validator("years")
    @classmethod
    def years_in_order(cls, years: list[int | None] | None) -> list[int | None] | None:
        if years is not None:
            if years[0] is None:
                raise ValueError("years needs a starting number, like [4, 6] or [15, null]")
            if years[1] is not None and years[1] < years[0]:
                raise ValueError(f"years [{years[0]}, {years[1]}] end before they start; write [from, to]")
        return years

    def years_label(self) -> str | None:
        """``4–6 yrs`` or ``15+ yrs``, for the diagram's axis."""
        if self.years is None:
            return None
        start, end = self.years
        return f"{start}+ yrs" if end is None else f"{start}–{end} yrs"


class Competency(Strict):
    """A competency with what is expected of it at each level (keyed by level id)."""

    id: Id
    name: Text
    summary: Text
    expectations: dict[Id, Text]


class CompetencyTheme(Strict):
    """A group of related competencies."""

    name: Text
    competencies: Annotated[list[Competency], Field(min_length=1)]


class Specialisation(Strict):
    id: Id
    name: Text
    summary: Text
    focus: list[Text] = []
    typical_background: Text | None = None


class WayIn(Strict):
    """A route into the field (graduate programmes, transfers, portfolio, network)."""

    id: Id
    title: Text
    body: Markdown
    tips: list[Text] = []


class LateralMove(Strict):
    title: Text
    summary: Text
    roles: NonEmptyTexts


class Skill(Strict):
    name: Text
    description: Text


class FaqEntry(Strict):
    question: Text
    answer: Markdown
    levels: list[Id] = []
    """Levels this answer is most relevant to; empty means every level."""


class Milestone(Strict):
    """A step of the first-days checklist: what to have done by a given day."""

    by_day: Annotated[int, Field(ge=1, le=365)]
    title: Text
    items: NonEmptyTexts


class Onboarding(Strict):
    """What onboarding packets say to every new hire, whatever their level."""

    welcome: Markdown
    """The body of the welcome letter on each person's welcome page (the greeting and their details
    are added around it). Keep it to a few lines: it is laid out once for every person."""
    introduction: Markdown | None = None
    """What the packet holds and how to use it: the same for everyone, printed above its contents."""
    checklist: Annotated[list[Milestone], Field(min_length=1)]
    growth: list[Text] = []
    """Ways to grow, printed after the level's next steps."""


class Progression(Strict):
    """How long people spend at each level, in general terms."""

    summary: Markdown
    notes: list[Text] = []
    tip: Text | None = None


class _LadderIndex:
    """A ladder's levels and tracks by id, and its orderings, for :class:`Ladder`'s lookups.

    Levels are only ever matched by id: comparing models compares every field, slowly.
    """

    def __init__(self, levels: list[Level], tracks: list[Track]) -> None:
        self.levels = levels
        self.tracks = tracks
        self.level: dict[str, Level] = {}
        for level in levels:
            self.level.setdefault(level.id, level)  # the first of a repeated id, as a search would find
        self.track: dict[str, Track] = {}
        for track in tracks:
            self.track.setdefault(track.id, track)

    @cached_property
    def ranked(self) -> tuple[Level, ...]:
        order = {track.id: i for i, track in enumerate(self.tracks)}
        return tuple(sorted(self.levels, key=lambda lv: (lv.rank, min(order[t] for t in lv.tracks))))

    @cached_property
    def in_track(self) -> dict[str, tuple[Level, ...]]:
        members: dict[str, list[Level]] = {}
        for level in self.levels:
            for track_id in dict.fromkeys(level.tracks):
                members.setdefault(track_id, []).append(level)
        return {track_id: tuple(sorted(lvs, key=lambda lv: lv.rank)) for track_id, lvs in members.items()}

    @cached_property
    def previous(self) -> dict[str, tuple[Level, ...]]:
        arrivals: dict[str, list[Level]] = {}
        for level in self.ranked:
            for target in dict.fromkeys(level.leads_to):
                arrivals.setdefault(target, []).append(level)
        return {target: tuple(lvs) for target, lvs in arrivals.items()}

    @cached_property
    def shared(self) -> tuple[Level, ...]:
        return tuple(lv for lv in self.ranked if len(lv.tracks) == len(self.tracks))


class Ladder(Strict):
    """The whole ladder, assembled from the files under ``content/``."""

    title: Text
    subtitle: Text | None = None
    field: Text
    organisation: Text
    language: Annotated[str, StringConstraints(pattern=LANGUAGE.regex)] = "en"
    date: datetime.date | None = None
    """The edition date, written into the PDFs' metadata (SOURCE_DATE_EPOCH wins when set)."""
    paper: Paper = "A4"
    allow_html: bool = False
    """Let raw HTML in Markdown fields through. Off by default: it is escaped."""
    introduction: Markdown
    how_to_read: Markdown | None = None
    responsibilities: list[Text] = []
    distinctions: list[Distinction] = []
    tracks: Annotated[list[Track], Field(min_length=1)]
    levels: Annotated[list[Level], Field(min_length=1, max_length=500)]
    competencies: list[CompetencyTheme] = []
    specialisations: list[Specialisation] = []
    progression: Progression | None = None
    ways_in: list[WayIn] = []
    lateral_moves: list[LateralMove] = []
    skills_intro: Markdown | None = None
    skills: list[Skill] = []
    beyond_the_top: list[Text] = []
    faq: list[FaqEntry] = []
    onboarding: Onboarding | None = None

    # -- lookups used by templates and the planner ---------------------------
    # By id, from an index made on first use: a 500-level ladder is looked up hundreds of
    # thousands of times per build. Each returns a new list, which the caller may change.

    @cached_property
    def _lookups(self) -> _LadderIndex:
        # a cached_property lives in the instance's __dict__, outside the fields: the model stays
        # frozen, and equality, dumps and schemas ignore it; pickling carries it along
        return _LadderIndex(self.levels, self.tracks)

    def _index(self) -> _LadderIndex:
        index = self._lookups
        if index.levels is not self.levels or index.tracks is not self.tracks:  # a model_copy(update=...)
            del self.__dict__["_lookups"]
            index = self._lookups
        return index

    def level(self, level_id: str) -> Level:
        try:
            return self._index().level[level_id]
        except KeyError:
            raise KeyError(f"no level '{level_id}'") from None

    def track(self, track_id: str) -> Track:
        try:
            return self._index().track[track_id]
        except KeyError:
            raise KeyError(f"no track '{track_id}'") from None

    def levels_in(self, track_id: str) -> list[Level]:
        """The levels of one track, from the most junior up."""
        return list(self._index().in_track.get(track_id, ()))

    def ranked_levels(self) -> list[Level]:
        """All levels, junior first; equal ranks keep their track order."""
        return list(self._index().ranked)

    def next_levels(self, level: Level) -> list[Level]:
        return [self.level(i) for i in level.leads_to]

    def previous_levels(self, level: Level) -> list[Level]:
        return list(self._index().previous.get(level.id, ()))

    def shared_levels(self) -> list[Level]:
        """Levels that belong to every track (the common trunk before a fork)."""
        return list(self._index().shared)

    def all_competencies(self) -> list[Competency]:
        return [c for theme in self.competencies for c in theme.competencies]

    def faq_for(self, level: Level) -> list[FaqEntry]:
        return [entry for entry in self.faq if not entry.levels or level.id in entry.levels]

    # -- cross-reference checks ----------------------------------------------

    @model_validator(mode="after")
    def check_references(self) -> Ladder:
        """Check every id that points somewhere; raise one error listing them all."""
        problems: list[Located] = []
        track_ids = [t.id for t in self.tracks]
        level_ids = [lv.id for lv in self.levels]
        rank_of: dict[str, int] = {}  # by id, for lookups (the list is kept for "did you mean")
        for lv in self.levels:
            rank_of.setdefault(lv.id, lv.rank)
        problems += _duplicates("tracks", track_ids)
        problems += _duplicates("levels", level_ids)
        problems += _duplicates("specialisations", [s.id for s in self.specialisations])
        problems += _duplicates("ways_in", [w.id for w in self.ways_in])
        for i, level in enumerate(self.levels):
            where = ("levels", i)
            for j, track_id in enumerate(level.tracks):
                if track_id not in track_ids:
                    problems.append(_unknown("track", track_id, track_ids, (*where, "tracks", j)))
            for field in ("leads_to", "equivalents"):
                for j, target in enumerate(getattr(level, field)):
                    if target not in rank_of:
                        problems.append(_unknown("level", target, level_ids, (*where, field, j)))
                    elif target == level.id:
                        problems.append(
                            Located(
                                (*where, field, j),
                                f"level '{target}' cannot point to itself",
                                None,
                                "self-reference",
                                target,
                            )
                        )
            for j, target in enumerate(level.leads_to):
                if target in rank_of and rank_of[target] <= level.rank:
                    problems.append(
                        Located(
                            (*where, "leads_to", j),
                            f"'{target}' has rank {rank_of[target]}, not above this level's rank {level.rank}",
                            "leads_to must point up the ladder",
                            "leads-down",
                            target,
                        )
                    )
        problems += self._rank_clashes(track_ids)
        for t, theme in enumerate(self.competencies):
            for c, comp in enumerate(theme.competencies):
                for level_id in comp.expectations:
                    if level_id not in rank_of:
                        problems.append(
                            _unknown(
                                "level",
                                level_id,
                                level_ids,
                                ("competencies", t, "competencies", c, "expectations", level_id),
                            )
                        )
        for f, entry in enumerate(self.faq):
            for j, level_id in enumerate(entry.levels):
                if level_id not in rank_of:
                    problems.append(_unknown("level", level_id, level_ids, ("faq", f, "levels", j)))
        if problems:
            raise LocatedProblems(problems)
        return self

    def _rank_clashes(self, track_ids: list[str]) -> list[Located]:
        """Two levels of one track on the same rank: reported once per level, naming the tracks."""
        problems: list[Located] = []
        holders: dict[tuple[str, int], str] = {}
        for i, level in enumerate(self.levels):
            clashes: dict[str, list[str]] = {}
            for track_id in level.tracks:
                other = holders.setdefault((track_id, level.rank), level.id)
                if other != level.id:
                    clashes.setdefault(other, []).append(track_id)
            for other, tracks in clashes.items():
                problems.append(
                    Located(
                        ("levels", i, "rank"),
                        f"rank {level.rank} is already used by '{other}' in track {', '.join(map(repr, tracks))}",
                        "give each level of a track its own rank",
                        "rank-clash",
                        other,
                    )
                )
        return problems


class Located(NamedTuple):
    """One problem a whole-model check found: where, what, how to fix it, its kind and what it is about."""

    loc: tuple[str | int, ...]
    message: str
    hint: str | None
    code: str
    subject: str | None = None


class LocatedProblems(ValueError):
    """Raised by whole-model checks; carries every problem found, each with its own location.

    It subclasses ValueError so pydantic wraps it in its ValidationError; the loader
    unpacks it again so that each problem is reported at its own location.
    """

    def __init__(self, problems: list[Located]) -> None:
        self.problems = problems
        super().__init__("; ".join(problem.message for problem in problems))


def _duplicates(field: str, ids: list[str]) -> list[Located]:
    seen: set[str] = set()
    problems: list[Located] = []
    for i, item_id in enumerate(ids):
        if item_id in seen:
            problems.append(
                Located(
                    (field, i, "id"),
                    f"id '{item_id}' is used twice in {field}",
                    "ids must be unique",
                    "duplicate-id",
                    item_id,
                )
            )
        seen.add(item_id)
    return problems


def _unknown(kind: str, name: str, known: list[str], loc: tuple[str | int, ...]) -> Located:
    return Located(loc, f"unknown {kind} '{name}'", suggestion(name, known), f"unknown-{kind}", name)


# --------------------------------------------------------------------------- recipes

OUTPUT_FIELDS = {"level", "track", "recipe", "person"}

PACKET_SECTIONS = (
    "welcome",
    "contents",
    "your-level",
    "next-level",
    "ladder",
    "checklist",
    "specialisations",
    "growth",
    "faq",
)
"""Sections an onboarding packet may hold, in the order they print; the cover always comes first."""


class Selection(Strict):
    """Which levels a recipe covers: all (default), one track, or a list of ids."""

    track: Id | None = None
    levels: list[Id] | None = None

    @model_validator(mode="after")
    def one_kind(self) -> Selection:
        if self.track is not None and self.levels is not None:
            raise Refusal("has both 'track' and 'levels'", "choose either 'track' or 'levels', not both")
        return self


class Recipe(Strict):
    """One document (or one per level) to build, read from ``guides/<name>.yaml``."""

    title: Text
    description: Text | None = None
    template: Annotated[str, StringConstraints(pattern=TEMPLATE.regex)]
    styles: list[Annotated[str, StringConstraints(pattern=STYLESHEET.regex)]] | None = None
    select: Selection = Selection()
    per: Literal["document", "level", "person"] = "document"
    output: Annotated[str, StringConstraints(min_length=5, max_length=200)]
    max_pages: Annotated[int, Field(ge=1)] | None = None
    time_limit: Annotated[int, Field(ge=1, le=3600)] = 120
    """Seconds each document may take to render and to lay out before it fails (a runaway template)."""
    attachments: Annotated[
        list[Annotated[str, StringConstraints(pattern=RELATIVE_PATH.regex, max_length=300)]], Field(max_length=20)
    ] = []
    """Files inside the project to attach to each PDF; nothing else is ever attached."""
    paper: Paper | None = None
    """Overrides the ladder's paper size for this document."""
    duplex: bool = False
    """Printed on both sides: binding margins and chapters starting on a right-hand page."""
    brand: Annotated[str, StringConstraints(min_length=1, max_length=300)] | None = None
    """A brand folder, relative to the project (``--brand`` on the command line wins)."""
    roster: Annotated[str, StringConstraints(min_length=1, max_length=300)] | None = None
    """For ``per: person``: the roster (CSV or YAML) used when ``--roster`` is not given."""
    sections: list[Literal[PACKET_SECTIONS]] | None = None  # type: ignore[valid-type]
    """For onboarding packets: which sections to print (all, in order, by default)."""

    @property
    def packet_sections(self) -> tuple[str, ...]:
        """The sections an onboarding packet prints: those named, else all of them, in order."""
        return tuple(self.sections) if self.sections is not None else PACKET_SECTIONS

    @field_validator("output")
    @classmethod
    def check_output(cls, output: str, info: ValidationInfo) -> str:
        check_output_pattern(output, info.data.get("per", "document"))
        return output

    def stylesheets(self) -> list[str]:
        """The stylesheets to apply: the recipe's own list, or base + one per template."""
        if self.styles is not None:
            return self.styles
        return ["base.css", self.template.removesuffix(".html") + ".css"]


def check_output_pattern(pattern: str, per: str) -> None:
    """Refuse output patterns that are not relative ``.pdf`` paths inside the output folder.

    Each refusal is a :class:`~ladderpress.errors.Refusal`: what is wrong with the pattern, and a
    fix (often the pattern corrected). The messages leave out the field's name: it is shown beside them.
    """
    parts = [part for part in pattern.replace("\\", "/").split("/") if part not in ("", ".", "..")]
    if not pattern.endswith(".pdf"):
        pdf = re.sub(r"\.[^./\\]*$", "", pattern) + ".pdf"
        raise Refusal(f"'{pattern}' must end in .pdf", f"end it in .pdf, like '{pdf}'")
    if pattern.startswith(("/", "\\")) or (len(pattern) > 1 and pattern[1] == ":"):
        name = parts[-1].rpartition(":")[2] if parts else "handbook.pdf"
        raise Refusal(
            f"'{pattern}' must be a path relative to the output folder, not absolute",
            f"write a path inside the output folder, like '{name}', and choose that folder with --out",
        )
    if any(part in ("..", ".") for part in pattern.replace("\\", "/").split("/")):
        raise Refusal(
            f"'{pattern}' must not contain '.' or '..' parts",
            f"remove them, like '{'/'.join(parts)}': documents stay inside the output folder, chosen with --out",
        )
    placeholders = "{level}, {track}, {recipe} or {person}"
    try:
        fields = [
            (name, spec, conversion)
            for _, name, spec, conversion in string.Formatter().parse(pattern)
            if name is not None
        ]
    except ValueError as exc:
        raise Refusal(
            f"'{pattern}' is not a valid pattern ({exc})",
            f"write each placeholder as {placeholders}, and no other '{{' or '}}'",
        ) from None
    if any(spec or conversion for _, spec, conversion in fields):
        plain = re.sub(r"\{(\w*)[!:][^{}]*\}", r"{\1}", pattern)
        raise Refusal(
            f"'{pattern}' formats a placeholder",
            f"write placeholders plainly, with no '!' or ':' inside the braces, like '{plain}'",
        )
    if not re.fullmatch(r"[\w{}./-]+", pattern):
        dashed = re.sub(r"[^\w{}./-]", "-", pattern)
        raise Refusal(
            f"'{pattern}' may hold only letters, digits, '-', '_', '.' and '/', no spaces or other signs",
            f"replace them with '-', like '{dashed}'",
        )
    names = {name for name, _, _ in fields}
    unknown = names - OUTPUT_FIELDS
    if unknown:
        name = sorted(unknown)[0]
        close = difflib.get_close_matches(name, sorted(OUTPUT_FIELDS), n=1, cutoff=0.6)
        raise Refusal(
            f"'{pattern}' uses unknown placeholder {{{name}}}",
            f"did you mean {{{close[0]}}}?" if close else f"use {placeholders}",
        )
    folder = pattern.rpartition("/")[0] + "/" if "/" in pattern else ""
    if per == "level" and "level" not in names:
        raise Refusal(
            f"'{pattern}' needs {{level}} when the recipe builds one document per level",
            f"put {{level}} in the file name, like '{folder}{{level}}.pdf', or set per: document",
        )
    if per == "person" and "person" not in names:
        raise Refusal(
            f"'{pattern}' needs {{person}} when the recipe builds one document per person",
            f"put {{person}} in the file name, like '{folder}{{person}}.pdf'",
        )
    if per != "level" and per != "person" and "level" in names:
        raise Refusal(
            f"'{pattern}' uses {{level}} but the recipe builds one document (per: document)",
            "set per: level to build one document per level, or remove {level}",
        )
    if per != "person" and "person" in names:
        raise Refusal(
            f"'{pattern}' uses {{person}} but the recipe does not build one document per person",
            "set per: person to build one document per person, or remove {person}",
        )


# --------------------------------------------------------------------------- brands

Colour = Annotated[str, StringConstraints(pattern=COLOUR.regex)]
RelativePath = Annotated[str, StringConstraints(pattern=RELATIVE_PATH.regex, max_length=300)]
"""A path relative to the brand folder (checked to stay inside it when the brand is loaded)."""
Language = Annotated[str, StringConstraints(pattern=LANGUAGE.regex)]

MIN_CONTRAST = 4.5
"""WCAG AA contrast for text; brand colours are used for text on white and white on primary."""


class FontFiles(Strict):
    """One font family from local files in the brand folder."""

    family: Text
    regular: RelativePath
    italic: RelativePath | None = None
    semibold: RelativePath | None = None
    bold: RelativePath | None = None

    def faces(self) -> list[tuple[str, int, str]]:
        """(file, weight, style) for every file given."""
        faces = [
            (self.regular, 400, "normal"),
            (self.italic, 400, "italic"),
            (self.semibold, 600, "normal"),
            (self.bold, 700, "normal"),
        ]
        return [(path, weight, style) for path, weight, style in faces if path]


class BrandFonts(Strict):
    body: FontFiles
    heading: FontFiles | None = None


class BrandColours(Strict):
    primary: Colour
    """Headings, the cover, the marked level: white text must be readable on it."""
    accent: Colour
    """Codes, labels and rules: must be readable on white."""
    text: Colour = "#1d232b"


class Brand(Strict):
    """A company's look, read from ``brand.yaml`` in a brand folder."""

    name: Text
    """The company name: shown on covers and as the PDFs' author."""
    logo: RelativePath | None = None
    colours: BrandColours
    fonts: BrandFonts | None = None
    paper: Paper | None = None
    footer: Text | None = None
    """A line printed at the foot of every page, such as "Confidential — internal use"."""
    contact: Text | None = None
    """Who to ask about the ladder, printed at the end of documents."""
    language: Language | None = None

    @model_validator(mode="after")
    def readable_colours(self) -> Brand:
        problems: list[Located] = []
        for field, message in (
            ("primary", "white text on it"),
            ("accent", "it as text on white"),
            ("text", "it as text on white"),
        ):
            colour = getattr(self.colours, field)
            ratio = contrast(colour, "#ffffff")
            if ratio < MIN_CONTRAST:
                problems.append(
                    Located(
                        ("colours", field),
                        f"{colour} gives {message} a contrast of {ratio:.1f}:1, below {MIN_CONTRAST}:1",
                        "choose a darker shade so the text stays readable",
                        "contrast",
                        colour,
                    )
                )
        if problems:
            raise LocatedProblems(problems)
        return self


def contrast(first: str, second: str) -> float:
    """WCAG 2 contrast ratio between two #rrggbb colours."""

    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


# --------------------------------------------------------------------------- rosters


class Person(Strict):
    """One row of a roster: a new hire whose onboarding packet is built."""

    name: Text
    level: Id
    team: Text
    manager: Text
    buddy: Text
    start_date: datetime.date
    track: Id | None = None
    preferred_name: Text | None = None
    language: Language | None = None

    @property
    def greeting_name(self) -> str:
        return self.preferred_name or self.name.split()[0]
