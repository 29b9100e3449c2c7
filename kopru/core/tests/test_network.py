"""The client address behind reverse proxies, as lock-out and the audit log see it."""

import pytest
from django.test import RequestFactory

from kopru.core.models import AuditEvent
from kopru.core.network import client_ip

pytestmark = pytest.mark.django_db


def _request(remote="127.0.0.1", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_a_proxy_the_socket_address_counts(settings):
    settings.KOPRU_PROXY_COUNT = 0
    assert client_ip(_request("10.1.2.3", "203.0.113.9")) == "10.1.2.3"


def test_behind_one_proxy_the_last_forwarded_address_counts(settings):
    settings.KOPRU_PROXY_COUNT = 1
    # The client wrote the first value itself; only the proxy's append is trusted.
    assert client_ip(_request(forwarded="6.6.6.6, 203.0.113.9")) == "203.0.113.9"
    assert client_ip(_request(forwarded="not-an-ip")) == "127.0.0.1"
    assert client_ip(_request()) == "127.0.0.1"


def test_lock_out_and_audit_see_the_real_client_behind_nginx(client, clerk_zeynep, settings):
    settings.KOPRU_PROXY_COUNT = 1
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            "/login/",
            {"username": "clerk_zeynep", "password": "x"},
            HTTP_X_FORWARDED_FOR="203.0.113.9",
        )
    failed = AuditEvent.objects.filter(action="login_failed").first()
    assert failed.ip_address == "203.0.113.9"
    from .factories import PASSWORD

    # Locked for that client; another client behind the same proxy is not.
    locked = client.post(
        "/login/",
        {"username": "clerk_zeynep", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="203.0.113.9",
    )
    assert locked.status_code == 429
    other = client.post(
        "/login/",
        {"username": "clerk_zeynep", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )
    assert other.status_code == 302
