"""open flags: last_run_id is empty while the latest run still raises the flag

Repeated runs then write nothing for the flags they raise again (before, every such row was
updated each run). The index on fingerprints goes: nothing reads flags by fingerprint, and
keeping half a million random keys in order was the dearest part of storing a large run.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"  # created 2026-11-23 19:30:00
down_revision = "0006"

OPEN = """UPDATE flag SET last_run_id = NULL WHERE last_run_id = (
    SELECT max(r.id) FROM assessment_run r
    WHERE r.organisation_id = flag.organisation_id AND r.status = 'done')"""
CLOSED = """UPDATE flag SET last_run_id = (
    SELECT max(r.id) FROM assessment_run r
    WHERE r.organisation_id = flag.organisation_id AND r.status = 'done')
WHERE last_run_id IS NULL"""


def upgrade() -> None:
    with op.batch_alter_table("flag", schema=None) as batch_op:
        batch_op.alter_column("last_run_id", existing_type=sa.Integer(), nullable=True)
        batch_op.drop_index("ix_flag_org_fingerprint")
    op.execute(OPEN)


def downgrade() -> None:
    op.execute(CLOSED)
    with op.batch_alter_table("flag", schema=None) as batch_op:
        batch_op.alter_column("last_run_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_index(
            "ix_flag_org_fingerprint", ["organisation_id", "fingerprint"], unique=False
        )
