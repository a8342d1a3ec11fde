"""link work country: where the work of a link is done, when it is not the organisation's
own country (empty: the organisation's country)

Revision ID: l1_link_work_country
Revises: 0019
Create Date: 2026-12-07 03:15:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "l1_link_work_country"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("link", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "work_country",
                sqlmodel.sql.sqltypes.AutoString(length=2),
                server_default="",
                nullable=False,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("link", schema=None) as batch_op:
        batch_op.drop_column("work_country")
