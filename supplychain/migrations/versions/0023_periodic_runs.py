"""periodic runs: when the worker last did each of its daily tasks (deleting the cases closed
longer ago than the retention period, and the sign-ups never confirmed), so that of several
workers one does each once a day
"""

import sqlalchemy as sa
from alembic import op

from supplychain.migrations import ddl

revision = "0023"  # created 2026-12-07 10:30:00
down_revision = "0022"


def upgrade() -> None:
    op.create_table(
        "periodic_run",
        ddl.required("name", ddl.text(64)),
        ddl.timestamp("ran_at", nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_periodic_run")),
    )


def downgrade() -> None:
    op.drop_table("periodic_run")
