"""flag paging: the flags list pages by key (severity, rule, id) along an index, and each
supplier's exposure keeps its flags by severity, so the flags grouped by supplier read one
page of an index instead of counting every flag of the run; and the invitations whose
deadline passed since an assessment are found by an index of their deadlines
"""

import sqlalchemy as sa
from alembic import op

from supplychain.migrations import ddl

revision = "0029"  # created 2026-12-07 13:15:00
down_revision = "0028"

SEVERITIES = ("critical", "high", "medium", "low")  # the gravest first


def upgrade() -> None:
    op.create_index(
        "ix_flag_org_severity_rule", "flag", ["organisation_id", "severity", "rule", "id"]
    )
    # a decision status filter finds its flags from the decisions
    op.create_index("ix_flag_org_fingerprint", "flag", ["organisation_id", "fingerprint"])
    ddl.add_columns(
        "supplier_exposure",
        *(sa.Column(s, sa.Integer(), server_default="0", nullable=False) for s in SEVERITIES),
    )
    # The latest run's flags are the open ones (no last run): count them once.
    for severity in SEVERITIES:
        op.execute(
            f"UPDATE supplier_exposure SET {severity} = (SELECT count(*) FROM flag"  # noqa: S608
            " WHERE flag.organisation_id = supplier_exposure.organisation_id"
            " AND flag.supplier_id = supplier_exposure.supplier_id"
            f" AND flag.last_run_id IS NULL AND flag.severity = '{severity}')"
        )
    op.create_index("ix_invitation_org_expires", "invitation", ["organisation_id", "expires_at"])
    op.create_index(
        "ix_supplier_exposure_gravest",
        "supplier_exposure",
        ["organisation_id", *SEVERITIES, "supplier_id"],
    )


def downgrade() -> None:
    op.drop_index("ix_supplier_exposure_gravest", "supplier_exposure")
    op.drop_index("ix_invitation_org_expires", "invitation")
    ddl.drop_columns("supplier_exposure", *SEVERITIES)
    op.drop_index("ix_flag_org_fingerprint", "flag")
    op.drop_index("ix_flag_org_severity_rule", "flag")
