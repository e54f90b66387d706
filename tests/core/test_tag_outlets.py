"""Outlet names and web addresses never become tags (issue 24)."""

from newsdesk.core import ArticleText
from newsdesk.core.tag import tag_story

SIGN_OFF = (
    " Watch more on Harbour Vision News at www.harbourvision.test/watch or follow "
    "HarbourVision.test on social media. Subscribe to Harbour Vision News: bit.ly/HVNsub"
)


def test_the_outlets_name_and_links_in_every_item_are_not_tags():
    articles = [
        ArticleText(
            str(n),
            "Lossary dam gives way, flooding the Orne valley",
            "The Lossary dam burst before dawn, sending water down the Orne valley towards "
            f"Pellin, where Mayor Ilse Vantongeren ordered an evacuation.{SIGN_OFF}",
            outlet="Harbour Vision News - Latest",
            family="harbour-vision",
        )
        for n in range(3)
    ]
    names = [tag.name for tag in tag_story(articles, max_tags=20).tags]
    assert "Lossary" in names or "Orne" in names or "Pellin" in names
    assert not [n for n in names if "Harbour Vision" in n or "HarbourVision" in n]
    assert not [n for n in names if "/" in n or ".test" in n.casefold() or "www" in n]
