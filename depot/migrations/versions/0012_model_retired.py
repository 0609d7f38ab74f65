"""product models can be retired: no longer offered at intake, kept by the units that have one

Revision ID: 7a2e4c1d9b30
Revises: 7d2a5c8e1f30
Create Date: 2026-12-10 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7a2e4c1d9b30'
down_revision = '7d2a5c8e1f30'
branch_labels = None
depends_on = None


def upgrade():
    # Plain add_column, not batch mode: SQLite adds a column with a constant default in place,
    # without re-creating the table.
    op.add_column('product_models', sa.Column('retired', sa.Boolean(), nullable=False,
                                              server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('product_models', schema=None) as batch_op:
        batch_op.drop_column('retired')
