"""import prune: a chain import records whether the officer asked it to take out what is
missing from the file (off unless confirmed on the preview)
"""

import sqlalchemy as sa

from supplychain.migrations import ddl

revision = "0017"  # created 2026-12-07 02:00:00
down_revision = "0016"


def upgrade() -> None:
    ddl.add_columns(
        "chain_import",
        sa.Column("prune", sa.Boolean(), server_default=sa.false(), nullable=False),
    )


def downgrade() -> None:
    ddl.drop_columns("chain_import", "prune")
