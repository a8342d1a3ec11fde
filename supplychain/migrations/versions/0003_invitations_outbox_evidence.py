"""invitations outbox evidence"""

import sqlalchemy as sa
from alembic import op

from supplychain.migrations import ddl

revision = "0003"  # created 2026-11-23 17:08:08.298861
down_revision = "0002"


def upgrade() -> None:
    ddl.create_organisation_table(
        "campaign",
        *ddl.questionnaire_columns(),
        sa.Column("title", ddl.text(200), nullable=False),
        sa.Column("message", ddl.text(2000), nullable=False),
        ddl.timestamp("deadline", nullable=False),
        ddl.user_column("created_by"),
        ddl.timestamp("created_at", nullable=False),
        ddl.user_fk("campaign", "created_by"),
        ddl.organisation_fk("campaign"),
        ddl.unique("campaign", "organisation_id", "id"),
    )
    ddl.create_indexes("campaign", "organisation_id")

    ddl.create_organisation_table(
        "evidence",
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("question_id", ddl.text(64), nullable=False),
        *ddl.uploaded_file(stored_name_nullable=False),
        ddl.timestamp("created_at", nullable=False),
        ddl.scoped_fk("evidence", "response_id", "response"),
        ddl.organisation_fk("evidence"),
        ddl.unique("evidence", "stored_name"),
    )
    ddl.create_indexes("evidence", "organisation_id", "response_id")

    ddl.create_organisation_table(
        "invitation",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        *ddl.questionnaire_columns(),
        sa.Column("email", ddl.text(254), nullable=False),
        sa.Column("language", ddl.text(8), nullable=False),
        sa.Column("token_hash", ddl.text(64), nullable=False),
        ddl.timestamp("expires_at", nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=True),
        ddl.timestamp("created_at", nullable=False),
        ddl.timestamp("sent_at", nullable=True),
        ddl.timestamp("opened_at", nullable=True),
        ddl.timestamp("reminded_at", nullable=True),
        ddl.timestamp("bounced_at", nullable=True),
        ddl.timestamp("revoked_at", nullable=True),
        ddl.scoped_fk("invitation", "campaign_id", "campaign"),
        ddl.scoped_fk("invitation", "supplier_id", "supplier"),
        ddl.organisation_fk("invitation"),
        ddl.foreign_key("invitation", "response_id", "response", "SET NULL"),
        ddl.unique("invitation", "token_hash"),
    )
    ddl.create_indexes("invitation", "campaign_id", "organisation_id", "supplier_id")

    ddl.create_table(
        "outbox",
        ddl.organisation_column(nullable=True),
        sa.Column("invitation_id", sa.Integer(), nullable=True),
        sa.Column("kind", ddl.text(32), nullable=False),
        sa.Column("recipient", ddl.text(254), nullable=False),
        sa.Column("subject", ddl.text(300), nullable=False),
        sa.Column("text_body", sa.Text(), nullable=False),
        sa.Column("html_body", sa.Text(), nullable=False),
        sa.Column("message_id", ddl.text(255), nullable=False),
        sa.Column(
            "status", ddl.choice("outboxstatus_check", "pending", "sent", "dead"), nullable=False
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        ddl.timestamp("next_attempt_at", nullable=False),
        ddl.timestamp("claimed_until", nullable=True),
        sa.Column("last_error", ddl.text(1000), nullable=False),
        ddl.timestamp("created_at", nullable=False),
        ddl.timestamp("sent_at", nullable=True),
        ddl.foreign_key("outbox", "invitation_id", "invitation", "SET NULL"),
        ddl.organisation_fk("outbox"),
        ddl.unique("outbox", "message_id"),
    )
    ddl.create_indexes("outbox", "invitation_id", "organisation_id", "status")

    ddl.add_columns(
        "organisation",
        sa.Column("auto_invite_disclosed", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    ddl.add_columns(
        "supplier",
        sa.Column("disclosed", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    ddl.drop_columns("supplier", "disclosed")
    ddl.drop_columns("organisation", "auto_invite_disclosed")
    ddl.drop_indexes("outbox", "status", "organisation_id", "invitation_id")
    op.drop_table("outbox")
    ddl.drop_indexes("invitation", "supplier_id", "organisation_id", "campaign_id")
    op.drop_table("invitation")
    ddl.drop_indexes("evidence", "response_id", "organisation_id")
    op.drop_table("evidence")
    ddl.drop_indexes("campaign", "organisation_id")
    op.drop_table("campaign")
