"""Speaking SMTP one step at a time, so every answer lands in the right outcome.

Django's ``sendmail`` reports an error without saying when it happened. The outbox must know:
a refusal or a lost connection *before* the message text went out means nothing was delivered
(retry, or fail for good on a 5xx); a lost connection or a timeout *after* it means the server
may have the message (``unknown``, never retried blindly). ``on_data`` is called just before
the text goes out, so the worker can write that moment down first.

Other backends (an ESP through django-anymail, the console, locmem) are called as they are: an
error that carries an HTTP ``status_code`` is a refusal (4xx: for good; 5xx: retry), any other
error after the call started is ambiguous.
"""

import contextlib
import datetime
import email.policy
import email.utils
import io
import random
import re
import smtplib
import sys
from collections.abc import Callable
from dataclasses import dataclass
from email.generator import BytesGenerator
from email.headerregistry import HeaderRegistry

from django.core.mail import EmailMessage
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend

SENT, FAILED, RETRY, UNKNOWN = "sent", "failed", "retry", "unknown"
CRLF = b"\r\n"


@dataclass(frozen=True)
class Outcome:
    result: str  # SENT, FAILED (for good), RETRY (nothing delivered) or UNKNOWN
    reply: str  # the server's answer, or what went wrong, for the row and the page


def _reply(code: int, text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {' '.join(text.split())}"[:500]


def _refused(step: str, code: int, text) -> Outcome:
    """A server's refusal: 5xx is for good, anything else (4xx, odd codes) may pass later."""
    reply = f"{step}: {_reply(code, text)}"
    return Outcome(FAILED if 500 <= code < 600 else RETRY, reply)


def _error(step: str, error: BaseException) -> str:
    return f"{step}: {type(error).__name__}: {error}"[:500]


def _dot_stuff(data: bytes) -> bytes:
    data = re.sub(rb"(?:\r\n|\n|\r(?!\n))", CRLF, data)
    data = re.sub(rb"(?m)^\.", b"..", data)
    if not data.endswith(CRLF):
        data += CRLF
    return data + b"." + CRLF


class _RememberingPolicy(email.policy.EmailPolicy):
    """``email.policy.SMTP`` that remembers the headers it has parsed and folded.

    Parsing a header into the standard library's header objects and folding it back out is
    most of the cost of building a message (issue 17), and most headers of a worker's messages
    repeat from one message to the next: From, MIME-Version, the parts' Content-Type and
    Content-Transfer-Encoding, a batch's To and List-Unsubscribe. Header objects never change
    once made, so one can serve every message; the output is byte for byte the same.
    """

    LIMIT = 2000  # entries per table, then it starts again (a worker's memory stays flat)

    def header_store_parse(self, name, value):
        if isinstance(value, datetime.datetime) and name.lower() == "date":
            # Its text, which the standard library parses back to the same header: messages
            # sent within the same second share one.
            value = email.utils.format_datetime(value)
        if type(value) is not str:  # a header object already
            return super().header_store_parse(name, value)
        form = _AS_IS.get(name.lower())
        if form and len(name) + 2 + len(value) < self.max_line_length and form.fullmatch(value):
            return name, _AsIs(name, value)
        key = (name, value)
        parsed = _PARSED.get(key)
        if parsed is None:
            if len(_PARSED) >= self.LIMIT:
                _PARSED.clear()
            parsed = _PARSED[key] = super().header_store_parse(name, value)
        return parsed

    def fold_binary(self, name, value):
        if name.lower() in _URL_HEADERS:
            # The standard library folds a token longer than a line (a long URL) by turning
            # it into RFC 2047 encoded words, which mail clients do not decode in these
            # headers: one-click unsubscribe would break. RFC 5322 allows 998 characters.
            line = f"{name}: {value}"
            if line.isascii() and "\r" not in line and "\n" not in line and len(line) <= 998:
                return (line + self.linesep).encode("ascii")
        if type(value) is _AsIs:
            return f"{value.name}: {value}{self.linesep}".encode("ascii")
        # Keyed by the header object itself (held, so its id is not reused).
        known = _FOLDED.get(id(value))
        if known is not None and known[0] is value and known[1] == name:
            return known[2]
        folded = super().fold_binary(name, value)
        if len(_FOLDED) >= self.LIMIT:
            _FOLDED.clear()
        _FOLDED[id(value)] = (value, name, folded)
        return folded


class _AsIs(str):
    """A header the standard library would write out as ``name: value`` on one line.

    Subject and Message-ID differ from one message to the next, so remembering them does not
    help; parsing them into the standard library's header objects only to fold them back into
    the same text was a third of the cost of building a message. A value of ``_AS_IS``'s form
    that fits on a line is kept as it is (``test_outbox`` compares with the standard library);
    any other goes through the parser as before."""

    defects = ()

    def __new__(cls, name: str, value: str):
        header = super().__new__(cls, value)
        header.name = name
        return header

    def fold(self, *, policy) -> str:
        return f"{self.name}: {self}{policy.linesep}"


# Printable ASCII words with single spaces, no encoded word (=?...?=) among them, for the
# Subject; a plain dot-atom id for the Message-ID (what ``make_msgid`` and reminders make).
_ATOMS = r"[A-Za-z0-9_+-]+(?:\.[A-Za-z0-9_+-]+)*"
_AS_IS = {
    "subject": re.compile(r"(?!.*=\?)[!-~]+(?: [!-~]+)*"),
    "message-id": re.compile(rf"<{_ATOMS}@{_ATOMS}>"),
}


class _RememberingRegistry(HeaderRegistry):
    """The standard library's header registry, making each header name's class once.

    ``HeaderRegistry`` makes a new class every time it is asked for one, and the policy asks
    for one for every header set on a message (to check how many it may have): most of the
    cost of setting a header. The classes are the same, so the headers are too."""

    def __init__(self):
        super().__init__()
        self._classes: dict = {}

    def __getitem__(self, name):
        key = name.lower()
        cls = self._classes.get(key)
        if cls is None:
            cls = self._classes[key] = super().__getitem__(name)
        return cls


class _Generator(BytesGenerator):
    """The standard library's generator, giving every multipart this process's boundary.

    The standard library picks a new random boundary for each message: its Content-Type is
    then new to the policy above, parsed and folded again, and a regular expression compiled
    to check the parts do not contain it. One random boundary per process serves as well (it
    only has to be absent from the parts, which is checked); if a part does contain it (a
    multipart in a multipart, say), the standard library picks one as it always did.
    """

    @classmethod
    def _make_boundary(cls, text=None):
        # Nowhere in the parts, not only not as a line of its own: the standard library's check
        # for that misses lines ending in CRLF, as this policy's do.
        if text is not None and _DELIMITER not in text:
            return _BOUNDARY
        return super()._make_boundary(text)


def message_bytes(message: EmailMessage) -> bytes:
    """``message``'s bytes as ``email.policy.SMTP`` writes them (List-Unsubscribe aside)."""
    out = io.BytesIO()
    _Generator(out, mangle_from_=False, policy=SMTP_POLICY).flatten(
        message.message(policy=SMTP_POLICY), unixfrom=False
    )
    return out.getvalue()


_PARSED: dict = {}
_FOLDED: dict = {}
# Headers whose value is URLs in angle brackets (RFC 2369, RFC 8058): written as they are.
_URL_HEADERS = {"list-unsubscribe", "list-unsubscribe-post"}
# email.policy.SMTP's settings
SMTP_POLICY = _RememberingPolicy(linesep="\r\n", header_factory=_RememberingRegistry())
# In the standard library's form (random digits between equals signs).
_BOUNDARY = "=" * 15 + f"{random.randrange(sys.maxsize):019d}" + "=="
_DELIMITER = b"--" + _BOUNDARY.encode()


_PREPPED: dict = {}


def _prep_address(backend: SMTPBackend, address: str) -> str:
    """``backend.prep_address``, remembered: it parses the address with the same parser, and
    a worker's messages mostly come from one sender (a refused address is never remembered)."""
    key = (type(backend), address)
    prepped = _PREPPED.get(key)
    if prepped is None:
        prepped = backend.prep_address(address)
        if len(_PREPPED) >= _RememberingPolicy.LIMIT:
            _PREPPED.clear()
        _PREPPED[key] = prepped
    return prepped


def _smtp(backend: SMTPBackend, message: EmailMessage, on_data: Callable[[], None]) -> Outcome:
    try:
        sender = _prep_address(backend, message.from_email)
        recipients = [_prep_address(backend, address) for address in message.recipients()]
    except ValueError as error:
        return Outcome(FAILED, f"bad address: {error}"[:500])
    if not recipients:
        return Outcome(FAILED, "no recipient")
    data = message_bytes(message)
    step = "connect"
    try:
        if backend.connection is None:
            backend.open()
        conn = backend.connection
        step = "EHLO"
        conn.ehlo_or_helo_if_needed()
        step = "MAIL FROM"
        code, text = conn.mail(sender)
        if code != 250:
            conn.rset()
            return _refused(step, code, text)
        step = "RCPT TO"
        accepted, refusals = [], []
        for recipient in recipients:
            code, text = conn.rcpt(recipient)
            if code in (250, 251):
                accepted.append(recipient)
            else:
                refusals.append((recipient, code, text))
        if not accepted:
            conn.rset()
            # Retry if any refusal was temporary; fail only when every one was for good.
            _recipient, code, text = min(refusals, key=lambda refusal: refusal[1])
            return _refused(step, code, text)
        step = "DATA"
        conn.putcmd("data")
        code, text = conn.getreply()
        if code != 354:
            conn.rset()
            return _refused(step, code, text)
    except (smtplib.SMTPException, OSError) as error:
        _drop(backend)
        return Outcome(RETRY, _error(step, error))
    # From here on the server may end up with the message whatever happens to us.
    try:
        on_data()
    except Exception as error:
        # Could not write the moment down: abort the transaction with the server instead.
        _drop(backend)
        return Outcome(RETRY, _error("before DATA text", error))
    try:
        conn.send(_dot_stuff(data))
        code, text = conn.getreply()
    except (smtplib.SMTPException, OSError) as error:
        _drop(backend)
        return Outcome(UNKNOWN, _error("after DATA", error))
    if code == 250:
        reply = _reply(code, text)
        if refusals:
            refused = ", ".join(f"{r} ({_reply(c, t)})" for r, c, t in refusals)
            reply = f"{reply}; refused: {refused}"[:500]
        return Outcome(SENT, reply)
    return _refused("end of DATA", code, text)


def _drop(backend: SMTPBackend) -> None:
    """Forget a connection in an unknown state; the next message opens a new one."""
    conn, backend.connection = backend.connection, None
    if conn is not None:
        with contextlib.suppress(OSError):
            conn.close()


def _other(backend, message: EmailMessage) -> Outcome:
    try:
        backend.send_messages([message])
    except Exception as error:  # an ESP's client raises its own types
        status = getattr(error, "status_code", None)
        if isinstance(status, int) and 400 <= status < 500:
            return Outcome(FAILED, _error(f"HTTP {status}", error))
        if isinstance(status, int):
            return Outcome(RETRY, _error(f"HTTP {status}", error))
        return Outcome(UNKNOWN, _error("send", error))
    return Outcome(SENT, f"accepted by {type(backend).__name__}")


def transmit(backend, message: EmailMessage, on_data: Callable[[], None]) -> Outcome:
    """Hand one message to ``backend`` (open or not) and say what is known about it."""
    if isinstance(backend, SMTPBackend):
        return _smtp(backend, message, on_data)
    on_data()
    return _other(backend, message)
