"""`python -m scoring`: validate questionnaires, score one answer file, or score a CSV in batch."""

import sys

from scoring.cli import main

sys.exit(main())
