"""Data safety around the window: the lock, the start-up check, backups, location warnings.

Called from ctgdesk.ui.app (`open_for_window` in `_open_and_fill`, `after_open` once the
page in front is filled) and from the Fichier menu (ctgdesk.ui.safety_menu). The rules themselves live in ctgdesk.db (health, backup, lock,
synced_folders); this module only asks the user, in French, and never shows a traceback.

Light to import: Qt and the standard library only at the top — SQLAlchemy, Alembic and
ctgdesk.db.health are imported inside the functions (start-up speed is benchmarked).

Choices made here:
- another ctgdesk holds the base → « Ouvrir en lecture seule » or « Quitter »;
- a damaged base is set aside (renamed, never deleted); if a sound backup exists the user
  is offered to restore it — « Non » quits (the damaged file and the backups stay where
  they are); without any backup the user may start on a new empty base or quit.
"""

from __future__ import annotations

import os
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QObject, QRunnable, QSettings, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QMessageBox, QWidget

from ctgdesk import APP_DISPLAY_NAME

SECOND_FOLDER_KEY = "backup/second_folder"
WARNED_LOCATIONS_KEY = "safety/warned_locations"
READ_ONLY_LABEL = "Lecture seule"
CHOICE_READ_ONLY = "Ouvrir en lecture seule"
CHOICE_QUIT = "Quitter"
START_BACKUP_DELAY_MS = 5_000  # the automatic backup at start waits for the window to settle

_DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
_MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
           "septembre", "octobre", "novembre", "décembre")


# ---------------------------------------------------------------- French dates


def long_french_datetime(moment: datetime) -> str:
    """« mardi 17 novembre 2026 à 18:02 »"""
    return (f"{_DAYS[moment.weekday()]} {moment.day} {_MONTHS[moment.month - 1]} {moment.year}"
            f" à {moment:%H:%M}")


def last_backup_text(moment: datetime | None, today: date | None = None) -> str:
    """« Dernière sauvegarde : aujourd'hui 14:02 » (hier, or the date, or aucune)."""
    if moment is None:
        return "Dernière sauvegarde : aucune"
    today = today or date.today()
    if moment.date() == today:
        when = f"aujourd'hui {moment:%H:%M}"
    elif moment.date() == today - timedelta(days=1):
        when = f"hier {moment:%H:%M}"
    else:
        when = f"le {moment:%d/%m/%Y} à {moment:%H:%M}"
    return f"Dernière sauvegarde : {when}"


# ---------------------------------------------------------------- asking the user


def choose(parent: QWidget | None, title: str, text: str, choices: list[str],
           icon: QMessageBox.Icon = QMessageBox.Icon.Warning) -> str:
    """A message box with buttons named `choices`; returns the label clicked (the last
    choice if the box is closed otherwise). Tests replace this function to answer."""
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.NoButton, parent)
    buttons = {}
    for number, label in enumerate(choices):
        role = QMessageBox.ButtonRole.AcceptRole if number == 0 else QMessageBox.ButtonRole.RejectRole
        buttons[box.addButton(label, role)] = label
    box.exec()
    return buttons.get(box.clickedButton(), choices[-1])


# ---------------------------------------------------------------- work off the UI thread


class _Done(QObject):
    finished = Signal(object, object)  # result, error message (French) or None


class _Job(QRunnable):
    def __init__(self, work: Callable[[], object], done: _Done):
        super().__init__()
        self.work, self.done = work, done

    def run(self) -> None:
        try:
            result, message = self.work(), None
        except Exception as error:  # noqa: BLE001 - becomes a French message in the UI
            result, message = None, str(error) or error.__class__.__name__
        try:
            self.done.finished.emit(result, message)
        except RuntimeError:  # its window was closed meanwhile (Vérifier la base… closed early): nobody to tell
            pass


def run_in_pool(work: Callable[[], object], on_done: Callable[[object, str | None], None],
                owner: QObject) -> _Done:
    """Run `work` on the global thread pool; `on_done(result, error)` in the UI thread."""
    done = _Done(owner)
    done.finished.connect(on_done)
    QThreadPool.globalInstance().start(_Job(work, done))
    return done


# ---------------------------------------------------------------- the safety of one window


class Safety(QObject):
    """What the window holds to keep the data safe: the lock and its heartbeat, the backups."""

    def __init__(self, window: QMainWindow, db_path: Path, settings: QSettings | None = None):
        super().__init__(window)
        self.window = window
        self.db_path = Path(db_path)
        self.settings = settings if settings is not None else getattr(window, "settings", QSettings())
        self.lock = None
        self.preflight = None  # ctgdesk.db.preflight.Preflight: the lock and the check begun in a thread
        self.read_only = False
        self.changed = False
        self.messages: list[str] = []  # what the status bar said, for the record
        self.backup_label = QLabel(last_backup_text(None))
        self.backup_label.setObjectName("hint")
        self.backup_label.setToolTip("Les sauvegardes automatiques sont dans le dossier "
                                     "« sauvegardes » à côté de la base (Fichier ▸ Sauvegardes…)")
        self.heartbeat = QTimer(self)
        self.heartbeat.timeout.connect(self.refresh_lock)
        self._backup_running = False
        self._finished = False

    # -- status --------------------------------------------------------------------------
    def status(self, message: str, timeout_ms: int = 10_000) -> None:
        self.messages.append(message)
        self.window.statusBar().showMessage(message, timeout_ms)

    @property
    def backup_folder(self) -> Path:
        from ctgdesk.db.backup import default_backup_folder

        return default_backup_folder(self.db_path)

    def second_folder(self) -> Path | None:
        value = self.settings.value(SECOND_FOLDER_KEY)
        return Path(value) if isinstance(value, str) and value else None

    # -- 1. the lock ---------------------------------------------------------------------
    def take_lock(self) -> bool:
        """Hold the lock, or let the user open read-only. False: the user chose to quit."""
        from ctgdesk.db.lock import HEARTBEAT_INTERVAL, DatabaseLocked, LockUnavailable, acquire

        try:
            self.lock = self.preflight.lock() if self.preflight is not None else acquire(self.db_path)
        except (DatabaseLocked, LockUnavailable) as error:
            answer = choose(self.window, APP_DISPLAY_NAME,
                            f"{error}\n\nVous pouvez consulter la base sans la modifier.",
                            [CHOICE_READ_ONLY, CHOICE_QUIT])
            if answer != CHOICE_READ_ONLY:
                return False
            self.read_only = True
            return True
        self.heartbeat.start(int(HEARTBEAT_INTERVAL.total_seconds() * 1000))
        return True

    def refresh_lock(self) -> None:
        from ctgdesk.db.lock import LockLost

        if self.lock is None:
            return
        try:
            self.lock.refresh()
        except LockLost as error:
            self.heartbeat.stop()
            self.status(str(error), 0)
            QMessageBox.warning(self.window, APP_DISPLAY_NAME, str(error))
        except OSError as error:
            self.status(f"Le verrou de la base n'a pas pu être rafraîchi ({error.strerror or error}).")

    def release_lock(self) -> None:
        self.heartbeat.stop()
        if self.lock is not None:
            try:
                self.lock.release()
            except OSError:
                pass  # a lock left behind is judged abandoned by the next start
            self.lock = None

    # -- 2. opening ------------------------------------------------------------------------
    def open(self):
        """Open the base after the checks; None when it cannot be or the user quits."""
        from ctgdesk.db.health import DatabaseProblem, HealthStatus

        try:
            try:
                safe = self._open_checked()
            except DatabaseProblem as problem:
                if not getattr(problem, "read_only_folder", False) or self.read_only:
                    raise
                # The file cannot be written here (read-only file, medium): consult it, or quit.
                answer = choose(self.window, APP_DISPLAY_NAME,
                                f"{problem}\n\nVous pouvez consulter la base sans la modifier.",
                                [CHOICE_READ_ONLY, CHOICE_QUIT])
                if answer != CHOICE_READ_ONLY:
                    return None
                self.read_only = True
                self.release_lock()
                safe = self._open_checked()
        except DatabaseProblem as problem:
            if problem.report is not None and problem.report.status is HealthStatus.CORRUPTED and not self.read_only:
                safe = self._after_corruption(problem)
                if safe is None:
                    return None
            else:
                QMessageBox.critical(self.window, APP_DISPLAY_NAME, str(problem))
                return None
        except Exception as error:
            from ctgdesk.db.backup import BackupError  # loaded only when something went wrong

            if not isinstance(error, BackupError):
                raise
            QMessageBox.critical(self.window, APP_DISPLAY_NAME,
                                 f"{error}\n\nLa base n'a pas été mise à jour sans sauvegarde.")
            return None
        if safe.pre_migration_backup is not None:
            self.status("Base mise à jour ; une sauvegarde « avant mise à jour » a été faite.")
        self.location_warnings = list(safe.warnings)
        return safe.db

    def _open_checked(self):
        """ctgdesk.db.opening's checked opening, the lock (taken by take_lock) held."""
        from ctgdesk.db.opening import Access, open_checked

        reading = self.preflight.reading() if self.preflight is not None else None  # first time only
        safe = open_checked(self.db_path, Access.READ if self.read_only else Access.CREATE, reading=reading)
        if safe.cleaned:
            self.status(f"{len(safe.cleaned)} copie(s) temporaire(s) abandonnée(s) supprimée(s).")
        if not self.read_only:
            from ctgdesk.services.referential import ensure_referential

            with safe.db.transaction() as session:
                ensure_referential(session)
        return safe

    def _after_corruption(self, problem):
        from ctgdesk.db.backup import BackupError, restore
        from ctgdesk.db.health import DatabaseProblem, set_aside_corrupted

        try:
            aside = set_aside_corrupted(self.db_path)
        except BackupError as error:
            QMessageBox.critical(self.window, APP_DISPLAY_NAME, f"{problem}\n\n{error}")
            return None
        kept = f"Le fichier endommagé est conservé sous « {aside.moved[0].name} » (rien n'a été effacé)."
        if aside.offer is not None:
            question = (f"La base « {self.db_path.name} » est endommagée.\n{kept}\n\n"
                        f"Restaurer la sauvegarde du {long_french_datetime(aside.offer.created)} ?\n\n"
                        "(Non : ctgdesk se ferme ; vous pourrez restaurer plus tard depuis "
                        "Fichier ▸ Sauvegardes.)")
            if QMessageBox.question(self.window, APP_DISPLAY_NAME, question) != QMessageBox.StandardButton.Yes:
                return None
            try:
                restore(aside.offer.path, self.db_path)
            except BackupError as error:
                QMessageBox.critical(self.window, APP_DISPLAY_NAME, str(error))
                return None
            self.status(f"Base restaurée depuis la sauvegarde du {long_french_datetime(aside.offer.created)}.", 0)
        else:
            question = (f"La base « {self.db_path.name} » est endommagée et aucune sauvegarde en bon "
                        f"état n'a été trouvée.\n{kept}\n\nCommencer avec une nouvelle base vide ?\n\n"
                        "(Non : ctgdesk se ferme.)")
            if QMessageBox.question(self.window, APP_DISPLAY_NAME, question) != QMessageBox.StandardButton.Yes:
                return None
            self.status("Nouvelle base vide créée ; l'ancienne, endommagée, est conservée à côté.", 0)
        try:
            return self._open_checked()
        except (DatabaseProblem, BackupError) as error:
            QMessageBox.critical(self.window, APP_DISPLAY_NAME, str(error))
            return None

    # -- 3/4. after opening ------------------------------------------------------------
    def after_open(self) -> None:
        """Status bar, location warnings, the first automatic backup (off the UI thread)."""
        bar = self.window.statusBar()
        bar.addPermanentWidget(self.backup_label)
        self._show_last_backup()
        ctx = getattr(self.window, "ctx", None)
        if ctx is not None:
            ctx.signals.data_changed.connect(self._on_data_changed)
        if self.read_only:
            self.read_only_label = QLabel(READ_ONLY_LABEL)
            self.read_only_label.setObjectName("readOnly")
            self.read_only_label.setToolTip("La base est ouverte par un autre poste, ou son dossier est protégé "
                                            "en écriture : rien ne peut y être modifié ici.")
            bar.addPermanentWidget(self.read_only_label)
            title = self.window.windowTitle()
            if READ_ONLY_LABEL.lower() not in title:
                self.window.setWindowTitle(f"{title} ({READ_ONLY_LABEL.lower()})")
            self.status("Base ouverte en lecture seule : les modifications seront refusées.", 0)
            for name in ("import_action", "backup_action", "second_folder_action"):
                action = getattr(self.window, name, None)
                if action is not None:  # would write to a base another ctgdesk holds
                    action.setEnabled(False)
        self._warn_location()
        if not self.read_only:
            # Later than the first frames: comparing the base with its last backup reads every row.
            QTimer.singleShot(START_BACKUP_DELAY_MS, self, self.start_backup)

    def _on_data_changed(self) -> None:
        self.changed = True

    def _warn_location(self) -> None:
        warnings = getattr(self, "location_warnings", [])
        if not warnings:
            return
        text = "\n".join(warnings)
        self.status(warnings[0], 0)
        key = os.path.normcase(str(self.db_path.resolve()))
        warned = self.settings.value(WARNED_LOCATIONS_KEY) or []
        if isinstance(warned, str):
            warned = [warned]
        if key in warned:
            return
        self.settings.setValue(WARNED_LOCATIONS_KEY, [*warned, key])
        self.settings.sync()
        QTimer.singleShot(0, lambda: QMessageBox.warning(self.window, APP_DISPLAY_NAME, text))

    def _show_last_backup(self) -> None:
        from ctgdesk.db.backup import list_backups

        try:
            backups = list_backups(self.backup_folder, stem=self.db_path.stem)
        except OSError:
            backups = []
        self.last_backup = backups[0] if backups else None
        self.backup_label.setText(last_backup_text(self.last_backup.created if self.last_backup else None))

    def _backup_work(self):
        """auto_backup, then the copy on the second folder; returns (backup, reminder)."""
        from ctgdesk.db.backup import auto_backup, copy_to_second_folder, second_copy_status

        made = auto_backup(self.db_path, self.backup_folder)
        second = self.second_folder()
        reminder = None
        if second is not None:
            if made is not None and second.is_dir():
                copy_to_second_folder(made, second)
            status = second_copy_status(second, stem=self.db_path.stem)
            if status.overdue:
                reminder = status.message
        return made, reminder

    def start_backup(self) -> None:
        if self._backup_running or self._finished:
            return
        self._backup_running = True
        self._backup_job = run_in_pool(self._backup_work, self._backup_done, self)

    def _backup_done(self, result, error: str | None) -> None:
        self._backup_running = False
        if error is not None:
            self.status(f"La sauvegarde automatique a échoué : {error}", 0)
            return
        made, reminder = result
        self._show_last_backup()
        if made is not None:
            self.status(f"Sauvegarde automatique faite ({made.path.name}).", 5000)
        if reminder:
            self.status(reminder, 0)

    def wait_for_backup(self, timeout_ms: int = 30_000) -> bool:
        return QThreadPool.globalInstance().waitForDone(timeout_ms)

    def at_exit(self) -> None:
        """Clean exit: a backup when data changed (auto_backup applies the 30-minute rule),
        then the lock released. Safe to call twice."""
        if self._finished:
            return
        self._finished = True
        self.wait_for_backup()
        if self.changed and not self.read_only:
            try:
                self._backup_work()
            except Exception:  # noqa: BLE001 - closing: nothing to show, the data is saved
                pass
        self.release_lock()

    # -- Fichier ▸ Deuxième dossier de sauvegarde… ------------------------------------
    def choose_second_folder(self) -> None:
        from PySide6.QtWidgets import QFileDialog  # PySide6 builds its type on first use: not at start-up

        current = self.second_folder()
        folder = QFileDialog.getExistingDirectory(
            self.window, "Deuxième dossier de sauvegarde (clé USB, partage…)",
            str(current) if current else "")
        if not folder:
            return
        self.settings.setValue(SECOND_FOLDER_KEY, folder)
        self.settings.sync()
        self.status(f"Les sauvegardes seront aussi copiées dans « {folder} ».")
        self.copy_now_to_second_folder()

    def copy_now_to_second_folder(self) -> None:
        from ctgdesk.db.backup import BackupError, BackupKind, copy_to_second_folder, list_backups, make_backup

        second = self.second_folder()
        if second is None or self.read_only:
            return
        try:
            existing = list_backups(self.backup_folder, stem=self.db_path.stem)
            made = existing[0] if existing else make_backup(self.db_path, BackupKind.MANUAL, self.backup_folder)
            copy_to_second_folder(made, second)
        except (BackupError, OSError) as error:
            QMessageBox.warning(self.window, APP_DISPLAY_NAME, str(error))
            return
        self._show_last_backup()


# ---------------------------------------------------------------- hooks (app.py, safety_menu.py)


def safety_of(window: QMainWindow) -> Safety | None:
    return getattr(window, "safety", None)


def open_for_window(window: QMainWindow, db_path: Path):
    """app._open_and_fill: the lock, then the checked opening. None: do not go on (quit).

    The lock and the file check begin in a thread (ctgdesk.db.preflight) while SQLAlchemy and
    the models are imported here — both needed next, and both slow: one waits on the disk and
    SQLite, the other is Python — then their results are taken in their usual order.
    """
    from ctgdesk.db.opening import resolve
    from ctgdesk.db.preflight import Preflight

    db_path = resolve(db_path)  # a symbolic link and its target: one base, one lock
    safety = Safety(window, db_path)
    window.safety = safety
    safety.preflight = Preflight(db_path)
    try:
        import ctgdesk.models  # noqa: F401 - meanwhile (see above)

        if not safety.take_lock():
            return None
        db = safety.open()
    except BaseException:
        safety.release_lock()  # app._open_and_fill says it in French
        raise
    finally:
        safety.preflight.discard()  # its lock, if the start stopped before taking it
        safety.preflight = None
    if db is None:
        safety.release_lock()
        return None
    app = QApplication.instance()
    if app is not None:
        app.aboutToQuit.connect(safety.at_exit)
    return db


def after_open(window: QMainWindow) -> None:
    """app._finish_start: status bar, warnings, first automatic backup."""
    safety = safety_of(window)
    if safety is not None:
        safety.after_open()
