import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_home_page_renders_in_chromium(live_server, page, screenshots):
    response = page.goto(live_server.url + "/")
    assert response.status == 200
    assert "Ruisseau" in page.title()
    page.screenshot(path=str(screenshots / "home.png"), full_page=True)
