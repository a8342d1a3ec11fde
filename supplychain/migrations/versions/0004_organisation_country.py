"""organisation country"""

import sqlalchemy as sa

from supplychain.migrations import ddl

revision = "0004"  # created 2026-11-23 17:48:22.178545
down_revision = "0003"


def upgrade() -> None:
    ddl.add_columns(
        "organisation",
        sa.Column("country", ddl.text(2), server_default="", nullable=False),
    )


def downgrade() -> None:
    ddl.drop_columns("organisation", "country")
