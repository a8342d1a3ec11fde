"""case photo: the photo a worker may send with a report, re-encoded without metadata and kept
in the upload folder under a random name (one a case; it goes with the case)
"""

import sqlalchemy as sa
from alembic import op

from supplychain.migrations import ddl

revision = "0025"  # created 2026-12-07 10:50:00
down_revision = "0024"


def upgrade() -> None:
    ddl.create_table(
        "case_photo",
        ddl.organisation_column(),
        ddl.required("case_id", sa.Integer()),
        ddl.required("stored_name", ddl.text(64)),
        ddl.required("size", sa.Integer()),
        ddl.required("width", sa.Integer()),
        ddl.required("height", sa.Integer()),
        ddl.required("sha256", ddl.text(64)),
        ddl.organisation_fk("case_photo"),
        ddl.scoped_fk("case_photo", "case_id", "worker_case"),
        ddl.unique("case_photo", "case_id"),
        ddl.unique("case_photo", "stored_name"),
    )


def downgrade() -> None:
    op.drop_table("case_photo")
