"""Every action of the main window in one declarative table, and the menus and toolbar built
from it (as MusicBrainz Picard's ui/mainwindow/actions.py does).

Each action names the window's slot it triggers; the objectName is how tests and accessibility
tools find it. Tooltips carry the shortcut.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QMenuBar, QToolBar, QToolButton

from hubevents_gui.ui.icons import action_icon

Key = QKeySequence.StandardKey
Shortcut = Key | str


@dataclass(frozen=True)
class ActionSpec:
    name: str
    text: str
    #: what it triggers: a method of the window, or of one of its parts ("saving.save")
    slot: str
    shortcuts: tuple[Shortcut, ...] = ()
    tip: str = ""
    #: only while the table has focus (Ctrl+C in the find field copies its text, not cells)
    table_only: bool = False


ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec(
        "actionOpen", "&Open…", "opening.choose_file", (Key.Open,), "Open a spreadsheet of events"
    ),
    ActionSpec(
        "actionOpenFromHubSpot",
        "Open from &HubSpot…",
        "hubspot.open_from_hubspot",
        ("Ctrl+Shift+O",),
        "Download every marketing event of this app from HubSpot into the table",
    ),
    ActionSpec(
        "actionSaveResults",
        "&Save Results",
        "saving.save",
        (Key.Save,),
        "Save the rows with their outcomes",
    ),
    ActionSpec(
        "actionSaveResultsAs",
        "Save Results &As…",
        "saving.save_as",
        (Key.SaveAs,),
        "Save the rows with their outcomes to a new workbook",
    ),
    ActionSpec(
        "actionAddResultsToWorkbook",
        "Add Results to the Original Workbook…",
        "saving.add_to_source",
        tip="Write Status, HubSpot ID and Message beside your columns, keeping its formatting",
    ),
    ActionSpec(
        "actionNewAttendeeTable",
        "New A&ttendee Table",
        "attendees.new_attendee_table",
        tip="An empty table of who registered for, attended or cancelled an event",
    ),
    ActionSpec(
        "actionChooseEvent",
        "&Event for the Sheet…",
        "attendees.choose_event",
        ("Ctrl+Shift+E",),
        "The event (and state) for attendee rows that do not name their own",
    ),
    ActionSpec("actionQuit", "&Quit", "close", (Key.Quit,), "Close hubevents"),
    ActionSpec(
        "actionUpsertAll",
        "&Upsert All",
        "running.upsert_all",
        ("Ctrl+Return",),
        "Send every valid row",
    ),
    ActionSpec(
        "actionUpsertSelected",
        "Upsert &Selected",
        "running.upsert_selected",
        ("Ctrl+Shift+Return",),
        "Send the selected rows",
    ),
    ActionSpec(
        "actionRetryFailed",
        "&Retry Failed",
        "running.retry_failed",
        ("Ctrl+R",),
        "Send again the rows that failed or were not sent",
    ),
    ActionSpec(
        "actionPreviewChanges",
        "&Preview Changes",
        "hubspot.preview_changes",
        ("Ctrl+Shift+P",),
        "Read HubSpot's copy and mark what sending each row would do",
    ),
    ActionSpec(
        "actionSendChanges",
        "Send C&hanges",
        "hubspot.send_changes",
        tip="Send only the rows HubSpot does not hold as they are (previews first)",
    ),
    # no shortcuts: nothing destructive happens from a keyboard shortcut alone
    ActionSpec(
        "actionCancelEvents",
        "Cancel &Events in HubSpot…",
        "event_actions.cancel_events",
        tip="Mark the selected rows' events (or all) cancelled in HubSpot, after asking",
    ),
    ActionSpec(
        "actionCompleteEvents",
        "C&omplete Events in HubSpot…",
        "event_actions.complete_events",
        tip="Complete the selected rows' events (or all) with their start and end, after asking",
    ),
    ActionSpec(
        "actionDeleteEvents",
        "&Delete Events from HubSpot…",
        "event_actions.delete_events",
        tip="Delete this app's events of the selected rows (or all) from HubSpot, after asking",
    ),
    ActionSpec(
        "actionArchiveEvents",
        "Delete Events of &Any App by Object ID…",
        "event_actions.archive_events",
        tip="Delete the selected rows' events from HubSpot whichever app made them, after asking",
    ),
    ActionSpec("actionCancel", "&Cancel", "running.cancel", ("Esc",), "Stop sending"),
    ActionSpec(
        "actionConnection",
        "Co&nnection…",
        "running.edit_connection",
        tip="Sandbox or HubSpot, and your token",
    ),
    ActionSpec("actionAddRow", "&Add Row", "rows.add_row", ("Ctrl+Shift+N",), "Add an empty row"),
    ActionSpec(
        "actionDuplicateRows",
        "&Duplicate Rows",
        "rows.duplicate_rows",
        ("Ctrl+Shift+D",),
        "Copy the selected rows below them",
    ),
    ActionSpec(
        "actionDeleteRows",
        "Delete &Rows",
        "rows.delete_rows",
        ("Ctrl+-",),
        "Delete the selected rows",
    ),
    ActionSpec(
        "actionAddCustomColumn",
        "Add &Custom Property Column…",
        "rows.add_custom_column",
        tip="A column for a custom property of your HubSpot marketing events",
    ),
    ActionSpec("actionFind", "&Find…", "find_bar.open_bar", (Key.Find,), "Find text in any cell"),
    ActionSpec("actionUndo", "&Undo", "rows.undo", (Key.Undo,), "Undo the last change"),
    ActionSpec(
        "actionRedo", "&Redo", "rows.redo", ("Ctrl+Shift+Z", "Ctrl+Y"), "Redo what was undone"
    ),
    ActionSpec(
        "actionCopy", "&Copy", "editor.copy_cells", (Key.Copy,), "Copy cells", table_only=True
    ),
    ActionSpec(
        "actionPaste", "&Paste", "editor.paste_cells", (Key.Paste,), "Paste cells", table_only=True
    ),
    ActionSpec(
        "actionFillDown",
        "Fill &Down",
        "editor.fill_down",
        ("Ctrl+D",),
        "Copy the top cell of each selected column into the cells below it",
        table_only=True,
    ),
    ActionSpec(
        "actionClearCells",
        "C&lear Cells",
        "editor.clear_cells",
        (Key.Delete,),
        "Empty the selected cells",
        table_only=True,
    ),
    ActionSpec(
        "actionTimeZone",
        "Time &Zone…",
        "choose_zone",
        tip="The zone that date cells without one are read in",
    ),
    ActionSpec(
        "actionUserGuide",
        "User &Guide",
        "help.user_guide",
        (Key.HelpContents,),
        "How to open, fix and send a sheet, and every command",
    ),
    ActionSpec(
        "actionOpenSample",
        "Open &Sample",
        "help.open_sample",
        tip="Open the sample events and attendee sheets (copies you can edit) to try hubevents",
    ),
    ActionSpec(
        "actionOpenLogFolder",
        "Open &Log Folder",
        "help.open_log_folder",
        tip="Show the folder of hubevents' log files (to attach to a message about a problem)",
    ),
    ActionSpec(
        "actionAbout",
        "&About hubevents",
        "help.about",
        tip="The version, where the data and logs are, and the libraries' licences",
    ),
)

#: menus: (title, objectName, entries); an entry is an action name, None for a separator,
#: or "menuRecent" for the recent files submenu
MENUS: tuple[tuple[str, str, tuple[str | None, ...]], ...] = (
    (
        "&File",
        "menuFile",
        (
            "actionOpen",
            "actionOpenFromHubSpot",
            "menuRecent",
            "actionNewAttendeeTable",
            None,
            "actionSaveResults",
            "actionSaveResultsAs",
            "actionAddResultsToWorkbook",
            None,
            "actionQuit",
        ),
    ),
    (
        "&Edit",
        "menuEdit",
        (
            "actionUndo",
            "actionRedo",
            None,
            "actionCopy",
            "actionPaste",
            "actionFillDown",
            "actionClearCells",
            None,
            "actionAddRow",
            "actionDuplicateRows",
            "actionDeleteRows",
            "actionAddCustomColumn",
            "actionChooseEvent",
            None,
            "actionFind",
            "actionTimeZone",
        ),
    ),
    (
        "&Run",
        "menuRun",
        (
            "actionUpsertAll",
            "actionUpsertSelected",
            "actionRetryFailed",
            None,
            "actionPreviewChanges",
            "actionSendChanges",
            None,
            "actionCancelEvents",
            "actionCompleteEvents",
            "actionDeleteEvents",
            "actionArchiveEvents",
            None,
            "actionCancel",
            None,
            "actionConnection",
        ),
    ),
    (
        "&Help",
        "menuHelp",
        ("actionUserGuide", "actionOpenSample", None, "actionOpenLogFolder", None, "actionAbout"),
    ),
)

TOOLBAR: tuple[str | None, ...] = (
    "actionOpen",
    "actionSaveResults",
    None,
    "actionUpsertAll",
    "actionUpsertSelected",
    "actionRetryFailed",
    "actionCancel",
    None,
    "actionAddRow",
    "actionDuplicateRows",
    "actionDeleteRows",
)

#: each toolbar action's icon: (the freedesktop icon theme's name, the shipped fallback's)
ICONS: dict[str, tuple[str, str]] = {
    "actionOpen": ("document-open", "open"),
    "actionSaveResults": ("document-save", "save"),
    "actionUpsertAll": ("document-send", "send-all"),
    "actionUpsertSelected": ("mail-send", "send-selected"),
    "actionRetryFailed": ("view-refresh", "retry"),
    "actionCancel": ("process-stop", "stop"),
    "actionAddRow": ("list-add", "add-row"),
    "actionDuplicateRows": ("edit-copy", "duplicate"),
    "actionDeleteRows": ("edit-delete", "delete"),
    "actionConnection": ("network-wired", "connection"),
}

#: toolbar actions shown by their icon alone (their tooltips name them): the row actions, so
#: that the toolbar fits a window 1100 pixels wide
ICON_ONLY = frozenset({"actionAddRow", "actionDuplicateRows", "actionDeleteRows"})


def _tooltip(spec: ActionSpec, shortcuts: Sequence[QKeySequence]) -> str:
    keys = shortcuts[0].toString(QKeySequence.SequenceFormat.NativeText) if shortcuts else ""
    text = spec.tip or spec.text.replace("&", "").rstrip("…")
    return f"{text} ({keys})" if keys else text


def build_actions(parent: QObject) -> dict[str, QAction]:
    """One QAction per spec, not yet connected (see connect_actions)."""
    actions: dict[str, QAction] = {}
    for spec in ACTIONS:
        action = QAction(spec.text, parent)
        action.setObjectName(spec.name)
        shortcuts = [QKeySequence(s) for s in spec.shortcuts]
        if shortcuts:
            action.setShortcuts(shortcuts)
        action.setToolTip(_tooltip(spec, shortcuts))
        action.setStatusTip(spec.tip or spec.text.replace("&", ""))
        if spec.name in ICONS:
            action.setIcon(action_icon(*ICONS[spec.name]))
        if spec.table_only:
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        actions[spec.name] = action
    return actions


def connect_actions(actions: dict[str, QAction], target: object) -> None:
    """Connect each action to its slot on ``target`` (the window), found by its dotted name
    when it is triggered: "rows.add_row" is the row actions of the tab shown then."""
    for spec in ACTIONS:
        actions[spec.name].triggered.connect(
            lambda _checked=False, path=spec.slot: _slot(target, path)()
        )


def _slot(target: object, path: str) -> Callable[[], object]:
    found = target
    for part in path.split("."):
        found = getattr(found, part)
    assert callable(found)
    return found


def table_actions(actions: dict[str, QAction]) -> list[QAction]:
    """The actions that act on the table's cells (added to the table view itself)."""
    return [actions[spec.name] for spec in ACTIONS if spec.table_only]


def fill_menus(menus: QMenuBar, actions: dict[str, QAction]) -> dict[str, QMenu]:
    made: dict[str, QMenu] = {}
    for title, name, entries in MENUS:
        menu = menus.addMenu(title)
        menu.setObjectName(name)
        made[name] = menu
        for entry in entries:
            if entry is None:
                menu.addSeparator()
            elif entry.startswith("menu"):
                submenu = menu.addMenu("Open &Recent")
                submenu.setObjectName(entry)
                made[entry] = submenu
            else:
                menu.addAction(actions[entry])
    return made


def fill_toolbar(toolbar: QToolBar, actions: dict[str, QAction]) -> None:
    for entry in TOOLBAR:
        if entry is None:
            toolbar.addSeparator()
            continue
        toolbar.addAction(actions[entry])
        button = toolbar.widgetForAction(actions[entry])
        if entry in ICON_ONLY and isinstance(button, QToolButton):
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
