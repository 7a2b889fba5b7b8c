"""Small helpers shared by the reliability tests: reading a database file behind the app's back."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def scalar(path: Path, sql: str, *params):
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return connection.execute(sql, params).fetchone()[0]
    finally:
        connection.close()


def table_counts(path: Path) -> dict[str, int]:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        names = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        return {name: connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in names}
    finally:
        connection.close()


def integrity(path: Path) -> str:
    return scalar(path, "PRAGMA integrity_check")


def corrupt_pages(path: Path, *, offset: int = 4096 * 3, length: int = 4096 * 4) -> None:
    """Overwrite a run of pages past the header with garbage: SQLite's checks then fail."""
    with open(path, "r+b") as handle:
        handle.seek(offset)
        handle.write(b"\xde\xad\xbe\xef" * (length // 4))


def organisation_names(path: Path) -> list[str]:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return [row[0] for row in connection.execute("SELECT name FROM organisation ORDER BY id")]
    finally:
        connection.close()
