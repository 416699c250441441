"""What a shared PostgreSQL server enforces by itself, whatever code runs on a workstation.

:func:`install` (run by ``csvc store init`` and ``csvc store upgrade`` from a superuser URL; idempotent) sets
up, in the store's database:

- an **owner** role (NOLOGIN, CREATEROLE) that owns the tables, the view ``user_directory`` and the SECURITY
  DEFINER functions (``search_path`` pinned); an **app** role that holds the table privileges; one NOLOGIN
  **group** role per organisation, member of app; one LOGIN role per csvc user (SCRAM-SHA-256), member of her
  organisation's group (names: :mod:`csvc_core.store.pg_logins`). Only app may connect to the database.
- row-level security: a role reads the rows of the cases its organisation owns or that were shared with it
  (referral, share, consent naming it, disclosure to it, transfer from or to it, emergency access by that
  user, a concertation it takes part in), writes only the rows of its own organisation's cases, and deletes
  only what a purge needs (a coordinator or administrator, closed cases of her organisation). Assessments,
  closures, action history, events, outcomes, disclosures and the audit trail have no UPDATE privilege;
  ``cases.org_id`` and ``users.role``/``users.active`` have none either: a transfer, a change of role,
  enabling and disabling go through definer functions that check the caller and log the change in
  ``csvc_private.security_log``.
- ``users``: full rows (hashes, wrapped keys) of one's own organisation only; everyone's id, organisation,
  name and role through ``user_directory``.

What a user may see *within* a readable case (which categories, which fields) stays csvc's access decision
(:mod:`csvc_core.sharing.access`) and its keys. Row-level security is not forced on the owner: it cannot log
in and no role is its member, so only the definer functions act as it.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection, text

from csvc_core.store.access import ROLE_CHOICES
from csvc_core.store.pg_logins import role_name
from csvc_core.store.schema import metadata

# -- table privileges of the app role -----------------------------------------------------------------------
#: tables app may INSERT into (every other one: SELECT only).
INSERTABLE = frozenset(
    {
        "cases",
        "protagonists",
        "assessments",
        "assessment_closures",
        "actions",
        "action_history",
        "case_events",
        "case_tool_versions",
        "case_outcomes",
        "drafts",
        "audit_log",
        "instrument_snapshots",
        "consents",
        "shares",
        "disclosures",
        "disclosure_annotations",
        "referrals",
        "emergency_access",
        "transfers",
        "concertations",
        "concertation_steps",
        "meetings",
        "meeting_attendees",
        "plan_actions",
        "organisations",
        "users",
        "key_grants",
    }
)
#: table -> columns app may UPDATE (never an owner, a role or an active flag).
UPDATABLE: dict[str, tuple[str, ...]] = {
    "cases": (
        "label_ct",
        "status",
        "closed_at",
        "closed_by",
        "close_reason_ct",
        "compromission",
        "reassess_by",
        "version",
    ),
    "protagonists": ("name_ct", "contact_ct", "safe_to_call", "partner_knows", "version"),
    "actions": ("status", "due", "updated_at", "updated_by", "version"),
    "drafts": ("content_ct", "updated_at"),
    "consents": ("withdrawn_at", "withdrawn_by"),
    "referrals": ("ended_at", "ended_by"),
    "emergency_access": ("reviewed_at", "reviewed_by"),
    "concertations": tuple(
        c.name for c in metadata.tables["concertations"].columns if c.name not in ("id", "case_id", "org_id")
    ),
    "plan_actions": ("status", "note_ct", "closed_at", "closed_by", "due", "version"),
    "users": ("passphrase_hash", "kek_salt", "kek_params", "wrapped_key", "version"),
}
#: what a purge deletes (its cascade does the rest, as the tables' owner), and one's own drafts.
DELETABLE = frozenset(
    {
        "cases",
        "protagonists",
        "assessments",
        "assessment_closures",
        "actions",
        "action_history",
        "case_events",
        "case_tool_versions",
        "case_outcomes",
        "drafts",
        "key_grants",
    }
)
#: columns holding sealed values (and a disclosure's digest over them): a key rotation re-seals them in place.
#: Records stay closed to every other change (their clear columns are also guarded by triggers).
RESEALED: dict[str, tuple[str, ...]] = {
    table.name: tuple(
        column.name
        for column in table.columns
        if column.name.endswith("_ct") or column.name in ("recipient_ct", "owner_ct")
    )
    + (("digest",) if table.name == "disclosures" else ())
    for table in metadata.sorted_tables
    if table.name not in ("users", "organisations", "key_grants")
}
for _table, _columns in RESEALED.items():
    if _columns:
        UPDATABLE[_table] = tuple(dict.fromkeys((*UPDATABLE.get(_table, ()), *_columns)))
UPDATABLE["organisations"] = ("public_key", "version")
UPDATABLE["users"] = (*UPDATABLE["users"], "public_key", "pending_key")

# -- row-level security -------------------------------------------------------------------------------------
ME, ORG, ROLE = "(SELECT csvc_me())", "(SELECT csvc_my_org())", "(SELECT csvc_my_role())"
ADMINISTERS = "(SELECT csvc_i_administer())"
#: the stored roles a user may hold, as an SQL list (a change of role goes through ``csvc_set_role``).
_ROLE_CHOICES = ", ".join(f"'{role}'" for role in ROLE_CHOICES)


def _visible(column: str, org: str = "org_id") -> str:
    """Rows of one's organisation (``org``: the column naming it), or of a case shared with it (``column``:
    the case id)."""
    return f"{org} = {ORG} OR {column} IN (SELECT csvc_shared_cases())"


def _readable(column: str) -> str:
    """The case ``column`` is one this role reads (the policy of ``cases`` decides)."""
    return f"EXISTS (SELECT 1 FROM cases c WHERE c.id = {column})"


def _owned(column: str) -> str:
    return f"EXISTS (SELECT 1 FROM cases c WHERE c.id = {column} AND c.org_id = {ORG})"


def _purgeable(column: str) -> str:
    return (
        f"({ROLE} = 'coordinator' OR {ADMINISTERS}) AND EXISTS "
        f"(SELECT 1 FROM cases c WHERE c.id = {column} AND c.org_id = {ORG} AND c.status = 'closed')"
    )


def _through(table: str, column: str, condition: str = "true") -> str:
    """The row hangs from a row of ``table`` (by ``column``) that this role reads and that meets
    ``condition`` (on ``p``)."""
    return f"EXISTS (SELECT 1 FROM {table} p WHERE p.id = {column} AND {condition})"


def _concertation(column: str) -> str:
    return f"{column} IN (SELECT csvc_my_concertations())"


def _revocable() -> str:
    """Grants a role may remove: its own or its organisation's; a colleague's (disabling her); those of a
    case its organisation owns (ending a referral, a transfer, a rotation, a purge); those of a request it
    takes part in and of its plan's actions."""
    return (
        f"holder IN ('user:' || {ME}, 'org:' || {ORG}) OR scope = 'org:' || {ORG} "
        f"OR holder IN (SELECT 'user:' || u.id FROM users u WHERE u.org_id = {ORG}) "
        f"OR (scope LIKE 'case:%' AND {_owned('substr(scope, 6)')}) "
        f"OR (scope LIKE 'concertation:%' AND substr(scope, 14) IN (SELECT csvc_my_concertations())) "
        f"OR (scope LIKE 'plan_action:%' AND EXISTS (SELECT 1 FROM plan_actions a "
        f"WHERE a.id = substr(scope, 13) AND a.concertation_id IN (SELECT csvc_my_concertations())))"
    )


#: table -> {command: (USING, WITH CHECK)}; a command left out is refused to app (no policy, no row).
POLICIES: dict[str, dict[str, tuple[str | None, str | None]]] = {
    "organisations": {
        "SELECT": ("true", None),
        "INSERT": (None, ADMINISTERS),
        "UPDATE": (f"id = {ORG} AND {ADMINISTERS}", f"id = {ORG} AND {ADMINISTERS}"),
    },
    "users": {
        "SELECT": (f"org_id = {ORG}", None),
        "INSERT": (None, f"{ADMINISTERS} AND (org_id = {ORG} OR NOT csvc_org_has_users(org_id))"),
        "UPDATE": (
            f"id = {ME} OR ({ADMINISTERS} AND org_id = {ORG})",
            f"id = {ME} OR ({ADMINISTERS} AND org_id = {ORG})",
        ),
    },
    "key_grants": {
        "SELECT": ("true", None),  # each grant is sealed to its holder's public key
        "INSERT": (None, f"granted_by IS NOT DISTINCT FROM {ME}"),
        "DELETE": (_revocable(), None),
    },
    "cases": {
        "SELECT": (_visible("id"), None),
        "INSERT": (None, f"org_id = {ORG} AND created_by = {ME}"),
        "UPDATE": (f"org_id = {ORG}", f"org_id = {ORG}"),
        "DELETE": (
            f"({ROLE} = 'coordinator' OR {ADMINISTERS}) AND org_id = {ORG} AND status = 'closed'",
            None,
        ),
    },
    "protagonists": {
        "SELECT": (_visible("case_id"), None),
        "INSERT": (None, f"org_id = {ORG} AND {_owned('case_id')}"),
        "UPDATE": (_owned("case_id"), _owned("case_id")),
        "DELETE": (_purgeable("case_id"), None),
    },
    "assessments": {
        "SELECT": (_visible("case_id"), None),
        "UPDATE": (_owned("case_id"), _owned("case_id")),
        "INSERT": (None, f"org_id = {ORG} AND confirmed_by = {ME} AND {_owned('case_id')}"),
        "DELETE": (_purgeable("case_id"), None),
    },
    "assessment_closures": {
        "SELECT": (_through("assessments", "assessment_id"), None),
        "UPDATE": (_through("assessments", "assessment_id", _owned("p.case_id")), None),
        "INSERT": (
            None,
            f"closed_by = {ME} AND {_through('assessments', 'assessment_id', _owned('p.case_id'))}",
        ),
        "DELETE": (_through("assessments", "assessment_id", _purgeable("p.case_id")), None),
    },
    "actions": {
        "SELECT": (_visible("case_id"), None),
        "INSERT": (None, f"org_id = {ORG} AND {_owned('case_id')}"),
        "UPDATE": (_owned("case_id"), _owned("case_id")),
        "DELETE": (_purgeable("case_id"), None),
    },
    "action_history": {
        "SELECT": (_through("actions", "action_id"), None),
        "UPDATE": (_through("actions", "action_id", _owned("p.case_id")), None),
        "INSERT": (None, f'"by" = {ME} AND {_through("actions", "action_id", _owned("p.case_id"))}'),
        "DELETE": (_through("actions", "action_id", _purgeable("p.case_id")), None),
    },
    "case_events": {
        "SELECT": (_visible("case_id"), None),
        "UPDATE": (_owned("case_id"), _owned("case_id")),
        "INSERT": (None, f"org_id = {ORG} AND recorded_by = {ME} AND {_owned('case_id')}"),
        "DELETE": (_purgeable("case_id"), None),
    },
    "case_tool_versions": {
        "SELECT": (_visible("case_id"), None),
        "UPDATE": (_owned("case_id"), _owned("case_id")),
        "INSERT": (None, f"org_id = {ORG} AND saved_by = {ME} AND {_owned('case_id')}"),
        "DELETE": (_purgeable("case_id"), None),
    },
    "case_outcomes": {
        "SELECT": (_visible("case_id"), None),
        "UPDATE": (_owned("case_id"), _owned("case_id")),
        "INSERT": (None, f"org_id = {ORG} AND recorded_by = {ME} AND {_owned('case_id')}"),
        "DELETE": (_purgeable("case_id"), None),
    },
    "drafts": {
        "SELECT": (f"user_id = {ME}", None),
        "INSERT": (None, f"user_id = {ME} AND {_readable('case_id')}"),
        "UPDATE": (f"user_id = {ME}", f"user_id = {ME}"),
        "DELETE": (f"user_id = {ME}", None),
    },
    "consents": {
        "SELECT": (_visible("case_id"), None),
        "INSERT": (None, f"org_id = {ORG} AND recorded_by = {ME} AND {_owned('case_id')}"),
        "UPDATE": (_owned("case_id"), _owned("case_id")),
    },
    "shares": {
        "SELECT": (_visible("case_id"), None),
        "UPDATE": (f"{ORG} IN (org_id, recipient_org_id)", f"{ORG} IN (org_id, recipient_org_id)"),
        "INSERT": (None, f"org_id = {ORG} AND shared_by = {ME} AND {_owned('case_id')}"),
    },
    "disclosures": {
        "SELECT": (_visible("case_id"), None),
        "UPDATE": (f"{ORG} IN (org_id, recipient_org_id)", f"{ORG} IN (org_id, recipient_org_id)"),
        "INSERT": (None, f"org_id = {ORG} AND disclosed_by = {ME} AND {_readable('case_id')}"),
    },
    "disclosure_annotations": {
        "SELECT": (_through("disclosures", "disclosure_id"), None),
        "UPDATE": (
            _through("disclosures", "disclosure_id", f"{ORG} IN (p.org_id, p.recipient_org_id)"),
            None,
        ),
        "INSERT": (None, f'"by" = {ME} AND {_through("disclosures", "disclosure_id")}'),
    },
    "referrals": {
        "SELECT": (_visible("case_id", "from_org_id"), None),
        "INSERT": (None, f"from_org_id = {ORG} AND by = {ME} AND {_owned('case_id')}"),
        "UPDATE": (f"{ORG} IN (from_org_id, to_org_id)", f"{ORG} IN (from_org_id, to_org_id)"),
    },
    "emergency_access": {
        "SELECT": (f"{_visible('case_id')} OR {_owned('case_id')}", None),
        "INSERT": (None, f"user_id = {ME} AND org_id = {ORG}"),
        "UPDATE": (f"org_id = {ORG} OR {_owned('case_id')}", f"org_id = {ORG} OR {_owned('case_id')}"),
    },
    "transfers": {
        "SELECT": (_visible("case_id", "from_org_id"), None),
        "UPDATE": (f"{ORG} IN (from_org_id, to_org_id)", f"{ORG} IN (from_org_id, to_org_id)"),
        "INSERT": (None, f"from_org_id = {ORG} AND by = {ME} AND {_owned('case_id')}"),
    },
    "concertations": {
        "SELECT": (_concertation("id"), None),
        "INSERT": (None, f"org_id = {ORG} AND {_owned('case_id')}"),
        "UPDATE": (_concertation("id"), _concertation("id")),
    },
    "concertation_steps": {
        "SELECT": (_concertation("concertation_id"), None),
        "UPDATE": (_concertation("concertation_id"), _concertation("concertation_id")),
        "INSERT": (None, f'"by" = {ME} AND org_id = {ORG} AND {_concertation("concertation_id")}'),
    },
    "meetings": {
        "SELECT": (_concertation("concertation_id"), None),
        "INSERT": (
            None,
            f"recorded_by = {ME} AND {ROLE} = 'coordinator' AND {_concertation('concertation_id')}",
        ),
    },
    "meeting_attendees": {
        "SELECT": (_through("meetings", "meeting_id"), None),
        "INSERT": (None, f"{ROLE} = 'coordinator' AND {_through('meetings', 'meeting_id')}"),
    },
    "plan_actions": {
        "SELECT": (_concertation("concertation_id"), None),
        "INSERT": (None, f"{ROLE} = 'coordinator' AND {_concertation('concertation_id')}"),
        "UPDATE": (
            f"{_concertation('concertation_id')} AND ({ROLE} = 'coordinator' OR owner_org_id = {ORG})",
            f"{_concertation('concertation_id')} AND ({ROLE} = 'coordinator' OR owner_org_id = {ORG})",
        ),
    },
}

# -- the owner's own tables and functions -------------------------------------------------------------------
#: the owner's own schema: which login role is which user, and the changes made through definer functions.
PRIVATE = "csvc_private"
OWN_TABLES = f"""
CREATE SCHEMA IF NOT EXISTS {PRIVATE};
CREATE TABLE IF NOT EXISTS {PRIVATE}.logins (
    role name PRIMARY KEY,
    user_id varchar(32) NOT NULL UNIQUE REFERENCES users (id)
);
CREATE TABLE IF NOT EXISTS {PRIVATE}.security_log (
    at timestamptz NOT NULL DEFAULT now(),
    by_role name NOT NULL DEFAULT session_user,
    action text NOT NULL,
    target text NOT NULL
);
"""

#: (signature, whether app may execute it, body). Every one is SECURITY DEFINER, owned by the owner role.
FUNCTIONS: tuple[tuple[str, bool, str], ...] = (
    (
        "csvc_role(kind text, name text) RETURNS text LANGUAGE sql STABLE",
        True,
        """SELECT CASE kind WHEN 'owner' THEN 'csvc_own_' WHEN 'app' THEN 'csvc_app_'
                WHEN 'org' THEN 'csvc_org_' ELSE 'csvc_u_' END
            || left(encode(sha256(convert_to(kind || ':' || length(current_database()) || ':'
                || current_database() || ':' || name, 'UTF8')), 'hex'), 32)""",
    ),
    (
        "csvc_me() RETURNS varchar LANGUAGE sql STABLE",
        True,
        """SELECT u.id FROM csvc_private.logins l JOIN users u ON u.id = l.user_id
            WHERE l.role = session_user AND u.active""",
    ),
    (
        "csvc_my_org() RETURNS varchar LANGUAGE sql STABLE",
        True,
        """SELECT u.org_id FROM csvc_private.logins l JOIN users u ON u.id = l.user_id
            WHERE l.role = session_user AND u.active""",
    ),
    (
        "csvc_my_role() RETURNS varchar LANGUAGE sql STABLE",
        True,
        """SELECT split_part(u.role, '+', 1) FROM csvc_private.logins l JOIN users u ON u.id = l.user_id
            WHERE l.role = session_user AND u.active""",
    ),
    (
        "csvc_i_administer() RETURNS boolean LANGUAGE sql STABLE",
        True,
        """SELECT COALESCE((SELECT u.role = 'admin' OR u.role LIKE '%+admin' FROM csvc_private.logins l
            JOIN users u ON u.id = l.user_id WHERE l.role = session_user AND u.active), false)""",
    ),
    (
        "csvc_my_concertations() RETURNS SETOF varchar LANGUAGE sql STABLE",
        True,
        """SELECT c.id FROM concertations c
            WHERE c.org_id = csvc_my_org() OR csvc_my_role() = 'coordinator'
           UNION SELECT p.concertation_id FROM plan_actions p WHERE p.owner_org_id = csvc_my_org()""",
    ),
    (
        "csvc_shared_cases() RETURNS SETOF varchar LANGUAGE sql STABLE",
        True,
        """WITH me AS (SELECT u.id AS user_id, u.org_id, o.sector FROM csvc_private.logins l
                JOIN users u ON u.id = l.user_id JOIN organisations o ON o.id = u.org_id
                WHERE l.role = session_user AND u.active)
           SELECT r.case_id FROM referrals r, me WHERE r.to_org_id = me.org_id
           UNION SELECT s.case_id FROM shares s, me WHERE s.recipient_org_id = me.org_id
           UNION SELECT k.case_id FROM consents k, me
                WHERE k.partner_org_id = me.org_id
                    OR (k.partner_org_id IS NULL AND k.partner_sector = me.sector)
           UNION SELECT d.case_id FROM disclosures d, me WHERE d.recipient_org_id = me.org_id
           UNION SELECT t.case_id FROM transfers t, me WHERE me.org_id IN (t.from_org_id, t.to_org_id)
           UNION SELECT e.case_id FROM emergency_access e, me WHERE e.user_id = me.user_id
           UNION SELECT c.case_id FROM concertations c WHERE c.id IN (SELECT csvc_my_concertations())""",
    ),
    (
        "csvc_case_owner(case_id varchar) RETURNS varchar LANGUAGE sql STABLE",
        True,
        "SELECT c.org_id FROM cases c WHERE c.id = case_id",
    ),
    (
        "csvc_org_has_users(org varchar) RETURNS boolean LANGUAGE sql STABLE",
        True,
        "SELECT EXISTS (SELECT 1 FROM users u WHERE u.org_id = org)",
    ),
    (
        "csvc_require_admin() RETURNS varchar LANGUAGE plpgsql STABLE",
        False,
        """BEGIN
            IF NOT csvc_i_administer() THEN
                RAISE EXCEPTION 'csvc: only an administrator of the organisation may do this'
                    USING ERRCODE = '42501';
            END IF;
            RETURN csvc_my_org();
        END""",
    ),
    (
        "csvc_colleague(target varchar) RETURNS users LANGUAGE plpgsql STABLE",
        False,
        """DECLARE mine varchar := csvc_require_admin(); who users%ROWTYPE;
        BEGIN
            SELECT * INTO who FROM users WHERE id = target;
            IF NOT FOUND OR who.org_id <> mine THEN
                RAISE EXCEPTION 'csvc: an administrator manages the users of her own organisation only'
                    USING ERRCODE = '42501';
            END IF;
            RETURN who;
        END""",
    ),
    (
        "csvc_org_group(org varchar) RETURNS text LANGUAGE plpgsql",
        False,
        """DECLARE group_role text := csvc_role('org', org);
        BEGIN
            IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = group_role) THEN
                EXECUTE format('CREATE ROLE %I NOLOGIN IN ROLE %I', group_role, csvc_role('app', ''));
            END IF;
            RETURN group_role;
        END""",
    ),
    (
        "csvc_create_login(target varchar, verifier text) RETURNS void LANGUAGE plpgsql",
        False,
        """DECLARE who users%ROWTYPE; login text; group_role text;
        BEGIN
            IF verifier !~ '^SCRAM-SHA-256\\$[0-9]+:[A-Za-z0-9+/=]+\\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$' THEN
                RAISE EXCEPTION 'csvc: a login takes a SCRAM-SHA-256 verifier, never a password'
                    USING ERRCODE = '22023';
            END IF;
            SELECT * INTO STRICT who FROM users WHERE id = target;
            login := csvc_role('user', who.name);
            group_role := csvc_org_group(who.org_id);
            IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = login) THEN
                EXECUTE format('ALTER ROLE %I LOGIN PASSWORD %L', login, verifier);
                EXECUTE format('GRANT %I TO %I', group_role, login);
            ELSE
                EXECUTE format('CREATE ROLE %I LOGIN PASSWORD %L IN ROLE %I', login, verifier, group_role);
            END IF;
            INSERT INTO csvc_private.logins (role, user_id) VALUES (login, target);
            INSERT INTO csvc_private.security_log (action, target) VALUES ('login.create', target);
        END""",
    ),
    (
        "csvc_add_login(target varchar, verifier text) RETURNS void LANGUAGE plpgsql",
        True,
        """DECLARE mine varchar := csvc_require_admin(); theirs varchar;
        BEGIN
            SELECT org_id INTO STRICT theirs FROM users WHERE id = target;
            IF theirs <> mine AND EXISTS (SELECT 1 FROM users WHERE org_id = theirs AND id <> target) THEN
                RAISE EXCEPTION 'csvc: an administrator adds users to her own organisation only'
                    USING ERRCODE = '42501';
            END IF;
            IF EXISTS (SELECT 1 FROM csvc_private.logins WHERE user_id = target) THEN
                RAISE EXCEPTION 'csvc: this user has a login already' USING ERRCODE = '42710';
            END IF;
            PERFORM csvc_create_login(target, verifier);
        END""",
    ),
    (
        "csvc_add_org_role(org varchar) RETURNS void LANGUAGE plpgsql",
        True,
        """BEGIN
            PERFORM csvc_require_admin();
            PERFORM 1 FROM organisations WHERE id = org;
            IF NOT FOUND THEN
                RAISE EXCEPTION 'csvc: no organisation %', org USING ERRCODE = '22023';
            END IF;
            PERFORM csvc_org_group(org);
            INSERT INTO csvc_private.security_log (action, target) VALUES ('org.role', org);
        END""",
    ),
    (
        "csvc_set_active(target varchar, active boolean, verifier text) RETURNS void LANGUAGE plpgsql",
        True,
        """DECLARE who users%ROWTYPE; login text;
        BEGIN
            IF verifier IS NOT NULL AND verifier !~
                '^SCRAM-SHA-256\\$[0-9]+:[A-Za-z0-9+/=]+\\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$' THEN
                RAISE EXCEPTION 'csvc: a login takes a SCRAM-SHA-256 verifier, never a password'
                    USING ERRCODE = '22023';
            END IF;
            who := csvc_colleague(target);
            IF who.id = csvc_me() AND NOT active THEN
                RAISE EXCEPTION 'csvc: one does not disable oneself' USING ERRCODE = '42501';
            END IF;
            UPDATE users SET active = csvc_set_active.active, version = version + 1 WHERE id = target;
            SELECT l.role INTO login FROM csvc_private.logins l WHERE l.user_id = target;
            IF login IS NOT NULL THEN
                EXECUTE format('ALTER ROLE %I %s', login, CASE WHEN active THEN 'LOGIN' ELSE 'NOLOGIN' END);
                IF verifier IS NOT NULL THEN  -- enabled again with a new passphrase
                    EXECUTE format('ALTER ROLE %I PASSWORD %L', login, verifier);
                END IF;
                IF NOT active THEN
                    PERFORM pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = login;
                END IF;
            END IF;
            INSERT INTO csvc_private.security_log (action, target)
                VALUES (CASE WHEN active THEN 'user.enable' ELSE 'user.disable' END, target);
        END""",
    ),
    (
        "csvc_set_role(target varchar, new_role varchar) RETURNS void LANGUAGE plpgsql",
        True,
        f"""DECLARE who users%ROWTYPE;
        BEGIN
            IF new_role IS NULL OR new_role NOT IN ({_ROLE_CHOICES}) THEN
                RAISE EXCEPTION 'csvc: unknown role %', new_role USING ERRCODE = '22023';
            END IF;
            who := csvc_colleague(target);
            IF who.id = csvc_me() AND NOT (new_role = 'admin' OR new_role LIKE '%+admin') THEN
                RAISE EXCEPTION 'csvc: one does not stop administering oneself' USING ERRCODE = '42501';
            END IF;
            UPDATE users SET role = new_role, version = version + 1 WHERE id = target;
            INSERT INTO csvc_private.security_log (action, target) VALUES ('user.role', target);
        END""",
    ),
    (
        "csvc_set_verifier(verifier text) RETURNS void LANGUAGE plpgsql",
        True,
        """DECLARE login text;
        BEGIN
            IF verifier !~ '^SCRAM-SHA-256\\$[0-9]+:[A-Za-z0-9+/=]+\\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$' THEN
                RAISE EXCEPTION 'csvc: a login takes a SCRAM-SHA-256 verifier, never a password'
                    USING ERRCODE = '22023';
            END IF;
            SELECT l.role INTO STRICT login FROM csvc_private.logins l JOIN users u ON u.id = l.user_id
                WHERE l.role = session_user AND u.active;
            EXECUTE format('ALTER ROLE %I PASSWORD %L', login, verifier);
            INSERT INTO csvc_private.security_log (action, target) VALUES ('login.verifier', csvc_me());
        END""",
    ),
    (
        "csvc_transfer_case(target varchar, transfer varchar) RETURNS void LANGUAGE plpgsql",
        True,
        """DECLARE moved transfers%ROWTYPE;
        BEGIN
            SELECT * INTO moved FROM transfers WHERE id = transfer AND case_id = target;
            IF NOT FOUND OR moved.from_org_id IS DISTINCT FROM csvc_my_org()
                OR moved."by" IS DISTINCT FROM csvc_me()
                OR NOT EXISTS (SELECT 1 FROM cases WHERE id = target AND org_id = moved.from_org_id) THEN
                RAISE EXCEPTION 'csvc: a case moves only by a transfer its owner records'
                    USING ERRCODE = '42501';
            END IF;
            UPDATE cases SET org_id = moved.to_org_id, version = version + 1 WHERE id = target;
            INSERT INTO csvc_private.security_log (action, target) VALUES ('case.transfer', target);
        END""",
    ),
)


def install(connection: Connection) -> None:
    """Set up (or bring up to date) roles, privileges, functions and policies, in the caller's transaction.

    Needs a superuser connection (``csvc store init`` / ``csvc store upgrade`` from such a URL)."""
    database = str(connection.exec_driver_sql("SELECT current_database()").scalar())
    schema = str(connection.exec_driver_sql("SELECT current_schema()").scalar())
    owner, app = role_name("owner", database), role_name("app", database)

    def run(sql: str) -> None:
        connection.exec_driver_sql(sql.replace("%", "%%"))  # psycopg reads % as a placeholder

    existing = set(
        connection.execute(
            text("SELECT rolname FROM pg_roles WHERE rolname IN (:a, :b)"), {"a": owner, "b": app}
        )
        .scalars()
        .all()
    )
    if owner not in existing:
        run(f'CREATE ROLE "{owner}" NOLOGIN CREATEROLE')
    if app not in existing:
        run(f'CREATE ROLE "{app}" NOLOGIN')
    run(f'GRANT pg_signal_backend TO "{owner}"')
    run(f'GRANT "{app}" TO "{owner}" WITH ADMIN OPTION')
    run(f'REVOKE ALL ON DATABASE "{database}" FROM PUBLIC')
    run(f'GRANT CONNECT ON DATABASE "{database}" TO "{app}"')
    run(f'REVOKE CREATE ON SCHEMA "{schema}" FROM PUBLIC')
    run(f'GRANT USAGE ON SCHEMA "{schema}" TO "{app}"')
    run(OWN_TABLES)
    tables = [table.name for table in metadata.sorted_tables]
    run(f'ALTER SCHEMA {PRIVATE} OWNER TO "{owner}"')
    run(f"REVOKE ALL ON SCHEMA {PRIVATE} FROM PUBLIC")
    for name in (*tables, "alembic_version"):
        run(f'ALTER TABLE "{name}" OWNER TO "{owner}"')
    for name in ("logins", "security_log"):
        run(f'ALTER TABLE {PRIVATE}.{name} OWNER TO "{owner}"')
    for signature, public, body in FUNCTIONS:
        name = signature.split("(", 1)[0]
        run(
            f"CREATE OR REPLACE FUNCTION {signature} SECURITY DEFINER "
            f'SET search_path = "{schema}", pg_temp AS $csvc$ {body} $csvc$'
        )
        arguments = _argument_types(signature)
        run(f'ALTER FUNCTION {name}({arguments}) OWNER TO "{owner}"')
        run(f"REVOKE ALL ON FUNCTION {name}({arguments}) FROM PUBLIC")
        if public:
            run(f'GRANT EXECUTE ON FUNCTION {name}({arguments}) TO "{app}"')
    run(
        "CREATE OR REPLACE VIEW user_directory AS "
        "SELECT id, org_id, name, role, active, created_at, public_key FROM users"
    )
    run(f'ALTER VIEW user_directory OWNER TO "{owner}"')
    run(f'GRANT SELECT ON user_directory TO "{app}"')
    for name in (*tables, "alembic_version"):
        run(f'REVOKE ALL ON "{name}" FROM "{app}"')
        run(f'GRANT SELECT ON "{name}" TO "{app}"')
        if name in INSERTABLE:
            run(f'GRANT INSERT ON "{name}" TO "{app}"')
        if name in UPDATABLE:
            run(f'GRANT UPDATE ({", ".join(UPDATABLE[name])}) ON "{name}" TO "{app}"')
        if name in DELETABLE:
            run(f'GRANT DELETE ON "{name}" TO "{app}"')
    _policies(connection, run)


def _argument_types(signature: str) -> str:
    inside = signature.split("(", 1)[1].split(")", 1)[0]
    return ", ".join(part.strip().split()[-1] for part in inside.split(",") if part.strip())


def _policies(connection: Connection, run: Callable[[str], None]) -> None:
    """Row-level security on, and this csvc's policies in place of whatever policies the tables had."""
    present = connection.execute(
        text("SELECT tablename, policyname FROM pg_policies WHERE schemaname = current_schema()")
    ).all()
    for table, policy in present:
        if table in POLICIES:
            run(f'DROP POLICY "{policy}" ON "{table}"')
    for table, commands in POLICIES.items():
        run(f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY')
        for command, (using, check) in commands.items():
            clauses = (f" USING ({using})" if using else "") + (f" WITH CHECK ({check})" if check else "")
            run(f'CREATE POLICY "csvc_{command.lower()}" ON "{table}" FOR {command}{clauses}')


# -- calls made by csvc on PostgreSQL -----------------------------------------------------------------------
def is_postgresql(connection: Connection) -> bool:
    return connection.dialect.name == "postgresql"


def create_login(connection: Connection, user_id: str, verifier: str) -> None:
    """The login role of a user created by ``store init`` (the superuser's connection)."""
    connection.execute(text("SELECT csvc_create_login(:u, :v)"), {"u": user_id, "v": verifier})


def ensure_login(connection: Connection, user_id: str, verifier: str) -> None:
    """The login role of a user who has none yet (an administrator upgrading a store; a superuser's
    connection)."""
    missing = connection.execute(
        text(f"SELECT NOT EXISTS (SELECT 1 FROM {PRIVATE}.logins WHERE user_id = :u)"), {"u": user_id}
    ).scalar()
    if missing:
        create_login(connection, user_id, verifier)


def add_login(connection: Connection, user_id: str, verifier: str) -> None:
    """The login role of a new user, created by an administrator of her organisation."""
    connection.execute(text("SELECT csvc_add_login(:u, :v)"), {"u": user_id, "v": verifier})


def add_org_role(connection: Connection, org_id: str) -> None:
    connection.execute(text("SELECT csvc_add_org_role(:o)"), {"o": org_id})


def set_active(connection: Connection, user_id: str, active: bool, verifier: str | None = None) -> None:
    """Enable or disable a user: her role LOGIN or NOLOGIN (her open connections are ended); enabled again,
    with the verifier of her new passphrase."""
    connection.execute(text("SELECT csvc_set_active(:u, :a, :v)"), {"u": user_id, "a": active, "v": verifier})


def set_role(connection: Connection, user_id: str, role: str) -> None:
    """A user's new stored role: the server reads it at once for every right it grants her."""
    connection.execute(text("SELECT csvc_set_role(:u, :r)"), {"u": user_id, "r": role})


def set_verifier(connection: Connection, verifier: str) -> None:
    """The acting user's new SCRAM verifier (after a passphrase change)."""
    connection.execute(text("SELECT csvc_set_verifier(:v)"), {"v": verifier})


def transfer_case(connection: Connection, case_id: str, transfer_id: str) -> None:
    """Move a case to the organisation its recorded transfer names."""
    connection.execute(text("SELECT csvc_transfer_case(:c, :t)"), {"c": case_id, "t": transfer_id})
