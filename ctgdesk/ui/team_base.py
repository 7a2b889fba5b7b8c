"""The window on a team base (PostgreSQL): others' saves refresh the page in front by
themselves, and the status bar says which base and as whom.

The changes come from ctgdesk.db.team.ChangeListener (LISTEN/NOTIFY, in its own thread); its
callback emits a Qt signal, which Qt delivers in the window's thread.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel


def is_team_base(db) -> bool:
    return db is not None and db.engine.dialect.name == "postgresql"


def base_label(db) -> str:
    url = db.engine.url
    where = url.host or "serveur local"
    return f"Base d'équipe « {url.database} » sur {where} — vous : {url.username}"


class TeamChanges(QObject):
    """Others' commits → `ctx.notify_changed()` (the page in front reloads, the others when shown)."""

    changed = Signal(str, list)

    def __init__(self, window):
        super().__init__(window)
        from ctgdesk.db.team import ChangeListener

        self.window = window
        self.changed.connect(self._on_change)
        self.listener = ChangeListener(str(window.ctx.db.engine.url.render_as_string(hide_password=False)),
                                       lambda actor, tables: self.changed.emit(actor, list(tables))).start()
        window.destroyed.connect(lambda *_: self.listener.stop())

    def _on_change(self, actor: str, tables: list) -> None:
        if self.window.ctx.db is None:
            return
        self.window.ctx.notify_changed()
        if actor and actor != self.window.ctx.db.engine.url.username:
            self.window.ctx.show_status(f"Données mises à jour par {actor} : la page est rechargée.")

    def stop(self) -> None:
        self.listener.stop()


def watch(window) -> TeamChanges | None:
    """Start following the team base of `window.ctx.db` (nothing for a file)."""
    if not is_team_base(window.ctx.db) or getattr(window, "team_changes", None) is not None:
        return getattr(window, "team_changes", None)
    window.team_changes = TeamChanges(window)
    label = QLabel(base_label(window.ctx.db))
    label.setObjectName("teamBase")
    label.setAccessibleName("Base de données ouverte")
    window.statusBar().addPermanentWidget(label)
    return window.team_changes
