"""One spelling per address and per profile: what forms, imports, duplicates and suppression
compare. ``normalise_*`` tidy what is stored (and raise on a bad address); ``*_key`` never
raise: they turn anything typed or found in a file into the spelling to match, or ""."""

import re
from collections.abc import Iterable

from django.core.validators import EmailValidator

_LOCALE = re.compile(r"^(in|pub)/([^/]+)/[a-z]{2}(?:[-_][a-z]{2})?$", re.IGNORECASE)


def _bare_address(raw: str) -> str:
    """``"Name" <a@b>``, ``<a@b>``, ``mailto:a@b?subject=x`` -> ``a@b`` (not validated)."""
    value = (raw or "").strip()
    if "<" in value and ">" in value[value.rfind("<") :]:
        value = value[value.rfind("<") + 1 : value.rfind(">")]
    value = value.strip().strip("<>\"'").strip()
    if value.lower().startswith("mailto:"):
        value = value[len("mailto:") :].split("?")[0]
    return "".join(value.split()).lower()


_validate_email = EmailValidator()
# The common address, which EmailValidator always accepts, recognised by one regular expression
# (its dot-atom local part, then its own host, domain and TLD patterns) instead of its several
# lazy ones: an import checks one per row. Anything else still goes to EmailValidator itself.
_PLAIN_EMAIL = re.compile(
    r"[-!#$%&'*+/=?^_`{}|~0-9A-Z]+(?:\.[-!#$%&'*+/=?^_`{}|~0-9A-Z]+)*@"
    + EmailValidator.hostname_re
    + EmailValidator.domain_re
    + EmailValidator.tld_no_fqdn_re,
    re.IGNORECASE,
)


def _check_email(email: str) -> None:
    if len(email) <= 320 and _PLAIN_EMAIL.fullmatch(email):
        return
    _validate_email(email)


def normalise_emails(value: str | Iterable[str]) -> list[str]:
    """Split, tidy and de-duplicate email addresses (order kept); raises on a bad one."""
    if isinstance(value, str):
        value = re.findall(r"\"[^\"]*\"\s*<[^>]*>|[^\s,;]+", value)
    emails = []
    for raw in value:
        email = _bare_address(raw)
        if not email:
            continue
        _check_email(email)
        if email not in emails:
            emails.append(email)
    return emails


def normalise_linkedin(url: str) -> str:
    """One spelling per profile, so duplicates are found: https, www host, no query, no
    trailing slash, no language suffix (``/in/name/en``)."""
    url = (url or "").strip()
    if not url:
        return ""
    if "://" not in url:
        url = "https://" + url
    url = url.split("?")[0].split("#")[0].rstrip("/")
    _scheme, _sep, rest = url.partition("://")
    host, _sep, path = rest.partition("/")
    host = host.lower()
    if host.endswith("linkedin.com"):
        host = "www.linkedin.com"
        path = _LOCALE.sub(r"\1/\2", path.rstrip("/"))
    return f"https://{host}/{path}" if path else f"https://{host}"


def email_key(raw: str) -> str:
    """The address to match, from anything a form or a file holds; "" if it is none."""
    value = _bare_address(raw)
    local, at, domain = value.rpartition("@")
    return value if at and local and "." in domain else ""


def linkedin_key(raw: str) -> str:
    """The profile to match, from anything a form or a file holds; "" if it is none."""
    try:
        value = normalise_linkedin(raw or "")
    except ValueError:
        return ""
    return value.lower() if "/" in value.removeprefix("https://") else ""
