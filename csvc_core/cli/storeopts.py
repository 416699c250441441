"""Options and helpers shared by the store commands: ``--store``, ``--user``, the passphrase."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import click

from csvc_core.errors import BadInput
from csvc_core.i18n import t

if TYPE_CHECKING:
    from csvc_core.store import StoreSession

ENV_USER = "CSVC_USER"
ENV_PASSPHRASE = "CSVC_PASSPHRASE"

store_option = click.option(
    "--store",
    "store_url",
    default=None,
    metavar="URL",
    help="sqlite:///ABSOLUTE/PATH.db or postgresql://USER@HOST:PORT/DB "
    "(default: $CSVC_STORE, else the user data folder).",
)
user_option = click.option(
    "--user", "user_name", default=None, metavar="NAME", help="Acting user (default: $CSVC_USER)."
)


def store_command(function: Any) -> Any:
    """Add ``--store`` and ``--user`` to a command."""
    return store_option(user_option(function))


def acting_user(user_name: str | None) -> str:
    name = user_name or os.environ.get(ENV_USER)
    if not name:
        raise BadInput(key="error.store.user_needed", variable=ENV_USER)
    return name


def passphrase_for(user_name: str, lang: str = "fr", *, new: bool = False) -> str:
    """``$CSVC_PASSPHRASE`` when set, else a prompt that does not echo (twice for a new passphrase)."""
    value = os.environ.get(ENV_PASSPHRASE)
    if value:
        return value
    prompt = t("store.prompt_new", lang, user=user_name) if new else t("store.prompt", lang, user=user_name)
    return str(click.prompt(prompt, hide_input=True, confirmation_prompt=new, err=True))


@contextlib.contextmanager
def unlocked(store_url: str | None, user_name: str | None, lang: str = "fr") -> Iterator[StoreSession]:
    """Open the store and unlock it as the acting user; the key is dropped and the store closed after."""
    from csvc_core.framework import Csvc
    from csvc_core.store import open_store

    name = acting_user(user_name)
    store = open_store(store_url, csvc=Csvc.load())
    try:
        if store.read_only_reason:
            click.echo(t("store.read_only", lang, reason=store.read_only_reason.text(lang)), err=True)
        session = store.unlock(name, passphrase_for(name, lang))
        try:
            yield session
        finally:
            session.lock()
    finally:
        store.close()
