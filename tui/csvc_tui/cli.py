"""``csvc tui`` (and ``csvc`` alone): open the terminal UI on the store.

The language is settled here, before the app is built (it sets the language's keys).
Nothing of a case is printed: the UI runs on the terminal's alternate screen and leaves nothing behind.
"""

from __future__ import annotations

import click

from csvc_core.i18n import languages
from csvc_tui.settings import THEMES


@click.command()
@click.option(
    "--store",
    "store_url",
    default=None,
    help="Store URL (default: $CSVC_STORE, else SQLite in the user data folder).",
)
@click.option("--lang", type=click.Choice(languages()), default=None, help="Langue / language (default: fr).")
@click.option("--user", default=None, help="User name (default: $CSVC_USER).")
@click.option(
    "--lock-after",
    type=float,
    default=None,
    help="Minutes without a key before locking (0: never; default 10).",
)
@click.option(
    "--theme", type=click.Choice(THEMES), default=None, help="csvc, or csvc-contrast (high contrast)."
)
def tui(
    store_url: str | None, lang: str | None, user: str | None, lock_after: float | None, theme: str | None
) -> None:
    """Interface terminal / terminal UI."""
    from csvc_tui.settings import load_settings
    from csvc_tui.text import set_language

    settings = load_settings(
        lang=lang, lock_after=None if lock_after is None else lock_after * 60, theme=theme
    )
    set_language(settings.lang)
    from csvc_tui.app import build_app
    from csvc_tui.workspace import Workspace

    workspace = Workspace(store_url, user=user)
    build_app(settings, workspace).run()
