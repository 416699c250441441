"""``python -m csvc_core`` runs the CLI."""

import sys

from csvc_core.cli import main

sys.exit(main())
