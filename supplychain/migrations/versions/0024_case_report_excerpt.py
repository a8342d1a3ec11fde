"""case report excerpt: what of a worker's report the officer lets the risk report print,
written by the officer and redacted (empty: nothing)
"""

import sqlalchemy as sa

from supplychain.migrations import ddl

revision = "0024"  # created 2026-12-07 10:10:00
down_revision = "0023"


def upgrade() -> None:
    ddl.add_columns(
        "worker_case",
        sa.Column("report_excerpt", ddl.text(1000), server_default="", nullable=False),
    )


def downgrade() -> None:
    ddl.drop_columns("worker_case", "report_excerpt")
