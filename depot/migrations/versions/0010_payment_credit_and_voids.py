"""payments: the credit to refund of an overpayment; voids by a supervisor with a reason

Revision ID: 7a3c5e1f0b10
Revises: 6b1e0c2d9a47
Create Date: 2026-12-02 05:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '7a3c5e1f0b10'
down_revision = '6b1e0c2d9a47'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN, no batch copy of the table (it would reflect, and copy, every row).
    op.add_column('payments', sa.Column('credit', sa.Numeric(precision=12, scale=2),
                                        server_default='0', nullable=False))
    op.add_column('payments', sa.Column('voided_at', sa.DateTime(timezone=True), nullable=True))
    if op.get_bind().dialect.name == 'sqlite':  # SQLite adds a column with its REFERENCES
        op.execute('ALTER TABLE payments ADD COLUMN voided_by_id INTEGER '
                   'CONSTRAINT fk_payments_voided_by_id_users REFERENCES users (id)')
    else:
        op.add_column('payments', sa.Column('voided_by_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_payments_voided_by_id_users'), 'payments', 'users',
                              ['voided_by_id'], ['id'])
    op.add_column('payments', sa.Column('void_reason', sa.String(length=1000), nullable=True))


def downgrade():
    if op.get_bind().dialect.name != 'sqlite':
        op.drop_constraint(op.f('fk_payments_voided_by_id_users'), 'payments',
                           type_='foreignkey')
    for column in ('void_reason', 'voided_by_id', 'voided_at', 'credit'):
        op.drop_column('payments', column)
