"""invitation link generation

A supplier's browser session names the invitation and the link generation it was started
under; "Send a new link" and "Revoke" move the generation on, which ends every such session.
"""

import sqlalchemy as sa

from supplychain.migrations import ddl

revision = "0012"  # created 2026-12-06 22:40:00
down_revision = "0010"


def upgrade() -> None:
    ddl.add_columns(
        "invitation",
        sa.Column("link_generation", sa.Integer(), server_default="0", nullable=False),
    )


def downgrade() -> None:
    ddl.drop_columns("invitation", "link_generation")
