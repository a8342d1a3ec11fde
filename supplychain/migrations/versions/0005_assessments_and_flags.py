"""assessments and flags"""

import sqlalchemy as sa
from alembic import op

from supplychain.migrations import ddl

revision = "0005"  # created 2026-11-23 18:16:43.088263
down_revision = "0004"


def upgrade() -> None:
    ddl.create_organisation_table(
        "assessment_run",
        sa.Column("status", ddl.choice("runstatus_check", *ddl.RUN_STATUSES), nullable=False),
        sa.Column("trigger", ddl.text(32), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("step", ddl.text(64), nullable=False),
        sa.Column("rules_version", ddl.text(16), nullable=False),
        sa.Column("thresholds", sa.JSON(), nullable=False),
        sa.Column("questionnaires", sa.JSON(), nullable=False),
        sa.Column("chain_hash", ddl.text(64), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.Column("error", ddl.text(1000), nullable=False),
        ddl.user_column(),
        *ddl.job_times(),
        ddl.organisation_fk("assessment_run"),
        ddl.user_fk("assessment_run"),
        ddl.unique("assessment_run", "organisation_id", "id"),
    )
    ddl.create_indexes("assessment_run", "organisation_id")

    ddl.create_organisation_table(
        "flag_decision",
        sa.Column("fingerprint", ddl.text(64), nullable=False),
        sa.Column(
            "status",
            ddl.choice("flagstatus_check", "open", "acknowledged", "mitigating", "dismissed"),
            nullable=False,
        ),
        sa.Column("note", ddl.text(2000), nullable=False),
        sa.Column("owner", ddl.text(200), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        ddl.user_column(),
        ddl.timestamp("updated_at", nullable=False),
        ddl.organisation_fk("flag_decision"),
        ddl.user_fk("flag_decision"),
        ddl.unique("flag_decision", "organisation_id", "fingerprint"),
    )
    ddl.create_indexes("flag_decision", "organisation_id")

    ddl.create_organisation_table(
        "flag",
        sa.Column("fingerprint", ddl.text(64), nullable=False),
        sa.Column("rule", ddl.text(64), nullable=False),
        sa.Column("indicator", ddl.text(64), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=True),
        sa.Column(
            "severity",
            ddl.choice("severity_check", "low", "medium", "high", "critical"),
            nullable=False,
        ),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("first_run_id", sa.Integer(), nullable=False),
        sa.Column("last_run_id", sa.Integer(), nullable=False),
        ddl.foreign_key("flag", "first_run_id", "assessment_run", "CASCADE"),
        ddl.foreign_key("flag", "last_run_id", "assessment_run", "CASCADE"),
        ddl.scoped_fk("flag", "supplier_id", "supplier"),
        ddl.organisation_fk("flag"),
    )
    with op.batch_alter_table("flag", schema=None) as batch_op:
        batch_op.create_index(
            "ix_flag_org_fingerprint", ["organisation_id", "fingerprint"], unique=False
        )
        batch_op.create_index(
            "ix_flag_org_last_run", ["organisation_id", "last_run_id"], unique=False
        )
    ddl.create_indexes("flag", "supplier_id")

    op.create_table(
        "supplier_exposure",
        ddl.organisation_column(),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("own", sa.Integer(), nullable=False),
        sa.Column("carried", sa.Integer(), nullable=False),
        sa.Column("flags", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        ddl.scoped_fk("supplier_exposure", "supplier_id", "supplier"),
        ddl.organisation_fk("supplier_exposure"),
        ddl.foreign_key("supplier_exposure", "run_id", "assessment_run", "CASCADE"),
        sa.PrimaryKeyConstraint(
            "organisation_id", "supplier_id", name=op.f("pk_supplier_exposure")
        ),
    )
    ddl.add_columns(
        "organisation",
        sa.Column("risk_thresholds", sa.JSON(), server_default="{}", nullable=False),
    )


def downgrade() -> None:
    ddl.drop_columns("organisation", "risk_thresholds")
    op.drop_table("supplier_exposure")
    ddl.drop_indexes("flag", "supplier_id")
    with op.batch_alter_table("flag", schema=None) as batch_op:
        batch_op.drop_index("ix_flag_org_last_run")
        batch_op.drop_index("ix_flag_org_fingerprint")

    op.drop_table("flag")
    ddl.drop_indexes("flag_decision", "organisation_id")
    op.drop_table("flag_decision")
    ddl.drop_indexes("assessment_run", "organisation_id")
    op.drop_table("assessment_run")
