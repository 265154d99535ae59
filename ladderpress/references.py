"""Whole-ladder checks: every id that points somewhere, and the rules that span files.

Each check returns :class:`~ladderpress.model.Located` problems, so that all of them are
reported together, each at the field that holds it. :meth:`Ladder.check_references` runs
them once the whole ladder is assembled.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from pydantic import BaseModel

from ladderpress.errors import suggestion
from ladderpress.model import PLACEHOLDER, Competency, Ladder, Level, Loc, Located, misspelt_placeholders


def problems_in(ladder: Ladder) -> list[Located]:
    """Every broken reference and cross-file rule in the ladder."""
    ids = _Ids(ladder)
    problems = [
        *duplicates("tracks", [t.id for t in ladder.tracks]),
        *duplicates("levels", [lv.id for lv in ladder.levels]),
        *duplicates("families", [f.id for f in ladder.families]),
        *duplicates("bands", [b.id for b in ladder.bands]),
        *duplicates("scales", [s.id for s in ladder.scales]),
        *duplicates("specialisations", [s.id for s in ladder.specialisations]),
        *duplicates("ways_in", [w.id for w in ladder.ways_in]),
        *_families(ladder, ids),
        *_levels(ladder, ids),
        *_rank_clashes(ladder),
        *_competencies(ladder, ids),
        *_specialisations(ladder, ids),
    ]
    for s, scale in enumerate(ladder.scales):
        problems += duplicates(("scales", s, "steps"), [step.id for step in scale.steps])
    for f, entry in enumerate(ladder.faq):
        problems += ids.levels_at(entry.levels, ("faq", f, "levels"))
    problems += _onboarding(ladder, ids)
    problems += [Located(loc, *placeholder_problem(wrong)) for loc, wrong in _near_placeholders(ladder, ())]
    return problems


def placeholder_problem(wrong: str) -> tuple[str, str, str, str]:
    """(message, fix, code, subject) for a near miss of ``{organisation}``."""
    return (
        f"'{wrong}' is not the placeholder {PLACEHOLDER}, and would be printed as it is",
        f"write {PLACEHOLDER} exactly: lower case, with an s, in one pair of braces",
        "placeholder",
        wrong,
    )


def _near_placeholders(value: object, loc: Loc) -> Iterator[tuple[Loc, str]]:
    """Every near miss of ``{organisation}`` in the text of a model, with where it is."""
    if isinstance(value, str):
        for wrong in misspelt_placeholders(value):
            yield loc, wrong
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _near_placeholders(getattr(value, name), (*loc, name))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _near_placeholders(item, (*loc, i))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _near_placeholders(item, (*loc, key))


class _Ids:
    """The ids that exist, and the known-or-not check for each kind."""

    def __init__(self, ladder: Ladder) -> None:
        self.tracks = [t.id for t in ladder.tracks]
        self.levels = [lv.id for lv in ladder.levels]
        self.families = [f.id for f in ladder.families]
        self.bands = [b.id for b in ladder.bands]
        self.scales = {s.id: [step.id for step in s.steps] for s in ladder.scales}
        self.rank: dict[str, int] = {}
        for level in ladder.levels:
            self.rank.setdefault(level.id, level.rank)
        # a track names an unknown family, or none where there are families: what follows from
        # the families (a level across two, a transfer that is a move out) is not checked, said once
        self.families_broken = any(
            t.family not in self.families for t in ladder.tracks if ladder.families or t.family is not None
        )

    def levels_at(self, targets: Iterable[str], loc: Loc) -> Iterator[Located]:
        for j, target in enumerate(targets):
            if target not in self.rank:
                yield unknown("level", target, self.levels, (*loc, j))

    def tracks_at(self, targets: Iterable[str], loc: Loc) -> Iterator[Located]:
        for j, target in enumerate(targets):
            if target not in self.tracks:
                yield unknown("track", target, self.tracks, (*loc, j))

    def families_at(self, targets: Iterable[str], loc: Loc) -> Iterator[Located]:
        for j, target in enumerate(targets):
            if target not in self.families:
                yield _unknown_family(target, self.families, (*loc, j))


def _onboarding(ladder: Ladder, ids: _Ids) -> Iterator[Located]:
    """Onboarding variants name known bands and levels, each band or level in one variant only."""
    if ladder.onboarding is None:
        return
    first: dict[tuple[str, str], int] = {}
    for v, variant in enumerate(ladder.onboarding.variants):
        for kind, named, known in (("band", variant.bands, ids.bands), ("level", variant.levels, ids.levels)):
            loc: Loc = ("onboarding", "variants", v, f"{kind}s")
            for j, name in enumerate(named):
                if name not in known:
                    yield unknown(kind, name, known, (*loc, j)) if known else _no_bands(name, (*loc, j))
                elif first.setdefault((kind, name), v) != v:
                    yield Located(
                        (*loc, j),
                        f"{kind} '{name}' is already named by onboarding variant {first[(kind, name)] + 1}",
                        f"name each {kind} in one variant only, and give that variant everything the {kind} needs",
                        "onboarding-twice",
                        name,
                    )


def _no_bands(name: str, loc: Loc) -> Located:
    return Located(
        loc, f"unknown band '{name}'", "list the bands under bands: in content/ladder.yaml", "unknown-band", name
    )


def _unknown_family(name: str, known: list[str], loc: Loc) -> Located:
    if not known:
        return Located(
            loc,
            f"unknown family '{name}'",
            "list the families under families: in content/ladder.yaml",
            "unknown-family",
            name,
        )
    return unknown("family", name, known, loc)


def _families(ladder: Ladder, ids: _Ids) -> Iterator[Located]:
    """Each track names a family exactly when the ladder lists families; a level stays in one family."""
    for t, track in enumerate(ladder.tracks):
        if track.family is not None and track.family not in ids.families:
            yield _unknown_family(track.family, ids.families, ("tracks", t, "family"))
        elif track.family is None and ladder.families:
            yield Located(
                ("tracks", t),
                f"track '{track.id}' names no family, and the ladder has several",
                f"add family: with one of {', '.join(map(repr, ids.families))}",
                "missing-family",
                track.id,
            )
    if ids.families_broken:
        return
    family_of = {t.id: t.family for t in ladder.tracks}
    for i, level in enumerate(ladder.levels):
        families = {family_of[t] for t in level.tracks if t in family_of}
        if len(families) > 1:
            yield Located(
                ("levels", i, "tracks"),
                f"tracks {', '.join(map(repr, level.tracks))} belong to different families",
                "a level belongs to one family: make one level per family, in the same band",
                "mixed-families",
                level.id,
            )


def _levels(ladder: Ladder, ids: _Ids) -> Iterator[Located]:
    for i, level in enumerate(ladder.levels):
        where: Loc = ("levels", i)
        yield from ids.tracks_at(level.tracks, (*where, "tracks"))
        if level.band is not None and level.band not in ids.bands:
            if ids.bands:
                yield unknown("band", level.band, ids.bands, (*where, "band"))
            else:
                yield Located(
                    (*where, "band"),
                    f"unknown band '{level.band}'",
                    "list the bands under bands: in content/ladder.yaml",
                    "unknown-band",
                    level.band,
                )
        elif level.band is not None:
            yield from _rank_in_band(ladder, level, where)
        elif level.band is None and ladder.bands:
            yield Located(
                where,
                f"level '{level.id}' names no band, and the ladder has bands",
                f"add band: with one of {', '.join(map(repr, ids.bands))}",
                "missing-band",
                level.id,
            )
        yield from _pointers(level, where, ids)
        if isinstance(level.reports_to, list):
            yield from ids.levels_at(level.reports_to, (*where, "reports_to"))
        yield from duplicates((*where, "sections"), [s.id for s in level.sections])
        yield from _moves(ladder, level, where, ids)


def _rank_in_band(ladder: Ladder, level: Level, where: Loc) -> Iterator[Located]:
    """A rank given beside a band orders levels within the band: it stays below the next band up."""
    ranks = sorted({band.rank for band in ladder.bands})
    own = next(band for band in ladder.bands if band.id == level.band)
    above = next((rank for rank in ranks if rank > own.rank), None)
    if level.rank < own.rank or (above is not None and level.rank >= above):
        span = f"{own.rank} and up" if above is None else f"{own.rank} to {above - 1}"
        yield Located(
            (*where, "rank"),
            f"rank {level.rank} is outside band '{own.id}', whose levels rank {span}",
            "leave out rank: to take the band's, or name the band this rank belongs to",
            "rank-outside-band",
            own.id,
        )


def _pointers(level: Level, where: Loc, ids: _Ids) -> Iterator[Located]:
    """``leads_to``: known levels, not itself, up the ladder."""
    for j, target in enumerate(level.leads_to):
        loc = (*where, "leads_to", j)
        if target not in ids.rank:
            yield unknown("level", target, ids.levels, loc)
        elif target == level.id:
            yield Located(
                loc, f"level '{target}' cannot point to itself", "name the level it leads to", "self-reference", target
            )
        elif ids.rank[target] <= level.rank:
            yield Located(
                loc,
                f"'{target}' has rank {ids.rank[target]}, not above this level's rank {level.rank}",
                "leads_to names promotions, which go up; a move within a band goes under moves: with kind: transfer",
                "leads-down",
                target,
            )


def _moves(ladder: Ladder, level: Level, where: Loc, ids: _Ids) -> Iterator[Located]:
    """Each move names a known level (or a role), and its kind fits the levels it joins."""
    for j, move in enumerate(level.moves):
        loc = (*where, "moves", j)
        if move.to is None:
            continue
        if move.to not in ids.rank:
            yield unknown("level", move.to, ids.levels, (*loc, "to"))
            continue
        if move.to == level.id:
            yield Located(
                (*loc, "to"),
                f"level '{move.to}' cannot move to itself",
                "name the level the move goes to, or use role: for a move out of the ladder",
                "self-reference",
                move.to,
            )
            continue
        if move.to in level.leads_to:
            yield Located(
                (*loc, "to"),
                f"'{move.to}' is also in leads_to",
                "keep the move here and take it out of leads_to",
                "move-twice",
                move.to,
            )
        target = ladder.level(move.to)
        found = ladder.move_kind(level, move.model_copy(update={"kind": None}))
        if move.kind is None and target.rank < level.rank:
            yield Located(
                (*loc, "to"),
                f"'{move.to}' ranks below this level ({target.rank} < {level.rank})",
                "say what the move is with kind: transfer or kind: out",
                "move-down",
                move.to,
            )
        elif move.kind == "promotion" and target.rank <= level.rank:
            yield Located(
                (*loc, "kind"),
                f"a promotion to '{move.to}' does not go up (rank {target.rank}, this level {level.rank})",
                "point to a higher level, or set kind: transfer for a move within the band",
                "promotion-not-up",
                move.to,
            )
        elif move.kind == "transfer" and not (found == "out" and ids.families_broken):
            yield from _transfer(ladder, level, target, loc, found)


def _transfer(ladder: Ladder, level: Level, target: Level, loc: Loc, found: str) -> Iterator[Located]:
    """A transfer stays in the band (or rank, without bands) and changes track."""
    same = target.band == level.band if ladder.bands else target.rank == level.rank
    if found == "out":
        yield Located(
            (*loc, "kind"),
            f"'{target.id}' is in another family, so this is a move out",
            "set kind: out",
            "transfer-out",
            target.id,
        )
    elif not same:
        where = f"band '{target.band}'" if ladder.bands else f"rank {target.rank}"
        mine = f"band '{level.band}'" if ladder.bands else f"rank {level.rank}"
        yield Located(
            (*loc, "kind"),
            f"a transfer to '{target.id}' changes {mine} to {where}",
            "a transfer stays in its band: use kind: promotion for a move up, or point to a level of the same band",
            "transfer-band",
            target.id,
        )
    elif set(target.tracks) <= set(level.tracks):
        yield Located(
            (*loc, "kind"),
            f"'{target.id}' is on the same track",
            "a transfer moves to another track",
            "transfer-track",
            target.id,
        )


def _rank_clashes(ladder: Ladder) -> Iterator[Located]:
    """Two levels of one track on the same rank: reported once per level, naming the tracks."""
    holders: dict[tuple[str, int], str] = {}
    band_rank = {band.id: band.rank for band in ladder.bands}
    for i, level in enumerate(ladder.levels):
        clashes: dict[str, list[str]] = {}
        for track_id in level.tracks:
            other = holders.setdefault((track_id, level.rank), level.id)
            if other != level.id:
                clashes.setdefault(other, []).append(track_id)
        for other, tracks in clashes.items():
            from_band = level.band is not None and band_rank.get(level.band) == level.rank
            hint = (
                "give each level of a track its own band, or its own rank: within the band"
                if from_band
                else "give each level of a track its own rank"
            )
            yield Located(
                ("levels", i, "band" if from_band else "rank"),
                f"rank {level.rank} is already used by '{other}' in track {', '.join(map(repr, tracks))}",
                hint,
                "rank-clash",
                other,
            )


def _competencies(ladder: Ladder, ids: _Ids) -> Iterator[Located]:
    for g, group in enumerate(ladder.competencies):
        yield from ids.tracks_at(group.tracks, ("competencies", g, "tracks"))
        yield from ids.families_at(group.families, ("competencies", g, "families"))
        for c, comp in enumerate(group.competencies):
            where: Loc = ("competencies", g, "competencies", c)
            yield from ids.tracks_at(comp.tracks, (*where, "tracks"))
            yield from ids.families_at(comp.families, (*where, "families"))
            if comp.scale is not None and comp.scale not in ids.scales:
                if ids.scales:
                    yield unknown("scale", comp.scale, list(ids.scales), (*where, "scale"))
                else:
                    yield Located(
                        (*where, "scale"),
                        f"unknown scale '{comp.scale}'",
                        "list the scales under scales: in content/",
                        "unknown-scale",
                        comp.scale,
                    )
            yield from _expectations(comp, where, ids)


def _expectations(comp: Competency, where: Loc, ids: _Ids) -> Iterator[Located]:
    steps = ids.scales.get(comp.scale or "")
    for level_id, found in comp.expectations.items():
        loc = (*where, "expectations", level_id)
        if level_id not in ids.rank:
            yield unknown("level", level_id, ids.levels, loc)
            continue
        if isinstance(found, str):
            continue
        if found.step is not None:
            if comp.scale is None:
                yield Located(
                    (*loc, "step"),
                    f"names step '{found.step}' but the competency has no scale",
                    "add scale: to the competency, or remove step:",
                    "step-without-scale",
                    found.step,
                )
            elif steps is not None and found.step not in steps:
                yield unknown("step", found.step, steps, (*loc, "step"))
        if found.builds_on is not None:
            base = found.builds_on
            if base not in ids.rank:
                yield unknown("level", base, ids.levels, (*loc, "builds_on"))
            elif base not in comp.expectations:
                yield Located(
                    (*loc, "builds_on"),
                    f"'{base}' has no expectation for this competency",
                    f"add one for '{base}', or build on a level that has one",
                    "builds-on-nothing",
                    base,
                )
            elif ids.rank[base] >= ids.rank[level_id]:
                yield Located(
                    (*loc, "builds_on"),
                    f"'{base}' is not below '{level_id}'",
                    "an expectation builds on a more junior level's",
                    "builds-on-up",
                    base,
                )


def _specialisations(ladder: Ladder, ids: _Ids) -> Iterator[Located]:
    for s, item in enumerate(ladder.specialisations):
        yield from ids.tracks_at(item.tracks, ("specialisations", s, "tracks"))
        yield from ids.levels_at(item.levels, ("specialisations", s, "levels"))


def duplicates(field: str | Loc, ids: list[str]) -> list[Located]:
    """An id used twice in one list, reported at its second use."""
    seen: set[str] = set()
    problems: list[Located] = []
    where: Loc = (field,) if isinstance(field, str) else field
    name = field if isinstance(field, str) else str(field[-1])
    for i, item_id in enumerate(ids):
        if item_id in seen:
            problems.append(
                Located(
                    (*where, i, "id"),
                    f"id '{item_id}' is used twice in {name}",
                    "ids must be unique",
                    "duplicate-id",
                    item_id,
                )
            )
        seen.add(item_id)
    return problems


def unknown(kind: str, name: str, known: list[str], loc: Loc) -> Located:
    return Located(loc, f"unknown {kind} '{name}'", suggestion(name, known), f"unknown-{kind}", name)
