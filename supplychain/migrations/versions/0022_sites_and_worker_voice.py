"""sites and worker voice: the worksites where suppliers' workers are (with the short public
code of their workers' pages) and which supplier is on which; workers' reports as cases with
their messages, and the check-ins workers give on a site; nothing that identifies a worker
(the tracking code only as a hash)
"""

import sqlalchemy as sa
from alembic import op

from supplychain.migrations import ddl
from supplychain.migrations.ddl import optional, required, text

revision = "0022"  # created 2026-12-07 08:00:00
down_revision = "0021"


def upgrade() -> None:
    _sites()
    _worker_voice()


def _sites() -> None:
    ddl.create_organisation_table(
        "site",
        required("name", text(200)),
        required("address", text(300)),
        required("country", text(2)),
        optional("starts_on", sa.Date()),
        optional("ends_on", sa.Date()),
        required("code", text(16)),
        required("languages", text(100)),
        required("archived", sa.Boolean()),
        ddl.timestamp("created_at", nullable=False),
        ddl.organisation_fk("site"),
        ddl.unique("site", "code"),
        ddl.unique("site", "organisation_id", "id"),
    )
    ddl.create_indexes("site", "organisation_id")
    op.create_table(
        "site_supplier",
        ddl.organisation_column(),
        required("site_id", sa.Integer()),
        required("supplier_id", sa.Integer()),
        ddl.timestamp("created_at", nullable=False),
        ddl.organisation_fk("site_supplier"),
        ddl.scoped_fk("site_supplier", "site_id", "site"),
        ddl.scoped_fk("site_supplier", "supplier_id", "supplier"),
        sa.PrimaryKeyConstraint("site_id", "supplier_id", name=op.f("pk_site_supplier")),
    )
    with op.batch_alter_table("site_supplier", schema=None) as batch_op:
        batch_op.create_index(
            "ix_site_supplier_supplier", ["organisation_id", "supplier_id"], unique=False
        )


def _worker_voice() -> None:
    statuses = ddl.choice("casestatus_check", "received", "acknowledged", "under_way", "closed")
    ddl.create_organisation_table(
        "worker_case",
        required("site_id", sa.Integer()),
        required("code_hash", text(64)),
        required("language", text(8)),
        required("text", text(4000)),
        required("contact", text(300)),
        required("status", statuses),
        ddl.user_column("owner_id"),
        required("acknowledge_by", sa.Date()),
        ddl.timestamp("acknowledged_at", nullable=True),
        ddl.timestamp("closed_at", nullable=True),
        required("indicators", sa.JSON()),
        required("supplier_ids", sa.JSON()),
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
        required("case_id", sa.Integer()),
        required("from_worker", sa.Boolean()),
        required("text", text(4000)),
        ddl.user_column("author_id"),
        ddl.timestamp("created_at", nullable=False),
        ddl.organisation_fk("case_message"),
        ddl.scoped_fk("case_message", "case_id", "worker_case"),
        ddl.user_fk("case_message", "author_id"),
    )
    ddl.create_indexes("case_message", "case_id")
    ddl.create_organisation_table(
        "check_in",
        required("site_id", sa.Integer()),
        optional("supplier_id", sa.Integer()),
        required("language", text(8)),
        required("answers", sa.JSON()),
        required("given_on", sa.Date()),
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
    with op.batch_alter_table("site_supplier", schema=None) as batch_op:
        batch_op.drop_index("ix_site_supplier_supplier")
    op.drop_table("site_supplier")
    ddl.drop_indexes("site", "organisation_id")
    op.drop_table("site")
