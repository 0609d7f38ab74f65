"""the customer's side: milestone notifications, their templates per language, transit days per
region, the customer's language

Revision ID: 3c8e1a5f7b20
Revises: 0b1f5d3a7c15
Create Date: 2026-12-02 14:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '3c8e1a5f7b20'
down_revision = '0b1f5d3a7c15'  # 0015_report_facts
branch_labels = None
depends_on = None


def upgrade():
    # Plain ALTER TABLE (no batch copy): on SQLite a copied customers table would lose the
    # search triggers of 0014.
    op.add_column('customers', sa.Column('language', sa.String(length=10), nullable=True))
    op.create_table('notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rma_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('recipient', sa.String(length=254), nullable=False),
    sa.Column('outbox_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['outbox_id'], ['outbox.id'],
                            name=op.f('fk_notifications_outbox_id_outbox')),
    sa.ForeignKeyConstraint(['rma_id'], ['rmas.id'], name=op.f('fk_notifications_rma_id_rmas')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications'))
    )
    op.create_index(op.f('ix_notifications_rma_id'), 'notifications', ['rma_id'], unique=False)
    op.create_table('notification_templates',
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('lang', sa.String(length=10), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=80), nullable=True),
    sa.PrimaryKeyConstraint('kind', 'lang', name=op.f('pk_notification_templates'))
    )
    op.create_table('transit_days',
    sa.Column('region', sa.String(length=10), nullable=False),
    sa.Column('days', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=80), nullable=True),
    sa.PrimaryKeyConstraint('region', name=op.f('pk_transit_days'))
    )


def downgrade():
    op.drop_table('transit_days')
    op.drop_table('notification_templates')
    op.drop_index(op.f('ix_notifications_rma_id'), table_name='notifications')
    op.drop_table('notifications')
    op.drop_column('customers', 'language')
