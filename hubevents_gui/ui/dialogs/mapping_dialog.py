"""The column-mapping dialog: each spreadsheet column, a few of its values, and what it becomes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hubevents_gui.core.fields import CUSTOM_KEY_PREFIX
from hubevents_gui.core.sheets import RawSheet, Target, fields_for, mapping_problems
from hubevents_gui.core.values import cell_text
from hubevents_gui.ui.accessible import describe, describe_buttons
from hubevents_gui.ui.status_style import StatusStyle

IGNORE = "Ignore (keep in result files)"


class MappingDialog(QDialog):
    def __init__(
        self,
        raw: RawSheet,
        guess: Sequence[Target],
        samples: Sequence[Sequence[Any]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("mappingDialog")
        self.setWindowTitle(f"Match the columns of {raw.file.name}")
        self.raw = raw
        layout = QVBoxLayout(self)
        where = f"sheet '{raw.sheet}', " if raw.sheet else ""
        intro = QLabel(
            f"<b>Which field is each column?</b><br>Headers were read from {where}row "
            f"{raw.header_row}. Columns marked <i>Ignore</i> are not sent but come back in result "
            "files. Your choice is remembered for files with the same headers."
        )
        intro.setWordWrap(True)
        intro.setObjectName("mappingIntro")
        layout.addWidget(intro)
        self.table = QTableWidget(len(raw.headers), 3, self)
        self.table.setObjectName("mappingTable")
        describe(
            self.table,
            "Each column of the file, a few of its values, and the field it is sent as",
            name="Columns",
            tip=False,
        )
        self.table.setHorizontalHeaderLabels(["Column in your file", "Values", "Send as"])
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.combos: list[QComboBox] = []
        fields = fields_for(raw.headers)
        noun = fields.property_noun.capitalize()
        for column, text in enumerate(raw.headers):
            label = f"{raw.column_name(column)}: {text or '(no header)'}"
            self.table.setItem(column, 0, QTableWidgetItem(label))
            values = [cell_text(r[column]) for r in samples if column < len(r)]
            shown = ", ".join(v for v in values if v)[:80]
            sample = QTableWidgetItem(shown)
            sample.setForeground(self.palette().placeholderText())
            self.table.setItem(column, 1, sample)
            combo = QComboBox(self.table)
            combo.setObjectName(f"mappingTarget{column}")
            describe(
                combo,
                f"What column {label} is sent as",
                name=f"Send column {raw.column_name(column)} as",
            )
            combo.addItem(IGNORE, None)
            for spec in fields.columns:
                star = " *" if spec.required else ""
                combo.addItem(f"{spec.title}{star}  ({spec.key})", spec.key)
            name = fields.property_name(text) or _slug(text) or f"column_{raw.column_name(column)}"
            combo.addItem(f"{noun}: {name}", CUSTOM_KEY_PREFIX + name)
            target = guess[column] if column < len(guess) else None
            position = combo.findData(target)
            combo.setCurrentIndex(max(position, 0))
            combo.currentIndexChanged.connect(self._check)
            self.table.setCellWidget(column, 2, combo)
            self.combos.append(combo)
        layout.addWidget(self.table, 1)
        self.problems = QLabel()
        self.problems.setObjectName("mappingProblems")
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet(StatusStyle().note_css("error"))
        layout.addWidget(self.problems)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.setObjectName("mappingButtons")
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Import")
        ok.setObjectName("mappingImport")
        describe_buttons(
            self.buttons,
            {
                QDialogButtonBox.StandardButton.Ok: "Read the sheet with these columns",
                QDialogButtonBox.StandardButton.Cancel: "Do not open the file",
            },
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.resize(760, min(640, 180 + 34 * len(raw.headers)))
        self._check()

    def mapping(self) -> list[Target]:
        return [combo.currentData() for combo in self.combos]

    @Slot()
    def _check(self) -> None:
        problems = mapping_problems(self.raw, self.mapping())
        text = "\n".join(p.split(": ", 1)[-1] for p in problems)
        self.problems.setText(text)
        self.problems.setVisible(bool(problems))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not problems)


def _slug(text: str) -> str:
    out = "".join(ch.lower() if ch.isalnum() else "_" for ch in text.strip())
    return "_".join(part for part in out.split("_") if part)
