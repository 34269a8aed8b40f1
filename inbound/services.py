"""Inbound mail, from a parsed message to timeline entries. Both channels (the ESP webhooks and
the SMTP receiver) end in ``inbound_receive``.

What is kept of a message: its Message-ID, subject, date, a short plain-text excerpt and which
contacts it concerns. Never the body, never an attachment, never an address of a person who
was erased on request (privacy's suppression list).
"""

import hashlib
import html
import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import getaddresses, parsedate_to_datetime

import nh3
from anymail.inbound import AnymailInboundMessage
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from accounts.models import Membership, User, Workspace
from contacts import services as contact_services
from contacts.models import Contact
from contacts.signals import interaction_happened
from contacts.suppression import suppressed_values
from followups import services as followup_services
from followups.models import FollowUp
from inbound.models import DropAddress, InboundMessage, Refusal, UnknownAddress
from interviews.models import Interview

EXCERPT_CHARS = 500
# Mail clients' own authentication results: only the verdict of the topmost header counts,
# the one the receiving server added.
_VERDICT = re.compile(r"\b(spf|dkim)=([a-z]+)", re.IGNORECASE)
_validate_email = EmailValidator()


class Refused(Exception):
    """The message is dropped; ``reason`` is a Refusal.Reason."""

    def __init__(self, reason: str, drop: DropAddress | None = None):
        super().__init__(reason)
        self.reason = reason
        self.drop = drop


@dataclass
class Parsed:
    """What Infoview reads of a message; everything else is never looked at again."""

    message_id: str
    subject: str
    sent_at: datetime | None
    senders: list[tuple[str, str]]
    recipients: list[tuple[str, str]]  # To and Cc
    delivered_to: list[str]  # envelope recipients, Delivered-To, X-Original-To, Bcc
    excerpt: str
    verdicts: dict = field(default_factory=dict)


@dataclass
class Outcome:
    status: str  # "logged", "duplicate" or "refused"
    reason: str = ""
    message: InboundMessage | None = None


# --- drop addresses ------------------------------------------------------------------------


def drop_address_rotate(*, user: User, workspace: Workspace) -> DropAddress:
    """A new address for the user in this workspace; the old one stops working at once."""
    with transaction.atomic():
        DropAddress.objects.filter(user=user, workspace=workspace, revoked_at=None).update(
            revoked_at=timezone.now()
        )
        # Lowercase letters and digits only: some mail servers lowercase the local part.
        token = "log-" + "".join(
            secrets.choice("abcdefghijkmnpqrstuvwxyz23456789") for _ in range(20)
        )
        return DropAddress.objects.create(user=user, workspace=workspace, token=token)


def _drop_for(addresses: list[str]) -> DropAddress | None:
    domain = "@" + settings.INBOUND_DOMAIN
    tokens = [a[: -len(domain)] for a in addresses if a.endswith(domain)]
    if not tokens:
        return None
    # Whether its user is still a member comes with it (one query, not two).
    membership = Membership.objects.filter(user=OuterRef("user"), workspace=OuterRef("workspace"))
    return (
        DropAddress.objects.select_related("user", "workspace")
        .filter(token__in=tokens, revoked_at=None)
        .annotate(user_is_member=Exists(membership))
        .order_by("pk")
        .first()
    )


# --- parsing -------------------------------------------------------------------------------


def _clean_address(raw: str) -> str:
    email = (raw or "").strip().strip("<>").lower()
    try:
        _validate_email(email)
    except ValidationError:
        return ""
    return email


def _addresses(message, *headers: str) -> list[tuple[str, str]]:
    values = [str(v) for header in headers for v in (message.get_all(header) or [])]
    found, seen = [], set()
    for name, raw in getaddresses(values):
        email = _clean_address(raw)
        if email and email not in seen:
            seen.add(email)
            found.append((name.strip()[:200], email))
    return found


def plain_text(text: str = "", markup: str = "") -> str:
    """A sanitised plain-text excerpt: tags and scripts dropped, no angle brackets left."""
    # nh3 drops every tag, and <script> and <style> with their content; what is left is text,
    # whose angle brackets become quotation marks so that no markup is ever stored.
    text = html.unescape(nh3.clean(text or markup, tags=set()))
    text = text.replace("<", "\u2039").replace(">", "\u203a")
    return re.sub(r"\s+", " ", text).strip()[:EXCERPT_CHARS]


def _sent_at(message) -> datetime | None:
    try:
        moment = parsedate_to_datetime(str(message["Date"]))
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment


def _verdicts(message) -> dict:
    header = message.get("Authentication-Results") or message.get("ARC-Authentication-Results")
    verdicts = {k.lower(): v.lower() for k, v in _VERDICT.findall(str(header or ""))}
    spf = str(message.get("Received-SPF") or "").split(" ", 1)[0].lower()
    if spf and "spf" not in verdicts:
        verdicts["spf"] = spf
    return verdicts


def parse(message, *, envelope_recipients=(), verdicts: dict | None = None) -> Parsed:
    """Read an email.message.Message (anymail's AnymailInboundMessage included).

    Raises Refused(MALFORMED) for anything that cannot be read.
    """
    try:
        subject = re.sub(r"\s+", " ", str(message.get("Subject") or "")).strip()[:255]
        message_id = str(message.get("Message-ID") or "").strip()
        text = markup = ""
        if message.get_content_maintype() in ("text", "multipart"):
            text = getattr(message, "text", None) or ""
            markup = "" if text else getattr(message, "html", None) or ""
        parsed = Parsed(
            message_id=message_id[:255],
            subject=subject,
            sent_at=_sent_at(message),
            senders=_addresses(message, "From"),
            recipients=_addresses(message, "To", "Cc"),
            delivered_to=[
                email
                for email in (
                    [_clean_address(a) for a in envelope_recipients]
                    + [e for _n, e in _addresses(message, "Delivered-To", "X-Original-To", "Bcc")]
                )
                if email
            ],
            excerpt=plain_text(text, markup),
            verdicts={**_verdicts(message), **(verdicts or {})},
        )
    except Exception as error:  # a broken message must never become a 500
        raise Refused(Refusal.Reason.MALFORMED) from error
    if not parsed.message_id:
        # No Message-ID: the same message still gets the same one, whichever way it came.
        seed = repr((parsed.senders, parsed.sent_at, parsed.subject, parsed.excerpt))
        parsed.message_id = f"<{hashlib.sha256(seed.encode()).hexdigest()[:40]}@no-message-id>"
    return parsed


# --- receiving -----------------------------------------------------------------------------


def refusal_record(*, reason: str, channel: str, drop: DropAddress | None = None) -> Outcome:
    Refusal.objects.create(reason=reason, channel=channel[:40], drop=drop)
    return Outcome("refused", reason)


def _verified_sender(parsed: Parsed, drop: DropAddress) -> None:
    user = drop.user
    if len(parsed.senders) != 1 or parsed.senders[0][1] != user.email.lower():
        raise Refused(Refusal.Reason.SENDER, drop)
    if not user.is_active or not drop.user_is_member:
        raise Refused(Refusal.Reason.SENDER, drop)
    given = {k: v for k, v in parsed.verdicts.items() if k in ("spf", "dkim") and v}
    if given and "pass" not in given.values():
        raise Refused(Refusal.Reason.AUTHENTICATION, drop)


def inbound_receive(
    *,
    message,
    channel: str,
    envelope_recipients=(),
    verdicts: dict | None = None,
    size: int | None = None,
) -> Outcome:
    """Log one message that reached a drop address, or count why it was dropped."""
    try:
        if size is not None and size > settings.INBOUND_MAX_BYTES:
            raise Refused(Refusal.Reason.TOO_LARGE)
        parsed = parse(message, envelope_recipients=envelope_recipients, verdicts=verdicts)
        drop = _drop_for(parsed.delivered_to + [e for _n, e in parsed.recipients])
        if drop is None:
            raise Refused(Refusal.Reason.UNKNOWN_ADDRESS)
        _verified_sender(parsed, drop)
        if len(parsed.recipients) > settings.INBOUND_MAX_RECIPIENTS:
            raise Refused(Refusal.Reason.RECIPIENTS, drop)
    except Refused as refused:
        return refusal_record(reason=refused.reason, channel=channel, drop=refused.drop)
    return _log(parsed, drop, channel)


def _log(parsed: Parsed, drop: DropAddress, channel: str) -> Outcome:
    workspace, user = drop.workspace, drop.user
    now = timezone.now()
    sent_at = parsed.sent_at if parsed.sent_at and parsed.sent_at <= now else now
    own = {user.email.lower()}
    names = {
        email: name
        for name, email in parsed.senders + parsed.recipients
        if email not in own and not email.endswith("@" + settings.INBOUND_DOMAIN)
    }
    # People erased on request are neither matched, nor logged, nor offered back.
    for email in suppressed_values(workspace, emails=names):
        names.pop(email)
    contacts = list(
        Contact.objects.filter(workspace=workspace, emails__overlap=list(names)).order_by("pk")
    )
    known = {email for contact in contacts for email in contact.emails}
    with transaction.atomic():
        try:
            with transaction.atomic():
                logged = InboundMessage.objects.create(
                    workspace=workspace,
                    user=user,
                    message_id=parsed.message_id,
                    subject=parsed.subject,
                    sent_at=sent_at,
                    direction=InboundMessage.Direction.SENT,
                    excerpt=parsed.excerpt,
                    channel=channel[:40],
                )
        except IntegrityError:
            return Outcome("duplicate")
        # A new row: its links are written in one INSERT (``set`` would read them first).
        InboundMessage.contacts.through.objects.bulk_create(
            InboundMessage.contacts.through(inboundmessage=logged, contact=contact)
            for contact in contacts
        )
        if contacts:
            _thank_you_done(contacts=contacts, message=logged)
        for contact in contacts:
            interaction_happened.send(sender=InboundMessage, contact=contact, at=sent_at)
        # In one order (contacts by pk above, addresses sorted): two messages logged at once
        # lock the rows they share in the same order, never each waiting for the other.
        for email, name in sorted(names.items()):
            if email not in known:
                _unknown_seen(workspace=workspace, email=email, name=name, at=now)
    return Outcome("logged", message=logged)


def _thank_you_done(*, contacts: list[Contact], message: InboundMessage) -> None:
    """Mail to a person soon after a completed conversation is that conversation's thank-you."""
    window = timedelta(days=settings.INBOUND_THANK_YOU_DAYS)
    pending = FollowUp.objects.filter(
        workspace=message.workspace,
        contact__in=contacts,
        kind=FollowUp.Kind.THANK_YOU,
        status__in=FollowUp.PENDING_STATUSES,
        interview__status=Interview.Status.COMPLETED,
        interview__completed_at__lte=message.sent_at,
        interview__completed_at__gte=message.sent_at - window,
    )
    for followup in pending:
        followup_services.followup_done(
            followup=followup,
            at=message.sent_at,
            channel=FollowUp.Channel.EMAIL,
            subject=message.subject,
            message_id=message.message_id,
        )


def _unknown_seen(*, workspace: Workspace, email: str, name: str, at) -> None:
    updated = UnknownAddress.objects.filter(workspace=workspace, email=email).update(
        seen_count=F("seen_count") + 1, last_seen_at=at
    )
    if not updated:
        UnknownAddress.objects.create(workspace=workspace, email=email, name=name, last_seen_at=at)


# --- unknown addresses ---------------------------------------------------------------------


def _names(unknown: UnknownAddress) -> tuple[str, str]:
    name = unknown.name.strip().strip('"')
    if not name:
        local = unknown.email.split("@")[0]
        name = re.sub(r"[._\-+]+", " ", local).title()
    first, _sep, last = name.partition(" ")
    return first[:100], last[:100]


@transaction.atomic
def unknown_address_add(*, unknown: UnknownAddress, by: User) -> Contact | None:
    """Make the address a contact (through the contact service), once; None if the person
    was erased on request meanwhile."""
    unknown = UnknownAddress.objects.select_for_update().get(pk=unknown.pk)
    if unknown.resolved_at is not None:
        return None
    unknown.resolved_at = timezone.now()
    unknown.save(update_fields=["resolved_at"])
    if suppressed_values(unknown.workspace, emails=[unknown.email]):
        return None
    existing = Contact.objects.filter(
        workspace=unknown.workspace, emails__contains=[unknown.email]
    ).first()
    if existing:
        return existing
    first, last = _names(unknown)
    return contact_services.contact_create(
        workspace=unknown.workspace,
        owner=by,
        first_name=first,
        last_name=last,
        emails=[unknown.email],
    )


def unknown_address_dismiss(*, unknown: UnknownAddress) -> None:
    UnknownAddress.objects.filter(pk=unknown.pk, resolved_at=None).update(
        resolved_at=timezone.now()
    )


def inbound_receive_bytes(*, raw: bytes, channel: str, envelope_recipients=()) -> Outcome:
    """A raw RFC 5322 message (the SMTP receiver, the bench)."""
    if len(raw) > settings.INBOUND_MAX_BYTES:
        return refusal_record(reason=Refusal.Reason.TOO_LARGE, channel=channel)
    try:
        message = AnymailInboundMessage.parse_raw_mime_bytes(raw)
    except Exception:  # the parser is lenient; anything it still chokes on is refused
        return refusal_record(reason=Refusal.Reason.MALFORMED, channel=channel)
    return inbound_receive(
        message=message, channel=channel, envelope_recipients=envelope_recipients, size=len(raw)
    )
