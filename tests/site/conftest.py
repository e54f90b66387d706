import pytest

from newsdesk.demo.farm import start_farm


@pytest.fixture
def demo_farm():
    """The bundled demo outlets on a free port of 127.0.0.1."""
    server, farm = start_farm("127.0.0.1", 0)
    yield farm
    server.shutdown()
    server.server_close()


@pytest.fixture
def ingested_demo(demo_farm, transactional_db):
    """The demo subscribed and ingested through the real pipeline (threads: transactional db)."""
    from newsdesk.ingest.pipeline import ingest_pass, subscribe

    for outlet, url in demo_farm.feed_urls():
        subscribe(url, outlet_name=outlet["name"], family=outlet["family"])
    report = ingest_pass(force=True, progress=False)
    return demo_farm, report
