#!/usr/bin/env bash
# Set up ladderpress on Debian: the system libraries WeasyPrint needs (only those
# missing), then a virtual environment in .venv with the project installed.
# Safe to run again; run as root or as a user who may sudo.
set -euo pipefail
cd "$(dirname "$0")"

# pango for text layout, libharfbuzz-subset0 for fast, byte-identical font subsetting,
# DejaVu as the fallback font, Noto for names in every other script (Chinese, Japanese, Korean,
# Arabic, Hebrew, Devanagari, Thai, …; about 130 MB), poppler-utils (pdftoppm, pdffonts) and qpdf
# to look at and check the output.
packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-noto-core fonts-noto-cjk
  poppler-utils qpdf)
if ! python3 -c "import venv, ensurepip" 2>/dev/null; then
  packages+=(python3-venv)
fi
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing system packages: ${missing[*]}"
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'
echo "ready: .venv/bin/python build.py"
