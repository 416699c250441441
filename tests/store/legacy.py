"""A store as a csvc before keys per organisation left it: every value sealed under one store data key, that
key wrapped under each user's passphrase, the schema at an older revision (for the upgrade tests)."""

from __future__ import annotations

from alembic import command
from sqlalchemy import select, update

from csvc_core.store import Store, crypto, keyring, migrate
from csvc_core.store.disclosures import disclosure_digest
from csvc_core.store.people import private_key_of
from csvc_core.store.schema import disclosures, key_grants, users
from csvc_core.store.sealed import CASE, CONCERTATION, DRAFTS, RECORDS


def as_older_csvc(store: Store, passphrase: str, revision: str) -> bytes:
    """Re-seal every value of ``store`` (every user's passphrase is ``passphrase``) under one data key, wrap
    it for each user, then take the schema back to ``revision``; returns the data key."""
    data_key = crypto.new_data_key()
    with store.engine.begin() as connection:
        people = connection.execute(select(users)).all()
        private = {person.id: private_key_of(person, passphrase) for person in people}
        grants = connection.execute(select(key_grants)).all()

        def opened(scope: str) -> bytes:
            for grant in grants:
                if grant.scope != scope:
                    continue
                kind, _, holder = grant.holder.partition(":")
                key = private.get(holder) if kind == "user" else org_private(holder)
                found = crypto.open_sealed(key, grant.wrapped, keyring.grant_aad(scope, grant.holder))
                if key is not None and found is not None:
                    return found
            raise AssertionError(f"no grant opens {scope}")

        def org_private(org_id: str) -> bytes:
            return opened(keyring.of_org(org_id))

        for spec in (*CASE, *CONCERTATION):
            for row in spec.rows(connection):
                spec.rewrite(connection, row, opened(spec.scope(row.owner)), data_key)
        for spec in RECORDS:
            for row in spec.rows(connection):
                spec.rewrite(
                    connection, row, keyring.records_key(org_private(row.owner), row.owner), data_key
                )
        for row in DRAFTS.rows(connection):
            DRAFTS.rewrite(connection, row, keyring.self_key(private[row.owner], row.owner), data_key)
        for person in people:
            kek = crypto.derive_kek(
                passphrase, person.kek_salt, crypto.KdfParams.from_json(person.kek_params)
            )
            wrapped = crypto.wrap_key(data_key, kek, person.id)
            connection.execute(update(users).where(users.c.id == person.id).values(wrapped_key=wrapped))
        for row in connection.execute(select(disclosures)).all():
            older = {k: v for k, v in row._mapping.items() if k != "recipient_ct"}
            connection.execute(
                update(disclosures).where(disclosures.c.id == row.id).values(digest=disclosure_digest(older))
            )
        command.downgrade(migrate.alembic_config(connection), revision)
    return data_key
