"""exchanges (换货): the replacement unit of an RMA, returned stock; a replacement's cover

Revision ID: 1e8a4c6b2d18
Revises: 0c3a9e5d7f21
Create Date: 2026-12-02 19:00:00.000000

units gains exchange_ends_on with a plain ADD COLUMN (no batch re-creation of units on
SQLite, which would lose the expression index on lower(serial), see migration 0008).
"""
import sqlalchemy as sa
from alembic import op

from depot.models.base import UTCDateTime

# revision identifiers, used by Alembic.
revision = '1e8a4c6b2d18'
down_revision = '0c3a9e5d7f21'  # 0017_complaints_and_surveys
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('units', sa.Column('exchange_ends_on', sa.Date(), nullable=True))
    op.create_table(
        'exchanges',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('rma_id', sa.Integer(), nullable=False),
        sa.Column('original_unit_id', sa.Integer(), nullable=False),
        sa.Column('replacement_unit_id', sa.Integer(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('outcome', sa.String(length=30), nullable=False),
        sa.Column('outcome_note', sa.Text(), nullable=False),
        sa.Column('outcome_by_id', sa.Integer(), nullable=True),
        sa.Column('outcome_at', UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['rma_id'], ['rmas.id'],
                                name=op.f('fk_exchanges_rma_id_rmas')),
        sa.ForeignKeyConstraint(['original_unit_id'], ['units.id'],
                                name=op.f('fk_exchanges_original_unit_id_units')),
        sa.ForeignKeyConstraint(['replacement_unit_id'], ['units.id'],
                                name=op.f('fk_exchanges_replacement_unit_id_units')),
        sa.ForeignKeyConstraint(['actor_id'], ['users.id'],
                                name=op.f('fk_exchanges_actor_id_users')),
        sa.ForeignKeyConstraint(['outcome_by_id'], ['users.id'],
                                name=op.f('fk_exchanges_outcome_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_exchanges')),
        sa.UniqueConstraint('rma_id', name=op.f('uq_exchanges_rma_id')),
    )
    with op.batch_alter_table('exchanges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exchanges_original_unit_id'), ['original_unit_id'])
        batch_op.create_index(batch_op.f('ix_exchanges_replacement_unit_id'), ['replacement_unit_id'])
        batch_op.create_index('ix_exchanges_outcome', ['outcome', 'id'])


def downgrade():
    with op.batch_alter_table('exchanges', schema=None) as batch_op:
        batch_op.drop_index('ix_exchanges_outcome')
        batch_op.drop_index(batch_op.f('ix_exchanges_replacement_unit_id'))
        batch_op.drop_index(batch_op.f('ix_exchanges_original_unit_id'))
    op.drop_table('exchanges')
    op.drop_column('units', 'exchange_ends_on')
