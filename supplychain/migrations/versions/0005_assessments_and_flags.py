"""assessments and flags

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 18:16:43.088263
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "assessment_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "queued",
                "running",
                "done",
                "failed",
                name="runstatus_check",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("trigger", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("step", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("rules_version", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("thresholds", sa.JSON(), nullable=False),
        sa.Column("questionnaires", sa.JSON(), nullable=False),
        sa.Column("chain_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.Column("error", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_assessment_run_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["app_user.id"],
            name=op.f("fk_assessment_run_user_id_app_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_run")),
        sa.UniqueConstraint(
            "organisation_id", "id", name=op.f("uq_assessment_run_organisation_id_id")
        ),
    )
    with op.batch_alter_table("assessment_run", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assessment_run_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "flag_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "acknowledged",
                "mitigating",
                "dismissed",
                name="flagstatus_check",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("owner", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_flag_decision_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["app_user.id"],
            name=op.f("fk_flag_decision_user_id_app_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_flag_decision")),
        sa.UniqueConstraint(
            "organisation_id",
            "fingerprint",
            name=op.f("uq_flag_decision_organisation_id_fingerprint"),
        ),
    )
    with op.batch_alter_table("flag_decision", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_flag_decision_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "flag",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("rule", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("indicator", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=True),
        sa.Column(
            "severity",
            sa.Enum(
                "low",
                "medium",
                "high",
                "critical",
                name="severity_check",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("first_run_id", sa.Integer(), nullable=False),
        sa.Column("last_run_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["first_run_id"],
            ["assessment_run.id"],
            name=op.f("fk_flag_first_run_id_assessment_run"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["last_run_id"],
            ["assessment_run.id"],
            name=op.f("fk_flag_last_run_id_assessment_run"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id", "supplier_id"],
            ["supplier.organisation_id", "supplier.id"],
            name=op.f("fk_flag_organisation_id_supplier_id_supplier"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_flag_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_flag")),
    )
    with op.batch_alter_table("flag", schema=None) as batch_op:
        batch_op.create_index(
            "ix_flag_org_fingerprint", ["organisation_id", "fingerprint"], unique=False
        )
        batch_op.create_index(
            "ix_flag_org_last_run", ["organisation_id", "last_run_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_flag_supplier_id"), ["supplier_id"], unique=False)

    op.create_table(
        "supplier_exposure",
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("own", sa.Integer(), nullable=False),
        sa.Column("carried", sa.Integer(), nullable=False),
        sa.Column("flags", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id", "supplier_id"],
            ["supplier.organisation_id", "supplier.id"],
            name=op.f("fk_supplier_exposure_organisation_id_supplier_id_supplier"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_supplier_exposure_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["assessment_run.id"],
            name=op.f("fk_supplier_exposure_run_id_assessment_run"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "organisation_id", "supplier_id", name=op.f("pk_supplier_exposure")
        ),
    )
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("risk_thresholds", sa.JSON(), server_default="{}", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.drop_column("risk_thresholds")

    op.drop_table("supplier_exposure")
    with op.batch_alter_table("flag", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_flag_supplier_id"))
        batch_op.drop_index("ix_flag_org_last_run")
        batch_op.drop_index("ix_flag_org_fingerprint")

    op.drop_table("flag")
    with op.batch_alter_table("flag_decision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_flag_decision_organisation_id"))

    op.drop_table("flag_decision")
    with op.batch_alter_table("assessment_run", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessment_run_organisation_id"))

    op.drop_table("assessment_run")
