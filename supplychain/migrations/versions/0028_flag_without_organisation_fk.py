"""flags lose their foreign key to the organisation: it was redundant (a flag goes with its
first run, and runs go with their organisation) and PostgreSQL checked it on every row a run
stored (a trigger per row; at 100k suppliers a run stores ~430k flags). The column and its
indexes stay.
"""

from alembic import op

revision = "0028"  # created 2026-12-07 13:10:00
down_revision = "0027"

FLAG_ORGANISATION_FK = "fk_flag_organisation_id_organisation"


def upgrade() -> None:
    with op.batch_alter_table("flag", schema=None) as batch_op:
        batch_op.drop_constraint(op.f(FLAG_ORGANISATION_FK), type_="foreignkey")


def downgrade() -> None:
    with op.batch_alter_table("flag", schema=None) as batch_op:
        batch_op.create_foreign_key(
            op.f(FLAG_ORGANISATION_FK),
            "organisation",
            ["organisation_id"],
            ["id"],
            ondelete="CASCADE",
        )
