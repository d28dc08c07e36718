"""Inspection and discipline tracking for Vietnamese public administration.

Importing the package loads nothing else, so a job or a service never loads web code;
create_app (inspect_app.factory) builds the Flask app.
"""


def create_app(config=None):
    """Build the app; config (a dict) overrides the environment, as tests do."""
    from .factory import create_app as build

    return build(config)
