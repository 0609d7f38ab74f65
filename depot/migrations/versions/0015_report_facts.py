"""reports: the first inspection's date and the previous RMA's ship date on each RMA, the bench
time of each finished repair; the dashboard's indexes

Revision ID: 0b1f5d3a7c15
Revises: 0a5e7c3b9d10
Create Date: 2026-12-02 14:00:00.000000

Both are worked out for the rows already there (depot/services/report_facts.fill), in the
depot's zone (DEPOT_TIMEZONE): about 20 s for a depot of a million RMAs on SQLite.
"""
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op
from flask import current_app
from sqlalchemy.orm import Session

from depot.models.base import UTCDateTime

# revision identifiers, used by Alembic.
revision = '0b1f5d3a7c15'
down_revision = '0a5e7c3b9d10'  # 0014_search_indexes
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('rmas', sa.Column('inspected_on', sa.Date(), nullable=True))
    op.add_column('rmas', sa.Column('previous_shipped_on', sa.Date(), nullable=True))
    op.create_table(
        'bench_times',
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('rma_id', sa.Integer(), nullable=False),
        sa.Column('technician_id', sa.Integer(), nullable=False),
        sa.Column('finished_at', UTCDateTime(), nullable=False),
        sa.Column('hours', sa.Float(), nullable=True),
        sa.Column('superseded_at', UTCDateTime(), nullable=True),
        sa.Column('failed_qa_at', UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['event_id'], ['rma_events.id']),
        sa.ForeignKeyConstraint(['rma_id'], ['rmas.id']),
        sa.ForeignKeyConstraint(['technician_id'], ['users.id']),
        sa.PrimaryKeyConstraint('event_id'),
    )
    op.create_index('ix_bench_times_rma', 'bench_times', ['rma_id', 'technician_id', 'event_id'])
    from depot.services import report_facts

    tz = ZoneInfo(current_app.config.get('DEPOT_TIMEZONE', 'Asia/Shanghai'))
    session = Session(bind=op.get_bind())
    report_facts.fill(session, tz)
    session.close()
    # the indexes over what was just filled are built after it: one sort each, not an
    # insert per row written
    op.create_index('ix_bench_times_finished', 'bench_times',
                    ['finished_at', 'technician_id', 'hours', 'superseded_at'])
    op.create_index('ix_bench_times_failed_qa', 'bench_times', ['failed_qa_at', 'technician_id'])
    # on PostgreSQL the findings ride along (INCLUDE takes json), so the top findings are read
    # from the index too
    op.create_index('ix_rmas_inspected_on', 'rmas', ['inspected_on', 'damage_class', 'unit_id'],
                    postgresql_include=['findings'])
    op.create_index('ix_rmas_received_repeat', 'rmas', ['received_on', 'previous_shipped_on'])
    # the dashboard (services/dashboard.py): open RMAs by due date, waiting since, key accounts
    op.create_index('ix_rmas_status_due', 'rmas', ['status', 'due_on'])
    op.create_index('ix_rmas_status_paused', 'rmas', ['status', 'paused_since'])
    op.create_index('ix_customers_key_account', 'customers', ['key_account', 'id'])
    op.create_index('ix_units_customer_unit', 'units', ['customer_id', 'id'])
    op.create_index('ix_rmas_unit_open', 'rmas', ['unit_id', 'status', 'due_on'])
    # revenue leaves out the voided payments: their mark in the index too
    op.drop_index('ix_payments_received_at', table_name='payments')
    op.create_index('ix_payments_received_at', 'payments',
                    ['received_at', 'currency', 'amount', 'voided_at'])


def downgrade():
    op.drop_index('ix_payments_received_at', table_name='payments')
    op.create_index('ix_payments_received_at', 'payments', ['received_at', 'currency', 'amount'])
    op.drop_index('ix_bench_times_failed_qa', table_name='bench_times')
    op.drop_index('ix_bench_times_rma', table_name='bench_times')
    op.drop_index('ix_bench_times_finished', table_name='bench_times')
    op.drop_table('bench_times')
    op.drop_index('ix_rmas_unit_open', table_name='rmas')
    op.drop_index('ix_units_customer_unit', table_name='units')
    op.drop_index('ix_customers_key_account', table_name='customers')
    op.drop_index('ix_rmas_status_paused', table_name='rmas')
    op.drop_index('ix_rmas_status_due', table_name='rmas')
    op.drop_index('ix_rmas_received_repeat', table_name='rmas')
    op.drop_index('ix_rmas_inspected_on', table_name='rmas')
    # SQLite 3.35+ drops a column in place (a batch copy would lose the expression indexes)
    op.execute('ALTER TABLE rmas DROP COLUMN previous_shipped_on')
    op.execute('ALTER TABLE rmas DROP COLUMN inspected_on')
