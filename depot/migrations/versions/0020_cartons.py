"""cartons (整箱收货): one box, many units, each with its RMA; gap-free CTN numbers

Revision ID: 3a0c6e8d4f20
Revises: 2f9b5d7c3e19
Create Date: 2026-12-03 11:00:00.000000

rmas gains carton_id with a plain ADD COLUMN (no batch re-creation of rmas): on SQLite the
column comes with its REFERENCES clause, which SQLite accepts on ADD COLUMN for a column
whose default is NULL; PostgreSQL adds the foreign key as a constraint.
"""
import sqlalchemy as sa
from alembic import op

from depot.models.base import UTCDateTime

# revision identifiers, used by Alembic.
revision = '3a0c6e8d4f20'
down_revision = '2f9b5d7c3e19'  # 0019_requests
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'carton_counters',
        sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('last', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('year', name=op.f('pk_carton_counters')),
    )
    op.create_table(
        'cartons',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('number', sa.String(length=20), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.Column('carrier', sa.String(length=50), nullable=False),
        sa.Column('tracking_number', sa.String(length=60), nullable=False),
        sa.Column('customer_id', sa.Integer(), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['customer_id'], ['customers.id'],
                                name=op.f('fk_cartons_customer_id_customers')),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'],
                                name=op.f('fk_cartons_created_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_cartons')),
        sa.UniqueConstraint('number', name=op.f('uq_cartons_number')),
        sa.UniqueConstraint('year', 'seq', name=op.f('uq_cartons_year')),
    )
    op.create_index(op.f('ix_cartons_customer_id'), 'cartons', ['customer_id'])
    op.create_index(op.f('ix_cartons_tracking_number'), 'cartons', ['tracking_number'])
    if op.get_bind().dialect.name == 'sqlite':  # SQLite adds a column with its REFERENCES
        op.execute('ALTER TABLE rmas ADD COLUMN carton_id INTEGER '
                   'CONSTRAINT fk_rmas_carton_id_cartons REFERENCES cartons (id)')
    else:
        op.add_column('rmas', sa.Column('carton_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_rmas_carton_id_cartons'), 'rmas', 'cartons',
                              ['carton_id'], ['id'])
    op.create_index(op.f('ix_rmas_carton_id'), 'rmas', ['carton_id'])


def downgrade():
    op.drop_index(op.f('ix_rmas_carton_id'), table_name='rmas')
    if op.get_bind().dialect.name != 'sqlite':
        op.drop_constraint(op.f('fk_rmas_carton_id_cartons'), 'rmas', type_='foreignkey')
    # SQLite 3.35+ drops a column in place, its REFERENCES clause with it (no re-creation)
    op.drop_column('rmas', 'carton_id')
    op.drop_index(op.f('ix_cartons_tracking_number'), table_name='cartons')
    op.drop_index(op.f('ix_cartons_customer_id'), table_name='cartons')
    op.drop_table('cartons')
    op.drop_table('carton_counters')
