"""webhooks (v1.1): the addresses an admin registered and each delivery of an event to one

Revision ID: 4b1d7f9e5a21
Revises: 3a0c6e8d4f20
Create Date: 2026-12-03 10:45:00.000000

A delivery's body, status and retries are its outbox message's (channel `webhook`); the
delivery row keeps what it was about and the receiver's last answer.
"""
import sqlalchemy as sa
from alembic import op

from depot.models.base import UTCDateTime

# revision identifiers, used by Alembic.
revision = '4b1d7f9e5a21'
down_revision = '3a0c6e8d4f20'  # 0020_cartons
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'webhooks',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('url', sa.String(length=2000), nullable=False),
        sa.Column('events', sa.JSON(), nullable=False),
        sa.Column('secret', sa.String(length=200), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('updated_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_webhooks_active', 'webhooks', ['active'], unique=False)
    op.create_table(
        'webhook_deliveries',
        sa.Column('outbox_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('webhook_id', sa.Integer(), nullable=False),
        sa.Column('event', sa.String(length=40), nullable=False),
        sa.Column('rma_id', sa.Integer(), nullable=True),
        sa.Column('complaint_id', sa.Integer(), nullable=True),
        sa.Column('response_status', sa.Integer(), nullable=True),
        sa.Column('response_snippet', sa.Text(), nullable=True),
        sa.Column('answered_at', UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id']),
        sa.ForeignKeyConstraint(['outbox_id'], ['outbox.id']),
        sa.ForeignKeyConstraint(['rma_id'], ['rmas.id']),
        sa.ForeignKeyConstraint(['webhook_id'], ['webhooks.id']),
        sa.PrimaryKeyConstraint('outbox_id'),
    )
    op.create_index('ix_webhook_deliveries_webhook_rma', 'webhook_deliveries',
                    ['webhook_id', 'rma_id', 'outbox_id'], unique=False)


def downgrade():
    op.drop_index('ix_webhook_deliveries_webhook_rma', table_name='webhook_deliveries')
    op.drop_table('webhook_deliveries')
    op.drop_index('ix_webhooks_active', table_name='webhooks')
    op.drop_table('webhooks')
    op.execute("DELETE FROM outbox WHERE channel = 'webhook'")
