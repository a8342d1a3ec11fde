"""link work country: where the work of a link is done, when it is not the organisation's
own country (empty: the organisation's country); assessment runs keep it with the links
they read
"""

import sqlalchemy as sa

from supplychain.migrations import ddl

revision = "0020"  # created 2026-12-07 03:15:00
down_revision = "0019"


TABLES = ("link", "run_link")  # the link, and the link as each assessment run read it


def upgrade() -> None:
    for table in TABLES:
        ddl.add_columns(
            table, sa.Column("work_country", ddl.text(2), server_default="", nullable=False)
        )


def downgrade() -> None:
    for table in TABLES:
        ddl.drop_columns(table, "work_country")
