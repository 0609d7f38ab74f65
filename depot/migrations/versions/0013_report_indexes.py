"""reports: indexes the period figures are counted over; users get an email for the reports

Revision ID: 0a7d3c5e9b12
Revises: 7a2e4c1d9b30
Create Date: 2026-12-02 05:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0a7d3c5e9b12'
down_revision = '7a2e4c1d9b30'
branch_labels = None
depends_on = None


def upgrade():
    # Covering indexes: received and warranty mix, shipped and the turnaround groups, the
    # events of a period by action, quotes sent and answered, payments received.
    op.create_index('ix_rmas_received_on_warranty', 'rmas',
                    ['received_on', 'warranty_status', 'unit_id', 'id'])
    # the unit's previous RMA and when it shipped (repeat repairs), read from the index alone
    op.create_index('ix_rmas_unit_history', 'rmas', ['unit_id', 'id', 'shipped_on'])
    # an inspected RMA's class and unit, and a unit's model, without reading the tables
    op.create_index('ix_rmas_inspection', 'rmas', ['id', 'damage_class', 'unit_id'])
    op.create_index('ix_units_model', 'units', ['id', 'model_id'])
    # an RMA's latest event of an action before another (bench time, who finished a repair)
    op.create_index('ix_rma_events_rma_action', 'rma_events',
                    ['rma_id', 'action', 'id', 'at', 'actor_id'])
    op.create_index('ix_rmas_shipped_on_clock', 'rmas',
                    ['shipped_on', 'received_on', 'paused_working_days', 'due_on'])
    op.create_index('ix_rma_events_action_at', 'rma_events',
                    ['action', 'at', 'from_status', 'rma_id'])
    op.create_index('ix_quotes_sent_at', 'quotes', ['sent_at'])
    op.create_index('ix_quotes_answered_at', 'quotes', ['answered_at', 'status'])
    op.create_index('ix_payments_received_at', 'payments', ['received_at', 'currency', 'amount'])
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email', sa.String(length=254), nullable=True))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('email')
    op.drop_index('ix_payments_received_at', table_name='payments')
    op.drop_index('ix_quotes_answered_at', table_name='quotes')
    op.drop_index('ix_quotes_sent_at', table_name='quotes')
    op.drop_index('ix_rma_events_action_at', table_name='rma_events')
    op.drop_index('ix_rmas_shipped_on_clock', table_name='rmas')
    op.drop_index('ix_rma_events_rma_action', table_name='rma_events')
    op.drop_index('ix_units_model', table_name='units')
    op.drop_index('ix_rmas_inspection', table_name='rmas')
    op.drop_index('ix_rmas_unit_history', table_name='rmas')
    op.drop_index('ix_rmas_received_on_warranty', table_name='rmas')
