"""``python -m worker`` runs the callscore CLI."""

import sys

from worker.cli import main

sys.exit(main())
