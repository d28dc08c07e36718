"""Forms for user management, settings and the audit filter."""
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional

from ..forms import BaseForm, required_message
from ..i18n import lazy_gettext as _l
from ..labels import CONCLUSION_SIGNER, LANGUAGE, ROLE, SEVERITY, choices
from ..web import bounded_int


class UserForm(BaseForm):
    """An account's name, role, unit, email and language."""

    username = StringField(_l("Username"), validators=[DataRequired(required_message()),
                                                       Length(max=64)])
    full_name = StringField(_l("Full name"), validators=[DataRequired(required_message()),
                                                         Length(max=200)])
    role = SelectField(_l("Role"), choices=choices(ROLE))
    unit = SelectField(_l("Unit"), coerce=bounded_int, validators=[Optional()])
    email = StringField(_l("Email"), validators=[Optional(),
                                                 Email(_l("Invalid email address.")),
                                                 Length(max=254)])
    locale = SelectField(_l("Language"), choices=choices(LANGUAGE))

    def fill_choices(self, units):
        """Offer the given units."""
        self.unit.choices = [(0, _l("(none)"))] + [(u.id, u.name) for u in units]


class SettingsForm(BaseForm):
    """The editable settings; fields are added per registered setting."""


def settings_form(specs, values):
    """A SettingsForm with one text field per setting spec, showing values."""
    class Form(SettingsForm):
        pass

    for spec in specs:
        if spec.kind == "yes_no":
            setattr(Form, spec.key, SelectField(spec.label, description=spec.help,
                                                choices=[("1", _l("Yes")), ("0", _l("No"))]))
            continue
        field = TextAreaField if spec.kind == "email_list" else StringField
        setattr(Form, spec.key, field(spec.label, description=spec.help,
                                      validators=[Length(max=2000)]))
    return Form(data=values)


class AuditFilterForm(BaseForm):
    """Filters of the audit trail (a GET form, no CSRF)."""

    class Meta:
        csrf = False

    entity = SelectField(_l("Object"), validators=[Optional()])
    actor = SelectField(_l("User"), coerce=bounded_int, validators=[Optional()])
    day_from = DateField(_l("From"), validators=[Optional()])
    day_to = DateField(_l("To"), validators=[Optional()])


class CategoryForm(BaseForm):
    """A finding category."""

    code = StringField(_l("Code"), validators=[DataRequired(required_message()),
                                               Length(max=32)])
    name = StringField(_l("Name"), validators=[DataRequired(required_message()),
                                               Length(max=200)])
    area = StringField(_l("Area"), validators=[DataRequired(required_message()),
                                               Length(max=64)])
    default_severity = SelectField(_l("Default severity"), choices=choices(SEVERITY))
    active = BooleanField(_l("In use"), default=True)


class AuthorityVersionForm(BaseForm):
    """The authority's names, place name and signature block from a date on."""

    valid_from = DateField(_l("In force from"), validators=[Optional()],
                           description=_l("Documents dated from this day on use this "
                                          "version; each older one keeps the version of its "
                                          "own date."))
    parent_authority = StringField(_l("Parent authority"), validators=[Length(max=200)],
                                   description=_l("Printed above the authority name; may be "
                                                  "empty."))
    authority_name = StringField(_l("Authority name"),
                                 validators=[DataRequired(required_message()),
                                             Length(max=200)],
                                 description=_l("Printed top-left on official documents."))
    place_name = StringField(_l("Place name for date lines"), validators=[Length(max=100)],
                             description=_l("As in \"Phú Hòa, ngày 05 tháng 12 năm 2026\"."))
    signer = SelectField(_l("Who signs the conclusions"), choices=choices(CONCLUSION_SIGNER))
    signature_title = TextAreaField(_l("Signature block"), validators=[Length(max=300)],
                                    description=_l("One line each, as printed above the "
                                                   "signature, e.g. TM. ỦY BAN NHÂN DÂN, "
                                                   "KT. CHỦ TỊCH, PHÓ CHỦ TỊCH."))
    signer_name = StringField(_l("Name of the signer"), validators=[Length(max=200)])
