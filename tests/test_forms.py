"""Every form cleans typed text before any service sees it."""
import unicodedata

from werkzeug.datastructures import MultiDict
from wtforms import PasswordField, StringField, TextAreaField

from inspect_app.forms import BaseForm
from inspect_app.models import Category
from tests.factories import make_user
from tests.helpers import location

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
