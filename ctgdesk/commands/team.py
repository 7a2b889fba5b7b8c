"""Team mode: a territory's base shared on a PostgreSQL server.

    ctgdesk team init postgresql://PROPRIETAIRE@SERVEUR/BASE
    ctgdesk team add-user postgresql://PROPRIETAIRE@SERVEUR/BASE --login claire.dumont \\
        --person "Claire Dumont" --role charge [--password-stdin]
    ctgdesk team members postgresql://…
"""

from __future__ import annotations

import argparse
import sys

from ctgdesk.cli import CommandError


def register(subparsers: argparse._SubParsersAction) -> None:
    team = subparsers.add_parser("team", help="base d'équipe sur un serveur PostgreSQL (droits, comptes)")
    commands = team.add_subparsers(dest="team_command", metavar="ACTION", required=True)
    p = commands.add_parser("init", help="prépare une base PostgreSQL vide : schéma, rôles, règles d'accès")
    p.add_argument("url", metavar="postgresql://UTILISATEUR@SERVEUR/BASE")
    p.set_defaults(handler=run_init)
    p = commands.add_parser("add-user", help="crée (ou modifie) le compte d'une personne avec un rôle")
    p.add_argument("url", metavar="postgresql://UTILISATEUR@SERVEUR/BASE")
    p.add_argument("--login", required=True, help="identifiant de connexion (ex. claire.dumont)")
    p.add_argument("--person", metavar="« Prénom Nom »", help="la personne de la base (obligatoire sauf en lecture)")
    p.add_argument("--role", required=True, choices=["chef", "charge", "lecture"],
                   help="chef·fe de projet, chargé·e de coopération, ou lecture seule")
    p.add_argument("--password-stdin", action="store_true", help="lit le mot de passe sur l'entrée standard")
    p.set_defaults(handler=run_add_user)
    p = commands.add_parser("push", help="copie une base locale dans une base d'équipe vide, sans perte")
    p.add_argument("local", metavar="LOCALE.sqlite")
    p.add_argument("--to", required=True, metavar="postgresql://UTILISATEUR@SERVEUR/BASE")
    p.set_defaults(handler=run_push)
    p = commands.add_parser("pull", help="copie la base d'équipe dans un fichier local (déplacement sans réseau)")
    p.add_argument("url", metavar="postgresql://UTILISATEUR@SERVEUR/BASE")
    p.add_argument("--out", required=True, metavar="COPIE.sqlite")
    p.set_defaults(handler=run_pull)
    p = commands.add_parser("members", help="les comptes de la base d'équipe et leur rôle")
    p.add_argument("url", metavar="postgresql://UTILISATEUR@SERVEUR/BASE")
    p.set_defaults(handler=run_members)


def _engine(url: str):
    from ctgdesk.db.engine import is_server_url, make_engine

    if not is_server_url(url):
        raise CommandError(f"« {url} » n'est pas l'adresse d'une base PostgreSQL (postgresql://UTILISATEUR@SERVEUR/BASE).")
    return make_engine(url)


def _server_errors(action):
    from sqlalchemy.exc import OperationalError, ProgrammingError

    from ctgdesk.db.team import TeamError

    try:
        return action()
    except TeamError as error:
        raise CommandError(str(error)) from None
    except OperationalError as error:
        raise CommandError(f"Connexion au serveur impossible : {str(error.orig).strip().splitlines()[0]}") from None
    except ProgrammingError as error:
        raise CommandError(f"Le serveur a refusé : {str(error.orig).strip().splitlines()[0]}") from None


def run_init(args) -> int:
    from ctgdesk.db.team import init_team_base

    engine = _engine(args.url)
    try:
        _server_errors(lambda: init_team_base(engine))
    finally:
        engine.dispose()
    print(f"Base d'équipe prête : {engine.url.render_as_string(hide_password=True)}")
    print("Ajoutez les comptes avec « ctgdesk team add-user ».")
    return 0


def run_add_user(args) -> int:
    from sqlalchemy.orm import Session

    from ctgdesk.db.team import ROLE_LABELS, add_user
    from ctgdesk.services import people

    engine = _engine(args.url)
    try:
        person_id = None
        if args.person:
            with Session(engine) as session:
                person = people.find_person(session, args.person)
                if person is None:
                    raise CommandError(f"Aucune personne ne s'appelle « {args.person} » dans cette base.")
                person_id = person.id
        elif args.role != "lecture":
            raise CommandError("Indiquez la personne (--person « Prénom Nom ») : ses droits portent sur ses propres saisies.")
        password = sys.stdin.readline().rstrip("\n") if args.password_stdin else None
        _server_errors(lambda: add_user(engine, args.login, person_id, args.role, password))
    finally:
        engine.dispose()
    print(f"Compte « {args.login} » : {ROLE_LABELS[args.role]}" + (f" ({args.person})" if args.person else ""))
    return 0


def run_members(args) -> int:
    from ctgdesk.db.team import ROLE_LABELS, members

    engine = _engine(args.url)
    try:
        rows = _server_errors(lambda: members(engine))
    finally:
        engine.dispose()
    for login, person_id, role in rows:
        print(f"{login}\t{ROLE_LABELS[role]}\t{person_id or ''}")
    return 0


def _copy(source, target) -> dict[str, int]:
    from ctgdesk.db.copy import CopyRefused, copy_base, row_counts

    try:
        copied = _server_errors(lambda: copy_base(source, target))
    except CopyRefused as error:
        raise CommandError(str(error)) from None
    if row_counts(target) != row_counts(source):
        raise CommandError("Après la copie, les nombres de lignes diffèrent : vérifiez les deux bases.")
    return copied


def run_push(args) -> int:
    from pathlib import Path

    from ctgdesk.db.engine import make_engine

    local = Path(args.local)
    if not local.is_file():
        raise CommandError(f"Base locale introuvable : {local}")
    target = _engine(args.to)
    source = make_engine(local, read_only=True)
    try:
        copied = _copy(source, target)
    finally:
        source.dispose()
        target.dispose()
    print(f"Copié dans la base d'équipe : {sum(copied.values())} lignes dans {sum(1 for c in copied.values() if c)} tables "
          f"(réunions : {copied.get('meeting', 0)}, journal : {copied.get('journal_entry', 0)}).")
    print("Préparez ensuite les comptes avec « ctgdesk team add-user ».")
    return 0


def run_pull(args) -> int:
    from pathlib import Path

    from ctgdesk.db import open_database

    out = Path(args.out)
    if out.exists():
        raise CommandError(f"{out} existe déjà : choisissez un autre nom (rien n'est remplacé).")
    source = _engine(args.url)
    partial = out.with_name(f".{out.name}.partiel")
    copy = open_database(partial)
    try:
        copied = _copy(source, copy.engine)
    except BaseException:
        copy.dispose()
        partial.unlink(missing_ok=True)
        raise
    finally:
        source.dispose()
    with copy.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    copy.dispose()
    for suffix in ("-wal", "-shm"):
        Path(f"{partial}{suffix}").unlink(missing_ok=True)
    partial.rename(out)
    print(f"Copie locale écrite : {out} ({copied.get('meeting', 0)} réunions). Elle ne se synchronise pas : "
          "rapportez vos saisies par un paquet (export package) ou sur la base d'équipe.")
    return 0
