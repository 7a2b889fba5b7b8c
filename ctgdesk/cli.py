"""ctgdesk's command line: the same services without a screen.

`ctgdesk` alone opens the window; `ctgdesk [--db PATH] COMMAND …` runs a command.
Each command lives in its own module under ctgdesk/commands/ with a `register` function.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import sys
from contextlib import contextmanager
from pathlib import Path

from ctgdesk import __version__

COMMAND_MODULES = [
    "ctgdesk.commands.basics",
    "ctgdesk.commands.maintenance",
    "ctgdesk.commands.transfer",
    "ctgdesk.commands.export",
    "ctgdesk.commands.team",
]


class CommandError(Exception):
    """A failure to report to the user in French, with a non-zero exit code."""

    def __init__(self, message: str, code: int = 1):
        super().__init__(message)
        self.code = code


def global_options() -> argparse.ArgumentParser:
    """Options read before any command module is imported: `--version` and `--self-test`
    must answer even in a broken installation (that is what they are for)."""
    parser = argparse.ArgumentParser(prog="ctgdesk", add_help=False)
    parser.add_argument("--version", action="version", version=f"ctgdesk {__version__}")
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="vérifie l'installation sans écran (base temporaire, fenêtre, bilan, exports) puis quitte",
    )
    parser.add_argument(
        "--db",
        default=None,
        help="fichier de base de données (par défaut : dossier de données de l'application), "
             "ou base d'équipe postgresql://UTILISATEUR@SERVEUR/BASE",
    )
    return parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ctgdesk",
        description="ctgdesk — outil des chargé·e·s de coopération territoriale CTG.",
        parents=[global_options()],
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMANDE")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def db_path(args: argparse.Namespace) -> Path | str:
    """The base's file, or a team base's address (postgresql://…) kept as text."""
    if args.db is not None:
        from ctgdesk.db.paths import is_server_url

        return args.db if is_server_url(args.db) else Path(args.db)
    from ctgdesk.db.paths import default_db_path

    return default_db_path()


def _gui_arguments(argv: list[str]) -> tuple[argparse.Namespace, list[str]] | None:
    """(args, Qt arguments) when no command is named: the window, without loading any command
    module (they import SQLAlchemy and the services: the window must show before that)."""
    args, rest = global_options().parse_known_args(argv)
    if any(not arg.startswith("-") or arg in ("-h", "--help") for arg in rest):
        return None
    return args, rest


def _run_gui(path: Path, qt_arguments: list[str]) -> int:
    # The garbage collector is off from here, Qt's import included, until the window has
    # started (see ctgdesk.ui.app.pause_garbage_collection).
    gc.disable()
    from ctgdesk.ui.app import run_gui

    return run_gui(path, qt_arguments)


def tell_read_only(base) -> None:
    """Say (on stderr, not to disturb what a script reads) that the base is read-only here."""
    if base.read_only is not None:
        print(f"Remarque : base ouverte en lecture seule ({base.read_only}).", file=sys.stderr)


@contextmanager
def open_base(args: argparse.Namespace, access, *, referential: bool = True, **options):
    """The base named by --db, through the one way in (ctgdesk.db.opening.open_base), closed
    (and its lock released) at the end; a refusal becomes a CommandError in French.
    `referential`: a command that writes leaves the national referential in the base."""
    from ctgdesk.db.opening import OpeningRefused, open_base as open_checked_base

    try:
        base = open_checked_base(db_path(args), access, **options)
    except OpeningRefused as error:
        raise CommandError(str(error)) from None
    with base:
        if base.cleaned:
            print(f"{len(base.cleaned)} copie(s) temporaire(s) abandonnée(s) par une sauvegarde ou une "
                  "restauration interrompue ont été supprimées.", file=sys.stderr)
        tell_read_only(base)
        if base.pre_migration_backup is not None:
            print(f"Base mise à jour ; sauvegarde faite avant : {base.pre_migration_backup.path}")
        if referential and access.writes and base.db is not None:
            # A base written by a command is complete, as one the window opened: the national
            # referential is in it (read commands find it there, they never add it).
            from ctgdesk.services.referential import ensure_referential

            with base.db.transaction() as session:
                ensure_referential(session)
        yield base


def main(argv: list[str] | None = None) -> int:
    """Run ctgdesk; any unexpected error becomes a French message and a log file, never a traceback."""
    try:
        return _main(argv)
    except SystemExit:
        raise  # argparse's own exits (--help, --version, usage errors): already said
    except BaseException as error:  # noqa: BLE001 - the one place an unexpected error ends
        if isinstance(error, KeyboardInterrupt):
            print("Interrompu.", file=sys.stderr)
            return 130
        from ctgdesk.crashlog import EXIT_UNEXPECTED, user_message, write_log

        log = write_log(error, "ctgdesk " + " ".join(sys.argv[1:] if argv is None else argv))
        try:
            print(user_message(error, log), file=sys.stderr)
        except Exception:  # noqa: BLE001 - no usable stderr (windowed build): the log says it
            pass
        return EXIT_UNEXPECTED


def _main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    from ctgdesk.garbage import collect_less_often

    collect_less_often()
    from ctgdesk.commands import argparse_fr

    argparse_fr.install()
    options = global_options().parse_known_args(argv)[0]
    if options.self_test:
        from ctgdesk.selftest import run_self_test

        if options.db is not None:
            print(f"L'auto-test travaille sur sa propre base temporaire : « {options.db} » n'est ni lue "
                  "ni modifiée (pour vérifier une base : « ctgdesk --db BASE verify »).")
        return run_self_test()
    gui = _gui_arguments(argv)
    if gui is not None:
        args, rest = gui
        return _run_gui(db_path(args), rest)
    parser = build_parser()
    args, rest = parser.parse_known_args(argv)
    if args.command is None:
        return _run_gui(db_path(args), rest)
    if rest:
        parser.error(f"arguments non reconnus : {' '.join(rest)}")
    try:
        return int(args.handler(args) or 0)
    except CommandError as error:
        print(f"Erreur : {error}", file=sys.stderr)
        return error.code
    except KeyboardInterrupt:
        print("Interrompu.", file=sys.stderr)
        return 130
