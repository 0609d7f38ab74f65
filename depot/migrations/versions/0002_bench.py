"""bench: findings, parts, inspection, technicians

Revision ID: 00adb1c4f4ed
Revises: 914ccb8a786c
Create Date: 2026-11-22 01:32:20.545574

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '00adb1c4f4ed'
down_revision = '914ccb8a786c'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('finding_codes',
    sa.Column('code', sa.String(length=50), nullable=False),
    sa.Column('damage_class', sa.String(length=20), nullable=False),
    sa.Column('label_zh', sa.String(length=200), nullable=False),
    sa.Column('label_zh_tw', sa.String(length=200), nullable=False),
    sa.Column('label_en', sa.String(length=200), nullable=False),
    sa.Column('retired', sa.Boolean(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_finding_codes'))
    )
    # The default finding catalogue of the contract (DESIGN.md), editable by an admin afterwards.
    findings = sa.table('finding_codes', sa.column('code', sa.String), sa.column('damage_class', sa.String),
                        sa.column('label_zh', sa.String), sa.column('label_zh_tw', sa.String),
                        sa.column('label_en', sa.String), sa.column('retired', sa.Boolean),
                        sa.column('sort_order', sa.Integer))
    op.bulk_insert(findings, [
        {'code': 'shell_damage', 'damage_class': 'man_made', 'label_zh': '外壳破裂', 'label_zh_tw': '外殼破裂', 'label_en': 'shell cracked', 'retired': False, 'sort_order': 0},
        {'code': 'self_repair', 'damage_class': 'man_made', 'label_zh': '自行维修或非官方维修', 'label_zh_tw': '自行維修或非官方維修', 'label_en': 'self-repair or unofficial repair', 'retired': False, 'sort_order': 1},
        {'code': 'seal_broken', 'damage_class': 'man_made', 'label_zh': '防拆封条破损', 'label_zh_tw': '防拆封條破損', 'label_en': 'warranty seal broken', 'retired': False, 'sort_order': 2},
        {'code': 'liquid_damage', 'damage_class': 'man_made', 'label_zh': '进液', 'label_zh_tw': '進液', 'label_en': 'liquid damage', 'retired': False, 'sort_order': 3},
        {'code': 'impact_damage', 'damage_class': 'man_made', 'label_zh': '摔落或撞击损坏', 'label_zh_tw': '摔落或撞擊損壞', 'label_en': 'drop or impact damage', 'retired': False, 'sort_order': 4},
        {'code': 'no_power', 'damage_class': 'quality', 'label_zh': '不通电', 'label_zh_tw': '不通電', 'label_en': 'no power', 'retired': False, 'sort_order': 5},
        {'code': 'no_boot', 'damage_class': 'quality', 'label_zh': '无法开机', 'label_zh_tw': '無法開機', 'label_en': 'does not boot', 'retired': False, 'sort_order': 6},
        {'code': 'display_fault', 'damage_class': 'quality', 'label_zh': '显示故障', 'label_zh_tw': '顯示故障', 'label_en': 'display fault', 'retired': False, 'sort_order': 7},
        {'code': 'keypad_fault', 'damage_class': 'quality', 'label_zh': '按键故障', 'label_zh_tw': '按鍵故障', 'label_en': 'keypad fault', 'retired': False, 'sort_order': 8},
        {'code': 'sensor_fault', 'damage_class': 'quality', 'label_zh': '传感器故障', 'label_zh_tw': '感測器故障', 'label_en': 'sensor fault', 'retired': False, 'sort_order': 9},
        {'code': 'network_fault', 'damage_class': 'quality', 'label_zh': '网络故障', 'label_zh_tw': '網路故障', 'label_en': 'network fault', 'retired': False, 'sort_order': 10},
        {'code': 'printer_fault', 'damage_class': 'quality', 'label_zh': '打印机故障', 'label_zh_tw': '印表機故障', 'label_en': 'printer fault', 'retired': False, 'sort_order': 11},
        {'code': 'reader_fault', 'damage_class': 'quality', 'label_zh': '读卡器故障', 'label_zh_tw': '讀卡器故障', 'label_en': 'reader fault', 'retired': False, 'sort_order': 12},
        {'code': 'battery_fault', 'damage_class': 'quality', 'label_zh': '电池故障', 'label_zh_tw': '電池故障', 'label_en': 'battery fault', 'retired': False, 'sort_order': 13},
        {'code': 'firmware_fault', 'damage_class': 'quality', 'label_zh': '固件故障', 'label_zh_tw': '韌體故障', 'label_en': 'firmware fault', 'retired': False, 'sort_order': 14},
    ])
    op.create_table('parts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('part_number', sa.String(length=80), nullable=False),
    sa.Column('name_zh', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.Column('cost_price', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('stock', sa.Integer(), nullable=False),
    sa.Column('model_codes', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_parts')),
    sa.UniqueConstraint('part_number', name=op.f('uq_parts_part_number'))
    )
    op.create_table('part_uses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rma_id', sa.Integer(), nullable=False),
    sa.Column('part_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('unit_cost', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_part_uses_actor_id_users')),
    sa.ForeignKeyConstraint(['part_id'], ['parts.id'], name=op.f('fk_part_uses_part_id_parts')),
    sa.ForeignKeyConstraint(['rma_id'], ['rmas.id'], name=op.f('fk_part_uses_rma_id_rmas')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_part_uses'))
    )
    with op.batch_alter_table('part_uses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_part_uses_part_id'), ['part_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_part_uses_rma_id'), ['rma_id'], unique=False)

    with op.batch_alter_table('rmas', schema=None) as batch_op:
        batch_op.add_column(sa.Column('findings', sa.JSON(), nullable=False, server_default="[]"))
        batch_op.add_column(sa.Column('inspection_notes', sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column('damage_reasons', sa.JSON(), nullable=False, server_default="[]"))
        batch_op.add_column(sa.Column('coverage_reasons', sa.JSON(), nullable=False, server_default="[]"))
        batch_op.add_column(sa.Column('technician_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('paused_since', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('paused_working_days', sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column('shipped_on', sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f('ix_rmas_technician_id'), ['technician_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_rmas_technician_id_users'), 'users', ['technician_id'], ['id'])



def downgrade():
    with op.batch_alter_table('rmas', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_rmas_technician_id_users'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_rmas_technician_id'))
        batch_op.drop_column('shipped_on')
        batch_op.drop_column('paused_working_days')
        batch_op.drop_column('paused_since')
        batch_op.drop_column('technician_id')
        batch_op.drop_column('coverage_reasons')
        batch_op.drop_column('damage_reasons')
        batch_op.drop_column('inspection_notes')
        batch_op.drop_column('findings')

    with op.batch_alter_table('part_uses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_part_uses_rma_id'))
        batch_op.drop_index(batch_op.f('ix_part_uses_part_id'))

    op.drop_table('part_uses')
    op.drop_table('parts')
    op.drop_table('finding_codes')
