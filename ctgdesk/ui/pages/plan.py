"""Plan d'action: the convention's enjeux → objectifs → fiches actions as a tree, with the
selected item's detail beside it.

Ctrl+N new fiche (under the objectif chosen), Entrée / double-click open, Suppr delete (a fiche
after confirmation, Ctrl+Z brings it back with its étapes, indicators and suivi; an enjeu or
an objectif when empty), Ctrl+F search. Filters: statut, "en retard" only.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QKeySequence, QShortcut, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSplitter,
    QTextBrowser,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from ctgdesk.formatting import long_date, money, number, short_date
from ctgdesk.models import FicheStatus
from ctgdesk.services import meetings, plan, territory
from ctgdesk.services.errors import ValidationError
from ctgdesk.services.search_terms import query_words, search_text
from ctgdesk.services.plan import AxisSnapshot, EnjeuNode, FicheInput, FicheRow
from ctgdesk.ui.context import Page, UiContext
from ctgdesk.ui.dialogs.fiche_axis_dialog import EnjeuDialog, ObjectifDialog
from ctgdesk.ui.dialogs.fiche_dialog import FicheDialog, describe_period
from ctgdesk.ui.dialogs.meeting_form_widgets import ChoiceCombo
from ctgdesk.ui.undo import make_delete_command, make_undo_command
from ctgdesk.ui.widgets import style
from ctgdesk.ui.widgets.messages import confirm_delete, show_error
from ctgdesk.ui.widgets.page_header import PageHeader, page_action

KIND_ROLE = Qt.ItemDataRole.UserRole + 10  # "enjeu", "objectif", "fiche"
ID_ROLE = Qt.ItemDataRole.UserRole + 11
SORT_ROLE = Qt.ItemDataRole.UserRole + 12
STATUS_ROLE = Qt.ItemDataRole.UserRole + 13  # a fiche's status value
LATE_ROLE = Qt.ItemDataRole.UserRole + 14

COLUMNS = ["Intitulé", "Statut", "Avancement", "Fin prévue", "Pilote"]
STATUS_COLORS = {
    FicheStatus.TO_COME: style.MUTED,
    FicheStatus.IN_PROGRESS: style.ACCENT,
    FicheStatus.DONE: style.SUCCESS,
    FicheStatus.BLOCKED: style.DANGER,
    FicheStatus.DROPPED: style.MUTED,
}


def numbering_key(number: str) -> str:
    """ "1.10.2" sorts after "1.9.3": each part padded ("0001.0010.0002")."""
    return ".".join(part.zfill(4) if part.isdigit() else part for part in number.split("."))


def _item(text: str, sort=None) -> QStandardItem:
    item = QStandardItem(text)
    item.setEditable(False)
    item.setData(text if sort is None else sort, SORT_ROLE)
    return item


@dataclass(frozen=True)
class Selected:
    kind: str
    id: int


class PlanFilterProxy(QSortFilterProxyModel):
    """Search (accent-free, every word) and the status / late filters, over the tree.

    A fiche shows when it passes the filters and its text — or an enjeu's or objectif's above
    it — holds the words searched; an enjeu or objectif shows when something below it does
    (or, without filters, when its own text or a parent's matches).
    """

    def __init__(self, parent=None):
        super().__init__(parent)
        self._words: list[str] = []
        self._status: FicheStatus | None = None
        self._late_only = False
        self.setRecursiveFilteringEnabled(True)
        self.setSortRole(SORT_ROLE)

    def _changed(self, apply) -> None:
        if hasattr(self, "beginFilterChange"):
            self.beginFilterChange()
            apply()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:  # pragma: no cover - Qt < 6.9
            apply()
            self.invalidateFilter()

    def set_search(self, text: str) -> None:
        words = query_words(text)
        if words != self._words:
            self._changed(lambda: setattr(self, "_words", words))

    def set_status(self, status: FicheStatus | None) -> None:
        if status != self._status:
            self._changed(lambda: setattr(self, "_status", status))

    def set_late_only(self, late_only: bool) -> None:
        if late_only != self._late_only:
            self._changed(lambda: setattr(self, "_late_only", late_only))

    def filtering(self) -> bool:
        return bool(self._words or self._status or self._late_only)

    def _text(self, index: QModelIndex) -> str:
        model = self.sourceModel()
        return search_text(" ".join(str(model.index(index.row(), c, index.parent()).data() or "")
                                    for c in range(model.columnCount(index.parent()))))

    def _words_match(self, index: QModelIndex) -> bool:
        if not self._words:
            return True
        while index.isValid():
            text = self._text(index)
            if all(word in text for word in self._words):
                return True
            index = index.parent()
        return False

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        index = self.sourceModel().index(source_row, 0, source_parent)
        if index.data(KIND_ROLE) != "fiche":
            return not (self._status or self._late_only) and self._words_match(index)
        if self._status is not None and index.data(STATUS_ROLE) != self._status.value:
            return False
        if self._late_only and not index.data(LATE_ROLE):
            return False
        return self._words_match(index)


DETAIL_MIN_WIDTH = 240


class PlanPage(Page):
    title = "Plan d'action"
    icon_name = "fa5s.project-diagram"

    def __init__(self, ctx: UiContext, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        self.dialog = None
        self.convention_id: int | None = None
        self.outline: list[EnjeuNode] = []
        self.fiches: dict[int, FicheRow] = {}
        self._organisations: dict[int, str] = {}
        self._persons: dict[int, str] = {}
        self._build()

    # --- layout ----------------------------------------------------------------------------
    def _build(self) -> None:
        self.header = PageHeader("Plan d'action", "")
        self.new_action = page_action(self, "Nouvelle fiche", "fa5s.plus", self.new_fiche,
                                      shortcut=QKeySequence.StandardKey.New)
        self.new_objectif_action = page_action(self, "Nouvel objectif", "fa5s.bullseye", self.new_objectif)
        self.new_enjeu_action = page_action(self, "Nouvel enjeu", "fa5s.flag", self.new_enjeu)
        self.edit_action = page_action(self, "Ouvrir", "fa5s.pen", self.edit_selected, hint="Entrée")
        self.delete_action = page_action(self, "Supprimer", "fa5s.trash-alt", self.delete_selected, hint="Suppr")
        page_action(self, "Rechercher", "fa5s.search", self.focus_search, shortcut=QKeySequence.StandardKey.Find)
        for action in (self.new_action, self.new_objectif_action, self.new_enjeu_action, self.edit_action,
                       self.delete_action):
            self.header.add_action_button(action)

        self.search = QLineEdit()
        self.search.setPlaceholderText("Rechercher une fiche, un objectif, un pilote… (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(300)
        self.status_filter = ChoiceCombo([(s, s.label) for s in FicheStatus], empty_label="Tous les statuts")
        self.late_check = QCheckBox("En retard seulement")
        self.count_label = QLabel()
        self.count_label.setObjectName("hint")

        self.model = QStandardItemModel(0, len(COLUMNS), self)
        self.model.setHorizontalHeaderLabels(COLUMNS)
        self.proxy = PlanFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.tree = QTreeView()
        self.tree.setModel(self.proxy)
        self.tree.setSortingEnabled(True)
        self.tree.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.header().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.tree.header().setStretchLastSection(False)
        self.tree.doubleClicked.connect(lambda _index: self.edit_selected())
        self.tree.selectionModel().currentRowChanged.connect(lambda *_: self._selection_changed())

        self.detail = QTextBrowser()
        self.detail.setOpenLinks(False)
        self.detail.setMinimumWidth(DETAIL_MIN_WIDTH)
        # The detail gives way to the list's columns on a small screen; its handle moves it back.
        splitter = self.splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.tree)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 0)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([860, 380])

        self.search.textChanged.connect(self._filters_changed)
        self.status_filter.currentIndexChanged.connect(self._filters_changed)
        self.late_check.toggled.connect(self._filters_changed)

        filters = QHBoxLayout()
        filters.setSpacing(8)
        filters.addWidget(self.search, 2)
        filters.addWidget(self.status_filter, 1)
        filters.addWidget(self.late_check)
        filters.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 12)
        layout.setSpacing(8)
        layout.addWidget(self.header)
        layout.addLayout(filters)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.count_label, 0, Qt.AlignmentFlag.AlignRight)

        for keys, slot in ((QKeySequence.StandardKey.Delete, self.delete_selected),
                           (QKeySequence(Qt.Key.Key_Return), self.edit_selected),
                           (QKeySequence(Qt.Key.Key_Enter), self.edit_selected)):
            shortcut = QShortcut(keys, self.tree)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(slot)
        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self.search)
        escape.setContext(Qt.ShortcutContext.WidgetShortcut)
        escape.activated.connect(self.search.clear)
        self._update_actions()

    # --- loading ---------------------------------------------------------------------------
    def refresh(self) -> None:
        year, today = self.ctx.year, self.ctx.today()

        def fetch(s):
            convention = territory.convention_for_year(s, year)
            return (convention.id if convention else None, convention.name if convention else "",
                    plan.plan_outline(s, convention.id) if convention else [],
                    plan.list_fiches(s, today, convention.id) if convention else [],
                    {o.id: o.name for o in territory.list_organisations(s)},
                    dict(meetings.person_choices(s)))

        self.load_data(fetch, lambda data: self._show(*data))

    def _show(self, convention_id, convention_name, outline, rows, organisations, persons) -> None:
        selected = self.selected()
        self.convention_id, self.convention_name, self.outline = convention_id, convention_name, outline
        self._organisations, self._persons = organisations, persons
        self.fiches = {r.id: r for r in rows}
        self._fill_tree()
        if selected is None or not self.select(selected.kind, selected.id):
            self._selection_changed()
        self._update_header()

    def _fill_tree(self) -> None:
        self.model.removeRows(0, self.model.rowCount())
        bold = QFont()
        bold.setBold(True)
        root = self.model.invisibleRootItem()
        for enjeu in self.outline:
            fiche_ids = [i for o in enjeu.objectifs for i in o.fiche_ids]
            enjeu_row = self._axis_row("enjeu", enjeu.id, enjeu.number, f"Enjeu {enjeu.number} : {enjeu.title}"
                                       if enjeu.number else f"Enjeu : {enjeu.title}", fiche_ids)
            for item in enjeu_row:
                item.setFont(bold)
            root.appendRow(enjeu_row)
            for objectif in enjeu.objectifs:
                objectif_row = self._axis_row("objectif", objectif.id, objectif.number,
                                              f"{objectif.number} {objectif.title}".strip(), list(objectif.fiche_ids))
                enjeu_row[0].appendRow(objectif_row)
                for fiche_id in objectif.fiche_ids:
                    row = self.fiches.get(fiche_id)
                    if row is not None:
                        objectif_row[0].appendRow(self._fiche_row(row))
        self.tree.expandAll()
        self.tree.header().resizeSections(QHeaderView.ResizeMode.ResizeToContents)
        header = self.tree.header()
        for column in range(header.count()):
            header.resizeSection(column, min(header.sectionSize(column) + 8, 330 if column == 0 else 150))
        self._give_the_list_its_width()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        QTimer.singleShot(0, self, self._give_the_list_its_width)  # once laid out at its real width

    def _give_the_list_its_width(self) -> None:
        """Once, the splitter's share: the list as wide as its columns, the detail what is left
        (at least DETAIL_MIN_WIDTH) — the detail, not the pilot column, gives way."""
        if getattr(self, "_split_done", False) or not self.splitter.isVisible() or not self.tree.model().rowCount():
            return
        self._split_done = True
        header = self.tree.header()
        wanted = header.length() + self.tree.frameWidth() * 2 + self.tree.verticalScrollBar().sizeHint().width()
        total = self.splitter.width() - self.splitter.handleWidth()
        tree = min(wanted, total - DETAIL_MIN_WIDTH)
        if tree > total // 2:
            self.splitter.setSizes([tree, total - tree])

    def _axis_row(self, kind: str, record_id: int, number: str, text: str, fiche_ids: list[int]) -> list[QStandardItem]:
        first = _item(text, numbering_key(number) or text)
        first.setToolTip(text)
        first.setData(kind, KIND_ROLE)
        first.setData(record_id, ID_ROLE)
        count = len(fiche_ids)
        late = sum(1 for i in fiche_ids if i in self.fiches and self.fiches[i].late)
        summary = f"{count} fiche{'s' if count > 1 else ''}" + (f", {late} en retard" if late else "")
        status = _item(summary, count)
        status.setForeground(QColor(style.DANGER if late else style.MUTED))
        return [first, status] + [_item("") for _ in COLUMNS[2:]]

    def _fiche_row(self, row: FicheRow) -> list[QStandardItem]:
        first = _item(f"{row.number} {row.title}", numbering_key(row.number))
        first.setData("fiche", KIND_ROLE)
        first.setData(row.id, ID_ROLE)
        first.setData(row.status.value, STATUS_ROLE)
        first.setData(row.late, LATE_ROLE)
        status_text = row.status.label + (" · en retard" if row.late else "")
        status = _item(status_text, f"{list(FicheStatus).index(row.status)}{int(row.late)}")
        status.setForeground(QColor(style.DANGER if row.late else STATUS_COLORS[row.status]))
        if row.has_open_alert:
            status.setToolTip("Une alerte au COPIL non levée concerne cette fiche.")
            status.setText(status_text + " · alerte")
        progress = _item(f"{row.progress} %", row.progress)
        end = _item(short_date(row.end_date), row.end_date.isoformat() if row.end_date else "9999")
        progress.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        pilot = _item(row.pilot)
        pilot.setToolTip(row.pilot)
        first.setToolTip(f"{row.number} {row.title}")
        return [first, status, progress, end, pilot]

    def _update_header(self) -> None:
        if self.convention_id is None:
            self.header.set_subtitle(f"Aucune convention ne couvre {self.ctx.year} : le plan d'action est celui "
                                     "d'une convention (page Territoire).")
            self.count_label.setText("")
        else:
            rows = list(self.fiches.values())
            late = sum(1 for r in rows if r.late)
            blocked = sum(1 for r in rows if r.status is FicheStatus.BLOCKED)
            objectifs = sum(len(e.objectifs) for e in self.outline)
            self.header.set_subtitle(
                f"{self.convention_name} : {len(self.outline)} enjeu{'x' if len(self.outline) > 1 else ''}, "
                f"{objectifs} objectif{'s' if objectifs > 1 else ''}, {len(rows)} fiche{'s' if len(rows) > 1 else ''} "
                f"action ({late} en retard, {blocked} bloquée{'s' if blocked > 1 else ''})."
            )
            self._update_count()
        self._update_actions()

    def _update_count(self) -> None:
        shown = self._visible_fiche_count()
        total = len(self.fiches)
        text = f"{total} fiche{'s' if total > 1 else ''} action"
        self.count_label.setText(text if not self.proxy.filtering() else f"{shown} sur {text}")

    def _visible_fiche_count(self, parent: QModelIndex = QModelIndex()) -> int:
        count = 0
        for row in range(self.proxy.rowCount(parent)):
            index = self.proxy.index(row, 0, parent)
            count += 1 if index.data(KIND_ROLE) == "fiche" else self._visible_fiche_count(index)
        return count

    def _filters_changed(self) -> None:
        self.proxy.set_search(self.search.text())
        self.proxy.set_status(self.status_filter.current_key())
        self.proxy.set_late_only(self.late_check.isChecked())
        self.tree.expandAll()
        self._update_count()

    # --- selection -------------------------------------------------------------------------
    def selected(self) -> Selected | None:
        index = self.tree.currentIndex()
        if not index.isValid():
            return None
        first = index.siblingAtColumn(0)
        return Selected(first.data(KIND_ROLE), first.data(ID_ROLE))

    def _find(self, kind: str, record_id: int, parent: QModelIndex = QModelIndex()) -> QModelIndex:
        for row in range(self.proxy.rowCount(parent)):
            index = self.proxy.index(row, 0, parent)
            if index.data(KIND_ROLE) == kind and index.data(ID_ROLE) == record_id:
                return index
            found = self._find(kind, record_id, index)
            if found.isValid():
                return found
        return QModelIndex()

    def select(self, kind: str, record_id: int) -> bool:
        index = self._find(kind, record_id)
        if not index.isValid() and self.proxy.filtering():
            self.search.clear()
            self.status_filter.set_current_key(None)
            self.late_check.setChecked(False)
            index = self._find(kind, record_id)
        if not index.isValid():
            return False
        self.tree.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        self.tree.scrollTo(index)
        return True

    def show_record(self, kind: str, record_id: int) -> None:
        """The dashboard's hook: a warning about a fiche opens it here."""
        if kind in ("fiche", "objectif", "enjeu"):
            self.select(kind, record_id)

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def _selection_changed(self) -> None:
        self._update_actions()
        self._show_detail()

    def _update_actions(self) -> None:
        has_convention = self.convention_id is not None
        has_objectif = any(e.objectifs for e in self.outline)
        selected = self.selected()
        self.new_action.setEnabled(has_convention and has_objectif)
        self.new_objectif_action.setEnabled(has_convention and bool(self.outline))
        self.new_enjeu_action.setEnabled(has_convention)
        self.edit_action.setEnabled(selected is not None)
        self.delete_action.setEnabled(selected is not None)

    def _objectif_for_new_fiche(self) -> int | None:
        selected = self.selected()
        if selected is not None:
            if selected.kind == "objectif":
                return selected.id
            for enjeu in self.outline:
                for objectif in enjeu.objectifs:
                    if selected.kind == "fiche" and selected.id in objectif.fiche_ids:
                        return objectif.id
                if selected.kind == "enjeu" and selected.id == enjeu.id and enjeu.objectifs:
                    return enjeu.objectifs[0].id
        return next((o.id for e in self.outline for o in e.objectifs), None)

    def _enjeu_for_new_objectif(self) -> int | None:
        selected = self.selected()
        if selected is not None:
            for enjeu in self.outline:
                if (selected.kind == "enjeu" and selected.id == enjeu.id) or any(
                        (selected.kind == "objectif" and selected.id == o.id) or
                        (selected.kind == "fiche" and selected.id in o.fiche_ids) for o in enjeu.objectifs):
                    return enjeu.id
        return self.outline[0].id if self.outline else None

    # --- detail --------------------------------------------------------------------------------
    def _show_detail(self) -> None:
        selected = self.selected()
        if selected is None:
            self.detail.setHtml(self._overview_html())
        elif selected.kind == "fiche":
            with self.ctx.db.transaction() as s:
                data = plan.fiche_input(s, selected.id)
            self.detail.setHtml(self._fiche_html(data, self.fiches.get(selected.id)))
        elif selected.kind == "enjeu":
            enjeu = next((e for e in self.outline if e.id == selected.id), None)
            self.detail.setHtml(self._enjeu_html(enjeu) if enjeu else "")
        else:
            objectif = next((o for e in self.outline for o in e.objectifs if o.id == selected.id), None)
            self.detail.setHtml(self._fiches_summary(f"Objectif {objectif.number}", objectif.title,
                                                     list(objectif.fiche_ids)) if objectif else "")

    def _overview_html(self) -> str:
        if self.convention_id is None:
            return f"<p>Aucune convention ne couvre {self.ctx.year}.</p>"
        if not self.outline:
            return ("<p>Le plan d'action est vide. Commencez par <b>Nouvel enjeu</b>, puis ajoutez ses objectifs "
                    "et leurs fiches actions.</p>")
        return "<p>Choisissez un enjeu, un objectif ou une fiche action pour en voir le détail.</p>"

    def _enjeu_html(self, enjeu: EnjeuNode) -> str:
        parts = self._fiches_summary(f"Enjeu {enjeu.number}", enjeu.title,
                                     [i for o in enjeu.objectifs for i in o.fiche_ids])
        if enjeu.description:
            parts += f"<p>{html.escape(enjeu.description)}</p>"
        return parts

    def _fiches_summary(self, kind: str, title: str, fiche_ids: list[int]) -> str:
        rows = [self.fiches[i] for i in fiche_ids if i in self.fiches]
        lines = [f"<p style='color:{style.MUTED}'>{html.escape(kind)}</p><h3>{html.escape(title)}</h3>"]
        if not rows:
            return lines[0] + "<p>Aucune fiche action pour l'instant.</p>"
        counts = {status: sum(1 for r in rows if r.status is status) for status in FicheStatus}
        lines.append("<p>" + ", ".join(f"{count} {status.label.lower()}" for status, count in counts.items() if count)
                     + "</p>")
        late = [r for r in rows if r.late]
        if late:
            lines.append(f"<p style='color:{style.DANGER}'><b>En retard :</b> "
                         + ", ".join(html.escape(f"{r.number} {r.title}") for r in late) + "</p>")
        return "".join(lines)

    def _fiche_html(self, data: FicheInput, row: FicheRow | None) -> str:
        esc = html.escape
        org = lambda i: esc(self._organisations.get(i, "")) if i else "—"  # noqa: E731
        person = lambda i: esc(self._persons.get(i, "")) if i else "—"  # noqa: E731
        status = FicheStatus(data.status)
        late = row is not None and row.late
        out = [f"<p style='color:{style.MUTED}'>Fiche action {esc(data.number)}</p><h3>{esc(data.title)}</h3>",
               f"<p><b style='color:{STATUS_COLORS[status]}'>{status.label}</b>"
               + (f" — <b style='color:{style.DANGER}'>en retard</b>" if late else "")
               + (f" — avancement {row.progress} %" if row is not None else "") + "</p>"]
        if row is not None and row.has_open_alert:
            out.append(f"<p style='color:{style.DANGER}'>Une alerte au COPIL non levée concerne cette fiche.</p>")
        if data.blocking:
            out.append(f"<p><b>Blocages :</b> {esc(data.blocking)}</p>")
        period = describe_period(data.start_date, data.end_date)
        facts = [
            ("Période", esc(period) or "—"), ("Structure pilote", org(data.pilot_id)),
            ("Personne référente", person(data.referent_id)), ("Élu·e référent·e", person(data.elected_referent_id)),
            ("Partenaires", ", ".join(org(i) for i in data.partner_ids) or "—"),
            ("Communes", ", ".join(org(i) for i in data.commune_ids) or "—"),
            ("Public", esc(data.public) or "—"), ("Catégorie", esc(data.category) or "—"),
            ("Thématiques", esc(data.thematiques) or "—"),
            ("Budget", money(data.budget) if data.budget is not None else "—"),
        ]
        if data.fundings:
            facts.append(("Financements", ", ".join(f"{org(f.funder_id)} {money(f.amount)}" for f in data.fundings)))
        out.append("<table cellspacing='2'>" + "".join(
            f"<tr><td style='color:{style.MUTED}; padding-right:8px'>{label}</td><td>{value}</td></tr>"
            for label, value in facts) + "</table>")
        if data.description:
            out.append(f"<p>{esc(data.description)}</p>")
        if data.steps:
            today = self.ctx.today()
            items = []
            for step in data.steps:
                mark = "✓" if step.done else ("⚠" if step.end_date and step.end_date < today else "○")
                when = (f" ({short_date(step.start_date)} – {short_date(step.end_date)})" if step.start_date and step.end_date
                        else f" (jusqu'au {short_date(step.end_date)})" if step.end_date else "")
                items.append(f"<li>{mark} {esc(step.title)}{when}</li>")
            out.append("<h4>Étapes</h4><ul>" + "".join(items) + "</ul>")
        if data.indicators:
            year = self.ctx.year
            cells = "".join(
                f"<tr><td>{esc(i.label)}</td><td align='right'>{esc(_number(i.target_value))} {esc(i.unit)}</td>"
                f"<td align='right'>{esc(_number(i.values.get(year)))}</td></tr>" for i in data.indicators)
            out.append(f"<h4>Indicateurs</h4><table cellspacing='4'><tr><th align='left'>Indicateur</th>"
                       f"<th>Cible</th><th>Réalisé {year}</th></tr>{cells}</table>")
        if data.follow_ups:
            latest = sorted(data.follow_ups, key=lambda u: u.date)[-3:]
            out.append("<h4>Derniers points de suivi</h4><ul>" + "".join(
                f"<li>{long_date(u.date)} : {u.progress} %" + (f" — {esc(u.comment)}" if u.comment else "") + "</li>"
                for u in reversed(latest)) + "</ul>")
        return "".join(out)

    # --- writing: fiches ---------------------------------------------------------------------------
    def new_fiche(self) -> FicheDialog | None:
        objectif_id = self._objectif_for_new_fiche()
        if objectif_id is None:
            self.ctx.show_status("Créez d'abord un enjeu et un objectif : une fiche action se range sous un objectif.")
            return None
        return self._open(FicheDialog(self.ctx, objectif_id=objectif_id, convention_id=self.convention_id,
                                      parent=self), self._fiche_saved)

    def open_draft(self, draft) -> FicheDialog:
        """The fiche as it was being typed when ctgdesk stopped (ctgdesk.ui.recovery)."""
        fiche_id = None
        if draft.record_uid:
            with self.ctx.db.transaction() as s:
                fiche_id = plan.fiche_id_for_uid(s, draft.record_uid)
            if fiche_id is None:
                self.ctx.show_status("Cette fiche action a été supprimée depuis : "
                                     "elle sera recréée à l'enregistrement.")
        return self._open(FicheDialog(self.ctx, fiche_id, convention_id=self.convention_id, draft=draft, parent=self),
                          self._fiche_saved)

    def edit_selected(self):
        selected = self.selected()
        if selected is None:
            return None
        if selected.kind == "fiche":
            return self._open(FicheDialog(self.ctx, selected.id, convention_id=self.convention_id, parent=self),
                              self._fiche_saved)
        if selected.kind == "enjeu":
            return self._open(EnjeuDialog(self.ctx, self.convention_id, selected.id, self),
                              lambda d: self._axis_saved(d, "enjeu"))
        return self._open(ObjectifDialog(self.ctx, self._enjeu_choices(), None, selected.id, self),
                          lambda d: self._axis_saved(d, "objectif"))

    def new_enjeu(self) -> EnjeuDialog | None:
        if self.convention_id is None:
            return None
        return self._open(EnjeuDialog(self.ctx, self.convention_id, None, self), lambda d: self._axis_saved(d, "enjeu"))

    def new_objectif(self) -> ObjectifDialog | None:
        enjeu_id = self._enjeu_for_new_objectif()
        if enjeu_id is None:
            self.ctx.show_status("Créez d'abord un enjeu : un objectif se range sous un enjeu.")
            return None
        return self._open(ObjectifDialog(self.ctx, self._enjeu_choices(), enjeu_id, None, self),
                          lambda d: self._axis_saved(d, "objectif"))

    def _enjeu_choices(self) -> list[tuple[int, str]]:
        return [(e.id, f"{e.number} {e.title}".strip()) for e in self.outline]

    def _open(self, dialog, on_saved):
        self.dialog = dialog
        dialog.accepted.connect(lambda: on_saved(dialog))
        dialog.finished.connect(lambda _result: dialog.deleteLater())
        dialog.open()
        return dialog

    def _fiche_saved(self, dialog: FicheDialog) -> None:
        uid, before, after = dialog.saved_uid, dialog.before, dialog.after
        name = f"la fiche {after.number}"
        if before is None:
            state = {"snapshot": after}

            def undo() -> None:
                state["snapshot"] = self._delete_fiche_by_uid(uid)

            def redo() -> None:
                self._restore_fiche(state["snapshot"])

            self.ctx.undo_stack.push(make_undo_command(f"Créer {name}", undo, redo, on_error=self.ctx.show_status))
            self.ctx.show_status(f"Fiche action {after.number} créée — Ctrl+Z pour annuler")
        else:
            self.ctx.undo_stack.push(make_undo_command(
                f"Modifier {name}", lambda: self._save_fiche(before, uid), lambda: self._save_fiche(after, uid),
                on_error=self.ctx.show_status))
            self.ctx.show_status(f"Fiche action {after.number} enregistrée")
        self.ctx.notify_changed()
        self.when_loaded(lambda: self.select("fiche", dialog.saved_id))

    def delete_selected(self) -> bool:
        selected = self.selected()
        if selected is None:
            return False
        if selected.kind == "fiche":
            return self._delete_fiche(selected.id)
        return self._delete_axis(selected)

    def _delete_fiche(self, fiche_id: int) -> bool:
        row = self.fiches.get(fiche_id)
        name = f"la fiche action « {row.number} {row.title} »" if row else "cette fiche action"
        if not confirm_delete(self, f"{name} (avec ses étapes, financements, indicateurs et suivi)"):
            return False
        with self.ctx.db.transaction() as s:
            snapshot = plan.remove_fiche(s, fiche_id)
        self.ctx.undo_stack.push(make_delete_command(
            f"Supprimer la fiche {snapshot.number}", delete=self._delete_fiche_by_uid, restore=self._restore_fiche,
            key=snapshot.uid, snapshot=snapshot, on_error=self.ctx.show_status))
        self.ctx.show_status("Fiche action supprimée — Ctrl+Z pour annuler")
        self.ctx.notify_changed()
        return True

    def _delete_fiche_by_uid(self, uid: str) -> FicheInput:
        with self.ctx.db.transaction() as s:
            fiche_id = plan.fiche_id_for_uid(s, uid)
            if fiche_id is None:
                raise ValidationError("Cette fiche action n'existe plus.")
            snapshot = plan.remove_fiche(s, fiche_id)
        self.ctx.notify_changed()
        return snapshot

    def _restore_fiche(self, snapshot: FicheInput) -> str:
        with self.ctx.db.transaction() as s:
            uid = plan.save_fiche(s, snapshot).uid
        self.ctx.notify_changed()
        return uid

    def _save_fiche(self, data: FicheInput, uid: str) -> None:
        with self.ctx.db.transaction() as s:
            fiche_id = plan.fiche_id_for_uid(s, uid)
            if fiche_id is None:
                raise ValidationError("Cette fiche action n'existe plus.")
            plan.save_fiche(s, data, fiche_id)
        self.ctx.notify_changed()

    # --- writing: enjeux and objectifs ------------------------------------------------------------
    def _axis_saved(self, dialog, kind: str) -> None:
        uid, before, after = dialog.saved_uid, dialog.before, dialog.after
        what = "l'enjeu" if kind == "enjeu" else "l'objectif"
        if before is None:
            state: dict = {}

            def undo() -> None:
                state["snapshot"] = self._delete_axis_by_uid(kind, uid)

            def redo() -> None:
                self._restore_axis(kind, state["snapshot"])

            self.ctx.undo_stack.push(make_undo_command(f"Créer {what} « {after['title']} »", undo, redo,
                                                       on_error=self.ctx.show_status))
        else:
            self.ctx.undo_stack.push(make_undo_command(
                f"Modifier {what} « {after['title']} »", lambda: self._update_axis(kind, uid, before),
                lambda: self._update_axis(kind, uid, after), on_error=self.ctx.show_status))
        self.ctx.show_status(f"{what[0].upper()}{what[1:]} « {after['title']} » enregistré")
        self.ctx.notify_changed()
        self.when_loaded(lambda: self.select(kind, dialog.saved_id))

    def _delete_axis(self, selected: Selected) -> bool:
        what = "l'enjeu" if selected.kind == "enjeu" else "l'objectif"
        index = self._find(selected.kind, selected.id)
        if not confirm_delete(self, f"{what} « {index.data()} »"):
            return False
        try:
            with self.ctx.db.transaction() as s:
                snapshot = (plan.delete_enjeu if selected.kind == "enjeu" else plan.delete_objectif)(s, selected.id)
        except ValidationError as error:
            show_error(self, error.message)
            return False
        kind = selected.kind
        self.ctx.undo_stack.push(make_delete_command(
            f"Supprimer {what} « {snapshot.title} »", delete=lambda uid: self._delete_axis_by_uid(kind, uid),
            restore=lambda snap: self._restore_axis(kind, snap), key=snapshot.uid, snapshot=snapshot,
            on_error=self.ctx.show_status))
        self.ctx.show_status(f"{what[0].upper()}{what[1:]} supprimé — Ctrl+Z pour annuler")
        self.ctx.notify_changed()
        return True

    def _delete_axis_by_uid(self, kind: str, uid: str) -> AxisSnapshot:
        with self.ctx.db.transaction() as s:
            if kind == "enjeu":
                snapshot = plan.delete_enjeu(s, self._axis_id(s, kind, uid))
            else:
                snapshot = plan.delete_objectif(s, self._axis_id(s, kind, uid))
        self.ctx.notify_changed()
        return snapshot

    def _restore_axis(self, kind: str, snapshot: AxisSnapshot) -> str:
        with self.ctx.db.transaction() as s:
            record = (plan.restore_enjeu if kind == "enjeu" else plan.restore_objectif)(s, snapshot)
            uid = record.uid
        self.ctx.notify_changed()
        return uid

    def _update_axis(self, kind: str, uid: str, fields: dict) -> None:
        with self.ctx.db.transaction() as s:
            record_id = self._axis_id(s, kind, uid)
            (plan.update_enjeu if kind == "enjeu" else plan.update_objectif)(s, record_id, **fields)
        self.ctx.notify_changed()

    @staticmethod
    def _axis_id(session, kind: str, uid: str) -> int:
        record_id = (plan.enjeu_id_for_uid if kind == "enjeu" else plan.objectif_id_for_uid)(session, uid)
        if record_id is None:
            raise ValidationError("Cet enregistrement n'existe plus.")
        return record_id


def _number(value) -> str:
    return "" if value is None else number(value)
