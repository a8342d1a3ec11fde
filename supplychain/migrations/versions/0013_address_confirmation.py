"""confirmed addresses: users and organisations record when an address was proven, and
emailed tokens gain the purpose that proves it

Accounts that already have a password, and every organisation already there, count as
confirmed: they were made before sign-up asked for proof, by their operator or their admin.
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"  # created 2026-12-06 23:00:00
down_revision = "0012"

CHECK_NAME = "ck_user_token_tokenpurpose_check"
OLD_PURPOSES = ("password_reset", "user_invitation")
NEW_PURPOSES = (*OLD_PURPOSES, "email_confirmation")


def _allow_purposes(values: tuple[str, ...]) -> None:
    allowed = ", ".join(f"'{value}'" for value in values)
    with op.batch_alter_table("user_token") as batch_op:
        batch_op.drop_constraint(op.f(CHECK_NAME), type_="check")
        batch_op.create_check_constraint(op.f(CHECK_NAME), f"purpose IN ({allowed})")


def upgrade() -> None:
    op.add_column(
        "organisation", sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column(
        "app_user", sa.Column("email_confirmed_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.execute("UPDATE organisation SET confirmed_at = created_at")
    op.execute(
        "UPDATE app_user SET email_confirmed_at = created_at WHERE password_hash IS NOT NULL"
    )
    _allow_purposes(NEW_PURPOSES)


def downgrade() -> None:
    op.execute("DELETE FROM user_token WHERE purpose = 'email_confirmation'")
    _allow_purposes(OLD_PURPOSES)
    op.drop_column("app_user", "email_confirmed_at")
    op.drop_column("organisation", "confirmed_at")
