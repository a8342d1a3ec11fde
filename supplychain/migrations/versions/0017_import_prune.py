"""import prune: a chain import records whether the officer asked it to take out what is
missing from the file (off unless confirmed on the preview)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 02:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("chain_import", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("prune", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("chain_import", schema=None) as batch_op:
        batch_op.drop_column("prune")
