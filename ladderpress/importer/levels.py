"""Level drafts to the ladder's levels: ids, titles, ranks, bands, tracks, years and the levels each reports to
or leads to, with a problem at the cell of every value that does not fit.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from slugify import slugify

from ladderpress.errors import Problem
from ladderpress.importer.cells import one_line, short, split_names, text_list, title_from_code, years_of
from ladderpress.importer.mapping import Decision
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
    _auto_ranks(reader, drafts, levels)
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
        level["_auto"] = True  # ranked below (``_auto_ranks``), by its code's number or its place in its sheet


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


_CODE_NUMBER = re.compile(r"(\d+)$")


def _auto_ranks(reader: Reader, drafts: list[LevelDraft], levels: list[dict[str, Any]]) -> None:
    """Rank each level given no rank: by the number its code ends in when every such level's does (L3, IC4,
    EM5: EM5 beside D5) and no two of a track share one; else by its place in its sheet, each sheet from 1
    (a second track's levels are not ranked above the first's). ``ranks:`` in the mapping chooses; the
    choice is printed in the mapping."""
    auto = [(d, lv) for d, lv in zip(drafts, levels, strict=True) if lv.pop("_auto", False)]
    if not auto:
        return
    numbers: dict[int, int] = {}
    for draft, _ in auto:
        found = _CODE_NUMBER.search(cell_text(draft.values["code"][0]).strip()) if "code" in draft.values else None
        if found:
            numbers[id(draft)] = int(found[1])
    taken = [(t, numbers.get(id(d))) for d, lv in auto for t in lv["tracks"]]
    unique = len(taken) == len(set(taken))
    given = reader.mapping.matrix.ranks
    by_codes = len(numbers) == len(auto) and unique if given is None else given == "codes"
    why = ""
    if by_codes:
        missing = [d for d, _ in auto if id(d) not in numbers]
        for draft in missing:
            at = draft.values.get("code", draft.values.get("title", (None, None)))[1]
            reader.problems.append(
                Problem(
                    reader.name,
                    f"the level '{short(draft.key)}' has no code ending in a number to rank it by",
                    hint="give it a code such as L3, or write ranks: order in the mapping",
                    cell=at,
                )
            )
        if missing:
            return
        runs: list[tuple[str, list[tuple[str, int]]]] = []
        for draft, _ in auto:
            code = cell_text(draft.values["code"][0]).strip()
            prefix = code[: len(code) - len(str(numbers[id(draft)]))]
            if not runs or runs[-1][0] != prefix:
                runs.append((prefix, []))
            runs[-1][1].append((code, numbers[id(draft)]))
        why = "from the codes' numbers (" + ", ".join(_span(run) for _, run in runs) + ")"
    else:
        sheets: dict[str, list[tuple[str, int]]] = {}
        for draft, _ in auto:
            sheets.setdefault(draft.sheet_tracks[0] if draft.sheet_tracks else "", []).append(
                (draft.key, draft.order + 1)
            )
        spans = [
            f"{sheet}: {_span(run, codes=False)}" if sheet else _span(run, codes=False) for sheet, run in sheets.items()
        ]
        why = "in the order the sheet lists them, each sheet from 1 (" + ", ".join(spans) + ")"
    for draft, level in auto:
        level["rank"] = numbers[id(draft)] if by_codes else draft.order + 1
        if "band" in level:
            level["_from_band"] = True  # may be left to its band's rank, when it is the same (``_ranked_bands``)
    decision = Decision(f"  ranks: {'codes' if by_codes else 'order'}", why)
    start = next((i for i, d in enumerate(reader.decisions) if d.line.startswith("matrix:")), None)
    if start is None:
        reader.decisions.append(decision)
        return
    end = start + 1
    while end < len(reader.decisions) and reader.decisions[end].line.startswith((" ", "#")):
        end += 1
    reader.decisions.insert(end, decision)


def _span(run: list[tuple[str, int]], codes: bool = True) -> str:
    """``D1–D7: 1–7``, ``EM5: 5``; without codes, ``1–7``."""
    first, last = run[0], run[-1]
    ranks = f"{first[1]}–{last[1]}" if len(run) > 1 else str(first[1])
    if not codes:
        return ranks
    return f"{first[0]}–{last[0]}: {ranks}" if len(run) > 1 else f"{first[0]}: {ranks}"


def _ranked_bands(levels: list[dict[str, Any]], bands: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The bands, ranked as their lowest level is (so levels sharing a band keep their own ranks within it,
    in the order the sheet lists them); a level whose rank is its band's, ranked by the import
    (``_from_band``), is left to take the band's rank."""
    band_list: list[dict[str, Any]] = []
    if not bands:
        return band_list
    lowest: dict[str, int] = {}
    for level in levels:
        if "band" in level and "rank" in level:
            lowest[level["band"]] = min(lowest.get(level["band"], level["rank"]), level["rank"])
    for band in sorted(bands.values(), key=lambda b: (lowest.get(b["id"], 0), b["_order"])):
        band.pop("_order")
        band["rank"] = lowest.get(band["id"], len(band_list) + 1)
        band_list.append(band)
    band_rank = {band["id"]: band["rank"] for band in band_list}
    for level in levels:  # assemble leaves out the rank of a level still marked: the model takes its band's
        if level.get("_from_band") and level["rank"] != band_rank[level["band"]]:
            del level["_from_band"]
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
