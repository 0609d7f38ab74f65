"""search: the list's order, tracking numbers, and parts of customers' names, phones, emails

Revision ID: 0a5e7c3b9d10
Revises: 0a7d3c5e9b12
Create Date: 2026-12-02 05:00:00.000000

PostgreSQL: pg_trgm GIN indexes on customers.name, .phone, .email (ILIKE '%part%' uses them).
SQLite: an FTS5 table `customer_search` with the trigram tokenizer, its content the customers
table (rowid = customers.id), kept up to date by triggers, so every way a customer is written
(the ORM, the CSV import's bulk inserts, a restore) keeps it right. See depot/models/search.py.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0a5e7c3b9d10'
down_revision = '0a7d3c5e9b12'  # 0013_report_indexes
branch_labels = None
depends_on = None

COLUMNS = ("name", "phone", "email")


def upgrade():
    op.create_index('ix_rmas_received_on_number', 'rmas', ['received_on', 'number'],
                    unique=False)
    op.create_index('ix_shipments_tracking_lower', 'shipments',
                    [sa.text('lower(tracking_number)')], unique=False)
    dialect = op.get_bind().dialect.name
    if dialect == 'postgresql':
        op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
        for column in COLUMNS:
            op.execute(f'CREATE INDEX ix_customers_{column}_trgm ON customers '
                       f'USING gin ({column} gin_trgm_ops)')
    elif dialect == 'sqlite':
        op.execute("CREATE VIRTUAL TABLE customer_search USING fts5("
                   "name, phone, email, content='customers', content_rowid='id', "
                   "tokenize='trigram')")
        new = ", ".join(f"new.{c}" for c in COLUMNS)
        old = ", ".join(f"old.{c}" for c in COLUMNS)
        names = ", ".join(COLUMNS)
        op.execute(f"CREATE TRIGGER customer_search_ai AFTER INSERT ON customers BEGIN "
                   f"INSERT INTO customer_search(rowid, {names}) VALUES (new.id, {new}); END")
        op.execute(f"CREATE TRIGGER customer_search_ad AFTER DELETE ON customers BEGIN "
                   f"INSERT INTO customer_search(customer_search, rowid, {names}) "
                   f"VALUES ('delete', old.id, {old}); END")
        op.execute(f"CREATE TRIGGER customer_search_au AFTER UPDATE OF {names} ON customers "
                   f"BEGIN INSERT INTO customer_search(customer_search, rowid, {names}) "
                   f"VALUES ('delete', old.id, {old}); "
                   f"INSERT INTO customer_search(rowid, {names}) VALUES (new.id, {new}); END")
        op.execute("INSERT INTO customer_search(customer_search) VALUES ('rebuild')")


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == 'postgresql':
        for column in COLUMNS:
            op.execute(f'DROP INDEX IF EXISTS ix_customers_{column}_trgm')
    elif dialect == 'sqlite':
        for suffix in ("ai", "ad", "au"):
            op.execute(f"DROP TRIGGER IF EXISTS customer_search_{suffix}")
        op.execute("DROP TABLE IF EXISTS customer_search")
    op.drop_index('ix_shipments_tracking_lower', table_name='shipments')
    op.drop_index('ix_rmas_received_on_number', table_name='rmas')
