"""import jobs: a chain import is checked and applied as a background job with progress

A 200k-row file took 15 s to parse inside the web request. The upload is now stored at once and
a job carries out the check (the preview) and the apply outside the request. Files uploaded
before this revision and not yet applied are queued to be checked again, so that their preview
is there when the officer comes back; applied ones are recorded as done.
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

from supplychain.migrations import ddl

revision = "0010"  # created 2026-12-06 23:00:00
down_revision = "0009"


def upgrade() -> None:
    text = sqlmodel.sql.sqltypes.AutoString
    with op.batch_alter_table("chain_import", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lang", text(length=8), server_default="en", nullable=False))
        batch_op.add_column(
            sa.Column("stage", text(length=8), server_default="check", nullable=False)
        )
        batch_op.add_column(
            sa.Column(
                "status",
                ddl.choice("runstatus_check", *ddl.RUN_STATUSES),
                server_default="queued",
                nullable=False,
            )
        )
        batch_op.add_column(sa.Column("progress", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("step", text(length=64), server_default="", nullable=False))
        batch_op.add_column(
            sa.Column("error", text(length=1000), server_default="", nullable=False)
        )
        batch_op.add_column(sa.Column("outcome", sa.JSON(), server_default="{}", nullable=False))
        batch_op.add_column(sa.Column("attempts", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True))
    table = sa.table(
        "chain_import",
        sa.column("applied_at"),
        sa.column("stage"),
        sa.column("status"),
        sa.column("progress"),
        sa.column("step"),
    )
    op.execute(
        table.update()
        .where(table.c.applied_at.is_not(None))
        .values(stage="apply", status="done", progress=100, step="done")
    )


def downgrade() -> None:
    with op.batch_alter_table("chain_import", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_chain_import_runstatus_check"), type_="check")
        for name in (
            "finished_at",
            "claimed_until",
            "attempts",
            "outcome",
            "error",
            "step",
            "progress",
            "status",
            "stage",
            "lang",
        ):
            batch_op.drop_column(name)
