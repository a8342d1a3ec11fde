"""Writing many rows at once through the database driver.

A large chain's run stores half a million flags. Going through SQLAlchemy's executemany costs
more in Python per row than the database spends storing it, so rows go to the driver as plain
tuples, streamed from the caller's iterator: PostgreSQL's COPY through psycopg, SQLite's own
executemany (a list of every row first held them all in memory at once).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session


def insert_rows(
    session: Session, table: sa.Table, columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    """Insert rows (tuples in the order of columns) into table, in the session's transaction."""
    connection = session.connection()
    names = ", ".join(columns)
    if connection.dialect.name == "postgresql":
        driver = connection.connection.dbapi_connection
        assert driver is not None  # None only once the connection is closed
        cursor = driver.cursor()
        with cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:  # psycopg's own
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join("?" for _ in columns)  # sqlite3's parameter style
    # Table and column names are the models' own, never input.
    insert = f"INSERT INTO {table.name} ({names}) VALUES ({marks})"  # noqa: S608
    driver = connection.connection.dbapi_connection
    assert driver is not None  # None only once the connection is closed
    if not driver.in_transaction and hasattr(driver, "wait_to_write"):
        driver.wait_to_write()  # what db's hook does for a write that goes through SQLAlchemy
    # sqlite3 takes the rows as they come: never half a million of them in one list at once.
    cursor = driver.cursor()
    try:
        cursor.executemany(insert, rows)  # type: ignore[arg-type]  # sqlite3 takes any iterable
    finally:
        cursor.close()
