"""initial schema"""

import sqlalchemy as sa
from alembic import op

from supplychain.migrations import ddl

revision = "0001"  # created 2026-11-22 21:11:13.688465
down_revision = None


def upgrade() -> None:
    ddl.create_table(
        "organisation",
        sa.Column("slug", ddl.text(64), nullable=False),
        sa.Column("name", ddl.text(200), nullable=False),
        ddl.timestamp("created_at", nullable=False),
        ddl.unique("organisation", "slug"),
    )
    ddl.create_organisation_table(
        "app_user",
        sa.Column("email", ddl.text(254), nullable=False),
        sa.Column("name", ddl.text(200), nullable=False),
        sa.Column("password_hash", ddl.text(255), nullable=True),
        sa.Column("role", ddl.choice("role_check", "admin", "officer", "viewer"), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("session_token", ddl.text(64), nullable=False),
        sa.Column("locale", ddl.text(8), nullable=True),
        ddl.timestamp("created_at", nullable=False),
        ddl.timestamp("last_login_at", nullable=True),
        ddl.organisation_fk("app_user"),
        ddl.unique("app_user", "email"),
    )
    ddl.create_indexes("app_user", "organisation_id")

    ddl.create_organisation_table(
        "supplier",
        sa.Column("code", ddl.text(32), nullable=False),
        sa.Column("name", ddl.text(200), nullable=False),
        sa.Column("registration_no", ddl.text(32), nullable=False),
        sa.Column("country", ddl.text(2), nullable=False),
        sa.Column("sector", ddl.text(8), nullable=False),
        sa.Column("email", ddl.text(254), nullable=False),
        sa.Column("kind", ddl.choice("supplierkind_check", "company", "agency"), nullable=False),
        sa.Column("employees", sa.Integer(), nullable=True),
        ddl.timestamp("created_at", nullable=False),
        ddl.timestamp("updated_at", nullable=False),
        ddl.organisation_fk("supplier"),
        ddl.unique("supplier", "organisation_id", "code"),
        ddl.unique("supplier", "organisation_id", "id"),
    )
    ddl.create_indexes("supplier", "organisation_id")

    ddl.create_organisation_table(
        "audit_event",
        ddl.user_column(),
        sa.Column("action", ddl.text(64), nullable=False),
        sa.Column("object_type", ddl.text(32), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        ddl.timestamp("created_at", nullable=False),
        ddl.organisation_fk("audit_event"),
        ddl.user_fk("audit_event"),
    )
    ddl.create_indexes("audit_event", "created_at", "organisation_id")

    ddl.create_organisation_table(
        "chain_import",
        ddl.user_column(),
        sa.Column("filename", ddl.text(255), nullable=False),
        sa.Column("sha256", ddl.text(64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        ddl.timestamp("created_at", nullable=False),
        ddl.timestamp("applied_at", nullable=True),
        ddl.organisation_fk("chain_import"),
        ddl.user_fk("chain_import"),
    )
    ddl.create_indexes("chain_import", "organisation_id")

    ddl.create_organisation_table(
        "link",
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column(
            "relation",
            ddl.choice("relation_check", "subcontract", "labour_hire", "supply"),
            nullable=False,
        ),
        sa.Column("workers", sa.Integer(), nullable=True),
        sa.Column("contract_value_eur", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("labour_hours", sa.Numeric(precision=12, scale=1), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column(
            "source",
            ddl.choice("linksource_check", "entered", "imported", "disclosed"),
            nullable=False,
        ),
        sa.Column(
            "status", ddl.choice("linkstatus_check", "confirmed", "proposed"), nullable=False
        ),
        ddl.timestamp("created_at", nullable=False),
        sa.CheckConstraint(
            "parent_id IS NULL OR parent_id <> child_id", name=op.f("ck_link_no_self_link")
        ),
        ddl.scoped_fk("link", "child_id", "supplier"),
        ddl.scoped_fk("link", "parent_id", "supplier"),
        ddl.organisation_fk("link"),
    )
    ddl.create_indexes("link", "child_id", "organisation_id", "parent_id")
    with op.batch_alter_table("link", schema=None) as batch_op:
        batch_op.create_index(
            "uq_link_edge",
            ["organisation_id", "parent_id", "child_id"],
            unique=True,
            sqlite_where=sa.text("parent_id IS NOT NULL"),
            postgresql_where=sa.text("parent_id IS NOT NULL"),
        )
        batch_op.create_index(
            "uq_link_root_edge",
            ["organisation_id", "child_id"],
            unique=True,
            sqlite_where=sa.text("parent_id IS NULL"),
            postgresql_where=sa.text("parent_id IS NULL"),
        )

    ddl.create_table(
        "user_token",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "purpose",
            ddl.choice("tokenpurpose_check", "password_reset", "user_invitation"),
            nullable=False,
        ),
        sa.Column("token_hash", ddl.text(64), nullable=False),
        ddl.timestamp("created_at", nullable=False),
        ddl.timestamp("expires_at", nullable=False),
        ddl.timestamp("used_at", nullable=True),
        ddl.foreign_key("user_token", "user_id", "app_user", "CASCADE"),
        ddl.unique("user_token", "token_hash"),
    )
    ddl.create_indexes("user_token", "user_id")


def downgrade() -> None:
    ddl.drop_indexes("user_token", "user_id")
    op.drop_table("user_token")
    with op.batch_alter_table("link", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_link_root_edge",
            sqlite_where=sa.text("parent_id IS NULL"),
            postgresql_where=sa.text("parent_id IS NULL"),
        )
        batch_op.drop_index(
            "uq_link_edge",
            sqlite_where=sa.text("parent_id IS NOT NULL"),
            postgresql_where=sa.text("parent_id IS NOT NULL"),
        )
    ddl.drop_indexes("link", "parent_id", "organisation_id", "child_id")
    op.drop_table("link")
    ddl.drop_indexes("chain_import", "organisation_id")
    op.drop_table("chain_import")
    ddl.drop_indexes("audit_event", "organisation_id", "created_at")
    op.drop_table("audit_event")
    ddl.drop_indexes("supplier", "organisation_id")
    op.drop_table("supplier")
    ddl.drop_indexes("app_user", "organisation_id")
    op.drop_table("app_user")
    op.drop_table("organisation")
