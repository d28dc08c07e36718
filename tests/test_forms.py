"""Every form cleans typed text before any service sees it."""
import unicodedata

from flask_babel import force_locale
from werkzeug.datastructures import MultiDict
from wtforms import PasswordField, StringField, TextAreaField

from inspect_app.forms import BaseForm, LongSelectField
from inspect_app.i18n import lazy_gettext as _l
from inspect_app.models import Category
from tests.factories import make_user
from tests.helpers import location, tr

DECOMPOSED = unicodedata.normalize("NFD", "Trễ hạn")


class SampleForm(BaseForm):
    class Meta:
        csrf = False

    title = StringField()
    body = TextAreaField()
    password = PasswordField()


def test_text_is_nfc_without_control_characters_but_keeps_newlines(app):
    data = MultiDict({"title": f"{DECOMPOSED}\x00\x07", "body": "dòng 1\r\n\tdòng 2\x1b",
                      "password": "mật\x00khẩu"})
    with app.test_request_context(method="POST"):
        form = SampleForm(formdata=data)
    assert form.title.data == "Trễ hạn" and unicodedata.is_normalized("NFC", form.title.data)
    assert form.body.data == "dòng 1\r\n\tdòng 2"
    assert form.password.data == "mật\x00khẩu"


def test_a_nul_in_a_real_form_is_dropped_not_a_server_error(app, client, auth):
    make_user("quantri", role="admin")
    auth.login("quantri")
    response = client.post("/admin/categories/new", data={
        "code": "THU-NUL", "name": f"Hồ sơ\x00 {DECOMPOSED}", "area": "TTHC",
        "default_severity": "low", "active": "y"})
    assert location(response) == "/admin/categories"
    assert Category.get(Category.code == "THU-NUL").name == "Hồ sơ Trễ hạn"


class UnitsForm(BaseForm):
    class Meta:
        csrf = False

    unit = LongSelectField(coerce=int)


def _select(app, data, locale="vi"):
    """The unit drop-down rendered with data posted (None: nothing chosen) in locale."""
    choices = [(0, _l("All")), (1, "Xã A & B"), (12, "Phường 12"), (2, "Xã <C>")]
    with app.test_request_context(method="POST"), force_locale(locale):
        form = UnitsForm(formdata=MultiDict({} if data is None else {"unit": data}))
        form.unit.choices = choices
        return str(form.unit())


def test_a_long_drop_down_marks_only_the_chosen_option_each_time(app):
    first = _select(app, "12")
    assert '<option value="12" selected>Phường 12</option>' in first
    assert first.count(" selected") == 1
    second = _select(app, "1")
    assert '<option value="1" selected>Xã A &amp; B</option>' in second
    assert '<option value="12">Phường 12</option>' in second
    assert second.count(" selected") == 1
    assert " selected" not in _select(app, None)
    assert '<option value="2">Xã &lt;C&gt;</option>' in second


def test_a_long_drop_downs_labels_follow_the_language(app):
    assert f'<option value="0">{tr(app, "All", "vi")}</option>' in _select(app, None)
    assert '<option value="0">All</option>' in _select(app, None, "en")
