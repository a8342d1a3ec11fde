"""Writing many rows at once through the database driver.

A large chain's run stores half a million flags. Going through SQLAlchemy's executemany costs
more in Python per row than the database spends storing it, so rows go to the driver as plain
tuples, streamed from the caller's iterator: PostgreSQL's COPY through psycopg, SQLite's own
executemany (a list of every row first held them all in memory at once), with a larger
page cache for the insert.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

# SQLite's page cache while rows are inserted (the connection's own size is put back after).
# Its default of 2 MB holds too little of a table's indexes: each of 417k flags lands on
# index pages read and written again and again (the suppliers' index in the rules' order, not
# the suppliers'), which took a quarter of a full run's CPU at 100k suppliers. 32 MB, freed
# again after the insert, took it from ~6.3 to ~4.8 s; a run's memory peaks earlier (its rules
# and scores).
BULK_CACHE_KIB = 32 * 1024


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
    (cache,) = cursor.execute("PRAGMA cache_size").fetchone()
    cursor.execute(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
    try:
        cursor.executemany(insert, rows)  # type: ignore[arg-type]  # sqlite3 takes any iterable
    finally:
        cursor.execute(f"PRAGMA cache_size = {int(cache)}")
        cursor.close()
