"""link work country: where the work of a link is done, when it is not the organisation's
own country (empty: the organisation's country); assessment runs keep it with the links
they read

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 03:15:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


TABLES = ("link", "run_link")  # the link, and the link as each assessment run read it


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column(
                    "work_country",
                    sqlmodel.sql.sqltypes.AutoString(length=2),
                    server_default="",
                    nullable=False,
                )
            )


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("work_country")
