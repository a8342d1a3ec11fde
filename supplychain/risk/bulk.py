"""Writing many rows at once through the database driver.

A large chain's run stores half a million flags. Going through SQLAlchemy's executemany costs
more in Python per row than the database spends storing it, so rows go to the driver as plain
tuples: PostgreSQL's COPY through psycopg, SQLite's own executemany.
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
    values = list(rows)
    if values:  # an empty list would be taken for one statement without parameters
        connection.exec_driver_sql(insert, values)
