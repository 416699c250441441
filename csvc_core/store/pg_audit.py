"""The server's part of the audit trail and of row integrity on PostgreSQL.

A workstation of a shared store does not hold the key of the chain: the server does. :func:`install` (run by
``init_store`` and ``csvc store upgrade``; idempotent) creates, in the store's database:

- ``audit_server_key``: a random key that only the owner of the tables may read;
- a ``BEFORE INSERT`` trigger on ``audit_log`` that takes a transaction-level advisory lock, then assigns
  ``seq``, ``at`` (server time), ``prev_hash`` and ``hash = HMAC(key, canonical || prev_hash)``
  (``pgcrypto``), and moves the organisation's checkpoint (``audit_checkpoints``) to the new entry;
- triggers that refuse any ``UPDATE``, ``DELETE`` or ``TRUNCATE`` of ``audit_log``;
- ``BEFORE INSERT OR UPDATE`` triggers that seal the meaningful columns of cases, users, assessments and
  disclosures (``integrity``, :mod:`csvc_core.store.integrity`);
- ``csvc_audit_verify()`` and ``csvc_integrity_check()``, which recompute chain, checkpoints and MACs.

The functions that read the key are ``SECURITY DEFINER`` with a fixed ``search_path``; the roles that
staff log in with get ``SELECT``/``INSERT`` on ``audit_log`` and nothing on ``audit_server_key``. Entries
written before the server took over the chain (a store of an older csvc) stay linked by ``prev_hash``; the
head at that moment is recorded with the key (``since_seq``, ``since_hash``).
"""

from __future__ import annotations

import attrs
from sqlalchemy import Connection, select, text

from csvc_core.errors import OperationFailed
from csvc_core.store.audit import EMPTY, Anchor, AuditReport, against_anchor
from csvc_core.store.integrity import SEALED
from csvc_core.store.schema import audit_log

#: the advisory lock held, from the first audit entry of a transaction to its commit, while it is appended.
APPEND_LOCK = 0x63737661  # "csva"
#: tables of the server's own, outside the schema the migrations describe.
SERVER_TABLES = frozenset({"audit_server_key"})

_SETUP = r"""
CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA public;

CREATE TABLE IF NOT EXISTS audit_server_key (
    id integer PRIMARY KEY CHECK (id = 1),
    key bytea NOT NULL,
    since_seq integer NOT NULL,
    since_hash varchar(64) NOT NULL
);
REVOKE ALL ON audit_server_key FROM PUBLIC;
REVOKE ALL ON audit_checkpoints FROM PUBLIC;

INSERT INTO audit_server_key (id, key, since_seq, since_hash)
SELECT 1, public.gen_random_bytes(32),
       coalesce((SELECT max(seq) FROM audit_log), 0),
       coalesce((SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1), repeat('0', 64))
ON CONFLICT (id) DO NOTHING;

CREATE OR REPLACE FUNCTION csvc_audit_mac(secret bytea, entry audit_log) RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, public AS $$
    SELECT encode(public.hmac(convert_to(
        json_build_array(entry.seq, to_char(entry.at, 'YYYY-MM-DD"T"HH24:MI:SS.US'), entry.user_id,
                         entry.org_id, entry.action, entry.case_id, entry.detail)::text || entry.prev_hash,
        'UTF8'), secret, 'sha256'), 'hex')
$$;

CREATE OR REPLACE FUNCTION csvc_checkpoint_mac(secret bytea, org text, seq integer, digest text) RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, public AS $$
    SELECT encode(public.hmac(convert_to('checkpoint:' || org || ':' || seq || ':' || digest, 'UTF8'),
                              secret, 'sha256'), 'hex')
$$;

CREATE OR REPLACE FUNCTION csvc_row_mac(secret bytea, tbl text, r jsonb, columns text[]) RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, public AS $$
    SELECT encode(public.hmac(convert_to(
        (jsonb_build_array(tbl) || coalesce(
            (SELECT jsonb_agg(r -> c ORDER BY n) FROM unnest(columns) WITH ORDINALITY AS t(c, n)),
            '[]'::jsonb))::text,
        'UTF8'), secret, 'sha256'), 'hex')
$$;

REVOKE ALL ON FUNCTION csvc_audit_mac(bytea, audit_log) FROM PUBLIC;
REVOKE ALL ON FUNCTION csvc_checkpoint_mac(bytea, text, integer, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION csvc_row_mac(bytea, text, jsonb, text[]) FROM PUBLIC;

CREATE OR REPLACE FUNCTION csvc_audit_chain() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    secret bytea;
    head_seq integer;
    head_hash text;
    writer_id text;
    writer_org text;
BEGIN
    -- a staff member's login writes entries in her own name and organisation only
    IF to_regclass('csvc_private.logins') IS NOT NULL THEN
        SELECT u.id, u.org_id INTO writer_id, writer_org
            FROM csvc_private.logins l JOIN users u ON u.id = l.user_id WHERE l.role = session_user;
        IF FOUND AND (NEW.user_id IS DISTINCT FROM writer_id OR NEW.org_id IS DISTINCT FROM writer_org) THEN
            RAISE EXCEPTION 'csvc: an audit entry names the user who writes it and her organisation'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
    END IF;
    PERFORM pg_advisory_xact_lock({lock});
    SELECT key INTO STRICT secret FROM audit_server_key WHERE id = 1;
    SELECT seq, hash INTO head_seq, head_hash FROM audit_log ORDER BY seq DESC LIMIT 1;
    NEW.seq := coalesce(head_seq, 0) + 1;
    NEW.prev_hash := coalesce(head_hash, repeat('0', 64));
    NEW.at := date_trunc('microseconds', clock_timestamp() AT TIME ZONE 'UTC');
    NEW.hash := csvc_audit_mac(secret, NEW);
    INSERT INTO audit_checkpoints (org_id, seq, hash, mac)
    VALUES (coalesce(NEW.org_id, ''), NEW.seq, NEW.hash,
            csvc_checkpoint_mac(secret, coalesce(NEW.org_id, ''), NEW.seq, NEW.hash))
    ON CONFLICT (org_id) DO UPDATE SET seq = EXCLUDED.seq, hash = EXCLUDED.hash, mac = EXCLUDED.mac;
    RETURN NEW;
END
$$;

CREATE OR REPLACE FUNCTION csvc_audit_refuse() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE OR REPLACE FUNCTION csvc_integrity_seal() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    secret bytea;
BEGIN
    SELECT key INTO STRICT secret FROM audit_server_key WHERE id = 1;
    NEW.integrity := csvc_row_mac(secret, TG_TABLE_NAME::text, to_jsonb(NEW), TG_ARGV);
    RETURN NEW;
END
$$;

DROP TRIGGER IF EXISTS audit_log_chain ON audit_log;
CREATE TRIGGER audit_log_chain BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION csvc_audit_chain();
DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION csvc_audit_refuse();
DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log;
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION csvc_audit_refuse();
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM PUBLIC;

-- a store of an older csvc: each organisation of the trail gets its checkpoint at its last entry
INSERT INTO audit_checkpoints (org_id, seq, hash, mac)
SELECT DISTINCT ON (coalesce(a.org_id, '')) coalesce(a.org_id, ''), a.seq, a.hash,
       csvc_checkpoint_mac(k.key, coalesce(a.org_id, ''), a.seq, a.hash)
FROM audit_log a CROSS JOIN audit_server_key k
ORDER BY coalesce(a.org_id, ''), a.seq DESC
ON CONFLICT (org_id) DO NOTHING;

CREATE OR REPLACE FUNCTION csvc_audit_verify()
RETURNS TABLE (ok boolean, entries integer, first_bad integer, problem text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    secret bytea;
    since integer;
    since_digest text;
    r audit_log;
    c audit_checkpoints;
    expected integer := 1;
    prev text := repeat('0', 64);
    n integer := 0;
    last_seq integer;
    last_hash text;
    orphan text;
BEGIN
    SELECT k.key, k.since_seq, k.since_hash INTO STRICT secret, since, since_digest
    FROM audit_server_key k WHERE k.id = 1;
    FOR r IN SELECT * FROM audit_log ORDER BY seq LOOP
        IF r.seq > expected THEN
            RETURN QUERY SELECT false, n, expected,
                format('entry %s: missing (the sequence jumps from %s to %s)', expected, expected - 1, r.seq);
            RETURN;
        ELSIF r.seq < expected THEN
            RETURN QUERY SELECT false, n, r.seq, format('entry %s: out of order or duplicated', r.seq);
            RETURN;
        ELSIF r.prev_hash <> prev THEN
            RETURN QUERY SELECT false, n, r.seq, format(
                'entry %s: not chained to entry %s '
                '(entries removed, replaced or reordered)', r.seq, r.seq - 1);
            RETURN;
        ELSIF r.seq > since AND r.hash <> csvc_audit_mac(secret, r) THEN
            RETURN QUERY SELECT false, n, r.seq, format('entry %s: altered (its HMAC does not match)', r.seq);
            RETURN;
        ELSIF r.seq = since AND r.hash <> since_digest THEN
            RETURN QUERY SELECT false, n, r.seq, format(
                'entry %s: differs from the head recorded when the server took over the chain', r.seq);
            RETURN;
        END IF;
        prev := r.hash;
        expected := expected + 1;
        n := n + 1;
    END LOOP;
    IF n < since THEN
        RETURN QUERY SELECT false, n, n + 1, format(
            'entry %s: missing — the trail ends at entry %s '
            'but the server took it over at entry %s', n + 1, n, since);
        RETURN;
    END IF;
    FOR c IN SELECT * FROM audit_checkpoints ORDER BY seq LOOP
        IF c.mac <> csvc_checkpoint_mac(secret, c.org_id, c.seq, c.hash) THEN
            RETURN QUERY SELECT false, n, c.seq, format(
                'checkpoint of organisation %s: altered (its HMAC does not match)',
                coalesce(nullif(c.org_id, ''), '-'));
            RETURN;
        ELSIF c.seq > n THEN
            RETURN QUERY SELECT false, n, n + 1, format(
                'entry %s: missing — the trail ends at entry %s '
                'but organisation %s has a checkpoint at entry %s (entries deleted)',
                n + 1, n, coalesce(nullif(c.org_id, ''), '-'), c.seq);
            RETURN;
        END IF;
        SELECT a.seq, a.hash INTO last_seq, last_hash FROM audit_log a
        WHERE coalesce(a.org_id, '') = c.org_id ORDER BY a.seq DESC LIMIT 1;
        IF last_seq IS DISTINCT FROM c.seq OR last_hash IS DISTINCT FROM c.hash THEN
            RETURN QUERY SELECT false, n, c.seq, format(
                'entry %s: differs from the checkpoint of organisation %s '
                '(entries deleted or replaced, or the checkpoint rolled back)',
                c.seq, coalesce(nullif(c.org_id, ''), '-'));
            RETURN;
        END IF;
    END LOOP;
    SELECT coalesce(a.org_id, '') INTO orphan FROM audit_log a
    WHERE NOT EXISTS (SELECT 1 FROM audit_checkpoints p WHERE p.org_id = coalesce(a.org_id, '')) LIMIT 1;
    IF FOUND THEN
        RETURN QUERY SELECT false, n, NULL::integer, format(
            'organisation %s: entries but no checkpoint (checkpoints removed)',
            coalesce(nullif(orphan, ''), '-'));
        RETURN;
    END IF;
    RETURN QUERY SELECT true, n, NULL::integer, NULL::text;
END
$$;
"""


def _seal_triggers() -> str:
    statements = []
    for table, columns in SEALED.items():
        arguments = ", ".join(f"'{column}'" for column in columns)
        statements.append(
            f"DROP TRIGGER IF EXISTS {table}_integrity ON {table};\n"
            f"CREATE TRIGGER {table}_integrity BEFORE INSERT OR UPDATE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION csvc_integrity_seal({arguments});\n"
            f"UPDATE {table} SET integrity = NULL WHERE integrity IS NULL;"
        )
    checks = "\n".join(
        f"    SELECT '{table}', t.id INTO bad_table, bad_id FROM {table} t\n"
        "    WHERE t.integrity IS DISTINCT FROM "
        f"csvc_row_mac(secret, '{table}', to_jsonb(t), ARRAY[{', '.join(repr(c) for c in columns)}]) "
        "ORDER BY t.id LIMIT 1;\n"
        "    IF FOUND THEN RETURN QUERY SELECT bad_table, bad_id, 'altered'::text; RETURN; END IF;"
        for table, columns in SEALED.items()
    )
    statements.append(
        "CREATE OR REPLACE FUNCTION csvc_integrity_check() RETURNS TABLE (tbl text, row_id text, kind text)\n"
        "LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$\n"
        "DECLARE secret bytea; bad_table text; bad_id text;\nBEGIN\n"
        "    SELECT key INTO STRICT secret FROM audit_server_key WHERE id = 1;\n"
        f"{checks}\n"
        "    SELECT 'disclosures', a.detail::jsonb ->> 'disclosure' INTO bad_table, bad_id FROM audit_log a\n"
        "    WHERE a.action = 'disclosure.create'\n"
        "      AND NOT EXISTS (SELECT 1 FROM disclosures d WHERE d.id = a.detail::jsonb ->> 'disclosure')\n"
        "      AND NOT EXISTS (SELECT 1 FROM audit_log p\n"
        "                      WHERE p.action = 'case.purge' AND p.case_id = a.case_id)\n"
        "    ORDER BY a.seq LIMIT 1;\n"
        "    IF FOUND THEN RETURN QUERY SELECT bad_table, bad_id, 'deleted'::text; RETURN; END IF;\n"
        "END\n$$;"
    )
    return "\n".join(statements)


def install(connection: Connection) -> None:
    """Create or refresh the server's chain, checkpoints, append-only rules and row seals (idempotent)."""
    _run(connection, _SETUP.replace("{lock}", str(APPEND_LOCK)) + "\n" + _seal_triggers())


_UNINSTALL = """
DROP TRIGGER IF EXISTS audit_log_chain ON audit_log;
DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log;
DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log;
{seals}
DROP FUNCTION IF EXISTS csvc_audit_verify();
DROP FUNCTION IF EXISTS csvc_integrity_check();
DROP FUNCTION IF EXISTS csvc_audit_chain();
DROP FUNCTION IF EXISTS csvc_audit_refuse();
DROP FUNCTION IF EXISTS csvc_integrity_seal();
DROP FUNCTION IF EXISTS csvc_audit_mac(bytea, audit_log);
DROP FUNCTION IF EXISTS csvc_checkpoint_mac(bytea, text, integer, text);
DROP FUNCTION IF EXISTS csvc_row_mac(bytea, text, jsonb, text[]);
"""


def uninstall(connection: Connection) -> None:
    """Remove the triggers and functions (the schema taken back below the revision that brought them); the
    server key stays, so that the entries it signed can still be verified after an upgrade again."""
    seals = "\n".join(f"DROP TRIGGER IF EXISTS {table}_integrity ON {table};" for table in SEALED)
    _run(connection, _UNINSTALL.replace("{seals}", seals))


def _run(connection: Connection, sql: str) -> None:
    cursor = connection.connection.cursor()  # the driver's own: no parameter parsing of the % in format()
    try:
        cursor.execute(sql)
    finally:
        cursor.close()


@attrs.frozen
class ServerReport:
    ok: bool
    entries: int
    first_bad: int | None
    problem: str | None


def verify(connection: Connection) -> ServerReport:
    """The server's recomputation of the chain and the checkpoints."""
    row = connection.execute(text("SELECT * FROM csvc_audit_verify()")).one()
    return ServerReport(bool(row.ok), int(row.entries), row.first_bad, row.problem)


def verify_with_anchor(connection: Connection, anchor: Anchor) -> AuditReport:
    """The server's verdict, then this workstation's anchor: the entry it names must still be there, unchanged
    (a trail with entries and no anchor here is reported: nothing outside the database vouches for it)."""
    try:
        anchored = anchor.read()
    except OperationFailed as exc:
        return AuditReport(False, 0, None, str(exc))
    server = verify(connection)
    at_anchor = anchored.seq if anchored else None
    if not server.ok:
        return AuditReport(False, server.entries, server.first_bad, server.problem, at_anchor)
    count = server.entries
    if not count:
        return AuditReport(False, 0, 1, EMPTY, at_anchor)
    digest = None
    if anchored is not None:
        digest = connection.execute(select(audit_log.c.hash).where(audit_log.c.seq == anchored.seq)).scalar()
    return against_anchor(count, anchored, digest, anchor.path, "or this workstation never used the store")


def integrity_check(connection: Connection) -> tuple[str, str, str] | None:
    """The server's recomputation of the row seals: (table, id, altered|deleted) of the first bad row."""
    row = connection.execute(text("SELECT * FROM csvc_integrity_check()")).first()
    return None if row is None else (row.tbl, row.row_id, row.kind)
