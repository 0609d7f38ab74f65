"""The after-sales rules, pure Python: no Flask, no database session, no clock."""
