"""Monitoring records: one schema drives forms, lists, Excel templates, import and export."""
