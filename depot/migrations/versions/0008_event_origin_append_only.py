"""events: from where (ip, via), and append-only

Every RMA and quote event gains the client's address (`ip`) and the way the change came in
(`via`: web, api, link, cli, job). Both event tables become an audit trail nobody can rewrite:
triggers refuse UPDATE and DELETE of their rows on PostgreSQL and on SQLite alike. (TRUNCATE and
DROP TABLE fire no row triggers: a database owner can still empty or drop the tables, which is
what test fixtures and `pg_restore --clean` do.) A later migration that must correct event rows
drops the triggers, changes the rows and creates the triggers again, in one transaction.

Revision ID: 6c1f0e8d2b47
Revises: 6a1d3c0e5b27
Create Date: 2026-12-09 02:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '6c1f0e8d2b47'
down_revision = '6a1d3c0e5b27'
branch_labels = None
depends_on = None

EVENT_TABLES = ("rma_events", "quote_events")
MESSAGE = "events are append-only"


def upgrade():
    for table in EVENT_TABLES:
        op.add_column(table, sa.Column("ip", sa.String(length=45), nullable=True))
        op.add_column(table, sa.Column("via", sa.String(length=20), nullable=True))
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        # restrict_violation (23001) is an integrity error to the drivers, as on SQLite.
        op.execute(f"""
            CREATE FUNCTION depot_events_append_only() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION '{MESSAGE}: % on %', TG_OP, TG_TABLE_NAME
                    USING ERRCODE = 'restrict_violation';
            END
            $$
        """)
        for table in EVENT_TABLES:
            op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                       f"FOR EACH ROW EXECUTE FUNCTION depot_events_append_only()")
    elif dialect == "sqlite":
        for table in EVENT_TABLES:
            for verb in ("UPDATE", "DELETE"):
                op.execute(f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                           f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END")


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        for table in EVENT_TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        op.execute("DROP FUNCTION IF EXISTS depot_events_append_only()")
    elif dialect == "sqlite":
        for table in EVENT_TABLES:
            for verb in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{verb}")
    for table in EVENT_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("via")
            batch_op.drop_column("ip")
