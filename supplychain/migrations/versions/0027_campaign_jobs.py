"""campaign jobs: a campaign to many suppliers is sent by the worker in batches, with
progress, instead of inside the web request (2,000 suppliers took 10-12 s)
"""

import sqlalchemy as sa
from alembic import op

from supplychain.migrations import ddl

revision = "0027"  # created 2026-12-07 11:20:00
down_revision = "0026"


def upgrade() -> None:
    ddl.create_organisation_table(
        "campaign_job",
        ddl.required("campaign_id", sa.Integer()),
        ddl.user_column(),
        ddl.required("language", ddl.text(8)),
        ddl.required("supplier_ids", sa.JSON()),
        ddl.required("total", sa.Integer()),
        ddl.required("done", sa.Integer()),
        ddl.required("status", ddl.choice("runstatus_check", *ddl.RUN_STATUSES)),
        ddl.required("attempts", sa.Integer()),
        ddl.required("error", ddl.text(1000)),
        ddl.timestamp("created_at", nullable=False),
        ddl.timestamp("claimed_until", nullable=True),
        ddl.timestamp("finished_at", nullable=True),
        ddl.organisation_fk("campaign_job"),
        ddl.scoped_fk("campaign_job", "campaign_id", "campaign"),
        ddl.user_fk("campaign_job"),
        ddl.unique("campaign_job", "campaign_id"),
    )


def downgrade() -> None:
    op.drop_table("campaign_job")
