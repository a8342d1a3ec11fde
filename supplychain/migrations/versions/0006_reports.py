"""reports"""

import sqlalchemy as sa
from alembic import op

from supplychain.migrations import ddl

revision = "0006"  # created 2026-11-23 18:52:50.784348
down_revision = "0005"


def upgrade() -> None:
    ddl.create_organisation_table(
        "report",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("scope", ddl.text(16), nullable=False),
        sa.Column("tier", sa.Integer(), nullable=True),
        sa.Column("supplier_id", sa.Integer(), nullable=True),
        sa.Column("title", ddl.text(300), nullable=False),
        sa.Column("lang", ddl.text(8), nullable=False),
        sa.Column("status", ddl.choice("runstatus_check", *ddl.RUN_STATUSES), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("step", ddl.text(64), nullable=False),
        sa.Column("error", ddl.text(1000), nullable=False),
        sa.Column("filename", ddl.text(100), nullable=False),
        sa.Column("sha256", ddl.text(64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=False),
        ddl.user_column(),
        *ddl.job_times(),
        ddl.scoped_fk("report", "run_id", "assessment_run"),
        ddl.organisation_fk("report"),
        ddl.user_fk("report"),
    )
    ddl.create_indexes("report", "organisation_id")


def downgrade() -> None:
    ddl.drop_indexes("report", "organisation_id")
    op.drop_table("report")
