"""Findings: recording, remediation reports, review and extensions."""
