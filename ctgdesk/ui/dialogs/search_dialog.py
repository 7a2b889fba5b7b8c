"""Rechercher dans toute la base (Ctrl+K): meetings, decisions, fiches, people, organisations
and journal entries holding every word typed (ctgdesk.services.search; the base is read once
in the worker, at the first search, then each keystroke only compares). Entrée or a
double-click on a line opens the record — `record_chosen(hit)` — and closes the dialog."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from ctgdesk.services.search import SearchHit, SearchIndex, build_index
from ctgdesk.ui.context import UiContext
from ctgdesk.ui.table_model import Column, RowsTableModel
from ctgdesk.ui.widgets.screen_fit import resize_to_screen
from ctgdesk.ui.widgets.search_table import SearchableTable

TYPING_PAUSE_MS = 200


class SearchDialog(QDialog):
    record_chosen = Signal(object)  # the SearchHit

    def __init__(self, ctx: UiContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Rechercher dans toute la base")
        self.model = RowsTableModel([
            Column("Type", lambda h: h.kind_label),
            Column("Intitulé", lambda h: h.title, tooltip=lambda h: h.title),
            Column("Précisions", lambda h: h.detail, tooltip=lambda h: h.detail or None),
        ], parent=self)
        self.table = SearchableTable(self.model, placeholder="Réunion, décision, fiche, personne, commune…",
                                     count_words=("résultat", "résultats"))
        self.search = self.table.search
        self.search.setPlaceholderText("Réunion, décision, fiche, personne, commune, journal… (ex. « copil »)")
        self.search.textChanged.disconnect()  # the base is searched, not the lines already found
        self.search.textChanged.connect(lambda _text: self._timer.start())
        self.search.returnPressed.disconnect()
        self.search.returnPressed.connect(self._go_to_list)
        self.table.activated.connect(self._choose)
        self.hint = QLabel("Tapez quelques lettres ; Entrée ou un double-clic ouvre la fiche choisie. "
                           "Les sigles comptent dans les deux sens (COPIL = comité de pilotage).")
        self.hint.setObjectName("hint")
        self.hint.setWordWrap(True)
        buttons = QDialogButtonBox()
        self.close_button = buttons.addButton("Fermer", QDialogButtonBox.ButtonRole.RejectRole)
        self.close_button.setAutoDefault(False)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.hint)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self._closed = False
        self._index: SearchIndex | None = None
        self._searched: str | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(TYPING_PAUSE_MS)
        self._timer.timeout.connect(self.run_search)
        resize_to_screen(self, 900, 560)
        self.search.setFocus()
        # The base read once, as soon as the dialog opens (in the worker, while she types).
        self.ctx.loads.start(("search-index", id(self)), build_index, self._index_ready, label="la base")

    def _index_ready(self, index: SearchIndex) -> None:
        if self._closed:
            return
        self._index = index
        if self.search.text().strip():
            self.run_search()

    def run_search(self) -> None:
        """The base searched for what is typed now (after a pause in the typing), in the
        worker thread like a page's data (ctgdesk.ui.loading): the newest query wins."""
        self._timer.stop()
        if self._index is None:
            return  # the base is being read: _index_ready searches then
        query = self.search.text()
        self._searched = query
        index = self._index

        def fetch(_session):
            return index, index.find(query)

        self.ctx.loads.start(("search-base", id(self)), fetch, lambda data: self._show_hits(query, *data),
                             label="la recherche")

    def _show_hits(self, query: str, index: SearchIndex, hits: list[SearchHit]) -> None:
        if self._closed:
            return
        self._index = index
        self.model.set_rows(hits)
        self.table.fit_columns(force=True)
        self.table._update_count()
        if not query.strip():
            self.hint.setText("Tapez quelques lettres ; Entrée ou un double-clic ouvre la fiche choisie.")
        elif not hits:
            self.hint.setText(f"Rien ne contient « {query.strip()} » dans la base.")
        else:
            self.hint.setText("Entrée ou un double-clic ouvre la fiche choisie ; ↓ pour parcourir la liste.")

    def done(self, result: int) -> None:
        self._closed = True  # a search still running finds the dialog gone
        super().done(result)

    def _choose(self, hit: SearchHit | None) -> None:
        if hit is None:
            return
        self.record_chosen.emit(hit)
        self.accept()

    def _go_to_list(self) -> None:
        """Entrée in the search field: the search made now, then the first line chosen."""
        if self._timer.isActive() or self._searched != self.search.text():
            self.run_search()
        self.ctx.loads.call_when_done(self._focus_first_line)

    def _focus_first_line(self) -> None:
        if not self._closed and self.model.rowCount():
            self.table.view.setFocus()
            self.table.view.selectRow(0)

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()  # Entrée chooses a line (or searches), never "Fermer"
            return
        if self.search.hasFocus() and event.key() == Qt.Key.Key_Down:
            self._go_to_list()
            return
        super().keyPressEvent(event)
