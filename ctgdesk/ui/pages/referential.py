"""Référentiel: the national referential of the post, readable — objectives → functions →
actions and indicators, with what each indicator counts and whether it is computed."""

from __future__ import annotations

import html
import re

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor, QFont, QKeySequence, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLineEdit,
    QSplitter,
    QTabWidget,
    QTextBrowser,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from ctgdesk.services import referential
from ctgdesk.services.search_terms import query_words, search_text
from ctgdesk.services.referential import IndicatorDef
from ctgdesk.ui.context import Page, UiContext
from ctgdesk.ui.table_model import Column, RowsTableModel
from ctgdesk.ui.widgets import style
from ctgdesk.ui.widgets.page_header import PageHeader, page_action
from ctgdesk.ui.widgets.search_table import SearchableTable

FILTER_ROLE = Qt.ItemDataRole.UserRole + 10
DETAIL_ROLE = Qt.ItemDataRole.UserRole + 11

# How the referential data file says an indicator is counted, in words.
SOURCES = {
    "meetings": "les réunions enregistrées",
    "decisions": "les décisions relevées en réunion",
    "alerts": "les alertes au COPIL",
    "expertises": "les expertises mobilisées en réunion",
    "plan_axes": "le suivi du plan d'action",
    "diagnostic_partners": "les participants aux réunions de diagnostic partagé",
    "new_partners": "les partenaires mobilisés pour la première fois",
    "journal": "le journal d'activité",
}


def mode_label(spec: dict) -> str:
    source = spec.get("source", "manual")
    if source == "manual":
        return "Saisi à la main"
    return f"Calculé ({SOURCES.get(source, source)})"


def _item(text: str, *, bold: bool = False, italic: bool = False, detail: str = "", search: str = "") -> QStandardItem:
    item = QStandardItem(text)
    item.setEditable(False)
    if bold or italic:
        font = QFont()
        font.setBold(bold)
        font.setItalic(italic)
        item.setFont(font)
    item.setData(search_text(search or text), FILTER_ROLE)
    item.setData(detail, DETAIL_ROLE)
    item.setToolTip(text if len(text) > 60 else "")
    return item


def _plain(text: str = "") -> QStandardItem:
    item = QStandardItem(text)
    item.setEditable(False)
    item.setData(search_text(text), FILTER_ROLE)
    return item


class TreeFilter(QSortFilterProxyModel):
    """Keeps the branches where every word searched appears (no case, no accents)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setRecursiveFilteringEnabled(True)
        self.setAutoAcceptChildRows(True)
        self.setFilterRole(FILTER_ROLE)
        self.setFilterKeyColumn(0)

    def set_search(self, text: str) -> None:
        words = query_words(text)
        pattern = "".join(f"(?=.*{re.escape(w)})" for w in words)
        self.setFilterRegularExpression(f"^{pattern}" if words else "")


INDICATOR_COLUMNS = [
    Column("Code", lambda d: d.code, sort_key=lambda c: [int(p) if p.isdigit() else p for p in re.split(r"[.-]", c)]),
    Column("Type", lambda d: d.kind),
    Column("Indicateur", lambda d: d.text, tooltip=lambda d: d.text),
    Column("Ce qui est compté", lambda d: d.counted, tooltip=lambda d: d.counted or None),
    Column("Mode", lambda d: "Saisi à la main" if d.is_manual else "Calculé", tooltip=lambda d: mode_label(d.spec),
           foreground=lambda d: None if d.is_manual else QColor(style.SUCCESS)),
    Column("Fonction", lambda d: d.function_code, tooltip=lambda d: f"{d.function_code} {d.function_title}"),
]


class ReferentialPage(Page):
    title = "Référentiel"
    icon_name = "fa5s.book"

    def __init__(self, ctx: UiContext, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        self.header = PageHeader("Référentiel",
                                 "Le référentiel du poste de chargé·e de coopération territoriale CTG.")

        # Tree and details.
        self.tree_model = QStandardItemModel(self)
        self.tree_filter = TreeFilter(self)
        self.tree_filter.setSourceModel(self.tree_model)
        self.tree = QTreeView()
        self.tree.setModel(self.tree_filter)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setAlternatingRowColors(True)
        self.tree.setWordWrap(True)
        self.tree.setUniformRowHeights(False)
        self.tree.header().setStretchLastSection(False)
        self.tree.header().setHighlightSections(False)
        self.tree.selectionModel().currentChanged.connect(self._show_details)
        self.tree_search = QLineEdit()
        self.tree_search.setPlaceholderText("Rechercher dans le référentiel… (Ctrl+F)")
        self.tree_search.setClearButtonEnabled(True)
        self.tree_search.textChanged.connect(self._search_tree)
        self.details = QTextBrowser()
        self.details.setOpenExternalLinks(False)
        self.details.setMinimumWidth(280)
        tree_box = QWidget()
        tree_layout = QVBoxLayout(tree_box)
        tree_layout.setContentsMargins(0, 0, 0, 0)
        tree_layout.addWidget(self.tree_search)
        tree_layout.addWidget(self.tree, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(tree_box)
        splitter.addWidget(self.details)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)
        self.tree_tab = QWidget()
        tree_tab_layout = QVBoxLayout(self.tree_tab)
        tree_tab_layout.setContentsMargins(0, 10, 0, 0)
        tree_tab_layout.addWidget(splitter)
        page_action(self.tree_tab, "Rechercher", "fa5s.search", self._focus_tree_search,
                    shortcut=QKeySequence.StandardKey.Find)

        # Flat table of indicators.
        self.indicators_model: RowsTableModel[IndicatorDef] = RowsTableModel(INDICATOR_COLUMNS)
        self.indicators = SearchableTable(self.indicators_model, key=lambda d: d.code,
                                          placeholder="Rechercher un indicateur…",
                                          count_words=("indicateur", "indicateurs"))
        self.table_tab = QWidget()
        table_layout = QVBoxLayout(self.table_tab)
        table_layout.setContentsMargins(0, 10, 0, 0)
        table_layout.addWidget(self.indicators)
        page_action(self.table_tab, "Rechercher", "fa5s.search", self.indicators.focus_search,
                    shortcut=QKeySequence.StandardKey.Find)

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.tree_tab, "Objectifs, fonctions et indicateurs")
        self.tabs.addTab(self.table_tab, "Tableau des indicateurs")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 12)
        layout.setSpacing(8)
        layout.addWidget(self.header)
        layout.addWidget(self.tabs, 1)

    def refresh(self) -> None:
        # The version comes with its objectives, functions and indicators (selectinload).
        self.load_data(lambda session: (referential.current_version(session),
                                        referential.indicator_definitions(session)),
                       lambda data: self._show(*data))

    def _show(self, version, definitions) -> None:
        self.tree_model.clear()
        self.tree_model.setHorizontalHeaderLabels(["Intitulé", "Type", "Comptage"])
        if version is not None:
            self.header.set_subtitle(version.title)
            for objective in version.objectives:
                self.tree_model.appendRow(self._objective_row(objective))
        else:
            self.header.set_subtitle("Le référentiel n'est pas chargé dans cette base.")
        self.indicators_model.set_rows(definitions)
        self._fit_indicators()
        self.tree.expandToDepth(0)
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        if not self.tree.currentIndex().isValid() and self.tree_filter.rowCount():
            self.tree.setCurrentIndex(self.tree_filter.index(0, 0))

    def _objective_row(self, objective) -> list[QStandardItem]:
        functions = "".join(f"<li><b>{f.code}</b> {html.escape(f.title)}</li>" for f in objective.functions)
        item = _item(f"Objectif {objective.number} — {objective.title}", bold=True,
                     detail=f"<h3>Objectif {objective.number}</h3><p>{html.escape(objective.title)}</p>"
                            f"<p><b>Fonctions</b></p><ul>{functions}</ul>")
        for function in objective.functions:
            item.appendRow(self._function_row(function))
        return [item, _plain(), _plain()]

    def _function_row(self, function) -> list[QStandardItem]:
        actions = [a for a in function.actions.splitlines() if a.strip()]
        detail = (f"<h3>Fonction {function.code}</h3><p>{html.escape(function.title)}</p>"
                  f"<p><b>Actions</b></p><ul>{''.join(f'<li>{html.escape(a)}</li>' for a in actions)}</ul>"
                  f"<p>{len(function.indicators)} indicateur(s).</p>")
        item = _item(f"{function.code}  {function.title}", bold=True, detail=detail)
        if actions:
            group = _item("Actions", italic=True, detail=detail)
            for action in actions:
                group.appendRow([_item(action, detail=detail), _plain(), _plain()])
            item.appendRow([group, _plain(), _plain()])
        group = _item("Indicateurs", italic=True, detail=detail)
        for indicator in function.indicators:
            group.appendRow(self._indicator_row(function, indicator))
        item.appendRow([group, _plain(), _plain()])
        return [item, _plain(), _plain()]

    def _indicator_row(self, function, indicator) -> list[QStandardItem]:
        spec = indicator.spec
        mode = mode_label(spec)
        detail = (
            f"<h3>Indicateur {indicator.code}</h3>"
            f"<p><i>{indicator.kind.label} — fonction {function.code}</i></p>"
            f"<p>{html.escape(indicator.text)}</p>"
            f"<p><b>Ce qui est compté :</b> {html.escape(indicator.counted) or '—'}</p>"
            f"<p><b>Mode :</b> {html.escape(mode)}"
            + ("" if indicator.is_manual else "<br/>Le nombre est calculé à partir de ce qui est enregistré "
               "dans ctgdesk pour l'année du bilan.")
            + ("<br/>Le/la chargé·e de coopération le saisit dans le bilan." if indicator.is_manual else "")
            + "</p>"
        )
        item = _item(f"{indicator.code}  {indicator.text}", detail=detail,
                     search=f"{indicator.code} {indicator.text} {indicator.counted}")
        kind = _plain(indicator.kind.label)
        mode_item = _plain(mode)
        if not indicator.is_manual:
            mode_item.setForeground(QColor(style.SUCCESS))
        return [item, kind, mode_item]

    def _fit_indicators(self) -> None:
        """Long texts wrap on a few lines rather than being cut."""
        view = self.indicators.view
        view.setWordWrap(True)
        self.indicators.fit_columns(force=True)
        header = view.horizontalHeader()
        for column, width in ((2, 400), (3, 340)):
            header.resizeSection(column, width)
        view.resizeRowsToContents()

    def _search_tree(self, text: str) -> None:
        self.tree_filter.set_search(text)
        if text.strip():
            self.tree.expandAll()
        else:
            self.tree.collapseAll()
            self.tree.expandToDepth(0)

    def _focus_tree_search(self) -> None:
        self.tree_search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.tree_search.selectAll()

    def _show_details(self, current: QModelIndex, _previous: QModelIndex) -> None:
        index = current.siblingAtColumn(0)
        self.details.setHtml((index.data(DETAIL_ROLE) or "") if index.isValid() else "")
