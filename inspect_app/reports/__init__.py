"""Reports: the report functions every page, PDF and e-mail reads, and their outputs.

queries.py returns plain data; monthly.py builds the monthly summary and unit_report.py
a unit's remediation report from it; routes.py (the `reports` blueprint), forms.py and
report_commands.py (`flask report ...`) show them. The monthly e-mails are a job
(jobs/monthly_mail.py).
"""
