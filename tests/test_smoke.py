"""The app starts and sends anonymous visitors to the login page."""
from tests.factories import make_user


def test_anonymous_home_goes_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/")


def test_admin_reaches_home_after_login(client, auth):
    make_user("quantri", role="admin", full_name="Quản Trị")
    response = auth.login("quantri")
    assert response.headers["Location"] == "/"
    page = client.get("/").get_data(as_text=True)
    assert "Quản Trị" in page
