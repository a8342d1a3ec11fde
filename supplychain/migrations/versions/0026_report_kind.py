"""report kind: a summary (the board's view) or the full report with every flagged supplier
and the answers appendix; reports made before were full ones
"""

import sqlalchemy as sa

from supplychain.migrations import ddl

revision = "0026"  # created 2026-12-07 11:30:00
down_revision = "0025"


def upgrade() -> None:
    ddl.add_columns(
        "report",
        sa.Column("kind", ddl.text(16), server_default="full", nullable=False),
    )


def downgrade() -> None:
    ddl.drop_columns("report", "kind")
