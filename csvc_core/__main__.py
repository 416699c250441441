"""``python -m csvc_core`` runs the CLI."""

from csvc_core.cli import main

main()
