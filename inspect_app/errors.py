"""The one domain error that services raise and routes turn into messages."""


class WorkflowError(Exception):
    """A refused action; message is a lazy translatable string, field names a form field."""

    def __init__(self, message, field=None):
        super().__init__(str(message))
        self.message = message
        self.field = field
