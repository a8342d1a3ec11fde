"""rate-limit counters in the database, shared by every server process

Flask-Limiter's memory storage counted per process, so with N workers a client got N times
each limit. The counters now live in this table (see supplychain/ratestore.py); on SQLite they
live in the same table in a file beside the database, and this one stays empty.
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0014"  # created 2026-12-06 23:00:00
down_revision = "0013"


def upgrade() -> None:
    op.create_table(
        "rate_limit_counter",
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=512), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )


def downgrade() -> None:
    op.drop_table("rate_limit_counter")
