"""Reports: the report functions every page, PDF and e-mail reads, and their outputs.

queries.py returns plain data; monthly.py builds the monthly summary and unit_report.py
a unit's remediation report from it; monthly_mail.py queues the monthly e-mails;
routes.py (the `reports` blueprint), forms.py and cli.py (`flask report ...`) show them.
"""
