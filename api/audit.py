"""The API records what the pages record in the privacy audit log (one import to move)."""

from privacy.services import audit_record, audit_record_many

__all__ = ["audit_record", "audit_record_many"]
