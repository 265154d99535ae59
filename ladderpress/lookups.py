"""The ladder's look-ups, as template globals over plain data.

Templates hold views (:mod:`ladderpress.view`), never models; each look-up here takes views
(or ids), finds the models behind them by id, asks the :class:`~ladderpress.model.Ladder`,
and hands back views again. What a template cannot compute for itself without copying rules
(which moves a level has and of what kind, what changes at the next level, which
competencies apply to a track, levels compared by band) is computed once, here and in the model.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ladderpress.errors import suggestion
from ladderpress.model import FAQ_AUDIENCES, Competency, Ladder, Level, Move
from ladderpress.view import View, Views, fields_of


class UnknownId(Exception):
    """A template asked a look-up (level_by_id, …) for an id that is not there."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.hint = hint


class Lookups:
    """The globals templates call: ``level_by_id("pm")``, ``moves_from(level)``, ``changes(level, next)``, …"""

    def __init__(self, ladder: Ladder, views: Views) -> None:
        self.ladder = ladder
        self.views = views

    def globals(self) -> dict[str, Callable[..., object]]:
        return {
            "level_by_id": self.level_by_id,
            "track_by_id": self.track_by_id,
            "next_levels": self.next_levels,
            "previous_levels": self.previous_levels,
            "shared_levels": self.shared_levels,
            "faq_for": self.faq_for,
            "onboarding_for": self.onboarding_for,
            "equivalents": self.equivalents,
            "at_top": self.at_top,
            "band_of": self.band_of,
            "family_of": self.family_of,
            "reports_to": self.reports_to,
            "moves_from": self.moves_from,
            "groups_for": self.groups_for,
            "expectation": self.expectation,
            "changes": self.changes,
            "bands_compared": self.bands_compared,
            "scales_used": self.scales_used,
            "specialisations_for": self.specialisations_for,
        }

    # -- from views back to models ------------------------------------------------

    def level(self, view: View) -> Level:
        """The model behind a level's view (templates hand views back to the look-ups)."""
        return self._level_of_id(str(view.id), "a look-up")

    def _level_of_id(self, level_id: str, asked_by: str) -> Level:
        try:
            return self.ladder.level(level_id)
        except KeyError:
            raise UnknownId(
                f"{asked_by} was given '{level_id}', which is not the id of a level",
                suggestion(level_id, [lv.id for lv in self.ladder.levels])
                or "use the id of a level in content/levels/",
            ) from None

    def _competency(self, view: View) -> Competency:
        for comp in self.ladder.all_competencies():
            if comp.id == str(view.id):
                return comp
        raise UnknownId(
            f"a look-up was given '{view.id}', which is not the id of a competency",
            "pass a competency from groups_for(level) or ladder.competencies",
        )

    def _tracks(self, of: View | str | None) -> list[str]:
        """Track ids from a level's view, a track's view or a track id (None: every track)."""
        if of is None:
            return [t.id for t in self.ladder.tracks]
        if isinstance(of, str):
            self.track_by_id(of)  # an unknown id is said as such
            return [of]
        if "rank" in fields_of(of):  # a level
            return list(self.level(of).tracks)
        return [str(of.id)]

    # -- levels and tracks -------------------------------------------------------------

    def level_by_id(self, level_id: str) -> View:
        """``level_by_id("pm")``: the level of that id."""
        return self.views(self._level_of_id(str(level_id), "level_by_id"))

    def track_by_id(self, track_id: str) -> View:
        try:
            return self.views(self.ladder.track(str(track_id)))
        except KeyError:
            raise UnknownId(
                f"track_by_id was given '{track_id}', which is not the id of a track",
                suggestion(str(track_id), [t.id for t in self.ladder.tracks]) or "use the id of a track in content/",
            ) from None

    def next_levels(self, level: View) -> tuple[View, ...]:
        """The levels ``level`` is promoted to, junior first."""
        return self.views(self.ladder.next_levels(self.level(level)))

    def previous_levels(self, level: View) -> tuple[View, ...]:
        return self.views(self.ladder.previous_levels(self.level(level)))

    def shared_levels(self) -> tuple[View, ...]:
        """The levels on more than one track."""
        return self.views(self.ladder.shared_levels())

    def faq_for(self, level: View, audience: str | Sequence[str] | None = None) -> tuple[View, ...]:
        """The questions for a level and, when an audience (or several) is given, for it or everyone:
        ``faq_for(level, "new-hires")``, ``faq_for(level, ["employees", "managers"])``."""
        return self.views(self.ladder.faq_for(self.level(level), _audiences(audience)))

    def onboarding_for(self, level: View) -> View | None:
        """What an onboarding packet says at a level (``welcome``, ``introduction``, ``checklist``, ``growth``):
        each from the variant naming the level, else its band's, else the default; None without onboarding."""
        if self.ladder.onboarding is None:
            return None
        model = self.level(level)
        return self.views(self.ladder.onboarding.for_level(model.id, model.band))

    def at_top(self, level: View) -> bool:
        """Whether the level is the top of its track(s), not merely a level with no promotion listed."""
        return self.ladder.at_top(self.level(level))

    def equivalents(self, level: View) -> tuple[View, ...]:
        """The levels of other tracks in the same band."""
        return self.views(self.ladder.equivalents(self.level(level)))

    def band_of(self, level: View) -> View | None:
        """The level's band, or None when the ladder has no bands."""
        band = self.ladder.band(self.level(level))
        return self.views(band) if band is not None else None

    def family_of(self, level: View) -> View | None:
        family = self.ladder.family_of(self.level(level))
        return self.views(family) if family is not None else None

    def reports_to(self, level: View) -> object:
        """Who the level reports to, as text: its own words, or the titles of the levels it names."""
        found = self.level(level).reports_to
        if isinstance(found, list):
            titles = [self.ladder.level(i).title for i in found]
            return self.views(", ".join(titles[:-1]) + " or " + titles[-1] if len(titles) > 1 else titles[0])
        return self.views(found)

    def moves_from(self, level: View, kind: str | None = None) -> tuple[View, ...]:
        """The level's moves (of one kind, if given): promotions, transfers and moves out, each with
        ``kind``, ``level`` (the level moved to, or None), ``role``, ``name`` (the level's title or
        the role), and the move's summary, criteria, evidence, business need and typical time."""
        return tuple(self._move(m) for m in self.ladder.moves_from(self.level(level)) if kind in (None, m.kind))

    def _move(self, move: Move) -> View:
        target = self.ladder.level(move.to) if move.to is not None else None
        return self.views.record(
            kind=move.kind,
            level=target,
            role=move.role,
            name=target.title if target is not None else move.role,
            summary=move.summary,
            criteria=move.criteria,
            evidence=move.evidence,
            business_need=move.business_need,
            typical_time=move.typical_time,
        )

    # -- competencies ------------------------------------------------------------------

    def groups_for(self, of: View | str | None = None) -> tuple[View, ...]:
        """The competency groups (each with only its own competencies) that apply to a level, a track
        (its view or id), or every track when none is given."""
        return self.views(self.ladder.groups_for(self._tracks(of)))

    def expectation(self, competency: View, level: View) -> View | None:
        """What ``competency`` expects at ``level``: ``step`` (the scale's step, with ``number`` and
        ``of``), ``text``, ``behaviours``, ``examples`` and ``builds_on`` (a level); None if nothing."""
        comp = self._competency(competency)
        found = comp.expectation(str(level.id))
        if found is None:
            return None
        scale = self.ladder.scale_of(comp)
        step = None
        if scale is not None and found.step is not None:
            ids = [s.id for s in scale.steps]
            chosen = scale.steps[ids.index(found.step)]
            step = self.views.record(
                id=chosen.id,
                name=chosen.name,
                description=chosen.description,
                number=ids.index(found.step) + 1,
                of=len(ids),
            )
        builds_on = self.ladder.level(found.builds_on) if found.builds_on is not None else None
        return self.views.record(
            step=step,
            text=found.text,
            behaviours=found.behaviours,
            examples=found.examples,
            builds_on=builds_on,
        )

    def changes(self, level: View, next_level: View) -> tuple[View, ...]:
        """Per competency, what changes from ``level`` to ``next_level``: ``kind`` is new, step-up,
        same-step, more, step-down or unchanged; ``before`` and ``after`` are expectations."""
        models = self.ladder.changes(self.level(level), self.level(next_level))
        competencies = self.views(tuple(change.competency for change in models))
        return tuple(
            self.views.record(
                competency=view,
                kind=change.kind,
                before=self.expectation(view, level) if change.before is not None else None,
                after=self.expectation(view, next_level),
            )
            for view, change in zip(competencies, models, strict=True)
        )

    def scales_used(self, of: View | str | None = None) -> tuple[View, ...]:
        """The scales the competencies of a level or track (or all) use, for a legend."""
        used = {c.scale for g in self.ladder.groups_for(self._tracks(of)) for c in g.competencies if c.scale}
        return self.views([s for s in self.ladder.scales if s.id in used])

    # -- bands, families, specialisations ---------------------------------------------

    def bands_compared(self, family: str | None = None) -> tuple[View, ...]:
        """Rows of "levels compared": ``band`` (or None), ``rank`` and ``cells`` (levels per track, in the
        order of ``tracks_compared``); tracks of one family, or all of them."""
        return tuple(
            self.views.record(band=row.band, rank=row.rank, cells=row.cells)
            for row in self.ladder.bands_compared(str(family) if family is not None else None)
        )

    def specialisations_for(self, level: View | None = None) -> tuple[View, ...]:
        """The specialisations open to a level (all of them, without one)."""
        if level is None:
            return self.views(self.ladder.specialisations)
        model = self.level(level)
        return self.views(
            [
                s
                for s in self.ladder.specialisations
                if (not s.tracks or set(s.tracks) & set(model.tracks)) and (not s.levels or model.id in s.levels)
            ]
        )


def _audiences(audience: object) -> tuple[str, ...] | None:
    """The audiences a template asked ``faq_for`` for, each one of :data:`~ladderpress.model.FAQ_AUDIENCES`."""
    if audience is None:
        return None
    asked = (audience,) if isinstance(audience, str) else tuple(audience) if isinstance(audience, tuple | list) else ()
    if not asked:
        raise UnknownId(
            f"faq_for was given {audience!r} as its audience",
            f"give one of {', '.join(map(repr, FAQ_AUDIENCES))}, or a list of them",
        )
    for who in asked:
        if who not in FAQ_AUDIENCES:
            raise UnknownId(
                f"faq_for was given '{who}', which is not an audience",
                suggestion(str(who), FAQ_AUDIENCES) or f"use one of {', '.join(map(repr, FAQ_AUDIENCES))}",
            )
    return tuple(str(who) for who in asked)
