"""The app's log file: in the data folder, warnings and errors by default and everything with
--debug, rotated, and never a token, whichever library logged it."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from hubevents_gui.core.logs import LOG_FILE, close_logging, log_folder, setup_logging
from hubevents_gui.core.redaction import keep_secret, redact_all

TOKEN = "pat-na1-11111111-2222-3333-4444-555555555555"


@pytest.fixture(autouse=True)
def _closed() -> Iterator[None]:
    yield
    close_logging()
    logging.getLogger().setLevel(logging.WARNING)


def test_the_log_is_in_the_data_folder_and_keeps_warnings_by_default() -> None:
    path = setup_logging()
    assert path == log_folder() / LOG_FILE
    logging.getLogger("hubevents.test").info("routine detail")
    logging.getLogger("hubevents.test").warning("the history could not be written")
    close_logging()
    assert path is not None
    text = path.read_text(encoding="utf-8")
    assert "the history could not be written" in text
    assert "routine detail" not in text


def test_debug_keeps_everything(tmp_path: Path) -> None:
    path = setup_logging(debug=True, folder=tmp_path)
    logging.getLogger("hubevents.test").debug("routine detail")
    close_logging()
    assert path is not None
    assert "routine detail" in path.read_text(encoding="utf-8")


def test_a_token_sent_never_reaches_the_log_whoever_logs_it(tmp_path: Path) -> None:
    path = setup_logging(debug=True, folder=tmp_path)
    keep_secret(TOKEN)
    logging.getLogger("httpx").warning("header Authorization: Bearer %s", TOKEN)
    try:
        raise ValueError(f"bad answer for {TOKEN!r}")
    except ValueError:
        logging.getLogger("somewhere").exception("failed")
    close_logging()
    assert path is not None
    text = path.read_text(encoding="utf-8")
    assert "Bearer [token]" in text
    assert "ValueError: bad answer for '[token]'" in text
    assert TOKEN not in text
    assert redact_all(f"error: {TOKEN}") == "error: [token]"


def test_a_folder_that_cannot_be_written_leaves_stderr_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    assert setup_logging(folder=blocked / "logs") is None
    assert "no log file:" in capsys.readouterr().err
    logging.getLogger("hubevents.test").warning("still said")
    assert "still said" in capsys.readouterr().err


def test_a_short_token_never_eats_into_the_mask_of_a_longer_one() -> None:
    keep_secret(TOKEN)
    keep_secret("t")
    assert redact_all(f"token {TOKEN} at t") == "[token]oken [token] a[token] [token]"
