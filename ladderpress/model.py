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
import unicodedata
from collections.abc import Collection
from functools import cached_property
from typing import Annotated, Any, Literal, NamedTuple, get_args

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from ladderpress.errors import (
    COLOUR,
    EMAIL,
    ID,
    LANGUAGE,
    RELATIVE_PATH,
    STYLESHEET,
    TEMPLATE,
    Refusal,
    type_name,
)

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

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


# --------------------------------------------------------------------------- ladder

FORMAT: Literal[2] = 2
"""The content model's edition. A ladder without ``format: 2`` is read as the first edition:
it is upgraded in memory (see :mod:`ladderpress.upgrade`) with one warning, and
``ladderpress upgrade`` rewrites its files."""

PLACEHOLDER = "{organisation}"
"""Written in any text, it prints the company's name: the brand's, else the ladder's ``organisation``."""

_NEAR_PLACEHOLDER = re.compile(r"\{+\s*organi[sz]ation\s*\}+", re.IGNORECASE)


def misspelt_placeholders(text: str) -> list[str]:
    """The near misses of ``{organisation}`` in ``text`` (``{organization}``, ``{{organisation}}``, …),
    which would otherwise be printed as they are."""
    return [found for found in _NEAR_PLACEHOLDER.findall(text) if found != PLACEHOLDER]


class Distinction(Strict):
    """A role that is often confused with this field, and how it differs."""

    role: Text
    """The other role's name, such as "Project manager"."""
    difference: Text
    """How that role differs from this field."""


class Family(Strict):
    """A job family (engineering, product, design, …): its own tracks, levels and competencies."""

    id: Id
    """Referred to by tracks (``family:``), competencies and recipes (``select: {family: …}``)."""
    name: Text
    """The family's name as printed, such as "Engineering"."""
    summary: Markdown | None = None
    """What people in this family do, printed where the family is introduced."""


class Band(Strict):
    """A grade shared by every family and track: levels in one band are equivalent."""

    id: Id
    """Referred to by levels (``band:``)."""
    name: Text
    """The band as printed: a number, a letter or a name ("Band 4", "E", "Senior")."""
    rank: Annotated[int, Field(ge=0, le=1000)]
    """Orders the bands, junior first; a level in the band takes this rank unless it gives its own."""
    summary: Text | None = None
    """What the band means across families, printed in "levels compared"."""


class ScaleStep(Strict):
    """One named step of a competency scale, such as "Practitioner"."""

    id: Id
    """Referred to by expectations (``step:``)."""
    name: Text
    """The step as printed in legends and matrices."""
    description: Text | None = None
    """What being at this step means, printed in the scale's legend."""


class Scale(Strict):
    """An ordered list of steps a competency is measured on, lowest first."""

    id: Id
    """Referred to by competencies (``scale:``)."""
    name: Text
    """The scale's name, printed above its legend."""
    summary: Text | None = None
    """How to read the scale."""
    steps: Annotated[list[ScaleStep], Field(min_length=2, max_length=20)]
    """The steps, lowest first."""


class Track(Strict):
    """A career track (for example individual contributor or manager)."""

    id: Id
    """Referred to by levels (``tracks:``), competencies and recipes (``select: {track: …}``)."""
    name: Text
    """The track's name as printed, such as "Individual contributor"."""
    short_name: Text
    """A short name for tight spaces, such as "IC"."""
    summary: Markdown
    """What growing on this track means."""
    family: Id | None = None
    """The job family the track belongs to; needed when the ladder lists families."""
    scope: Text | None = None
    """How the track's scope grows, in a sentence."""
    skills: list[Text] = []
    """The skills the track depends on most."""
    promotion: Text | None = None
    """How people on this track are promoted."""
    pros: list[Text] = []
    """What speaks for the track."""
    cons: list[Text] = []
    """What to watch out for on the track."""


class SubLevel(Strict):
    """An optional step inside a level (for example L5a and L5b)."""

    code: Text
    """The step's code, such as "L5a"."""
    title: Text | None = None
    """The step's title, when it has one besides its code."""
    summary: Text | None = None
    """What sets this step apart."""


class LevelSection(Strict):
    """A named section of a level that the framework defines (scope, impact levers, span of control, …)."""

    id: Id
    """Names the section, so that a recipe can pick it (``level_sections:``)."""
    title: Text
    """The section's heading as printed."""
    body: Markdown | None = None
    """The section's text."""
    items: list[Text] = []
    """The section's points, printed as a list after its text."""

    @model_validator(mode="after")
    def has_content(self) -> LevelSection:
        if self.body is None and not self.items:
            raise Refusal("section has neither body nor items", "give it a body: (text) or items: (a list)")
        return self


Paper = Literal["A4", "Letter"]

MoveKind = Literal["promotion", "transfer", "out"]


class Move(Strict):
    """A way from one level to another (or out of the ladder), with what it takes."""

    to: Id | None = None
    """The level moved to (its id)."""
    role: Text | None = None
    """For a move out of the ladder: the role moved to, such as "Product marketing"."""
    kind: MoveKind | None = None
    """promotion (up the ladder), transfer (same band, another track) or out (another family or role);
    worked out from the levels when not given."""
    summary: Markdown | None = None
    """What the move means, in a few sentences."""
    criteria: list[Text] = []
    """What must be true for the move."""
    evidence: list[Text] = []
    """What shows the criteria are met."""
    business_need: Text | None = None
    """The need the organisation must have for the move to happen."""
    typical_time: Text | None = None
    """How long before the move is usual, such as "2–3 years"."""

    @model_validator(mode="after")
    def one_target(self) -> Move:
        if (self.to is None) == (self.role is None):
            raise Refusal(
                "a move needs either 'to' (a level id) or 'role' (a role outside the ladder)",
                "write to: <level id>, or role: <the role's name> for a move out",
            )
        if self.role is not None and self.kind not in (None, "out"):
            raise Refusal(
                f"a move to a role outside the ladder is a move out, not a {self.kind}",
                "set kind: out, or point to a level with to:",
            )
        return self


class Level(Strict):
    """One rung of the ladder."""

    id: Id
    """The level's id: its file is content/levels/<id>.yaml."""
    code: Text | None = None
    """A short code printed beside the title, such as "L3" or "IC4"; a framework without codes leaves it out."""
    title: Text
    """The job title."""
    short_title: Text
    """A short title for tight spaces, such as "Senior PM"."""
    rank: Annotated[int, Field(ge=0, le=1000)]
    """Orders levels, junior first; levels of one track each need their own. Taken from the band when not given."""
    band: Id | None = None
    """The band (grade) the level belongs to; levels of different tracks in one band are equivalent."""
    tracks: Annotated[list[Id], Field(min_length=1)]
    """The tracks the level belongs to (ids)."""
    scope: Text
    """The level's scope, in one sentence."""
    description: Markdown
    """What the level is, in a few paragraphs."""
    duties: list[Text] = []
    """What people at this level do; not printed when absent."""
    experience: Text | None = None
    """Typical experience, such as "4–6 years"; not printed when absent."""
    years: Annotated[list[Annotated[int, Field(ge=0, le=60)] | None], Field(min_length=2, max_length=2)] | None = None
    """Typical years of experience as ``[from, to]`` (``to`` may be null for "15+"); drawn on the diagram."""
    time_at_level: Text | None = None
    """How long people usually stay, such as "2–3 years"; not printed when absent."""
    reports_to: Text | Annotated[list[Id], Field(min_length=1)] | None = None
    """Who the level reports to: text, or a list of level ids; not printed when absent."""
    leads_to: list[Id] = []
    """Shorthand for promotions: the levels this one usually leads to (ids, each ranked higher)."""
    moves: list[Move] = []
    """Moves from this level, of any kind, with their criteria."""
    promotion_signals: list[Text] = []
    """Signs that someone is ready for the next level."""
    sublevels: list[SubLevel] = []
    """Steps inside the level."""
    sections: list[LevelSection] = []
    """The framework's own sections for this level, printed in the order written."""

    @field_validator("reports_to", mode="before")
    @classmethod
    def text_or_ids(cls, value: Any) -> Any:
        """One message for a value that is neither, instead of one per kind it could have been."""
        if value is not None and not isinstance(value, str | list):
            raise Refusal(
                f"expected text or a list of level ids, got {type_name(value)}",
                "write who it reports to as text, or as a list of level ids like [director]",
            )
        return value

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


class Expectation(Strict):
    """What a competency asks of one level: a step of its scale, text, behaviours and examples."""

    step: Id | None = None
    """The step of the competency's scale expected at this level."""
    text: Text | None = None
    """The expectation in a sentence."""
    builds_on: Id | None = None
    """A level whose expectation this one adds to ("as at Senior PM, plus …"), instead of copying it."""
    behaviours: list[Text] = []
    """What someone meeting the expectation does."""
    examples: list[Text] = []
    """Examples of meeting it."""

    @model_validator(mode="after")
    def has_content(self) -> Expectation:
        if self.step is None and self.text is None and not self.behaviours and not self.examples:
            raise Refusal(
                "expectation says nothing",
                "give it a step:, text:, behaviours: or examples:, or write the expectation as one sentence",
            )
        return self


def _sentence(value: Any) -> Any:
    """An expectation written as one sentence is its text: ``pm: Owns the plan`` is ``pm: {text: Owns the plan}``."""
    return {"text": value} if isinstance(value, str) else value


ExpectationField = Annotated[Expectation, BeforeValidator(_sentence, json_schema_input_type=Text | Expectation)]


class Competency(Strict):
    """A competency with what is expected of it at each level (keyed by level id)."""

    id: Id
    """The competency's id."""
    name: Text
    """The competency's name as printed."""
    summary: Text
    """What the competency is, in a sentence."""
    scale: Id | None = None
    """The scale its expectations name steps of."""
    tracks: list[Id] = []
    """The tracks it applies to; all of its group's when empty."""
    families: list[Id] = []
    """The families it applies to; all of its group's when empty."""
    expectations: dict[Id, ExpectationField]
    """Level id → what is expected there: a sentence, or a step with behaviours and examples."""

    def expectation(self, level_id: str) -> Expectation | None:
        """The expectation at one level, if the competency has one there."""
        return self.expectations.get(level_id)


class CompetencyTheme(Strict):
    """A group of related competencies."""

    id: Id | None = None
    """The group's id (optional)."""
    name: Text
    """The group's name as printed."""
    summary: Text | None = None
    """What the group covers."""
    tracks: list[Id] = []
    """The tracks the group applies to (all when empty), such as leadership for managers only."""
    families: list[Id] = []
    """The families the group applies to (all when empty)."""
    competencies: Annotated[list[Competency], Field(min_length=1)]
    """The competencies of the group."""


class Specialisation(Strict):
    """A niche people deepen into without changing level."""

    id: Id
    """The specialisation's id."""
    name: Text
    """Its name as printed."""
    summary: Text
    """What it is, in a sentence or two."""
    focus: list[Text] = []
    """What it concentrates on."""
    typical_background: Text | None = None
    """Where people in it usually come from."""
    tracks: list[Id] = []
    """The tracks it is open to (all when empty)."""
    levels: list[Id] = []
    """The levels it is open to (all when empty)."""
    requirements: list[Text] = []
    """What it asks for beyond the level."""
    responsibilities: list[Text] = []
    """What it adds to the level's duties."""


class WayIn(Strict):
    """A route into the field (graduate programmes, transfers, portfolio, network)."""

    id: Id
    """The route's id."""
    title: Text
    """The route's title."""
    body: Markdown
    """How the route works."""
    tips: list[Text] = []
    """Practical tips."""


class LateralMove(Strict):
    """A group of roles outside the ladder that people move on to."""

    title: Text
    """The group's title, such as "Customer-facing roles"."""
    summary: Text
    """Who the roles suit."""
    roles: NonEmptyTexts
    """The roles."""


class Skill(Strict):
    """A skill the whole field relies on."""

    name: Text
    """The skill's name."""
    description: Text
    """What it is and why it matters."""


FaqAudience = Literal["candidates", "new-hires", "employees", "managers"]
"""Who a question is for: ``candidates`` (people thinking of joining the field), ``new-hires`` (people in
their first months, whom onboarding packets address), ``employees`` (people on the ladder, whom level
guides address) and ``managers`` (people who manage others on the ladder)."""

FAQ_AUDIENCES: tuple[str, ...] = get_args(FaqAudience)


class FaqEntry(Strict):
    """A question and its answer."""

    question: Text
    """The question."""
    answer: Markdown
    """The answer."""
    levels: list[Id] = []
    """Levels this answer is most relevant to; empty means every level."""
    audience: list[FaqAudience] = []
    """Who the question is for: candidates, new-hires, employees or managers (a template asks for some of
    them, an onboarding packet for new-hires); empty means everyone."""

    def is_for(self, level_id: str, audiences: Collection[str] | None = None) -> bool:
        """Whether the entry fits a level and, when ``audiences`` are given, one of them."""
        if self.levels and level_id not in self.levels:
            return False
        return audiences is None or not self.audience or any(who in audiences for who in self.audience)


class Milestone(Strict):
    """A step of the first-days checklist: what to have done by a given day."""

    by_day: Annotated[int, Field(ge=1, le=365)]
    """The day by which it is done."""
    title: Text
    """The milestone's title."""
    items: NonEmptyTexts
    """What to have done."""


ONBOARDING_PIECES = ("welcome", "introduction", "checklist", "growth")
"""The pieces of onboarding content a variant may give for its bands and levels."""


class OnboardingVariant(Strict):
    """Onboarding content for some bands or levels only: each piece it gives replaces the general one there."""

    bands: list[Id] = []
    """The bands it is for (ids): every level in them."""
    levels: list[Id] = []
    """The levels it is for (ids); for a level, a variant naming it wins over one naming its band."""
    welcome: Markdown | None = None
    """The welcome letter's body for these levels."""
    introduction: Markdown | None = None
    """The packet's introduction for these levels."""
    checklist: Annotated[list[Milestone], Field(min_length=1)] | None = None
    """The first-days checklist for these levels."""
    growth: list[Text] | None = None
    """Ways to grow for these levels (``[]``: none)."""

    @model_validator(mode="after")
    def says_something(self) -> OnboardingVariant:
        if not self.bands and not self.levels:
            raise Refusal("names no band or level", "add bands: or levels: with the ids it is for")
        if all(getattr(self, piece) is None for piece in ONBOARDING_PIECES):
            raise Refusal(
                "gives nothing in place of the general onboarding",
                f"give one or more of {', '.join(ONBOARDING_PIECES)}, or remove the variant",
            )
        return self


class Onboarding(Strict):
    """What onboarding packets say to new hires: a general default, and variants for some bands or levels."""

    welcome: Markdown
    """The body of the welcome letter on each person's welcome page (the greeting and their details
    are added around it). Keep it to a few lines: it is laid out once for every person."""
    introduction: Markdown | None = None
    """What the packet holds and how to use it: the same for everyone at a level, printed above its contents."""
    checklist: Annotated[list[Milestone], Field(min_length=1)]
    """The first-days checklist."""
    growth: list[Text] = []
    """Ways to grow, printed after the level's next steps."""
    variants: list[OnboardingVariant] = []
    """Content for some bands or levels in place of the general one (a welcome, an introduction, a
    checklist, ways to grow); a level takes each piece from a variant naming it, else from one naming its
    band, else from the general default. A band or level is named by one variant at most."""

    def for_level(self, level_id: str, band_id: str | None) -> Onboarding:
        """What a packet for the level says: each piece from the variant naming the level, else the one
        naming its band, else the default; with no variants left."""
        chosen = [v for v in self.variants if level_id in v.levels]
        chosen += [v for v in self.variants if band_id is not None and band_id in v.bands]
        given: dict[str, object] = {}
        for piece in ONBOARDING_PIECES:
            found = [getattr(v, piece) for v in chosen if getattr(v, piece) is not None]
            if found:
                given[piece] = found[0]
        return self.model_copy(update={**given, "variants": []})


class Progression(Strict):
    """How long people spend at each level, in general terms."""

    summary: Markdown
    """How progression works, in a few sentences."""
    notes: list[Text] = []
    """Further points."""
    tip: Text | None = None
    """One piece of advice, printed apart."""


class _LadderIndex:
    """A ladder's levels, tracks and bands by id, and its orderings, for :class:`Ladder`'s lookups.

    Levels are only ever matched by id: comparing models compares every field, slowly.
    """

    def __init__(self, ladder: Ladder) -> None:
        self.levels = ladder.levels
        self.tracks = ladder.tracks
        self.level: dict[str, Level] = {}
        for level in self.levels:
            self.level.setdefault(level.id, level)  # the first of a repeated id, as a search would find
        self.track: dict[str, Track] = {}
        for track in self.tracks:
            self.track.setdefault(track.id, track)
        self.band: dict[str, Band] = {}
        for band in ladder.bands:
            self.band.setdefault(band.id, band)
        self.scale: dict[str, Scale] = {}
        for scale in ladder.scales:
            self.scale.setdefault(scale.id, scale)
        self._ladder = ladder

    @cached_property
    def ranked(self) -> tuple[Level, ...]:
        order = {track.id: i for i, track in enumerate(self.tracks)}
        return tuple(sorted(self.levels, key=lambda lv: (lv.rank, min(order.get(t, 0) for t in lv.tracks))))

    @cached_property
    def in_track(self) -> dict[str, tuple[Level, ...]]:
        members: dict[str, list[Level]] = {}
        for level in self.levels:
            for track_id in dict.fromkeys(level.tracks):
                members.setdefault(track_id, []).append(level)
        return {track_id: tuple(sorted(lvs, key=lambda lv: lv.rank)) for track_id, lvs in members.items()}

    @cached_property
    def in_band(self) -> dict[str, tuple[Level, ...]]:
        members: dict[str, list[Level]] = {}
        for level in self.ranked:
            if level.band is not None:
                members.setdefault(level.band, []).append(level)
        return {band_id: tuple(lvs) for band_id, lvs in members.items()}

    @cached_property
    def moves(self) -> dict[str, tuple[Move, ...]]:
        """Each level's moves, ``leads_to`` made into promotions and every kind worked out."""
        return {level.id: tuple(self._ladder._moves_of(level)) for level in self.levels}

    @cached_property
    def previous(self) -> dict[str, tuple[Level, ...]]:
        arrivals: dict[str, list[Level]] = {}
        for level in self.ranked:
            for move in self.moves.get(level.id, ()):
                if move.kind == "promotion" and move.to is not None:
                    arrivals.setdefault(move.to, []).append(level)
        return {target: tuple({lv.id: lv for lv in lvs}.values()) for target, lvs in arrivals.items()}

    @cached_property
    def shared(self) -> tuple[Level, ...]:
        return tuple(lv for lv in self.ranked if len(lv.tracks) == len(self.tracks))


ChangeKind = Literal["new", "step-up", "same-step", "more", "step-down", "unchanged"]


def _edition(value: Any) -> Any:
    """``format: "2"`` is the right edition written as text: say so, rather than that 2 is the only choice."""
    if isinstance(value, str) and value.strip() == str(FORMAT):
        raise Refusal(f"'{value}' is text, not the number {FORMAT}", f"write format: {FORMAT}, without quotes")
    return value


class Change(NamedTuple):
    """How one competency changes from a level to the next (see :meth:`Ladder.changes`)."""

    competency: Competency
    kind: ChangeKind
    before: Expectation | None
    after: Expectation


class BandRow(NamedTuple):
    """One row of "levels compared": a band, and the levels in it per track (see :meth:`Ladder.bands_compared`)."""

    band: Band | None
    rank: int
    cells: tuple[tuple[Level, ...], ...]


class Ladder(Strict):
    """The whole ladder, assembled from the files under ``content/``."""

    format: Annotated[Literal[2], BeforeValidator(_edition)] = FORMAT
    """The content model's edition; a ladder without it is read as the first edition and upgraded with a warning."""
    title: Text
    """The ladder's title, printed on covers."""
    subtitle: Text | None = None
    """A line under the title."""
    field: Text
    """The field the ladder covers, such as "Product management"."""
    organisation: Text
    """The company's name: printed wherever text says {organisation}, unless a brand gives its own."""
    language: Annotated[str, StringConstraints(pattern=LANGUAGE.regex)] = "en"
    """The language the content is written in, such as "en-GB" (used for hyphenation)."""
    date: datetime.date | None = None
    """The edition date, written into the PDFs' metadata (SOURCE_DATE_EPOCH wins when set)."""
    paper: Paper = "A4"
    """A4 or Letter."""
    allow_html: bool = False
    """Let raw HTML in Markdown fields through. Off by default: it is escaped."""
    introduction: Markdown
    """What the field is, printed at the start of the handbook."""
    how_to_read: Markdown | None = None
    """How to read the documents."""
    responsibilities: list[Text] = []
    """What people in the field are responsible for."""
    distinctions: list[Distinction] = []
    """Roles often confused with this field, and how they differ."""
    families: list[Family] = []
    """Job families, when the ladder holds more than one; each track names its family."""
    bands: list[Band] = []
    """Bands (grades) shared by every family and track; when given, every level names its band."""
    scales: list[Scale] = []
    """Competency scales: ordered, named steps that expectations point at."""
    tracks: Annotated[list[Track], Field(min_length=1)]
    """The career tracks."""
    levels: Annotated[list[Level], Field(min_length=1, max_length=500)]
    """The levels, one file each under content/levels/."""
    competencies: list[CompetencyTheme] = []
    """Competency groups, each with its competencies."""
    specialisations: list[Specialisation] = []
    """Niches people deepen into without changing level."""
    progression: Progression | None = None
    """How progression works in general."""
    ways_in: list[WayIn] = []
    """Routes into the field."""
    lateral_moves: list[LateralMove] = []
    """Roles outside the ladder that people move on to."""
    skills_intro: Markdown | None = None
    """An introduction to the skills."""
    skills: list[Skill] = []
    """Skills the whole field relies on."""
    beyond_the_top: list[Text] = []
    """Where people go after the top of the ladder."""
    faq: list[FaqEntry] = []
    """Questions and answers."""
    onboarding: Onboarding | None = None
    """What onboarding packets say to new hires, in general and for some bands or levels."""

    @model_validator(mode="before")
    @classmethod
    def rank_from_band(cls, data: Any) -> Any:
        """A level with a band and no rank takes the band's rank: the ordering is typed once."""
        if not isinstance(data, dict) or not isinstance(data.get("bands"), list):
            return data
        ranks: dict[str, int] = {}
        for band in data["bands"]:  # the first of a repeated id, as the look-ups find it
            if isinstance(band, dict) and isinstance(band.get("rank"), int) and isinstance(band.get("id"), str):
                ranks.setdefault(band["id"], band["rank"])
        levels = data.get("levels")
        if isinstance(levels, list) and any(_with_rank(lv, ranks) is not lv for lv in levels):
            data = {**data, "levels": [_with_rank(lv, ranks) for lv in levels]}
        return data

    # -- lookups used by templates and the planner ---------------------------
    # By id, from an index made on first use: a 500-level ladder is looked up hundreds of
    # thousands of times per build. Each returns a new list, which the caller may change.

    @cached_property
    def _lookups(self) -> _LadderIndex:
        # a cached_property lives in the instance's __dict__, outside the fields: the model stays
        # frozen, and equality, dumps and schemas ignore it; pickling carries it along
        return _LadderIndex(self)

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

    def band(self, level: Level) -> Band | None:
        """The level's band, if the ladder has bands."""
        return self._index().band.get(level.band) if level.band else None

    def scale_of(self, competency: Competency) -> Scale | None:
        return self._index().scale.get(competency.scale) if competency.scale else None

    def family_of(self, level: Level) -> Family | None:
        """The family of the level's tracks, if the ladder lists families."""
        family_id = self.track(level.tracks[0]).family
        return next((f for f in self.families if f.id == family_id), None)

    def levels_in(self, track_id: str) -> list[Level]:
        """The levels of one track, from the most junior up."""
        return list(self._index().in_track.get(track_id, ()))

    def levels_of_family(self, family_id: str) -> list[Level]:
        """The levels of one family's tracks, junior first."""
        tracks = {t.id for t in self.tracks if t.family == family_id}
        return [lv for lv in self.ranked_levels() if tracks.intersection(lv.tracks)]

    def ranked_levels(self) -> list[Level]:
        """All levels, junior first; equal ranks keep their track order."""
        return list(self._index().ranked)

    def moves_from(self, level: Level) -> list[Move]:
        """Every move from the level, with its kind: its ``moves``, then ``leads_to`` as promotions."""
        return list(self._index().moves.get(level.id, ()))

    def next_levels(self, level: Level) -> list[Level]:
        """The levels the level is promoted to."""
        return [self.level(m.to) for m in self.moves_from(level) if m.kind == "promotion" and m.to is not None]

    def previous_levels(self, level: Level) -> list[Level]:
        return list(self._index().previous.get(level.id, ()))

    def shared_levels(self) -> list[Level]:
        """Levels that belong to every track (the common trunk before a fork)."""
        return list(self._index().shared)

    def at_top(self, level: Level) -> bool:
        """Whether no level of the level's tracks ranks above it: the top of its ladder, not a level
        that simply lists no promotion."""
        return all(self.levels_in(track_id)[-1].rank <= level.rank for track_id in level.tracks)

    def equivalents(self, level: Level) -> list[Level]:
        """Levels of other tracks in the same band: equivalent, derived from the bands."""
        if level.band is None:
            return []
        return [
            other
            for other in self._index().in_band.get(level.band, ())
            if other.id != level.id and not set(other.tracks) & set(level.tracks)
        ]

    def all_competencies(self) -> list[Competency]:
        return [c for theme in self.competencies for c in theme.competencies]

    def groups_for(self, tracks: list[str]) -> list[CompetencyTheme]:
        """The competency groups that apply to any of ``tracks``, each holding only the competencies that do."""
        families = {self.track(t).family for t in tracks}
        groups = []
        for group in self.competencies:
            if not _applies(group.tracks, group.families, tracks, families):
                continue
            own = [c for c in group.competencies if _applies(c.tracks, c.families, tracks, families)]
            if own:
                groups.append(group if own == group.competencies else group.model_copy(update={"competencies": own}))
        return groups

    def changes(self, level: Level, next_level: Level) -> list[Change]:
        """What each competency asks more of at ``next_level`` than at ``level``, computed per competency.

        A step up the competency's scale is a step up; the same step with its own text or
        behaviours is "more"; a competency first expected at the next level is new. A step down
        is said as one, never called new.
        """
        found: list[Change] = []
        for group in self.groups_for(next_level.tracks):
            for comp in group.competencies:
                after = comp.expectation(next_level.id)
                if after is None:
                    continue
                before = comp.expectation(level.id)
                found.append(Change(comp, self._change_kind(comp, before, after), before, after))
        return found

    def _change_kind(self, comp: Competency, before: Expectation | None, after: Expectation) -> ChangeKind:
        if before is None:
            return "new"
        scale = self.scale_of(comp)
        if scale is not None and before.step and after.step and before.step != after.step:
            steps = [s.id for s in scale.steps]
            return "step-up" if steps.index(after.step) > steps.index(before.step) else "step-down"
        if after == before:
            return "unchanged"
        if scale is not None and before.step and after.step:
            return "same-step" if (after.text, after.behaviours) != (before.text, before.behaviours) else "unchanged"
        return "more"

    def bands_compared(self, family_id: str | None = None) -> list[BandRow]:
        """Bands (or ranks, without bands) junior first, with each track's levels in them.

        Columns are the tracks (of one family, or all of them, family by family): levels compared across
        tracks and families by band.
        """
        tracks = [t for t in self.tracks if family_id is None or t.family == family_id]
        rows: list[BandRow] = []
        if self.bands:
            for band in sorted(self.bands, key=lambda b: b.rank):
                cells = tuple(tuple(lv for lv in self.levels_in(t.id) if lv.band == band.id) for t in tracks)
                if any(cells):
                    rows.append(BandRow(band, band.rank, cells))
        else:
            for rank in sorted({lv.rank for lv in self.levels}):
                cells = tuple(tuple(lv for lv in self.levels_in(t.id) if lv.rank == rank) for t in tracks)
                if any(cells):
                    rows.append(BandRow(None, rank, cells))
        return rows

    def faq_for(self, level: Level, audiences: Collection[str] | None = None) -> list[FaqEntry]:
        """The questions for a level and, when ``audiences`` are given, for one of them (or for everyone)."""
        return [entry for entry in self.faq if entry.is_for(level.id, audiences)]

    def _moves_of(self, level: Level) -> list[Move]:
        moves = [m if m.kind else m.model_copy(update={"kind": self.move_kind(level, m)}) for m in level.moves]
        given = {m.to for m in level.moves}
        moves += [Move(to=target, kind="promotion") for target in dict.fromkeys(level.leads_to) if target not in given]
        return moves

    def move_kind(self, level: Level, move: Move) -> MoveKind:
        """The kind of a move that does not say: out of the family, up the ladder, or across in one band."""
        if move.to is None or move.to not in self._index().level:
            return "out"
        target = self.level(move.to)
        if self.families and self.track(target.tracks[0]).family != self.track(level.tracks[0]).family:
            return "out"
        return "promotion" if target.rank > level.rank else "transfer"

    # -- cross-reference checks ----------------------------------------------

    @model_validator(mode="after")
    def check_references(self) -> Ladder:
        """Check every id that points somewhere; raise one error listing them all."""
        from ladderpress.references import problems_in  # the checks need the whole model defined

        problems = problems_in(self)
        if problems:
            raise LocatedProblems(problems)
        return self


def _with_rank(level: Any, ranks: dict[str, int]) -> Any:
    """The level's data with its band's rank, if it names a known band and no rank; else the same data.

    It runs before validation, so any value may be of any kind (a list for a band, say).
    """
    band = level.get("band") if isinstance(level, dict) else None
    if isinstance(band, str) and band in ranks and "rank" not in level:
        return {**level, "rank": ranks[band]}
    return level


def _applies(own_tracks: list[str], own_families: list[str], tracks: list[str], families: set[str | None]) -> bool:
    """Whether something limited to ``own_tracks``/``own_families`` (none: no limit) applies to these tracks."""
    if own_tracks and not set(own_tracks) & set(tracks):
        return False
    return not own_families or bool(set(own_families) & families)


Loc = tuple[str | int, ...]
"""Where a value is, as pydantic says it: field names and list indexes from the top of the model."""


class Located(NamedTuple):
    """One problem a whole-model check found: where, what, how to fix it, its kind and what it is about."""

    loc: Loc
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


# --------------------------------------------------------------------------- recipes

OUTPUT_FIELDS = {"level", "track", "recipe", "person"}
MAX_ROSTER_COLUMNS = 50
"""The most extra roster columns a recipe may name for its templates."""

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
    """Which levels a recipe covers: all (default), one family, one track, or a list of ids."""

    family: Id | None = None
    """The levels of one job family."""
    track: Id | None = None
    """The levels of one track."""
    levels: list[Id] | None = None
    """These levels (ids)."""

    @model_validator(mode="after")
    def one_kind(self) -> Selection:
        given = [name for name in ("family", "track", "levels") if getattr(self, name) is not None]
        if len(given) > 1:
            named = " and ".join(repr(name) for name in given)
            raise Refusal(f"has both {named}", f"choose either {named.replace(' and ', ' or ')}, not both")
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
    """For ``per: person``: the roster (CSV, an Excel workbook .xlsx, or YAML) used when ``--roster`` is not given."""
    sections: list[Literal[PACKET_SECTIONS]] | None = None  # type: ignore[valid-type]
    """For onboarding packets: which sections to print (all, in order, by default)."""
    level_sections: list[Id] | None = None
    """Which of the levels' own sections to print (ids), where a template shows them; one-pagers show none
    unless named, handbooks and level guides all of them."""
    roster_columns: Annotated[list[str], Field(max_length=MAX_ROSTER_COLUMNS)] | None = None
    """For ``per: person``: more columns of the roster that templates may show, as ``person.extra.<column>``
    (text; a blank cell is empty text). Named as headers are matched: lower case, words joined by ``_``
    (a header 'Employee ID' is employee_id). The roster must have each; its other columns are ignored."""

    @field_validator("roster_columns")
    @classmethod
    def check_roster_columns(cls, columns: list[str] | None) -> list[str] | None:
        for column in columns or ():
            written = column_name(column)
            if not written:
                raise Refusal(f"'{column}' names no column", "write a column's header, like employee_id")
            if written != column:
                raise Refusal(f"'{column}' is not written as a column name", f"write it as {written}")
            if column == "extra":
                raise Refusal(
                    "'extra' is where templates find these columns (person.extra), so no column can be called that",
                    "call the column something else, in the roster and here",
                )
            if column in Person.model_fields:
                raise Refusal(
                    f"'{column}' is a column every roster may have: templates show it as person.{column}",
                    "take it out of roster_columns",
                )
        twice = sorted({column for column in columns or () if (columns or []).count(column) > 1})
        if twice:
            raise Refusal(f"'{twice[0]}' is named more than once", "name each column once")
        return columns

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
Email = Annotated[str, StringConstraints(strip_whitespace=True, pattern=EMAIL.regex, max_length=254)]
"""An email address, checked for its shape only (one @, a dot in the domain): it is passed on, never sent to."""

MIN_CONTRAST = 4.5
"""WCAG AA contrast for text; brand colours are used for text on white and on pale panels, and white on primary."""
PANEL = "#f3f5f8"
"""The palest panel text sits on (--surface in styles/base.css: zebra rows, cards), darker than white."""


class FontFiles(Strict):
    """One font family from local files in the brand folder."""

    family: Text
    regular: RelativePath
    italic: RelativePath | None = None
    semibold: RelativePath | None = None
    bold: RelativePath | None = None
    style: Literal["sans", "serif"] = "sans"
    """What the family is, so that letters it lacks (a name in Chinese, Arabic, Hebrew, Devanagari, Thai)
    are set in a font of the same kind: Noto Sans after a sans-serif, Noto Serif after a serif."""

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
    """Headings, the cover, the marked level: readable on white and on the pale panels, and white text on it."""
    accent: Colour
    """Codes, labels and rules: must be readable on white and on the pale panels."""
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
        checked: set[str] = set()
        for field, message, other in (
            ("primary", "white text on it", "#ffffff"),
            ("primary", "it as headings on the pale panels", PANEL),
            ("accent", "it as text on the pale panels", PANEL),
            ("text", "it as text on the pale panels", PANEL),
        ):
            colour = getattr(self.colours, field)
            ratio = contrast(colour, other)
            if ratio < MIN_CONTRAST and field not in checked:  # one problem per colour: its first
                checked.add(field)
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


def column_name(header: str) -> str:
    """A header as the column it names: lower case, words joined by underscores ("Start Date" -> start_date,
    "START-DATE" -> start_date, "Büro" -> büro); letters of any script are kept, signs and spaces are not."""
    return "_".join(re.findall(r"[^\W_]+", unicodedata.normalize("NFKC", header).casefold()))


ExtraValue = Annotated[str, StringConstraints(strip_whitespace=True, max_length=20_000)]
"""One of a person's extra columns: text, empty when the cell is blank."""


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
    email: Email | None = None
    extra: dict[str, ExtraValue] = {}
    """The columns the recipe names in ``roster_columns``, each by its name (blank cells as ""): filled by
    the roster reader from those columns, never a column of its own; templates show ``person.extra.office``."""

    @property
    def greeting_name(self) -> str:
        """The name the packet greets them by: their preferred name, else their name as the roster writes it.

        Never a guess at a first name: "Nguyễn Văn An" and "Park Eun-ji" put the family name first, and
        "Dear Nguyễn" would be wrong. The roster says how someone is greeted, with ``preferred_name``.
        """
        return self.preferred_name or self.name
