"""questionnaire responses"""

import sqlalchemy as sa
from alembic import op

from supplychain.migrations import ddl

revision = "0002"  # created 2026-11-23 16:59:42.482368
down_revision = "0001"


def upgrade() -> None:
    ddl.create_organisation_table(
        "response",
        sa.Column("supplier_id", sa.Integer(), nullable=True),
        *ddl.questionnaire_columns(),
        sa.Column("language", ddl.text(8), nullable=False),
        sa.Column(
            "status",
            ddl.choice("responsestatus_check", "in_progress", "submitted"),
            nullable=False,
        ),
        sa.Column("respondent_name", ddl.text(200), nullable=False),
        ddl.user_column(),
        ddl.timestamp("created_at", nullable=False),
        ddl.timestamp("updated_at", nullable=False),
        ddl.timestamp("submitted_at", nullable=True),
        ddl.scoped_fk("response", "supplier_id", "supplier"),
        ddl.organisation_fk("response"),
        ddl.user_fk("response"),
        ddl.unique("response", "organisation_id", "id"),
    )
    ddl.create_indexes("response", "organisation_id", "supplier_id")

    ddl.create_organisation_table(
        "answer",
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("question_id", ddl.text(64), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        ddl.timestamp("updated_at", nullable=False),
        ddl.scoped_fk("answer", "response_id", "response"),
        ddl.organisation_fk("answer"),
        ddl.unique("answer", "response_id", "question_id"),
    )
    ddl.create_indexes("answer", "organisation_id", "response_id")


def downgrade() -> None:
    ddl.drop_indexes("answer", "response_id", "organisation_id")
    op.drop_table("answer")
    ddl.drop_indexes("response", "supplier_id", "organisation_id")
    op.drop_table("response")
