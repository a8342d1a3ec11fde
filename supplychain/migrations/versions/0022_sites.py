"""sites: the worksites or projects where suppliers' workers are (with the short public code of
their workers' pages), and which supplier is on which site
"""

import sqlalchemy as sa
from alembic import op

from supplychain.migrations import ddl

revision = "0022"  # created 2026-12-07 08:00:00
down_revision = "0021"


def upgrade() -> None:
    ddl.create_organisation_table(
        "site",
        sa.Column("name", ddl.text(200), nullable=False),
        sa.Column("address", ddl.text(300), nullable=False),
        sa.Column("country", ddl.text(2), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("code", ddl.text(16), nullable=False),
        sa.Column("languages", ddl.text(100), nullable=False),
        sa.Column("archived", sa.Boolean(), nullable=False),
        ddl.timestamp("created_at", nullable=False),
        ddl.organisation_fk("site"),
        ddl.unique("site", "code"),
        ddl.unique("site", "organisation_id", "id"),
    )
    ddl.create_indexes("site", "organisation_id")
    op.create_table(
        "site_supplier",
        ddl.organisation_column(),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
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


def downgrade() -> None:
    with op.batch_alter_table("site_supplier", schema=None) as batch_op:
        batch_op.drop_index("ix_site_supplier_supplier")
    op.drop_table("site_supplier")
    ddl.drop_indexes("site", "organisation_id")
    op.drop_table("site")
