"""api tokens: per-organisation bearer tokens of the JSON API, kept as their SHA-256"""

import sqlalchemy as sa
from alembic import op

from supplychain.migrations import ddl

revision = "0008"  # created 2026-12-01 21:10:00
down_revision = "0007"


def upgrade() -> None:
    ddl.create_organisation_table(
        "api_token",
        sa.Column("name", ddl.text(100), nullable=False),
        sa.Column("scopes", sa.JSON(), nullable=False),
        sa.Column("token_hash", ddl.text(64), nullable=False),
        sa.Column("hint", ddl.text(8), nullable=False),
        ddl.user_column("created_by"),
        ddl.timestamp("created_at", nullable=False),
        ddl.timestamp("last_used_at", nullable=True),
        ddl.timestamp("revoked_at", nullable=True),
        ddl.user_fk("api_token", "created_by"),
        ddl.organisation_fk("api_token"),
        ddl.unique("api_token", "token_hash"),
    )
    ddl.create_indexes("api_token", "organisation_id")


def downgrade() -> None:
    ddl.drop_indexes("api_token", "organisation_id")
    op.drop_table("api_token")
