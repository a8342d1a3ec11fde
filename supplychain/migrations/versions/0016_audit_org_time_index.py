"""audit_event by (organisation_id, created_at): whether an assessment is out of date

risk.freshness looks for the first event since the latest run started that changes what the
rules read. On PostgreSQL with 250k events (50k of the organisation's, 29k of them since the
run, none of them a change) the query scanned every organisation's events by time: 46 ms; by
(organisation_id, created_at) it scans the organisation's alone: 8 ms, and 0.1 ms or less when
a change is found or the run is recent. The index on organisation_id alone is its prefix, so
it is dropped.
"""

from alembic import op

revision = "0016"  # created 2026-12-07 01:30:00
down_revision = "0015"


def upgrade() -> None:
    op.create_index(
        "ix_audit_event_organisation_id_created_at",
        "audit_event",
        ["organisation_id", "created_at"],
    )
    op.drop_index("ix_audit_event_organisation_id", table_name="audit_event")


def downgrade() -> None:
    op.create_index("ix_audit_event_organisation_id", "audit_event", ["organisation_id"])
    op.drop_index("ix_audit_event_organisation_id_created_at", table_name="audit_event")
