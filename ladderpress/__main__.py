import sys

from ladderpress.cli import main

sys.exit(main())
