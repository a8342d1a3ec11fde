"""links indexed by (organisation, child), for the lookups of ON DELETE CASCADE

Deleting a supplier looks up its links as a child by (organisation_id, child_id). With only
child_id indexed, SQLite's planner took the organisation's index and read every link of the
organisation for each deleted supplier: removing 100k suppliers took over half an hour.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 21:40:00
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_link_org_child", "link", ["organisation_id", "child_id"])
    op.drop_index("ix_link_child_id", table_name="link")


def downgrade() -> None:
    op.create_index("ix_link_child_id", "link", ["child_id"])
    op.drop_index("ix_link_org_child", table_name="link")
