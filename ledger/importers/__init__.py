"""Bulk import (Crunchbase CSV exports, event logs) and export of the ledger."""
