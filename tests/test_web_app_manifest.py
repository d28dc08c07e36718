"""The favicon and the web app manifest: linked from every page, served to anyone (a phone
asks before signing in), and saying what a home-screen icon needs."""
import io
import json
import xml.etree.ElementTree as ET

from PIL import Image

from tests.helpers import parse, text

SVG = "{http://www.w3.org/2000/svg}svg"


def head_links(client):
    """The login page's <link> elements by rel (the page anyone sees first)."""
    tags, _scripts = parse(text(client.get("/login")))
    links = {}
    for tag, attrs in tags:
        if tag == "link":
            links.setdefault(attrs["rel"], []).append(attrs)
    return links


def test_pages_link_the_favicon_and_the_manifest(client):
    links = head_links(client)
    assert [(link["href"], link["type"]) for link in links["icon"]] == [
        ("/static/favicon.svg", "image/svg+xml"), ("/static/favicon.png", "image/png")]
    assert [link["href"] for link in links["manifest"]] == ["/static/manifest.webmanifest"]
    assert [link["href"] for link in links["apple-touch-icon"]] == ["/static/icons/icon-192.png"]


def test_favicon_is_an_svg_with_a_png_fallback(client):
    svg = client.get("/static/favicon.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    assert ET.fromstring(svg.data).tag == SVG
    png = client.get("/static/favicon.png")
    assert png.mimetype == "image/png"
    assert Image.open(io.BytesIO(png.data)).size == (32, 32)


def test_manifest_names_the_app_and_its_icons(client):
    response = client.get("/static/manifest.webmanifest")
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    manifest = json.loads(response.data)
    assert manifest["name"] == "Theo dõi kiểm tra"
    assert manifest["short_name"] == "Kiểm tra"
    assert manifest["start_url"] == "/"
    assert manifest["theme_color"] == "#0b5ed7"
    assert 'name="theme-color" content="#0b5ed7"' in text(client.get("/login"))
    for icon in manifest["icons"]:
        served = client.get(icon["src"])
        assert served.status_code == 200 and served.mimetype == icon["type"], icon
        if icon["type"] == "image/png":
            width, height = Image.open(io.BytesIO(served.data)).size
            assert icon["sizes"] == f"{width}x{height}"
    assert {icon["sizes"] for icon in manifest["icons"]} >= {"192x192", "512x512"}
