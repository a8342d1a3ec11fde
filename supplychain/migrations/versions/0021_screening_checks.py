"""screening checks: per supplier, what an officer found about each item of its country's
screening pack, with who checked when, a document and how long the check stays good
"""

import sqlalchemy as sa
from alembic import op

from supplychain.migrations import ddl

revision = "0021"  # created 2026-12-07 04:30:00
down_revision = "0020"


def upgrade() -> None:
    ddl.create_organisation_table(
        "screening_check",
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("pack_id", ddl.text(16), nullable=False),
        sa.Column("item_id", ddl.text(64), nullable=False),
        sa.Column("checked_on", sa.Date(), nullable=False),
        ddl.user_column("checked_by_id"),
        sa.Column("checked_by_name", ddl.text(254), nullable=False),
        sa.Column(
            "result",
            ddl.choice("screeningresult_check", "passed", "failed", "not_applicable"),
            nullable=False,
        ),
        sa.Column("note", ddl.text(2000), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=False),
        *ddl.uploaded_file(stored_name_nullable=True),
        ddl.timestamp("created_at", nullable=False),
        ddl.organisation_fk("screening_check"),
        ddl.scoped_fk("screening_check", "supplier_id", "supplier"),
        ddl.user_fk("screening_check", "checked_by_id"),
        ddl.unique("screening_check", "stored_name"),
    )
    with op.batch_alter_table("screening_check", schema=None) as batch_op:
        batch_op.create_index(
            "ix_screening_check_supplier",
            ["organisation_id", "supplier_id", "item_id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("screening_check", schema=None) as batch_op:
        batch_op.drop_index("ix_screening_check_supplier")
    op.drop_table("screening_check")
