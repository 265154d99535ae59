"""``ladderpress new-brand NAME``: a brand folder that builds as it is, to edit from there."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from ladderpress.errors import UsageError

BRAND_YAML = """\
# yaml-language-server: $schema=../../schemas/brand.schema.json
# The {title} brand for ladderpress. Every key is explained below; delete the optional ones
# you do not need. Build every document with it:   ladderpress build --brand brands/{name}

# The company name: on covers, in headers, and as the PDFs' author.
name: {title}

# A logo file in this folder (SVG or PNG). Shown on covers and on documents about one level.
logo: logo.svg

# Colours as #RRGGBB. Text must stay readable, so each needs a contrast of 4.5:1 against
# white and the pale grey panels, #f3f5f8 (primary also carries white text on covers).
colours:
  primary: "#1c2f4a"   # covers, headings, the level marked "you are here"
  accent: "#2b6cb0"    # level codes, labels, rules
  text: "#1d232b"      # running text

# Optional: your fonts, as local files in this folder (.ttf, .otf, .woff or .woff2).
# Without fonts: the built-in Inter is used. Example:
# fonts:
#   body:
#     family: Lato
#     regular: fonts/Lato-Regular.ttf
#     italic: fonts/Lato-Italic.ttf
#     bold: fonts/Lato-Bold.ttf
#   heading:             # optional; the body font otherwise
#     family: Roboto Slab
#     regular: fonts/RobotoSlab-Regular.otf
#     bold: fonts/RobotoSlab-Bold.otf
#     style: serif       # letters it lacks (a name in Chinese, Arabic…) then come from serif faces

# Optional: the default paper (A4 or Letter); a recipe or --paper overrides it.
paper: A4

# Optional: a line at the foot of every page, and who to ask about the ladder.
footer: Confidential — internal use
contact: people-team@example.com

# Optional: the documents' language (hyphenation follows it), e.g. en-GB, en-US, de.
language: en-GB
"""

LOGO_SVG = """\
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 240 48" width="240" height="48">
  <title>{title}</title>
  <rect x="0" y="0" width="48" height="48" rx="10" fill="#1c2f4a"/>
  <text x="24" y="32" text-anchor="middle" font-family="Inter, sans-serif" font-size="22" font-weight="700"
        fill="#ffffff">{initials}</text>
  <text x="60" y="32" font-family="Inter, sans-serif" font-size="22" font-weight="600" fill="#1c2f4a">{title}</text>
</svg>
"""

README = """\
# The {title} brand

- `brand.yaml`: name, logo, colours, fonts, paper, footer, contact, language (comments explain each).
- `logo.svg`: a placeholder; replace it with your own SVG or PNG and keep the name in `brand.yaml` in step.
- `templates/blocks/colophon.html`: an example override. Any file here with the name of a built-in
  template (see the project's `templates/` and `templates/blocks/`) replaces that one for this brand;
  delete this one to get the built-in colophon back.
- `styles/brand.css` (create it if you need it): extra CSS applied after the built-in stylesheets.

Build with: `ladderpress build --brand brands/{name}`
"""

COLOPHON_OVERRIDE = """\
{{#- Example override made by new-brand: this replaces templates/blocks/colophon.html for the
    {title} brand only. Edit it freely, or delete it to use the built-in one. -#}}
<footer class="colophon">
  <p>{{{{ ladder.title }}}} · {{{{ company }}}}</p>
  {{% if contact %}}<p class="colophon__contact">Questions? Write to {{{{ contact }}}}</p>{{% endif %}}
  {{% if footer_line %}}<p>{{{{ footer_line }}}}</p>{{% endif %}}
</footer>
"""

NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,40}$")


def new_brand(root: Path, name: str) -> Path:
    """Create ``brands/NAME`` under ``root``; refuse bad names and existing folders."""
    if not NAME.match(name):
        raise UsageError(f"'{name}' is not a brand name; use lower-case letters, digits and hyphens, like 'acme'")
    folder = root / "brands" / name
    if (root / "brands").exists() and not (root / "brands").resolve().is_relative_to(root.resolve()):
        raise UsageError(f"{root / 'brands'} is a link to a folder outside the project; replace it with a real folder")
    if os.path.lexists(folder):
        raise UsageError(f"{folder} already exists; choose another name or edit that brand")
    title = " ".join(part.capitalize() for part in name.split("-"))
    initials = "".join(part[0] for part in name.split("-"))[:2].upper()
    (folder / "templates" / "blocks").mkdir(parents=True)
    (folder / "styles").mkdir()
    try:
        (folder / "brand.yaml").write_text(BRAND_YAML.format(name=name, title=title), encoding="utf-8")
        (folder / "logo.svg").write_text(LOGO_SVG.format(title=title, initials=initials), encoding="utf-8")
        (folder / "README.md").write_text(README.format(name=name, title=title), encoding="utf-8")
        (folder / "templates" / "blocks" / "colophon.html").write_text(
            COLOPHON_OVERRIDE.format(title=title), encoding="utf-8"
        )
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return folder


PROJECT_README = """\
# {title}: our career ladder

Built with ladderpress. Edit the YAML and Markdown here; never Python.

- `content/`: the ladder (`ladder.yaml`, `tracks.yaml`, one file per level in `content/levels/`, …)
- `guides/`: one recipe per document to build
- `examples/new-hires.csv`: a sample roster for onboarding packets
- `brands/acme/`: an example brand; make your own with `ladderpress new-brand NAME`
- `templates/`, `styles/` (optional): a file here replaces the built-in one of the same name

```sh
ladderpress                        # build every document into out/
ladderpress --watch                # rebuild on every save
ladderpress check                  # validate without printing
ladderpress --brand brands/acme    # in a brand
ladderpress --help
```
"""

STARTER = ("content", "guides", "examples", "brands/acme")


def init_project(folder: Path) -> Path:
    """A new project that builds at once: the starter ladder, recipes, roster and a brand."""
    from ladderpress.packaged import builtin_root

    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise UsageError(f"{folder} already exists and is not an empty folder; choose a new folder for the project")
    source = builtin_root()
    folder.mkdir(parents=True, exist_ok=True)
    for part in STARTER:
        shutil.copytree(source / part, folder / part)
    (folder / "README.md").write_text(PROJECT_README.format(title=folder.resolve().name), encoding="utf-8")
    (folder / ".gitignore").write_text("/out/\n", encoding="utf-8")
    from ladderpress.schema import write_schemas

    write_schemas(folder)  # the starter YAML files name these for editors; they list the starter ladder's ids
    return folder
