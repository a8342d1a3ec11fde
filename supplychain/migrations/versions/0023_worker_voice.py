"""worker voice: workers' reports as cases with their messages, and the check-ins workers give
on a site; nothing that identifies a worker (the tracking code only as a hash)
"""

import sqlalchemy as sa
from alembic import op

from supplychain.migrations import ddl

revision = "0023"  # created 2026-12-07 08:10:00
down_revision = "0022"


def upgrade() -> None:
    ddl.create_organisation_table(
        "worker_case",
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", ddl.text(64), nullable=False),
        sa.Column("language", ddl.text(8), nullable=False),
        sa.Column("text", ddl.text(4000), nullable=False),
        sa.Column("contact", ddl.text(300), nullable=False),
        sa.Column(
            "status",
            ddl.choice("casestatus_check", "received", "acknowledged", "under_way", "closed"),
            nullable=False,
        ),
        ddl.user_column("owner_id"),
        sa.Column("acknowledge_by", sa.Date(), nullable=False),
        ddl.timestamp("acknowledged_at", nullable=True),
        ddl.timestamp("closed_at", nullable=True),
        sa.Column("indicators", sa.JSON(), nullable=False),
        sa.Column("supplier_ids", sa.JSON(), nullable=False),
        ddl.timestamp("created_at", nullable=False),
        ddl.organisation_fk("worker_case"),
        ddl.scoped_fk("worker_case", "site_id", "site"),
        ddl.user_fk("worker_case", "owner_id"),
        ddl.unique("worker_case", "code_hash"),
        ddl.unique("worker_case", "organisation_id", "id"),
    )
    ddl.create_indexes("worker_case", "organisation_id")
    ddl.create_table(
        "case_message",
        ddl.organisation_column(),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("from_worker", sa.Boolean(), nullable=False),
        sa.Column("text", ddl.text(4000), nullable=False),
        ddl.user_column("author_id"),
        ddl.timestamp("created_at", nullable=False),
        ddl.organisation_fk("case_message"),
        ddl.scoped_fk("case_message", "case_id", "worker_case"),
        ddl.user_fk("case_message", "author_id"),
    )
    ddl.create_indexes("case_message", "case_id")
    ddl.create_organisation_table(
        "check_in",
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=True),
        sa.Column("language", ddl.text(8), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("given_on", sa.Date(), nullable=False),
        ddl.organisation_fk("check_in"),
        ddl.scoped_fk("check_in", "site_id", "site"),
    )
    ddl.create_indexes("check_in", "organisation_id")


def downgrade() -> None:
    ddl.drop_indexes("check_in", "organisation_id")
    op.drop_table("check_in")
    ddl.drop_indexes("case_message", "case_id")
    op.drop_table("case_message")
    ddl.drop_indexes("worker_case", "organisation_id")
    op.drop_table("worker_case")
