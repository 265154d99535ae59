"""Level drafts to the ladder's levels: ids, titles, ranks, bands, tracks, years and the levels each reports to
or leads to, with a problem at the cell of every value that does not fit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from slugify import slugify

from ladderpress.errors import Problem
from ladderpress.importer.cells import one_line, short, split_names, text_list, title_from_code, years_of
from ladderpress.importer.placeholders import PLACEHOLDER_DESCRIPTION, PLACEHOLDER_SCOPE, PLACEHOLDER_TRACK
from ladderpress.importer.reader import LevelDraft, Loc, Reader, did_you_mean, level_lookup, match_level
from ladderpress.sheets import cell_text


@dataclass
class _Named:
    """What the levels name between them, gathered level by level: their ids, tracks and bands."""

    ids: dict[str, str] = field(default_factory=dict)
    """Each level's id → the cell it was made from (to name where a repeated id was first)."""
    tracks: dict[str, dict[str, Any]] = field(default_factory=dict)
    bands: dict[str, dict[str, Any]] = field(default_factory=dict)
    placeholders: set[str] = field(default_factory=set)
    """The fields (scope, description) that some level has as placeholder text."""


def levels_of(
    reader: Reader, drafts: list[LevelDraft], field_name: str
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]], str]:
    """The levels' data (ids, titles, ranks, tracks, bands, …), the tracks and the bands they name."""
    named = _Named()
    levels = [_level(reader, i, draft, field_name, named) for i, draft in enumerate(drafts)]
    _references(reader, drafts, levels)
    band_list = _ranked_bands(levels, named.bands)
    track_list = _summarised_tracks(levels, named.tracks, field_name)
    said = ""
    if named.placeholders:
        fields = " and ".join(sorted(named.placeholders, reverse=True))
        verb = "are" if len(named.placeholders) > 1 else "is"
        said = f"the {fields} {verb} placeholder text where the workbook gives none"
    return levels, track_list, band_list, said


def _level(reader: Reader, i: int, draft: LevelDraft, field_name: str, named: _Named) -> dict[str, Any]:
    """One level's data from its draft, in the order the model lists its fields."""
    values = draft.values
    text = _texts(values)
    title = text("title") or (title_from_code(text("code") or "") if text("code") else None) or text("id") or ""
    level: dict[str, Any] = {"id": _level_id(reader, i, draft, title, named)}
    loc_base: Loc = ("levels", i)
    for name, (_, at) in values.items():
        reader.where[(*loc_base, name)] = at
    if text("code"):
        level["code"] = text("code")
    level["title"] = title
    level["short_title"] = text("short_title") or title
    _rank_and_band(reader, i, level, values, named)
    track_names = split_names(text("tracks") or "") or draft.sheet_tracks or [field_name]
    level["tracks"] = []
    for track_name in track_names:
        track_id = slugify(track_name, max_length=64) or "track"
        named.tracks.setdefault(track_id, {"id": track_id, "name": track_name, "short_name": track_name})
        if track_id not in level["tracks"]:
            level["tracks"].append(track_id)
    for name, template in (("scope", PLACEHOLDER_SCOPE), ("description", PLACEHOLDER_DESCRIPTION)):
        if text(name):
            level[name] = text(name) if name == "scope" else cell_text(values[name][0])
        else:
            level[name] = template.format(title=title)
            named.placeholders.add(name)
    for name in ("duties", "promotion_signals"):
        if text(name):
            level[name] = text_list(text(name) or "")
    for name in ("experience", "time_at_level"):
        if text(name):
            level[name] = one_line(text(name) or "")
    if "years" in values:
        _years(reader, level, *values["years"])
    return level


def _level_id(reader: Reader, i: int, draft: LevelDraft, title: str, named: _Named) -> str:
    """The level's id (given, or made from its title); one that makes none, or repeats another's, is a problem."""
    values = draft.values
    level_id = _texts(values)("id") or slugify(title, max_length=64)
    where = values.get("id", values.get("title", values.get("code", (None, ""))))[1]
    if not level_id:
        reader.problems.append(
            Problem(reader.name, f"'{short(title)}' makes no id", hint="give the level an id column", cell=where)
        )
        level_id = f"level-{i + 1}"
    if level_id in named.ids:
        reader.problems.append(
            Problem(
                reader.name,
                f"the level '{short(title)}' has the id '{level_id}', as the level at {named.ids[level_id]} has",
                hint="give the two levels different titles, or ids of their own",
                cell=where,
            )
        )
    named.ids.setdefault(level_id, where)
    reader.where[("levels", i)] = where
    return level_id


def _rank_and_band(
    reader: Reader, i: int, level: dict[str, Any], values: dict[str, tuple[Any, str]], named: _Named
) -> None:
    """The level's rank (given as a whole number, else its place in the sheet) and band; a level with a band
    but no rank is ranked as its band is, once the bands are ranked (``_from_band``)."""
    rank = values.get("rank")
    if rank is not None:
        number = rank[0]
        if isinstance(number, float) and number.is_integer():
            number = int(number)
        if isinstance(number, str) and number.strip().isdigit():
            number = int(number)
        if not isinstance(number, int) or isinstance(number, bool):
            reader.problems.append(
                Problem(
                    reader.name,
                    f"rank '{short(cell_text(number))}' is not a whole number",
                    hint="write a number such as 3",
                    cell=rank[1],
                )
            )
        else:
            level["rank"] = number
    if "band" in values:
        band_name = _texts(values)("band") or ""
        band_id = slugify(band_name, max_length=64) or "band"
        named.bands.setdefault(band_id, {"id": band_id, "name": band_name, "_order": len(named.bands) + 1})
        level["band"] = band_id
    if "rank" not in level:
        if "band" in level:
            level["_from_band"] = True  # ranked below, as its band is: the model takes the band's rank
        else:
            level["rank"] = i + 1


def _years(reader: Reader, level: dict[str, Any], value: Any, at: str) -> None:
    """The level's years of experience, or a problem at their cell."""
    years = years_of(value)
    if isinstance(years, str):
        shown = cell_text(value)
        hint = (
            "format the cells as text and type the years again, like 2–4"
            if "date" in years
            else "write years as 2–4, 2-4, 2 to 4 or 15+"
        )
        reader.problems.append(Problem(reader.name, f"years '{short(shown)}' {years}", hint=hint, cell=at))
    else:
        level["years"] = years


def _references(reader: Reader, drafts: list[LevelDraft], levels: list[dict[str, Any]]) -> None:
    """Whom each level reports to and leads to, as level ids, now that every id is known (reports_to may be
    a role outside the ladder, kept as text; leads_to must name levels)."""
    lookup = level_lookup(drafts)
    ids = {id(d): lv["id"] for d, lv in zip(drafts, levels, strict=True)}
    for draft, level in zip(drafts, levels, strict=True):
        for name in ("reports_to", "leads_to"):
            if name not in draft.values:
                continue
            value, at = draft.values[name]
            parts = split_names(cell_text(value))
            found = [match_level(part, lookup) for part in parts]
            if all(found) and parts:
                level[name] = [ids[id(d)] for d in found if d is not None]
            elif name == "reports_to":
                level[name] = one_line(cell_text(value))
            else:
                for part, target in zip(parts, found, strict=True):
                    if target is None:
                        reader.problems.append(
                            Problem(
                                reader.name,
                                f"'{short(part)}' is no level of the ladder",
                                hint=did_you_mean(part, lookup),
                                cell=at,
                            )
                        )


def _ranked_bands(levels: list[dict[str, Any]], bands: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The bands, ranked as the levels first name them, or by the first explicit rank in each; a level
    ranked by its band (``_from_band``) takes the band's rank."""
    band_list: list[dict[str, Any]] = []
    if not bands:
        return band_list
    first_rank: dict[str, int] = {}
    for level in levels:
        if "band" in level and "rank" in level:
            first_rank.setdefault(level["band"], level["rank"])
    for band in sorted(bands.values(), key=lambda b: (first_rank.get(b["id"], 0), b["_order"])):
        band.pop("_order")
        band["rank"] = len(band_list) + 1
        band_list.append(band)
    band_rank = {band["id"]: band["rank"] for band in band_list}
    for level in levels:
        if level.get("_from_band"):
            level["rank"] = band_rank[level["band"]]
    return band_list


def _summarised_tracks(
    levels: list[dict[str, Any]], tracks: dict[str, dict[str, Any]], field_name: str
) -> list[dict[str, Any]]:
    """The tracks, each with a placeholder summary naming its first and last level (``_placeholder``)."""
    ranked = sorted(levels, key=lambda lv: lv.get("rank", 0))
    track_list = []
    for track in tracks.values():
        members = [lv for lv in ranked if track["id"] in lv["tracks"]]
        track["summary"] = (
            PLACEHOLDER_TRACK.format(field=field_name.casefold(), first=members[0]["title"], last=members[-1]["title"])
            if members
            else f"The {track['name']} track."
        )
        track["_placeholder"] = True
        track_list.append(track)
    return track_list


def _texts(values: dict[str, tuple[Any, str]]) -> Callable[[str], str | None]:
    """A draft's field as text (None when not given)."""

    def text(name: str) -> str | None:
        return cell_text(values[name][0]) if name in values else None

    return text
