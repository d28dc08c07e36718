"""The base form: WTForms' own messages go through the app's catalogs."""
from flask_babel import get_locale
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import BooleanField, PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import Choice
from wtforms.validators import StopValidation, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget, Select, html_params

from .i18n import lazy_gettext as _l
from .i18n import lazy_ngettext as _ln
from .i18n import translations
from .text import clean_text


class _AppTranslations:
    """WTForms translations backed by Flask-Babel, so built-in errors follow the user."""

    # WTForms fills the placeholders itself, so the catalog's raw text is returned.
    def gettext(self, string):
        return translations().ugettext(string)

    def ngettext(self, singular, plural, n):
        return translations().ungettext(singular, plural, n)


class BaseForm(FlaskForm):
    """Every form of the app derives from this.

    problems lists what a refusal of many parts found (an imported sheet's mistakes).
    """

    problems = ()

    class Meta:
        def get_translations(self, form):
            return _AppTranslations()

        def bind_field(self, form, unbound_field, options):
            """Clean every typed text field (passwords are taken exactly as typed)."""
            field_class = unbound_field.field_class
            if issubclass(field_class, StringField) and not issubclass(field_class,
                                                                       PasswordField):
                filters = tuple(unbound_field.kwargs.get("filters", ())) + (clean_text,)
                options = dict(options, filters=filters)
            return unbound_field.bind(form=form, **options)

        def render_field(self, field, render_kw):
            """The CSRF token's hidden input carries no id: a page of several forms would
            repeat it, and an id must be unique."""
            if field.type == "CSRFTokenField":
                render_kw = {"id": False, **render_kw}
            return super().render_field(field, render_kw)


# The <option>s of the long drop-downs, kept per list of choices and language: a list
# page offers the same hundreds of units on every request.
OPTIONS_KEPT = 32
_kept_options = {}


def _options(choices):
    """The <option>s of (value, label) choices, none selected."""
    key = (str(get_locale()), tuple(choices))
    options = _kept_options.get(key)
    if options is None:
        options = "".join(f'<option value="{escape(value)}">{escape(label)}</option>'
                          for value, label in choices)
        if len(_kept_options) >= OPTIONS_KEPT:
            _kept_options.clear()
        _kept_options[key] = options
    return options


class LongSelect(Select):
    """A drop-down of many plain choices (hundreds of units), rendered in one pass.

    WTForms builds each option through its generic attribute rendering, which costs more
    than the rest of a list page once a province's units are offered.
    """

    def __call__(self, field, **kwargs):
        kwargs.setdefault("id", field.id)
        if field.flags.required and "required" not in kwargs:
            kwargs["required"] = True
        options = _options(field.choices)
        if field.data is not None:
            chosen = f'<option value="{escape(str(field.data))}"'
            options = options.replace(f"{chosen}>", f"{chosen} selected>")
        return Markup(f"<select {html_params(name=field.name, **kwargs)}>{options}</select>")


class LongSelectField(SelectField):
    """A SelectField of many plain (value, label) choices: one-pass drop-down, set lookup."""

    widget = LongSelect()

    def pre_validate(self, form):
        """Refuse a value that is not among the choices."""
        if self.process_errors or not self.validate_choice:
            return
        if self.data not in {value for value, _label in self.choices}:
            raise ValidationError(self.gettext("Not a valid choice."))


CHOOSE_FROM_LIST = _l("Choose one from the list.")


class PromptedSelectField(SelectField):
    """A required drop-down that opens on an empty option naming what to choose
    ("— Choose a unit —"), so nothing is chosen for the user; an empty choice is refused."""

    def __init__(self, label=None, validators=None, prompt=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.prompt = prompt

    def iter_choices(self):
        """The prompt, selected while nothing is chosen, then the choices."""
        return [self._prompt_choice(), *super().iter_choices()]

    def iter_groups(self):
        """The prompt outside any group, then the grouped choices."""
        return [(None, [self._prompt_choice()]), *super().iter_groups()]

    def _prompt_choice(self):
        """The empty option that names what to choose."""
        return Choice("", self.prompt, self.data is None, {})

    def process_formdata(self, valuelist):
        """The prompt posted leaves the field empty."""
        if valuelist and valuelist[0] == "":
            self.data = None
        else:
            super().process_formdata(valuelist)

    def pre_validate(self, form):
        """Refuse the prompt with a message that says what to do."""
        if self.data is None:
            raise StopValidation(str(CHOOSE_FROM_LIST))
        super().pre_validate(form)


def unit_only_field():
    """The filter box that leaves out the units the chosen unit replaced (they count by default)."""
    return BooleanField(_l("This unit only, without the units it replaced"))


def required_message():
    """The message shown beside an empty required field."""
    return _l("This field is required.")


# WTForms' built-in messages that our fields can show; listed so they are extracted
# into the catalogs and translated like every other string.
WTFORMS_MESSAGES = [
    _l("This field is required."),
    _l("Invalid input."),
    _l("Invalid email address."),
    _l("Not a valid choice."),
    _l("Not a valid date value."),
    _l("Not a valid datetime value."),
    _l("Not a valid integer value."),
    _l("Not a valid decimal value."),
    _l("Invalid Choice: could not coerce."),
    _l("Invalid choice(s): one or more data inputs could not be coerced."),
    _l("Choices cannot be None."),
    _l("Field must be equal to %(other_name)s."),
    _l("Field must be between %(min)d and %(max)d characters long."),
    _l("Number must be at least %(min)s."),
    _l("Number must be at most %(max)s."),
    _l("Number must be between %(min)s and %(max)s."),
    _ln("Field must be at least %(min)d character long.",
        "Field must be at least %(min)d characters long.", 1),
    _ln("Field cannot be longer than %(max)d character.",
        "Field cannot be longer than %(max)d characters.", 1),
    _ln("'%(value)s' is not a valid choice for this field.",
        "'%(value)s' are not valid choices for this field.", 1),
]


class CheckboxListField(SelectMultipleField):
    """A choice of several, shown as a list of checkboxes (the pick_list macro): no
    Ctrl-click list, which phones cannot use and users do not know."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()
