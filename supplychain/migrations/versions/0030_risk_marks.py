"""risk marks: a change to what the rules read names the suppliers it touched, so that the
next assessment re-evaluates only those (incremental assessment, issue 24)
"""

import sqlalchemy as sa
from alembic import op

from supplychain.migrations import ddl

revision = "0030"  # created 2026-12-07 13:05:00
down_revision = "0029"


def upgrade() -> None:
    ddl.create_organisation_table(
        "risk_mark",
        ddl.optional("supplier_id", sa.Integer()),
        ddl.required("reason", ddl.text(32)),
        ddl.timestamp("created_at", nullable=False),
        ddl.organisation_fk("risk_mark"),
    )
    ddl.create_indexes("risk_mark", "organisation_id")


def downgrade() -> None:
    op.drop_table("risk_mark")
