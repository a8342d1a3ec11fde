"""run records lose their foreign keys: the flags, the suppliers' exposure and the run's
snapshot of the chain (run_supplier, run_link) are written in bulk by every full run (about
620k rows at 100k suppliers), and PostgreSQL checked each key with a trigger per row: the
flags' two keys to their runs cost 2.6 s, the exposure's three 1.75 s. A trigger on the
organisation's delete now takes these rows, as the keys' cascades did. The flags also lose the
index of their fingerprints (1.9 s on SQLite, 2.8 s on PostgreSQL): a decision status filter
reads the run's flags, and a decision keeps its flag's supplier, along whose flags the flags
with a decision are found (issue 24).
"""

import sqlalchemy as sa
from alembic import op

revision = "0031"  # created 2026-12-07 18:40:00
down_revision = "0030"

TABLES = ("flag", "supplier_exposure", "run_supplier", "run_link")
FKS = {
    "flag": (
        ("fk_flag_first_run_id_assessment_run", ["first_run_id"], "assessment_run", ["id"]),
        ("fk_flag_last_run_id_assessment_run", ["last_run_id"], "assessment_run", ["id"]),
    ),
    "supplier_exposure": (
        (
            "fk_supplier_exposure_organisation_id_organisation",
            ["organisation_id"],
            "organisation",
            ["id"],
        ),
        (
            "fk_supplier_exposure_organisation_id_supplier_id_supplier",
            ["organisation_id", "supplier_id"],
            "supplier",
            ["organisation_id", "id"],
        ),
        ("fk_supplier_exposure_run_id_assessment_run", ["run_id"], "assessment_run", ["id"]),
    ),
    "run_supplier": (
        (
            "fk_run_supplier_organisation_id_organisation",
            ["organisation_id"],
            "organisation",
            ["id"],
        ),
    ),
    "run_link": (
        ("fk_run_link_organisation_id_organisation", ["organisation_id"], "organisation", ["id"]),
    ),
}
# The tables' names are the models' own.
DELETES = " ".join(
    f"DELETE FROM {t} WHERE organisation_id = OLD.id;"  # noqa: S608
    for t in TABLES
)
TRIGGER = {
    "sqlite": (
        "CREATE TRIGGER run_records_go_with_organisation AFTER DELETE ON organisation"
        f" BEGIN {DELETES} END",
    ),
    "postgresql": (
        "CREATE FUNCTION run_records_go_with_organisation() RETURNS trigger"
        f" LANGUAGE plpgsql AS $$ BEGIN {DELETES} RETURN OLD; END $$",
        "CREATE TRIGGER run_records_go_with_organisation AFTER DELETE ON organisation"
        " FOR EACH ROW EXECUTE FUNCTION run_records_go_with_organisation()",
    ),
}
DROP_TRIGGER = {
    "sqlite": ("DROP TRIGGER run_records_go_with_organisation",),
    "postgresql": (
        "DROP TRIGGER run_records_go_with_organisation ON organisation",
        "DROP FUNCTION run_records_go_with_organisation()",
    ),
}


def upgrade() -> None:
    with op.batch_alter_table("flag_decision", schema=None) as batch_op:
        batch_op.add_column(sa.Column("supplier_id", sa.Integer(), nullable=True))
    op.execute(  # while the index of fingerprints finds each decision's flags
        "UPDATE flag_decision SET supplier_id = (SELECT flag.supplier_id FROM flag"
        " WHERE flag.organisation_id = flag_decision.organisation_id"
        " AND flag.fingerprint = flag_decision.fingerprint LIMIT 1)"
    )
    op.drop_index("ix_flag_org_fingerprint", "flag")
    for table, keys in FKS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, *_ in keys:
                batch_op.drop_constraint(op.f(name), type_="foreignkey")
    for statement in TRIGGER[op.get_bind().dialect.name]:
        op.execute(statement)


def downgrade() -> None:
    for statement in DROP_TRIGGER[op.get_bind().dialect.name]:
        op.execute(statement)
    for table, keys in FKS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, columns, target, remote in keys:
                batch_op.create_foreign_key(op.f(name), target, columns, remote, ondelete="CASCADE")
    op.create_index("ix_flag_org_fingerprint", "flag", ["organisation_id", "fingerprint"])
    with op.batch_alter_table("flag_decision", schema=None) as batch_op:
        batch_op.drop_column("supplier_id")
