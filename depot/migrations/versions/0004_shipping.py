"""shipping: shipments, printers

Revision ID: 596b3f9d8f83
Revises: 9d0cfabaf1cc
Create Date: 2026-11-22 01:59:06.457970

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '596b3f9d8f83'
down_revision = '9d0cfabaf1cc'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('printers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('host', sa.String(length=255), nullable=False),
    sa.Column('port', sa.Integer(), nullable=False),
    sa.Column('label_size', sa.String(length=10), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_printers')),
    sa.UniqueConstraint('name', name=op.f('uq_printers_name'))
    )
    op.create_table('shipments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rma_id', sa.Integer(), nullable=False),
    sa.Column('carrier', sa.String(length=50), nullable=False),
    sa.Column('tracking_number', sa.String(length=60), nullable=False),
    sa.Column('freight', sa.String(length=10), nullable=False),
    sa.Column('scanned', sa.JSON(), nullable=False),
    sa.Column('packed', sa.JSON(), nullable=False),
    sa.Column('missing', sa.JSON(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('shipped_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_shipments_actor_id_users')),
    sa.ForeignKeyConstraint(['rma_id'], ['rmas.id'], name=op.f('fk_shipments_rma_id_rmas')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shipments')),
    sa.UniqueConstraint('rma_id', name=op.f('uq_shipments_rma_id'))
    )
    with op.batch_alter_table('shipments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_shipments_tracking_number'), ['tracking_number'], unique=False)



def downgrade():
    with op.batch_alter_table('shipments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_shipments_tracking_number'))

    op.drop_table('shipments')
    op.drop_table('printers')
