"""Where a webhook may go: public HTTPS addresses only (no SSRF into our own network).

The name is resolved when the endpoint is registered and again before every request, and the
request goes to the address that was checked (a name that resolves to a public address at
registration and to 127.0.0.1 later, DNS rebinding, is refused then). Tests, whose receivers
listen on 127.0.0.1 over plain HTTP, set ``WEBHOOKS_ALLOW_PRIVATE``.
"""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _


class Refused(Exception):
    """The URL or one of its addresses may not be called. The message is for the admin."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str  # the name, for the Host header and TLS
    port: int
    address: str  # the checked IP address the request connects to
    path: str  # path and query


def allow_private() -> bool:
    return getattr(settings, "WEBHOOKS_ALLOW_PRIVATE", False)


def address_refused(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return (
        ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )


def parse(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, path) of an acceptable URL, or ``Refused``."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise Refused(_("That is not a valid URL.")) from error
    schemes = {"https", "http"} if allow_private() else {"https"}
    if parts.scheme not in schemes:
        raise Refused(_("Only https:// URLs can receive webhooks."))
    if not parts.hostname:
        raise Refused(_("The URL needs a host name."))
    if parts.username or parts.password:
        raise Refused(_("Put no user name or password in the URL; verify the signature instead."))
    port = port or (443 if parts.scheme == "https" else 80)
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return parts.scheme, parts.hostname, port, path


def resolve(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise Refused(_("%(host)s could not be resolved.") % {"host": host}) from error
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not addresses:
        raise Refused(_("%(host)s could not be resolved.") % {"host": host})
    return addresses


def target_for(url: str) -> Target:
    """Check the URL and every address its host resolves to now; the first one is used."""
    scheme, host, port, path = parse(url)
    addresses = resolve(host, port)
    if not allow_private():
        # Every address, not only the first: a name with one public and one private address
        # could otherwise be steered to the private one.
        refused = [address for address in addresses if address_refused(address)]
        if refused:
            raise Refused(
                _("%(host)s resolves to a private or reserved address (%(address)s).")
                % {"host": host, "address": refused[0]}
            )
    return Target(scheme=scheme, host=host, port=port, address=addresses[0], path=path)
