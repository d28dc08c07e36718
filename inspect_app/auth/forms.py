"""Forms for signing in and for the user's own account."""
from wtforms import HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from ..forms import BaseForm, required_message
from ..i18n import lazy_gettext as _l
from ..labels import LANGUAGE, choices


class LoginForm(BaseForm):
    """Username and password."""

    username = StringField(_l("Username"), validators=[DataRequired(required_message()),
                                                       Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired(required_message()),
                                                         Length(max=256)])
    next = HiddenField()


class ChangePasswordForm(BaseForm):
    """The current password and the new one, twice."""

    current_password = PasswordField(_l("Current password"),
                                     validators=[DataRequired(required_message())])
    new_password = PasswordField(_l("New password"),
                                 validators=[DataRequired(required_message()),
                                             Length(max=256)])
    confirm_password = PasswordField(_l("Repeat the new password"),
                                     validators=[DataRequired(required_message())])

    def validate_confirm_password(self, field):
        """The two new passwords must match."""
        if field.data != self.new_password.data:
            raise ValidationError(_l("The two new passwords do not match."))


class AccountForm(BaseForm):
    """The user's notification email and language."""

    email = StringField(_l("Email for notifications"),
                        validators=[Optional(), Email(_l("Invalid email address.")),
                                    Length(max=254)])
    locale = SelectField(_l("Language"), choices=choices(LANGUAGE))


class LanguageForm(BaseForm):
    """The language switch on every page."""

    lang = SelectField(_l("Language"), choices=choices(LANGUAGE))
    next = HiddenField()
