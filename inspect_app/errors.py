"""The one domain error that services raise and routes turn into messages."""


class WorkflowError(Exception):
    """A refused action; message is a lazy translatable string, field names a form field.

    details lists the problems behind a refusal that has many (every mistake of an
    imported sheet, by row).
    """

    def __init__(self, message, field=None, details=()):
        super().__init__(str(message))
        self.message = message
        self.field = field
        self.details = list(details)
