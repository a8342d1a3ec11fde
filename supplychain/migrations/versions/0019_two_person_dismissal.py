"""two-person dismissal: a critical flag's dismissal is proposed by one person and confirmed by
another admin; the decision keeps who proposed it, when and why, and who confirmed it when

Existing decisions have no proposal (a dismissal made before stays as it was).
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0019"  # created 2026-12-07 02:40:00
down_revision = "0018"


def upgrade() -> None:
    with op.batch_alter_table("flag_decision", schema=None) as batch_op:
        batch_op.add_column(sa.Column("proposed_by", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column(
                "proposed_note",
                sqlmodel.sql.sqltypes.AutoString(length=2000),
                nullable=False,
                server_default="",
            )
        )
        batch_op.add_column(sa.Column("confirmed_by", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True))
        for column in ("proposed_by", "confirmed_by"):
            batch_op.create_foreign_key(
                batch_op.f(f"fk_flag_decision_{column}_app_user"),
                "app_user",
                [column],
                ["id"],
                ondelete="SET NULL",
            )
    # The default only fills the existing rows; the model gives every new row its value.
    with op.batch_alter_table("flag_decision", schema=None) as batch_op:
        batch_op.alter_column("proposed_note", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("flag_decision", schema=None) as batch_op:
        for column in ("confirmed_by", "proposed_by"):
            batch_op.drop_constraint(
                batch_op.f(f"fk_flag_decision_{column}_app_user"), type_="foreignkey"
            )
        for column in ("confirmed_at", "confirmed_by", "proposed_note", "proposed_at"):
            batch_op.drop_column(column)
        batch_op.drop_column("proposed_by")
