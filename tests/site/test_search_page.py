"""The search page's address."""


def test_the_search_address_with_a_slash_leads_to_the_search_page(client, db):
    response = client.get("/search/?q=port+strike&outlet=the-lantern")
    assert response.status_code in (301, 302)
    assert response["Location"] == "/search?q=port+strike&outlet=the-lantern"
