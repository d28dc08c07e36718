"""The offline service worker: served from the root, to anyone, never kept stale."""
from tests.factories import make_user


def test_service_worker_is_served_from_the_root_with_the_whole_app_as_its_scope(client):
    response = client.get("/sw.js")

    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Service-Worker-Allowed"] == "/"
    assert response.headers["Cache-Control"] == "no-cache"
    assert b'addEventListener("fetch"' in response.data


def test_service_worker_updates_for_a_signed_in_user_too(client, auth):
    auth.login(make_user(role="inspector").username)

    response = client.get("/sw.js")

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-cache"
