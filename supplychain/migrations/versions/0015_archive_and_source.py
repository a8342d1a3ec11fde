"""archive and source: suppliers and links can be archived instead of deleted, and a supplier
records how it came into the chain (entered, imported from a file, or disclosed)

The source replaces the `disclosed` flag. Existing suppliers are read as follows: the disclosed
ones stay disclosed; those reached by a link that a chain file made count as imported; the rest
were entered by hand (forms, the API, the demo).
"""

import sqlalchemy as sa
from alembic import op

from supplychain.migrations import ddl

revision = "0015"  # created 2026-12-07 01:40:00
down_revision = "0014"

SOURCES = ("entered", "imported", "disclosed")


def upgrade() -> None:
    allowed = ", ".join(f"'{value}'" for value in SOURCES)
    ddl.add_columns(
        "supplier",
        sa.Column("source", ddl.text(32), nullable=False, server_default="entered"),
        ddl.timestamp("archived_at", nullable=True),
    )
    op.execute("UPDATE supplier SET source = 'disclosed' WHERE disclosed")
    op.execute(
        "UPDATE supplier SET source = 'imported' WHERE source = 'entered' AND id IN "
        "(SELECT child_id FROM link WHERE link.source = 'imported')"
    )
    with op.batch_alter_table("supplier") as batch_op:
        batch_op.drop_column("disclosed")
        batch_op.create_check_constraint(
            op.f("ck_supplier_linksource_check"), f"source IN ({allowed})"
        )
    ddl.add_columns("link", ddl.timestamp("archived_at", nullable=True))


def downgrade() -> None:
    ddl.drop_columns("link", "archived_at")
    ddl.add_columns(
        "supplier",
        sa.Column("disclosed", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.execute("UPDATE supplier SET disclosed = (source = 'disclosed')")
    with op.batch_alter_table("supplier") as batch_op:
        batch_op.drop_constraint(op.f("ck_supplier_linksource_check"), type_="check")
        batch_op.drop_column("archived_at")
        batch_op.drop_column("source")
