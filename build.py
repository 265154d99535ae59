#!/usr/bin/env python3
"""Build every recipe in guides/ into out/. See `python build.py --help`."""

import sys

from ladderpress.cli import main

if __name__ == "__main__":
    sys.exit(main())
