"""screening checks: per supplier, what an officer found about each item of its country's
screening pack, with who checked when, a document and how long the check stays good

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 04:30:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "screening_check",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("pack_id", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("item_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("checked_on", sa.Date(), nullable=False),
        sa.Column("checked_by_id", sa.Integer(), nullable=True),
        sa.Column("checked_by_name", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
        sa.Column(
            "result",
            sa.Enum(
                "passed",
                "failed",
                "not_applicable",
                name="screeningresult_check",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.Column("filename", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("stored_name", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("content_type", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_screening_check_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id", "supplier_id"],
            ["supplier.organisation_id", "supplier.id"],
            name=op.f("fk_screening_check_organisation_id_supplier_id_supplier"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["checked_by_id"],
            ["app_user.id"],
            name=op.f("fk_screening_check_checked_by_id_app_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screening_check")),
        sa.UniqueConstraint("stored_name", name=op.f("uq_screening_check_stored_name")),
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
