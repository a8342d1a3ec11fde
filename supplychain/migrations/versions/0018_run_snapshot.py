"""run snapshots: each run keeps the suppliers and links it read; flags lose their foreign key
to the supplier

A past run's flags were shown with the suppliers' current names and the current chain, and
deleting a supplier deleted its flags from every past run (ON DELETE CASCADE). Runs now keep
what they read in run_supplier and run_link (stored from first_run_id to last_run_id, like
flags), and flags keep their supplier_id without a foreign key. Runs made before this have no
snapshot (assessment_run.has_snapshot false) and are shown with current facts.
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0018"  # created 2026-12-07 01:40:00
down_revision = "0017"

FLAG_SUPPLIER_FK = "fk_flag_organisation_id_supplier_id_supplier"


def _text(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def _runs(table: str) -> list[sa.Column | sa.Constraint]:
    """first_run_id and last_run_id (no foreign keys: see models.risk.RunSupplier), the
    organisation's foreign key and the primary key of a table kept from run to run."""
    return [
        sa.Column("first_run_id", sa.Integer(), nullable=False),
        sa.Column("last_run_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f(f"fk_{table}_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
    ]


def upgrade() -> None:
    op.create_table(
        "run_supplier",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("code", _text(32), nullable=False),
        sa.Column("name", _text(200), nullable=False),
        sa.Column("registration_no", _text(32), nullable=False),
        sa.Column("country", _text(2), nullable=False),
        sa.Column("sector", _text(8), nullable=False),
        sa.Column("is_agency", sa.Boolean(), nullable=False),
        sa.Column("employees", sa.Integer(), nullable=True),
        sa.Column("tier", sa.Integer(), nullable=True),
        *_runs("run_supplier"),
    )
    op.create_index(
        "ix_run_supplier_org_last_run", "run_supplier", ["organisation_id", "last_run_id"]
    )
    op.create_index(
        "ix_run_supplier_org_supplier", "run_supplier", ["organisation_id", "supplier_id"]
    )
    op.create_table(
        "run_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("relation", _text(16), nullable=False),
        sa.Column("workers", sa.Integer(), nullable=True),
        sa.Column("contract_value_eur", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("labour_hours", sa.Numeric(precision=12, scale=1), nullable=True),
        *_runs("run_link"),
    )
    op.create_index("ix_run_link_org_last_run", "run_link", ["organisation_id", "last_run_id"])
    op.add_column(
        "assessment_run",
        sa.Column("has_snapshot", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    # The index (organisation_id, supplier_id) stays: pages look up a supplier's flags by it.
    with op.batch_alter_table("flag", schema=None) as batch_op:
        batch_op.drop_constraint(op.f(FLAG_SUPPLIER_FK), type_="foreignkey")


def downgrade() -> None:
    # Flags of suppliers deleted since cannot point at them again: they go, as they did before.
    op.execute(
        "DELETE FROM flag WHERE supplier_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM supplier s"
        " WHERE s.organisation_id = flag.organisation_id AND s.id = flag.supplier_id)"
    )
    with op.batch_alter_table("flag", schema=None) as batch_op:
        batch_op.create_foreign_key(
            op.f(FLAG_SUPPLIER_FK),
            "supplier",
            ["organisation_id", "supplier_id"],
            ["organisation_id", "id"],
            ondelete="CASCADE",
        )
    op.drop_column("assessment_run", "has_snapshot")
    op.drop_index("ix_run_link_org_last_run", table_name="run_link")
    op.drop_table("run_link")
    op.drop_index("ix_run_supplier_org_supplier", table_name="run_supplier")
    op.drop_index("ix_run_supplier_org_last_run", table_name="run_supplier")
    op.drop_table("run_supplier")
