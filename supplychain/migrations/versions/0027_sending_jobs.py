"""sending jobs: a campaign to many suppliers, or reminders to many, are sent by the worker
in batches, with progress, instead of inside the web request (2,000 suppliers took 10-12 s)
"""

import sqlalchemy as sa
from alembic import op

from supplychain.migrations import ddl

revision = "0027"  # created 2026-12-07 11:20:00
down_revision = "0026"


def upgrade() -> None:
    ddl.create_organisation_table(
        "sending_job",
        ddl.user_column(),  # who asked for it
        ddl.required("kind", ddl.text(8)),
        ddl.optional("campaign_id", sa.Integer()),
        ddl.required("language", ddl.text(8)),
        ddl.required("targets", sa.JSON()),
        ddl.required("total", sa.Integer()),
        ddl.required("done", sa.Integer()),
        ddl.required("status", ddl.choice("runstatus_check", *ddl.RUN_STATUSES)),
        ddl.required("attempts", sa.Integer()),
        ddl.required("error", ddl.text(1000)),
        ddl.timestamp("created_at", nullable=False),
        ddl.timestamp("claimed_until", nullable=True),
        ddl.timestamp("finished_at", nullable=True),
        ddl.organisation_fk("sending_job"),
        ddl.scoped_fk("sending_job", "campaign_id", "campaign"),
        ddl.user_fk("sending_job"),
        ddl.unique("sending_job", "campaign_id"),
    )


def downgrade() -> None:
    op.drop_table("sending_job")
