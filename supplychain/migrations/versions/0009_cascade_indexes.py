"""indexes for the lookups of ON DELETE CASCADE: (organisation, supplier) wherever a table
points at a supplier, and invitations by response

Deleting a supplier looks up its rows in every table that points at it by (organisation_id,
supplier_id). With only the supplier column indexed, the planners took the organisation's
index instead (SQLite always, PostgreSQL on freshly loaded tables) and read every row of the
organisation for each deleted supplier: removing a 100k-supplier organisation took over half
an hour on SQLite and did not finish in ten minutes on PostgreSQL. The new indexes replace
the single-column ones, so writes keep the same number of indexes to maintain.
"""

from alembic import op

revision = "0009"  # created 2026-12-01 21:40:00
down_revision = "0008"

# (table, the new index, its columns, the index it replaces, that one's columns)
SWAPS = [
    (
        "link",
        "ix_link_org_child",
        ["organisation_id", "child_id"],
        "ix_link_child_id",
        ["child_id"],
    ),
    (
        "flag",
        "ix_flag_org_supplier",
        ["organisation_id", "supplier_id"],
        "ix_flag_supplier_id",
        ["supplier_id"],
    ),
    (
        "response",
        "ix_response_org_supplier",
        ["organisation_id", "supplier_id"],
        "ix_response_supplier_id",
        ["supplier_id"],
    ),
    (
        "invitation",
        "ix_invitation_org_supplier",
        ["organisation_id", "supplier_id"],
        "ix_invitation_supplier_id",
        ["supplier_id"],
    ),
]


def upgrade() -> None:
    for table, new, columns, old, _old_columns in SWAPS:
        op.create_index(new, table, columns)
        op.drop_index(old, table_name=table)
    op.create_index("ix_invitation_response_id", "invitation", ["response_id"])


def downgrade() -> None:
    op.drop_index("ix_invitation_response_id", table_name="invitation")
    for table, new, _columns, old, old_columns in SWAPS:
        op.create_index(old, table, old_columns)
        op.drop_index(new, table_name=table)
