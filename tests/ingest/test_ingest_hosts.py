"""11. One connection per host: the lease on the Host row, and Retry-After blocks."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from newsdesk.ingest.hosts import HostBlocked, HostBusy, block_host, host_of, host_slot
from newsdesk.ingest.models import Host

URL = "https://harbour.example/news/levy"


def test_host_of():
    assert host_of("https://Harbour.Example/a?b=c") == "harbour.example"
    assert host_of("http://127.0.0.1:8123/feed.xml") == "127.0.0.1:8123"


@pytest.mark.django_db
def test_second_holder_is_refused_while_the_slot_is_held():
    with host_slot(URL) as host:
        assert Host.objects.get(pk=host.pk).lease_until is not None
        with pytest.raises(HostBusy, match="harbour.example stayed busy for 0.3 s"):
            with host_slot("https://harbour.example/other/page", wait=0.3):
                pass
    assert Host.objects.get(name="harbour.example").lease_until is None
    with host_slot(URL, wait=0.3):
        pass


@pytest.mark.django_db
def test_lease_is_released_when_the_block_raises():
    with pytest.raises(RuntimeError, match="worker fell over"):
        with host_slot(URL):
            raise RuntimeError("worker fell over")
    assert Host.objects.get(name="harbour.example").lease_until is None
    with host_slot(URL, wait=0.3):
        pass


@pytest.mark.django_db
def test_different_hosts_do_not_wait_for_each_other():
    with host_slot(URL):
        with host_slot("https://gazette.example/feed", wait=0.3):
            with host_slot("https://harbour.example:8443/feed", wait=0.3):
                assert Host.objects.filter(lease_until__isnull=False).count() == 3


@pytest.mark.django_db
def test_blocked_host_raises_host_blocked_until_the_time_passes():
    Host.objects.create(name="harbour.example")
    block_host(URL, 120)
    with pytest.raises(HostBlocked, match="harbour.example asked us to wait"):
        with host_slot(URL, wait=0.3):
            pass
    block_host(URL, 0)  # the wait is over
    with host_slot(URL, wait=0.3):
        pass


def _hold_in_thread(url: str, holding: threading.Event, release: threading.Event, errors: list):
    def run():
        try:
            with host_slot(url, wait=1):
                holding.set()
                release.wait(10)
        except Exception as error:  # noqa: BLE001 - reported to the test
            errors.append(error)
            holding.set()
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.mark.django_db(transaction=True)
def test_slot_held_by_another_thread():
    holding, release, errors = threading.Event(), threading.Event(), []
    thread = _hold_in_thread(URL, holding, release, errors)
    assert holding.wait(10)
    try:
        with pytest.raises(HostBusy):
            with host_slot(URL, wait=0.3):
                pass
    finally:
        release.set()
        thread.join(10)
    assert errors == []
    with host_slot(URL, wait=0.3):
        pass


@pytest.mark.django_db(transaction=True)
def test_waiter_gets_the_slot_once_the_holder_lets_go():
    holding, release, errors = threading.Event(), threading.Event(), []
    thread = _hold_in_thread(URL, holding, release, errors)
    assert holding.wait(10)
    timer = threading.Timer(0.3, release.set)
    timer.start()
    try:
        with host_slot(URL, wait=5) as host:  # waits for the holder, then takes over
            assert release.is_set()
            assert Host.objects.get(pk=host.pk).lease_until is not None
    finally:
        release.set()
        timer.cancel()
        thread.join(10)
    assert errors == []
