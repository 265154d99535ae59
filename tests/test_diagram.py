"""Unit tests of ladderpress/diagram.py: the ladder SVG, parsed back as XML.

Ladders are built from inline dicts; every drawing must be well-formed XML with one box
per level, one arrow per ``leads_to`` link, rank running upward, and still so at 20 levels.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from ladderpress.diagram import Palette, TextWidths, describe, ladder_svg
from ladderpress.model import Ladder

SVG = "{http://www.w3.org/2000/svg}"
FONTS = Path(__file__).resolve().parent.parent / "styles" / "fonts"


def level(level_id: str, rank: int, tracks: tuple[str, ...] = ("ic",), **fields: Any) -> dict[str, Any]:
    return {
        "id": level_id,
        "code": f"L{rank}" if len(tracks) != 1 else f"{tracks[0].upper()}{rank}",
        "title": f"Title {level_id}",
        "short_title": f"T-{level_id}",
        "rank": rank,
        "tracks": list(tracks),
        "scope": "Scope.",
        "description": "Description.",
        "duties": ["Duty"],
        "experience": "Some",
        "time_at_level": "2 years",
        "reports_to": "A lead",
        **fields,
    }


def make_ladder(levels: list[dict[str, Any]], tracks: tuple[str, ...] = ("ic", "m"), **fields: Any) -> Ladder:
    return Ladder.model_validate(
        {
            "title": "Ladder",
            "field": "Product",
            "organisation": "Northwind",
            "introduction": "Hello.",
            "tracks": [{"id": t, "name": f"Track {t}", "short_name": t, "summary": "S."} for t in tracks],
            "levels": levels,
            **fields,
        }
    )


def forked(**moves: list[dict[str, Any]]) -> Ladder:
    """Two shared levels, then a fork into ic3 → ic4 and m3 → m4; ic3 and m3 share band "Grade 3", ic4 and m4
    "Grade 4", so each pair is equivalent. ``moves`` are added to the levels they are keyed by."""
    levels = [
        level("a", 1, ("ic", "m"), leads_to=["b"], band="g1", years=[0, 2]),
        level("b", 2, ("ic", "m"), leads_to=["ic3", "m3"], band="g2", years=[2, 4]),
        level("ic3", 3, ("ic",), leads_to=["ic4"], band="g3", years=[4, 6]),
        level("m3", 3, ("m",), leads_to=["m4"], band="g3", years=[5, 8]),
        level("ic4", 4, ("ic",), band="g4", years=[8, None]),
        level("m4", 4, ("m",), band="g4"),
    ]
    levels = [{**lv, "moves": moves[lv["id"]]} if lv["id"] in moves else lv for lv in levels]
    bands = [{"id": f"g{r}", "name": f"Grade {r}", "rank": r} for r in range(1, 5)]
    return make_ladder(levels, bands=bands)


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # raises on anything that is not well-formed XML
    assert root.tag == f"{SVG}svg"
    return root


def boxes(root: ET.Element) -> list[ET.Element]:
    return [r for r in root.iter(f"{SVG}rect") if r.get("rx") == "1.2"]


def texts(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{SVG}text")]


def arrows(root: ET.Element) -> list[ET.Element]:
    """The shafts of promotion arrows (each has a filled head beside it)."""
    return [p for p in root.iter(f"{SVG}path") if p.get("fill") == "none"]


def of_class(root: ET.Element, name: str) -> list[ET.Element]:
    return [e for e in root.iter() if e.get("class") == name]


def box_of(root: ET.Element, code: str) -> tuple[float, float]:
    """(centre x, top y) of the one box whose area holds the label ``code``."""
    labels = [t for t in root.iter(f"{SVG}text") if t.text == code]
    assert len(labels) == 1, code
    x, y = float(labels[0].get("x", 0)), float(labels[0].get("y", 0))
    (rect,) = [
        r
        for r in boxes(root)
        if float(r.get("x", 0)) <= x <= float(r.get("x", 0)) + float(r.get("width", 0))
        and float(r.get("y", 0)) <= y <= float(r.get("y", 0)) + float(r.get("height", 0))
    ]
    return float(rect.get("x", 0)) + float(rect.get("width", 0)) / 2, float(rect.get("y", 0))


# --------------------------------------------------------------------------- structure


def test_the_drawing_is_well_formed_svg_with_one_box_per_level() -> None:
    root = parse(ladder_svg(forked()))
    assert root.get("role") == "img" and root.get("class") == "ladder-diagram"
    assert root.get("width") == "170.0mm"
    assert len(boxes(root)) == 6
    shown = texts(root)
    for code in ("L1", "L2", "IC3", "M3", "IC4", "M4"):
        assert shown.count(code) == 1
    for title in ("T-a", "T-b", "T-ic3", "T-m3", "T-ic4", "T-m4"):
        assert title in shown


def test_one_arrow_per_leads_to_link_and_a_line_per_equivalence() -> None:
    root = parse(ladder_svg(forked()))
    assert len(arrows(root)) == 5  # a→b, b→ic3, b→m3, ic3→ic4, m3→m4
    heads = [p for p in root.iter(f"{SVG}path") if p.get("fill") != "none"]
    assert len(heads) == len(arrows(root))
    dashed = [line for line in root.iter(f"{SVG}line") if line.get("stroke-dasharray")]
    assert len(dashed) == 2  # ic3 and m3 in band b3, ic4 and m4 in band b4
    assert of_class(root, "equivalent") == dashed


def test_rank_runs_upward_and_equal_ranks_share_a_row() -> None:
    root = parse(ladder_svg(forked()))
    (_, a_y), (_, b_y), (_, ic3_y), (_, m3_y), (_, ic4_y) = (box_of(root, c) for c in ("L1", "L2", "IC3", "M3", "IC4"))
    assert a_y > b_y > ic3_y > ic4_y
    assert ic3_y == m3_y


def test_shared_levels_sit_between_their_tracks_columns() -> None:
    root = parse(ladder_svg(forked()))
    ic_x, _ = box_of(root, "IC3")
    m_x, _ = box_of(root, "M3")
    shared_x, _ = box_of(root, "L2")
    assert ic_x < shared_x < m_x
    assert shared_x == pytest.approx((ic_x + m_x) / 2, abs=0.02)


def test_track_headers_and_the_years_axis() -> None:
    shown = texts(parse(ladder_svg(forked())))
    assert "IC" in shown and "M" in shown
    assert {"0–2 yrs", "2–4 yrs", "8+ yrs"} <= set(shown)
    assert "4–8 yrs" in shown  # ic3 (4–6) and m3 (5–8) share a row: the span of both
    one_track = make_ladder([level("a", 1), level("b", 2)], tracks=("ic",))
    assert not any(t.endswith("yrs") for t in texts(parse(ladder_svg(one_track))))


def test_a_text_alternative_describes_the_structure() -> None:
    root = parse(ladder_svg(forked()))
    label = root.get("aria-label") or ""
    assert label.startswith("Career ladder of 6 levels in 2 tracks. Shared levels, junior first: T-a (L1), T-b (L2).")
    assert "Track ic track: T-ic3 (IC3), T-ic4 (IC4)." in label
    title = root.find(f"{SVG}title")
    assert title is not None and title.text == label
    assert describe(forked(), forked().ranked_levels(), list(forked().tracks), None) == label


# --------------------------------------------------------------------------- bands, moves by kind, families


def test_band_names_label_the_rows_with_the_years_under_them_where_there_is_room() -> None:
    root = parse(ladder_svg(forked()))
    shown = texts(root)
    assert {"Grade 1", "Grade 2", "Grade 3", "Grade 4"} <= set(shown)
    assert {"0–2 yrs", "2–4 yrs", "4–8 yrs", "8+ yrs"} <= set(shown)
    # each band name sits on its row, level with the row's boxes
    labels = {t.text: float(t.get("y", 0)) for t in root.iter(f"{SVG}text")}
    for band, code in (("Grade 1", "L1"), ("Grade 3", "IC3"), ("Grade 4", "M4")):
        _, top = box_of(root, code)
        assert top < labels[band] < top + 9

    small = texts(parse(ladder_svg(forked(), labels="code", width=56, row_height=8)))
    assert "Grade 3" in small and not any(t.endswith("yrs") for t in small)  # two lines do not fit a small row


def test_band_names_too_long_for_a_small_drawing_give_way_to_the_years_or_to_no_axis() -> None:
    ladder = forked()
    long = [
        band.model_copy(update={"name": f"Senior individual contributor grade {band.rank}"}) for band in ladder.bands
    ]
    ladder = ladder.model_copy(update={"bands": long})
    root = parse(ladder_svg(ladder, labels="code", width=56, row_height=8))
    assert not any(t.startswith("Senior individual") for t in texts(root))
    assert "8+ yrs" in texts(root)
    assert any(t.startswith("Senior individual") for t in texts(parse(ladder_svg(ladder, width=300))))

    no_years = ladder.model_copy(update={"levels": [lv.model_copy(update={"years": None}) for lv in ladder.levels]})
    root = parse(ladder_svg(no_years, labels="code", width=56, row_height=8))
    assert not list(root.iter(f"{SVG}circle"))  # no axis at all, rather than one crowding out the boxes
    assert len(boxes(root)) == 6 and not any(t.startswith("Senior") for t in texts(root))


def test_a_transfer_is_a_dashed_connector_with_a_head_at_each_end_and_never_a_promotion_arrow() -> None:
    plain = parse(ladder_svg(forked()))
    ladder = forked(ic4=[{"to": "m4", "kind": "transfer"}], m4=[{"to": "ic4", "kind": "transfer"}])
    root = parse(ladder_svg(ladder))
    (connector,) = of_class(root, "transfer")
    assert connector.tag == f"{SVG}line" and connector.get("stroke-dasharray")
    assert len(of_class(root, "transfer-head")) == 2  # one connector, a head at both ends
    # promotions are unchanged: the same five arrows, solid, as without the transfer
    assert len(arrows(root)) == len(arrows(plain)) == 5
    assert [a.get("d") for a in arrows(root)] == [a.get("d") for a in arrows(plain)]
    assert not any(a.get("stroke-dasharray") for a in arrows(root))
    assert all(a.get("class") == "promotion" for a in arrows(root))
    # the connector joins the two boxes' facing edges at mid-height
    ic4_x, ic4_y = box_of(root, "IC4")
    m4_x, _ = box_of(root, "M4")
    (ic4_box,) = [r for r in boxes(root) if float(r.get("y", 0)) == ic4_y and float(r.get("x", 0)) < ic4_x]
    half_w, half_h = float(ic4_box.get("width", 0)) / 2, float(ic4_box.get("height", 0)) / 2
    heads = [p.get("d", "") for p in of_class(root, "transfer-head")]
    tips = sorted(float(d.split(" L")[1].split(",")[0]) for d in heads)
    assert tips == [pytest.approx(ic4_x + half_w, abs=0.01), pytest.approx(m4_x - half_w, abs=0.01)]
    assert float(connector.get("y1", 0)) == pytest.approx(ic4_y + half_h, abs=0.01)
    assert ic4_x + half_w < float(connector.get("x1", 0)) < float(connector.get("x2", 0)) < m4_x - half_w


def test_a_one_way_transfer_has_one_head_at_the_level_it_leads_to() -> None:
    root = parse(ladder_svg(forked(m4=[{"to": "ic4", "kind": "transfer"}])))
    assert len(of_class(root, "transfer")) == 1
    (head,) = of_class(root, "transfer-head")
    ic4_x, _ = box_of(root, "IC4")
    m4_x, _ = box_of(root, "M4")
    tip = float(head.get("d", "").split(" L")[1].split(",")[0])
    assert abs(tip - ic4_x) < abs(tip - m4_x)
    assert "Transfer from T-m4 (M4) to T-ic4 (IC4)." in (root.get("aria-label") or "")


def test_a_transfer_replaces_the_equivalence_line_of_its_pair() -> None:
    root = parse(ladder_svg(forked(ic4=[{"to": "m4", "kind": "transfer"}])))
    assert len(of_class(root, "equivalent")) == 1  # ic3–m3 still; ic4–m4 is the transfer's alone
    (line,) = of_class(root, "equivalent")
    _, ic3_y = box_of(root, "IC3")
    assert float(line.get("y1", 0)) > ic3_y and float(line.get("y1", 0)) < ic3_y + 9
    dashed = [e for e in root.iter() if e.get("stroke-dasharray") and e.get("class") != "legend"]
    assert len(dashed) == 2


def test_a_level_reached_only_by_a_transfer_is_joined_to_the_drawing_by_it() -> None:
    levels = [
        level("a", 1, ("ic", "m"), leads_to=["b"], band="g1"),
        level("b", 2, ("ic",), band="g2", moves=[{"to": "c", "kind": "transfer"}]),
        level("c", 2, ("m",), band="g2"),
    ]
    ladder = make_ladder(levels, bands=[{"id": f"g{r}", "name": f"Grade {r}", "rank": r} for r in (1, 2)])
    root = parse(ladder_svg(ladder))
    assert len(arrows(root)) == 1 and len(of_class(root, "transfer")) == 1
    assert "Transfer" in texts(root)  # the legend says what the dashed connector is
    assert len(of_class(root, "transfer-head")) == 1


def test_moves_out_of_the_ladder_are_not_drawn() -> None:
    out = forked(ic4=[{"role": "Product marketing"}], m4=[{"role": "Chief of staff", "summary": "Away."}])
    assert str(ladder_svg(out)) == str(ladder_svg(forked()))
    assert "Product marketing" not in ladder_svg(out)


def test_promotions_written_as_moves_are_arrows_and_next_steps() -> None:
    ladder = forked(ic4=[{"to": "m4", "kind": "transfer"}], ic3=[{"to": "m4", "kind": "promotion"}])
    root = parse(ladder_svg(ladder, highlight=ladder.level("ic3")))
    assert len(arrows(root)) == 6
    assert len([r for r in boxes(root) if r.get("stroke") == Palette().accent]) == 2  # ic4 and m4
    assert {"You are here", "Next step", "Transfer"} <= set(texts(root))


def families_ladder() -> Ladder:
    """Three tracks, listed ic, m, d: ic and d of family "Product", m of "Engineering"."""
    tracks = [
        {"id": "ic", "name": "IC", "short_name": "IC", "summary": "S.", "family": "product"},
        {"id": "m", "name": "Eng", "short_name": "Eng", "summary": "S.", "family": "engineering"},
        {"id": "d", "name": "Design", "short_name": "Des", "summary": "S.", "family": "product"},
    ]
    levels = [level("p1", 1, ("ic",), leads_to=["p2"]), level("p2", 2, ("ic",)), level("e1", 1, ("m",))]
    levels.append(level("d1", 1, ("d",)))
    families = [{"id": "product", "name": "Product"}, {"id": "engineering", "name": "Engineering"}]
    base = make_ladder(levels[:2], tracks=("ic",)).model_dump()
    return Ladder.model_validate({**base, "tracks": tracks, "levels": levels, "families": families})


def test_tracks_are_grouped_by_family_under_the_family_name() -> None:
    root = parse(ladder_svg(families_ladder()))
    labels = {t.text: (float(t.get("x", 0)), float(t.get("y", 0))) for t in root.iter(f"{SVG}text")}
    assert {"Product", "Engineering", "IC", "ENG", "DES"} <= set(labels)
    assert labels["Product"][1] < labels["IC"][1]  # the family's name above its tracks
    assert labels["IC"][0] < labels["DES"][0] < labels["ENG"][0]  # design moves next to IC, its family
    assert labels["IC"][0] < labels["Product"][0] < labels["DES"][0]  # centred over its two tracks
    one_family = families_ladder()
    shown = [one_family.level("p1"), one_family.level("d1")]
    assert "Product" not in texts(parse(ladder_svg(one_family, shown)))  # one family drawn: no family row


# --------------------------------------------------------------------------- highlight, selection, palette


def test_a_highlighted_level_and_its_next_steps_are_marked() -> None:
    ladder = forked()
    palette = Palette()
    root = parse(ladder_svg(ladder, highlight=ladder.level("b")))
    filled = [r for r in boxes(root) if r.get("fill") == palette.primary]
    assert len(filled) == 1
    next_steps = [r for r in boxes(root) if r.get("stroke") == palette.accent]
    assert len(next_steps) == 2
    assert "You are here" in texts(root) and "Next step" in texts(root)
    assert (root.get("aria-label") or "").endswith("You are here: T-b (L2).")
    top = parse(ladder_svg(ladder, highlight=ladder.level("ic4")))
    assert "You are here" in texts(top) and "Next step" not in texts(top)
    assert float(top.get("height", "0").removesuffix("mm")) > float(
        parse(ladder_svg(ladder)).get("height", "0").removesuffix("mm")
    )


def test_only_the_selected_levels_are_drawn() -> None:
    ladder = forked()
    root = parse(ladder_svg(ladder, [ladder.level("a"), ladder.level("b"), ladder.level("ic3")]))
    assert len(boxes(root)) == 3
    assert len(arrows(root)) == 2
    assert "M3" not in texts(root)
    assert ladder_svg(ladder, []) == ""


def test_a_palette_colours_the_drawing() -> None:
    palette = Palette(primary="#14532d", accent="#b45309", font="lp-brand-body, sans-serif")
    ladder = forked()
    svg = ladder_svg(ladder, highlight=ladder.level("a"), palette=palette)
    root = parse(svg)
    assert root.get("font-family") == "lp-brand-body, sans-serif"
    assert any(r.get("fill") == "#14532d" for r in boxes(root))
    assert "#1c2f4a" not in svg  # the default primary is gone


def test_text_from_content_is_escaped() -> None:
    ladder = make_ladder([level("a", 1, code="<b>&", short_title='"Lead" & <i>co</i>'), level("b", 2)], tracks=("ic",))
    svg = ladder_svg(ladder, highlight=ladder.level("a"))
    root = parse(svg)
    assert "<b>" not in svg and "<i>" not in svg
    assert "<b>&" in texts(root)
    assert '"Lead" & <i>co</i>' in texts(root)
    assert "You are here: &quot;Lead&quot; &amp; &lt;i&gt;co&lt;/i&gt; (&lt;b&gt;&amp;)." in svg


def test_code_labels_only() -> None:
    ladder = forked()
    shown = texts(parse(ladder_svg(ladder, labels="code", width=60)))
    assert "IC3" in shown and "T-b" not in shown and "T-ic3" not in shown


# --------------------------------------------------------------------------- scale


def twenty() -> Ladder:
    """Four shared levels, then eight on each of two tracks: 20 levels, 12 ranks."""
    levels = [level(f"s{r}", r, ("ic", "m"), leads_to=[f"s{r + 1}"] if r < 4 else ["ic5", "m5"]) for r in range(1, 5)]
    for track in ("ic", "m"):
        levels += [
            level(f"{track}{r}", r, (track,), leads_to=[f"{track}{r + 1}"] if r < 12 else [], years=[r, r + 2])
            for r in range(5, 13)
        ]
    return make_ladder(levels)


def test_twenty_levels_are_drawn_whole() -> None:
    ladder = twenty()
    assert len(ladder.levels) == 20
    root = parse(ladder_svg(ladder))
    assert len(boxes(root)) == 20
    assert len(arrows(root)) == 3 + 2 + 7 * 2
    height = float(root.get("height", "0").removesuffix("mm"))
    assert height == pytest.approx(7 + 12 * 13 + 1, abs=0.1)


def test_a_long_ladder_shrinks_to_fit_and_drops_to_code_labels() -> None:
    ladder = twenty()
    root = parse(ladder_svg(ladder, max_height=100))
    assert float(root.get("height", "0").removesuffix("mm")) <= 100
    assert len(boxes(root)) == 20
    assert "T-s1" not in texts(root) and "IC12" in texts(root)  # short titles are dropped below 10 mm rows
    for rect in boxes(root):
        assert float(rect.get("width", 0)) > 0 and float(rect.get("height", 0)) > 0


def test_boxes_never_overlap_at_twenty_levels() -> None:
    root = parse(ladder_svg(twenty(), width=80, highlight=twenty().level("ic7")))
    rects = [
        (float(r.get("x", 0)), float(r.get("y", 0)), float(r.get("width", 0)), float(r.get("height", 0)))
        for r in boxes(root)
    ]
    assert len(rects) == 20
    for i, (x, y, w, h) in enumerate(rects):
        for x2, y2, w2, h2 in rects[i + 1 :]:
            assert x + w <= x2 or x2 + w2 <= x or y + h <= y2 or y2 + h2 <= y


# --------------------------------------------------------------------------- label widths


def test_label_widths_come_from_the_font_file() -> None:
    measured = TextWidths({400: FONTS / "Inter-Regular.otf", 700: FONTS / "Inter-Bold.otf"})
    average = TextWidths({})
    assert measured.width("WWW", 10, 400) > measured.width("iii", 10, 400)
    assert average.width("WWW", 10, 400) == average.width("iii", 10, 400) == pytest.approx(3 * 0.55 * 10 * 0.3528)
    assert measured.width("Label", 10, 700) > measured.width("Label", 10, 400)
    assert measured.width("Label", 20, 400) == pytest.approx(2 * measured.width("Label", 10, 400))


def test_a_file_that_is_not_a_font_falls_back_to_average_widths(tmp_path: Path) -> None:
    broken = tmp_path / "broken.otf"
    broken.write_bytes(b"not a font")
    assert TextWidths({400: broken}).width("abc", 10, 400) == TextWidths({}).width("abc", 10, 400)
