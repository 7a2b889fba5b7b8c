"""A team base on a PostgreSQL server: roles, row-level security, logins (PostgreSQL only).

Rights are enforced by the server, not by the window: a coordinator connecting with `psql`
meets the same rules.

- `ctg_chef`    chef·fe de projet: reads and changes everything;
- `ctg_charge`  chargé·e de coopération: reads everything, changes her own journal entries and
                the meetings she animates (with their lines); the shared records (territory,
                plan, ETP…) as the team agrees — a chef can revoke that with plain GRANT/REVOKE;
- `ctg_lecture` a CAF counsellor, a partner: reads only.

Each login (a PostgreSQL role that can log in) is a member of one of these, and is tied to a
person of the base in `ctgdesk_team.member`: that is how "her own" rows are found. The tables
belong to the role that ran `ctgdesk team init` (the owner bypasses row-level security: keep
it for the IT service and the migrations).
"""

from __future__ import annotations

import re

from sqlalchemy import Engine, text

TEAM_SCHEMA = "ctgdesk_team"
ROLES = {"chef": "ctg_chef", "charge": "ctg_charge", "lecture": "ctg_lecture"}
ROLE_LABELS = {"chef": "chef·fe de projet", "charge": "chargé·e de coopération", "lecture": "lecture seule"}
_LOGIN = re.compile(r"^[a-z_][a-z0-9_.-]{0,62}$")

# Rows a chargé·e may change: her journal, the meetings she animates, and their lines.
_MY_PERSONS = f"(SELECT person_id FROM {TEAM_SCHEMA}.member WHERE login = session_user)"
_MY_COORDINATORS = f"(SELECT id FROM public.coordinator WHERE person_id IN {_MY_PERSONS})"
_MY_MEETINGS = f"(SELECT id FROM public.meeting WHERE animator_id IN {_MY_PERSONS})"
OWN_ROWS = {
    "journal_entry": f"coordinator_id IN {_MY_COORDINATORS}",
    "meeting": f"animator_id IN {_MY_PERSONS}",
    "attendance": f"meeting_id IN {_MY_MEETINGS}",
    "decision": f"meeting_id IN {_MY_MEETINGS}",
    "alert": f"meeting_id IN {_MY_MEETINGS}",
    "expertise": f"meeting_id IN {_MY_MEETINGS}",
    "meeting_commune": f"meeting_id IN {_MY_MEETINGS}",
}


class TeamError(Exception):
    """A French message for the user (bad login, unknown person, not a PostgreSQL base)."""


def _statements() -> list[str]:
    chef, charge, lecture = ROLES["chef"], ROLES["charge"], ROLES["lecture"]
    everyone = f"{chef}, {charge}, {lecture}"
    statements = [f"CREATE SCHEMA IF NOT EXISTS {TEAM_SCHEMA}"]
    for role in ROLES.values():
        statements.append(
            f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') "
            f"THEN CREATE ROLE {role} NOLOGIN; END IF; END $$"
        )
    statements += [
        f"""CREATE TABLE IF NOT EXISTS {TEAM_SCHEMA}.member (
                login name PRIMARY KEY,
                person_id integer REFERENCES public.person(id) ON DELETE SET NULL,
                role text NOT NULL CHECK (role IN ('chef', 'charge', 'lecture')))""",
        f"GRANT USAGE ON SCHEMA public, {TEAM_SCHEMA} TO {everyone}",
        f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {everyone}",
        f"GRANT SELECT ON {TEAM_SCHEMA}.member TO {everyone}",
        f"GRANT INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {chef}, {charge}",
        f"REVOKE INSERT, UPDATE, DELETE ON public.alembic_version FROM {chef}, {charge}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {chef}, {charge}",
    ]
    for table, own in OWN_ROWS.items():
        statements += [
            f"ALTER TABLE public.{table} ENABLE ROW LEVEL SECURITY",
            f"DROP POLICY IF EXISTS team_read ON public.{table}",
            f"CREATE POLICY team_read ON public.{table} FOR SELECT USING (true)",
            f"DROP POLICY IF EXISTS team_chef ON public.{table}",
            f"CREATE POLICY team_chef ON public.{table} FOR ALL TO {chef} USING (true) WITH CHECK (true)",
        ]
        for command, clause in (("INSERT", f"WITH CHECK ({own})"), ("UPDATE", f"USING ({own}) WITH CHECK ({own})"),
                                ("DELETE", f"USING ({own})")):
            name = f"team_own_{command.lower()}"
            statements += [
                f"DROP POLICY IF EXISTS {name} ON public.{table}",
                f"CREATE POLICY {name} ON public.{table} FOR {command} TO {charge} {clause}",
            ]
    return statements


def init_team_base(engine: Engine) -> None:
    """Schema (the same Alembic migrations as a laptop's base), roles, grants and policies.

    Safe to run again, e.g. after an upgrade added tables: it grants on them too.
    """
    if engine.dialect.name != "postgresql":
        raise TeamError("Une base d'équipe est une base PostgreSQL (postgresql://UTILISATEUR@SERVEUR/BASE).")
    from ctgdesk.db.migrate import upgrade

    upgrade(engine)
    with engine.begin() as connection:
        for statement in _statements():
            connection.exec_driver_sql(statement)


def add_user(engine: Engine, login: str, person_id: int | None, role: str, password: str | None) -> None:
    """A login for a person, member of one of the team roles (one transaction)."""
    if role not in ROLES:
        raise TeamError(f"Rôle inconnu « {role} » : choisissez parmi {', '.join(ROLES)}.")
    if not _LOGIN.match(login):
        raise TeamError(
            f"Identifiant « {login} » refusé : lettres minuscules sans accent, chiffres, « . », « - » ou « _ » "
            "(ex. claire.dumont)."
        )
    with engine.begin() as connection:
        exists = connection.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :login"), {"login": login}).first()
        quoted = connection.exec_driver_sql("SELECT quote_ident(%(login)s)", {"login": login}).scalar()
        if not exists:
            connection.exec_driver_sql(f"CREATE ROLE {quoted} LOGIN")
        if password:
            literal = connection.exec_driver_sql("SELECT quote_literal(%(p)s)", {"p": password}).scalar()
            connection.exec_driver_sql(f"ALTER ROLE {quoted} PASSWORD {literal}")
        for other in ROLES.values():
            connection.exec_driver_sql(f"REVOKE {other} FROM {quoted}")
        connection.exec_driver_sql(f"GRANT {ROLES[role]} TO {quoted}")
        connection.execute(
            text(f"INSERT INTO {TEAM_SCHEMA}.member (login, person_id, role) VALUES (:login, :person, :role) "
                 "ON CONFLICT (login) DO UPDATE SET person_id = EXCLUDED.person_id, role = EXCLUDED.role"),
            {"login": login, "person": person_id, "role": role},
        )


def members(engine: Engine) -> list[tuple[str, int | None, str]]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(
            text(f"SELECT login, person_id, role FROM {TEAM_SCHEMA}.member ORDER BY login"))]


def _libpq_url(url) -> str:
    """The address as libpq's tools read it (no "+psycopg"), the password left out (PGPASSWORD)."""
    return url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)


def _tool(name: str) -> str:
    import glob
    import shutil

    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if candidates:
        return candidates[-1]
    raise TeamError(f"L'outil « {name} » de PostgreSQL est introuvable : installez les outils clients de PostgreSQL.")


def _run_tool(name: str, url, arguments: list[str]) -> None:
    import os
    import subprocess

    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    done = subprocess.run([_tool(name), *arguments], capture_output=True, text=True, env=env)
    if done.returncode != 0:
        message = (done.stderr or done.stdout).strip().splitlines()
        raise TeamError(f"{name} a échoué : {message[-1] if message else f'code {done.returncode}'}")


def dump(url_text: str, out) -> int:
    """A backup of a team base: pg_dump's custom format, written beside and renamed, checked by
    pg_restore --list (it must read back). Returns its size."""
    import os
    from pathlib import Path

    from ctgdesk.db.engine import server_url

    url = server_url(url_text)
    out = Path(out)
    partial = out.with_name(f".{out.name}.partiel")
    try:
        _run_tool("pg_dump", url, ["--format=custom", "--no-owner", f"--file={partial}", f"--dbname={_libpq_url(url)}"])
        _run_tool("pg_restore", url, ["--list", str(partial)])
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
    return out.stat().st_size


def restore_dump(dump_file, url_text: str) -> None:
    """Put a pg_dump backup into an EMPTY team base (never over data), then the rights anew."""
    from sqlalchemy import inspect

    from ctgdesk.db.engine import make_engine, server_url

    url = server_url(url_text)
    engine = make_engine(url_text)
    try:
        if inspect(engine).get_table_names():
            raise TeamError("La base de destination n'est pas vide : une sauvegarde se restaure dans une base vide "
                            "(créez-en une, puis recommencez). Rien n'a été modifié.")
        _run_tool("pg_restore", url, ["--no-owner", "--exit-on-error", "--single-transaction",
                                      f"--dbname={_libpq_url(url)}", str(dump_file)])
        init_team_base(engine)
    finally:
        engine.dispose()


CHANNEL = "ctgdesk_changes"


class ChangeListener:
    """Others' saves on a team base, as they commit: LISTEN on its own connection, in a thread.

    LISTEN/NOTIFY rather than polling: the server pushes each commit's changed tables at once,
    and an idle window costs the server nothing. `on_change(actor, tables)` runs in the
    listener's thread (the window forwards it to its own thread). A lost connection is retried
    every few seconds, quietly: the window keeps working, it only refreshes later.
    """

    def __init__(self, url_text: str, on_change):
        import threading

        self.url_text = url_text
        self.on_change = on_change
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="ctgdesk-listen", daemon=True)
        self.listening = threading.Event()

    def start(self) -> "ChangeListener":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        import json

        import psycopg

        from ctgdesk.db.engine import server_url

        url = server_url(self.url_text)
        while not self._stop.is_set():
            try:
                with psycopg.connect(host=url.host, port=url.port, user=url.username, password=url.password,
                                     dbname=url.database, autocommit=True) as connection:
                    connection.execute(f"LISTEN {CHANNEL}")
                    self.listening.set()
                    while not self._stop.is_set():
                        for note in connection.notifies(timeout=0.5, stop_after=50):
                            try:
                                data = json.loads(note.payload)
                            except ValueError:
                                continue
                            self.on_change(data.get("actor", ""), data.get("tables", []))
            except psycopg.Error:
                self.listening.clear()
                self._stop.wait(3)
