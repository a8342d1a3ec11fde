"""import prune: a chain import records whether the officer asked it to take out what is
missing from the file (off unless confirmed on the preview)

Revision ID: a1_import_prune
Revises: 0015
Create Date: 2026-12-07 02:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "a1_import_prune"
down_revision = "0015"
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
