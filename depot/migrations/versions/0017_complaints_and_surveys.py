"""complaints (投诉) with gap-free numbers and append-only events; surveys (回访)

Revision ID: 0c3a9e5d7f21
Revises: 3c8e1a5f7b20
Create Date: 2026-12-02 14:00:00.000000

complaint_events refuse UPDATE and DELETE like rma_events and quote_events (migration 0008:
PostgreSQL reuses its function depot_events_append_only, SQLite gets its own triggers).
"""
import sqlalchemy as sa
from alembic import op

from depot.models.base import UTCDateTime

# revision identifiers, used by Alembic.
revision = '0c3a9e5d7f21'
down_revision = '3c8e1a5f7b20'  # 0016_notifications_and_status
branch_labels = None
depends_on = None

MESSAGE = "events are append-only"


def upgrade():
    op.create_table(
        'complaint_counters',
        sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('last', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('year'),
    )
    op.create_table(
        'complaints',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('number', sa.String(length=20), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=30), nullable=False),
        sa.Column('team', sa.String(length=30), nullable=False),
        sa.Column('channel', sa.String(length=20), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('rma_id', sa.Integer(), nullable=True),
        sa.Column('unit_id', sa.Integer(), nullable=True),
        sa.Column('customer_name', sa.String(length=200), nullable=False),
        sa.Column('customer_phone', sa.String(length=50), nullable=False),
        sa.Column('customer_email', sa.String(length=254), nullable=False),
        sa.Column('customer_address', sa.Text(), nullable=False),
        sa.Column('holder_id', sa.Integer(), nullable=True),
        sa.Column('outcome', sa.String(length=20), nullable=True),
        sa.Column('resolution', sa.Text(), nullable=True),
        sa.Column('resolved_at', UTCDateTime(), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('updated_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id']),
        sa.ForeignKeyConstraint(['holder_id'], ['users.id']),
        sa.ForeignKeyConstraint(['rma_id'], ['rmas.id']),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('number'),
        sa.UniqueConstraint('year', 'seq'),
    )
    op.create_index('ix_complaints_rma_id', 'complaints', ['rma_id'], unique=False)
    op.create_index('ix_complaints_unit_id', 'complaints', ['unit_id'], unique=False)
    op.create_index('ix_complaints_status', 'complaints', ['status'], unique=False)
    op.create_index('ix_complaints_team_status', 'complaints', ['team', 'status', 'id'],
                    unique=False)
    op.create_index('ix_complaints_created_at_kind', 'complaints', ['created_at', 'kind'],
                    unique=False)
    op.create_table(
        'complaint_events',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('complaint_id', sa.Integer(), nullable=False),
        sa.Column('action', sa.String(length=30), nullable=False),
        sa.Column('from_status', sa.String(length=20), nullable=True),
        sa.Column('to_status', sa.String(length=20), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('at', UTCDateTime(), nullable=False),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('outcome', sa.String(length=20), nullable=True),
        sa.Column('ip', sa.String(length=45), nullable=True),
        sa.Column('via', sa.String(length=20), nullable=True),
        sa.ForeignKeyConstraint(['actor_id'], ['users.id']),
        sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_complaint_events_complaint_id', 'complaint_events', ['complaint_id'],
                    unique=False)
    op.create_table(
        'surveys',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('rma_id', sa.Integer(), nullable=False),
        sa.Column('token_nonce', sa.String(length=32), nullable=False),
        sa.Column('sent_at', UTCDateTime(), nullable=False),
        sa.Column('answered_at', UTCDateTime(), nullable=True),
        sa.Column('score', sa.Integer(), nullable=True),
        sa.Column('comment', sa.Text(), nullable=True),
        sa.Column('issue', sa.String(length=30), nullable=True),
        sa.Column('answer_ip', sa.String(length=45), nullable=True),
        sa.Column('complaint_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id']),
        sa.ForeignKeyConstraint(['rma_id'], ['rmas.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('rma_id'),
    )
    op.create_index('ix_surveys_answered_at_score', 'surveys', ['answered_at', 'score'],
                    unique=False)
    dialect = op.get_bind().dialect.name
    if dialect == 'postgresql':
        op.execute("CREATE TRIGGER complaint_events_append_only BEFORE UPDATE OR DELETE ON "
                   "complaint_events FOR EACH ROW EXECUTE FUNCTION depot_events_append_only()")
    elif dialect == 'sqlite':
        for verb in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER complaint_events_no_{verb.lower()} BEFORE {verb} ON "
                       f"complaint_events BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END")


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == 'postgresql':
        op.execute("DROP TRIGGER IF EXISTS complaint_events_append_only ON complaint_events")
    elif dialect == 'sqlite':
        for verb in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS complaint_events_no_{verb}")
    op.drop_index('ix_surveys_answered_at_score', table_name='surveys')
    op.drop_table('surveys')
    op.drop_index('ix_complaint_events_complaint_id', table_name='complaint_events')
    op.drop_table('complaint_events')
    op.drop_index('ix_complaints_created_at_kind', table_name='complaints')
    op.drop_index('ix_complaints_team_status', table_name='complaints')
    op.drop_index('ix_complaints_status', table_name='complaints')
    op.drop_index('ix_complaints_unit_id', table_name='complaints')
    op.drop_index('ix_complaints_rma_id', table_name='complaints')
    op.drop_table('complaints')
    op.drop_table('complaint_counters')
