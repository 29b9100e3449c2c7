"""The client's address, for lock-out (django-axes) and the audit log.

Behind N trusted reverse proxies (KOPRU_PROXY_COUNT), the client is the Nth address from the
right of X-Forwarded-For; anything further left was written by the client and is not trusted.
"""

import ipaddress

from django.conf import settings


def client_ip(request):
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR")
    count = settings.KOPRU_PROXY_COUNT
    if count:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [h for h in hops if h]
        if len(hops) >= count:
            candidate = hops[-count]
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                return remote
    return remote
