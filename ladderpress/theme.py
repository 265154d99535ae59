"""A brand turned into what the renderer and printer use: CSS custom properties,
``@font-face`` rules for the brand's own font files, and the diagram's palette.

Stylesheets only ever read the tokens (``--brand-primary``, ``--font-body``, …), so a
brand restyles every document without a line of CSS.
"""

from __future__ import annotations

from pathlib import Path

from ladderpress.diagram import Palette
from ladderpress.load import LoadedBrand
from ladderpress.model import MIN_CONTRAST, FontFiles, contrast

FALLBACK_FONTS = '"lp-inter", "Noto Sans Arabic", "Noto Sans Hebrew", "DejaVu Sans", sans-serif'
SERIF_FALLBACK_FONTS = (
    '"Noto Serif", "Noto Naskh Arabic", "Noto Serif Hebrew", "Noto Serif Devanagari", "Noto Serif Thai", '
    '"lp-inter", "Noto Serif CJK JP", "DejaVu Serif", serif'
)
"""After a serif brand font: letters it lacks are set in serif faces, not in Inter (Pango falls back glyph
by glyph, down the list). Inter comes before the CJK face, for the arrows and symbols the serif faces
lack: Noto Serif CJK has them too, and would otherwise add a CJK font to every document."""
FAMILY = {"body": "lp-brand-body", "heading": "lp-brand-heading"}
"""The brand's fonts are declared under these names, never under their own: a font of the same
name installed on the machine could otherwise fill in weights the brand does not ship."""


def brand_css(loaded: LoadedBrand) -> str:
    """The stylesheet that applies ``loaded``'s colours and fonts; url()s are relative to its folder."""
    brand = loaded.brand
    colours = brand.colours
    lines = []
    if brand.fonts:
        for role in ("body", "heading"):
            family = getattr(brand.fonts, role)
            for path, weight, style in family.faces() if family else ():
                lines.append(
                    f"@font-face {{ font-family: {FAMILY[role]}; font-weight: {weight}; "
                    f"font-style: {style}; src: url({css_string(path)}); }}"
                )
    tokens = {
        "--brand-primary": colours.primary,
        "--brand-accent": colours.accent,
        "--accent-soft": mix(colours.accent, "#ffffff", 0.88),
        "--text": colours.text,
        "--on-primary-soft": readable_tint(colours.primary),
        "--on-primary-rule": mix(colours.primary, "#ffffff", 0.4),
    }
    if brand.fonts:
        body, heading = brand.fonts.body, brand.fonts.heading or brand.fonts.body
        heading_name = FAMILY["heading"] if brand.fonts.heading else FAMILY["body"]
        tokens["--font-body"] = f"{FAMILY['body']}, {fallbacks(body)}"
        tokens["--font-heading"] = f"{heading_name}, {fallbacks(heading)}"
    lines.append(":root {")
    lines += [f"  {name}: {value};" for name, value in tokens.items()]
    lines.append("}")
    return "\n".join(lines) + "\n"


def fallbacks(family: FontFiles) -> str:
    """The fonts that set what a brand family lacks: of its own kind (see :attr:`FontFiles.style`)."""
    return SERIF_FALLBACK_FONTS if family.style == "serif" else FALLBACK_FONTS


def css_string(text: str) -> str:
    """``text`` as a quoted CSS string: quotes, backslashes and control characters escaped the CSS way
    (``\\22 ``), every other character as itself (the stylesheet is Unicode, so ``Lató`` stays ``Lató``)."""
    escaped = "".join(f"\\{ord(ch):x} " if ch in '"\\' or ord(ch) < 0x20 or ord(ch) == 0x7F else ch for ch in text)
    return f'"{escaped}"'


def palette(loaded: LoadedBrand | None) -> Palette:
    """The diagram's colours and font: the brand's, or the defaults."""
    if loaded is None:
        return Palette()
    brand = loaded.brand
    font = f"{FAMILY['body']}, " if brand.fonts else ""
    return Palette(
        primary=brand.colours.primary,
        accent=brand.colours.accent,
        text=brand.colours.text,
        font=f"{font}lp-inter, DejaVu Sans, sans-serif",
    )


BUILTIN_FACES = {400: "Inter-Regular.otf", 500: "Inter-Medium.otf", 600: "Inter-SemiBold.otf", 700: "Inter-Bold.otf"}
"""The files behind "lp-inter" (styles/base.css), by weight."""


def font_faces(loaded: LoadedBrand | None, style_dirs: tuple[Path, ...]) -> dict[int, Path]:
    """The upright font files of the diagram's font by weight: the brand's body font, else Inter."""
    if loaded is not None and loaded.brand.fonts:
        return {
            weight: loaded.file(path) for path, weight, style in loaded.brand.fonts.body.faces() if style == "normal"
        }
    faces = {}
    for weight, name in BUILTIN_FACES.items():
        found = next((d / "fonts" / name for d in style_dirs if (d / "fonts" / name).is_file()), None)
        if found is not None:
            faces[weight] = found
    return faces


def readable_tint(primary: str) -> str:
    """A soft white for secondary text on the primary colour (a cover's subtitle): a tint of it, made
    lighter until it reads at 4.5:1 (white always does: the brand's check requires it)."""
    for amount in (0.8, 0.85, 0.9, 0.95, 1.0):
        tint = mix(primary, "#ffffff", amount)
        if contrast(tint, primary) >= MIN_CONTRAST:
            return tint
    return "#ffffff"


def mix(colour: str, other: str, amount: float) -> str:
    """``colour`` moved ``amount`` (0–1) of the way towards ``other``: a tint for backgrounds."""
    channels = [
        round(int(colour[i : i + 2], 16) * (1 - amount) + int(other[i : i + 2], 16) * amount) for i in (1, 3, 5)
    ]
    return "#" + "".join(f"{c:02x}" for c in channels)
