"""The ladder's data from what the sheets gave: the ladder's own facts (title, field, organisation), its
levels (:mod:`.levels`), competencies and moves, with placeholders for what a spreadsheet does not hold.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Any

from slugify import slugify

from ladderpress.errors import Problem
from ladderpress.importer.cells import one_line, short
from ladderpress.importer.levels import levels_of
from ladderpress.importer.mapping import Decision, Mapping, scalar
from ladderpress.importer.placeholders import (
    DEFAULT_ORGANISATION,
    PLACEHOLDER_FAQ,
    PLACEHOLDER_HOW_TO_READ,
    PLACEHOLDER_INTRODUCTION,
    starter_onboarding,
)
from ladderpress.importer.reader import LevelDraft, Loc, Reader

TITLE_WORDS = re.compile(
    r"\b(career|careers|competency|competencies|ladder|ladders|framework|frameworks|matrix|levels|levelling|"
    r"leveling|progression|expectations|grid|v\d+(\.\d+)?|draft|final|\d{4})\b",
    re.IGNORECASE,
)


def _field_from(text: str) -> str:
    """``Product Management Career Framework`` → ``Product Management``; what is left when the words a title
    adds are taken out. A title in parts (split by a dash, colon or bar) gives the part naming the framework,
    the one with the most such words (the later on a tie), its words in their order:
    ``Engineering Ladders – Developer career framework`` → ``Developer``, ``Career ladder: Design`` → ``Design``."""
    best, most = "", -1
    for part in re.split(r"\s[-–—|]\s|[–—:|]", text.replace("_", " ")):
        generic = len(TITLE_WORDS.findall(part))
        words = " ".join(TITLE_WORDS.sub(" ", re.sub(r"[()]+|(?<!\w)-|-(?!\w)", " ", part)).split())
        if words and generic >= most:
            best, most = words, generic
    return best


def assemble(
    reader: Reader,
    path: Path,
    mapping: Mapping,
    drafts: list[LevelDraft],
    groups: list[dict[str, Any]],
    moves: list[tuple[LevelDraft, dict[str, Any], str, dict[str, str]]],
) -> tuple[dict[str, Any], dict[str, str]]:
    """The ladder's data from the drafts, with placeholders for what a spreadsheet does not hold."""
    data, organisation = _ladder_facts(reader, path, mapping)
    data["introduction"] = PLACEHOLDER_INTRODUCTION.format(
        field=data["field"].casefold(), organisation="{organisation}"
    )
    data["how_to_read"] = PLACEHOLDER_HOW_TO_READ
    placeholders = {
        "content/ladder.yaml": "introduction and how_to_read are placeholder text"
        + ("; organisation is 'Our company'" if organisation == DEFAULT_ORGANISATION else ""),
    }
    levels, tracks, bands, level_placeholders = levels_of(reader, drafts, data["field"])
    if bands:
        data["bands"] = bands
    data["tracks"] = tracks
    data["levels"] = levels
    if level_placeholders:
        placeholders["content/levels/"] = level_placeholders
    if any(t.get("_placeholder") for t in tracks):
        placeholders["content/tracks.yaml"] = (
            "the track's summary is placeholder text"
            if len(tracks) == 1
            else "the tracks' summaries are placeholder text"
        )
    for track in tracks:
        track.pop("_placeholder", None)
    ids = {id(draft): level["id"] for draft, level in zip(drafts, levels, strict=True)}
    data["competencies"], summaries = _competencies(reader, groups, ids, {t["id"] for t in tracks})
    if summaries:
        placeholders["content/competencies.yaml"] = (
            "1 competency has its name as its summary"
            if summaries == 1
            else f"{summaries} competencies have their name as their summary"
        )
    if any(group.get("_placeholder") for group in groups):
        named = "the group 'Competencies' is a placeholder name"
        said = placeholders.get("content/competencies.yaml")
        placeholders["content/competencies.yaml"] = f"{said}; {named}" if said else named
    _moves(reader, levels, drafts, moves, tracks)
    for level in levels:
        if level.pop("_from_band", False):
            level.pop("rank")
    data["faq"] = PLACEHOLDER_FAQ
    placeholders["content/faq.yaml"] = "two questions in neutral words"
    data["onboarding"] = starter_onboarding()
    placeholders["content/onboarding.yaml"] = "the starter project's general onboarding (its welcome and checklist)"
    return data, placeholders


def _ladder_facts(reader: Reader, path: Path, mapping: Mapping) -> tuple[dict[str, Any], str]:
    """The ladder's title, subtitle, field, organisation and language: named in the mapping, else taken from
    the lines above the matrix, the title or the file's name (why each was chosen is kept for the printed
    mapping, in ``reader.ladder_said``); and the organisation, to tell whether it is the placeholder."""
    facts = mapping.ladder
    said: dict[str, str] = {}
    titles = getattr(reader, "title_cells", [])
    title = facts.title
    said["title"] = "named in the mapping"
    if title is None and titles:
        title, said["title"] = titles[0][0], f"{titles[0][1]}, the line above the table"
    field_name = facts.field
    said["field"] = "named in the mapping"
    if field_name is None:
        from_title = _field_from(title) if title else ""
        if from_title:
            field_name, said["field"] = from_title, "the title, less words such as 'career framework'"
        else:
            stem = _field_from(re.sub(r"[_-]+", " ", path.stem))
            field_name = stem[:1].upper() + stem[1:] if stem else "Our field"
            said["field"] = "the file's name" if stem else "nothing names it: TODO, name it here"
    if title is None:
        title, said["title"] = f"{field_name} career ladder", "made from the field"
    organisation = facts.organisation
    said["organisation"] = "named in the mapping"
    if organisation is None:
        organisation, said["organisation"] = DEFAULT_ORGANISATION, "the workbook does not say: TODO, name it here"
    data: dict[str, Any] = {"format": 2, "title": one_line(title)}
    subtitle = facts.subtitle
    said["subtitle"] = "named in the mapping"
    if subtitle is None and len(titles) > 1:
        subtitle, said["subtitle"] = titles[1][0], f"{titles[1][1]}, the second line above the table"
    if subtitle:
        data["subtitle"] = one_line(subtitle)
    data["field"] = one_line(field_name)
    data["organisation"] = one_line(organisation)
    if facts.language:
        data["language"] = facts.language
    reader.ladder_said = said
    return data, organisation


def _competencies(
    reader: Reader, groups: list[dict[str, Any]], ids: dict[int, str], track_ids: set[str]
) -> tuple[list[dict[str, Any]], int]:
    """The competency groups' data, with ids made from names; how many competencies lack a summary. A
    competency on some of several matrix sheets is on their tracks only."""
    themes = []
    missing = 0
    used: dict[str, str] = {}
    for g, group in enumerate(groups):
        theme: dict[str, Any] = {"name": one_line(group["name"]), "competencies": []}
        for c, competency in enumerate(group["competencies"]):
            comp_id = slugify(competency["name"], max_length=64) or f"competency-{c + 1}"
            if comp_id in used:
                comp_id = slugify(f"{group['name']} {competency['name']}", max_length=64)
            if comp_id in used:
                reader.problems.append(
                    Problem(
                        reader.name,
                        f"the competency '{short(competency['name'])}' has the id '{comp_id}', as the one at "
                        f"{used[comp_id]} has",
                        hint="rename one of them",
                        cell=competency["_at"],
                    )
                )
            used.setdefault(comp_id, competency["_at"])
            summary = one_line(competency["summary"])
            if not summary:
                summary = one_line(competency["name"])
                missing += 1
            loc: Loc = ("competencies", g, "competencies", c)
            reader.where[loc] = competency["_at"]
            expectations: dict[str, Any] = {}
            for expectation, at, draft in competency["expectations"].values():
                level_id = ids[id(draft)]
                expectations[level_id] = expectation["text"] if list(expectation) == ["text"] else expectation
                reader.where[(*loc, "expectations", level_id)] = at
            made: dict[str, Any] = {"id": comp_id, "name": one_line(competency["name"]), "summary": summary}
            on = [slugify(t, max_length=64) for t in competency.get("_tracks", [])]
            if on and set(on) <= track_ids and set(on) != track_ids:
                made["tracks"] = on
            theme["competencies"].append({**made, "expectations": expectations})
        themes.append(theme)
    return themes, missing


def _moves(
    reader: Reader,
    levels: list[dict[str, Any]],
    drafts: list[LevelDraft],
    moves: list[tuple[LevelDraft, dict[str, Any], str, dict[str, str]]],
    tracks: list[dict[str, Any]],
) -> None:
    """Moves from the moves sheet onto their levels; without any, each level leads to the next on its tracks."""
    by_draft = {id(d): lv for d, lv in zip(drafts, levels, strict=True)}
    index = {id(lv): i for i, lv in enumerate(levels)}
    for draft, move, at, cells in moves:
        level = by_draft[id(draft)]
        if "to" in move:
            move["to"] = by_draft[id(move["to"])]["id"]
        i = index[id(level)]
        plain = set(move) <= {"to", "kind"} and move.get("kind", "promotion") == "promotion" and "to" in move
        if plain:
            level.setdefault("leads_to", [])
            if move["to"] not in level["leads_to"]:
                level["leads_to"].append(move["to"])
            reader.where[("levels", i, "leads_to")] = at
            continue
        level.setdefault("moves", []).append(move)
        m = len(level["moves"]) - 1
        reader.where[("levels", i, "moves", m)] = at
        for name, cell in cells.items():
            reader.where[("levels", i, "moves", m, name)] = cell
    if moves or any("leads_to" in lv for lv in levels):
        return
    made = 0
    for track in tracks:
        members = sorted((lv for lv in levels if track["id"] in lv["tracks"]), key=lambda lv: lv["rank"])
        ranks = [lv["rank"] for lv in members]
        if len(set(ranks)) != len(ranks):
            continue
        for lower, higher in itertools.pairwise(members):
            lower.setdefault("leads_to", [])
            if higher["id"] not in lower["leads_to"]:
                lower["leads_to"].append(higher["id"])
                made += 1
    if made:
        for decision in reader.decisions:
            if decision.line == "moves: null":
                decision.why = "no moves sheet: each level leads to the next on its tracks"


def in_file_order(data: dict[str, Any], where: dict[Loc, str]) -> None:
    """The levels in the order a project's files are read (by id, as content/levels/<id>.yaml sort), so the
    ladder imported is the one the project loads; where each value came from follows its level."""
    levels = data["levels"]
    order = sorted(range(len(levels)), key=lambda i: f"{levels[i]['id']}.yaml")
    data["levels"] = [levels[i] for i in order]
    moved = {old: new for new, old in enumerate(order)}
    remapped = {
        (
            ("levels", moved[loc[1]], *loc[2:])
            if loc[:1] == ("levels",) and len(loc) > 1 and isinstance(loc[1], int)
            else loc
        ): cell
        for loc, cell in where.items()
    }
    where.clear()
    where.update(remapped)


def ladder_decisions(data: dict[str, Any], reader: Reader) -> list[Decision]:
    said = reader.ladder_said
    lines = [Decision("ladder:")]
    for key in ("title", "subtitle", "field", "organisation"):
        if key in data:
            lines.append(Decision(f"  {key}: {scalar(data[key])}", said.get(key, "")))
    return lines
