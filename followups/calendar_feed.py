"""The private calendar feed: a user's interviews and pending follow-ups, reached by a token.

It lives here, above both apps it reads. Calendar apps poll it every hour or so: the answer
carries a cheap validator (counts and last changes of the rows in its window), so a poll
with ``If-None-Match`` or ``If-Modified-Since`` is answered 304 without writing the file (two
aggregate queries on the (owner, starts_at) index). A file is written from rows read once, its
validator computed from the same rows.

The two aggregates read every row of the window and its person (1,700 interviews a year ahead
for a busy recruiter: 13 ms): their figures are kept in the shared cache under the data
versions of the user's workspaces (``accounts.versions``: every write to interviews,
follow-ups and contacts gives a new one) for the minute they were made in, so polls between two
writes read no row. The window moves with the clock: what leaves it is seen within a minute.

The file itself (700 KB for that recruiter, 40 ms to read and write) is kept too, compressed,
under its ETag and language: a fetch without a validator (some calendar services never send
one) after no change costs what a 304 does. Its DTSTAMP is the time it was written, which is
what RFC 5545 asks of a published file; a 304 already tells the client that file holds.
"""

import hashlib
import zlib
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import F
from django.http import Http404, HttpResponse
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.translation import gettext as _

from accounts.selectors import workspace_ids_of
from accounts.versions import data_versions
from followups.models import FollowUp
from followups.selectors import followups_for_feed
from infoview.ratelimit import ratelimit
from interviews import ics, selectors

# The feed holds the last 30 days and the year ahead (docs/interviews.md, "Calendar feed"): a
# subscribed calendar shows what the feed holds now, and a month back is what people look up
# (a thank-you to write, an interview to recall); an interview or a follow-up more than a year
# out is not yet worth a slot, and the bound keeps every fetch the same size, whatever the
# history.
FEED_PAST = timedelta(days=30)
FEED_AHEAD = timedelta(days=365)
# Bumped whenever the file's format changes, so that validators given out before change.
FORMAT = "2"


FOLLOWUP_TEXTS = {
    "starts_utc": ics.UtcText("next_at"),
    "ends_utc": ics.UtcText(F("next_at") + ics.FOLLOWUP_LENGTH),
    "changed": selectors.ChangeText("updated_at"),
    "contact_changed": selectors.ChangeText("contact__updated_at"),
}
FOLLOWUP_FIELDS = (
    "pk",
    "kind",
    "starts_utc",
    "ends_utc",
    "contact__first_name",
    "contact__last_name",
    "changed",
    "contact_changed",
)


def _followup_rows(rows) -> list[tuple]:
    """(pk, summary, start, end) of each follow-up row; labels translated once."""
    kinds = {kind: str(label) for kind, label in FollowUp.Kind.choices}
    summary = _("%(kind)s: %(name)s")
    return [
        (
            pk,
            summary % {"kind": kinds.get(kind, kind), "name": f"{first} {last}".strip()},
            starts,
            ends,
        )
        for pk, kind, starts, ends, first, last, *_changes in rows
    ]


def _validators(row, token: str, user, versions: tuple) -> tuple[str, int]:
    changed = max((v[2] for v in versions if v[2]), default=row.created_at)
    # The language the file is written in is part of it (its summaries are translated): a
    # client that changes its Accept-Language must not be told 304 for the other language's file.
    language = translation.get_language()
    seed = repr((FORMAT, token, str(user), settings.SITE_URL, language, versions))
    return '"' + hashlib.sha256(seed.encode()).hexdigest()[:32] + '"', int(changed.timestamp())


VERSIONS_TTL = 2 * 60
# A file kept is found again by its ETag (the rows' figures, the token, the user's name, the
# site), so it needs no expiry to be right; the hour bounds what a feed nobody fetches holds
# in the cache.
BODY_TTL = 60 * 60


def _versions_key(user, now) -> str:
    """Where the feed's two ``selectors.feed_version`` are kept: as of the minute and the data
    versions of the user's workspaces (the feed holds the workspaces the user is a member of
    now). Read before the rows, so that figures kept under it are never older than its data
    versions (``accounts.versions.data_changed``)."""
    versions = data_versions(workspace_ids=sorted(workspace_ids_of(user)))
    state = repr((int(now.timestamp()) // 60, sorted(versions.items())))
    return f"feed:versions:{user.pk}:{hashlib.sha256(state.encode()).hexdigest()[:32]}"


def _body_key(etag: str) -> str:
    # The ETag holds the language (``_validators``): one feed fetched in two languages is two
    # files. Every time in the file is UTC or in the interview's own zone, so no time zone is
    # part of it.
    return f"feed:body:{etag.strip(chr(34))}"


def _token(request) -> str:
    # Counted per feed, not per address: one calendar service polls for many people.
    return request.resolver_match.kwargs.get("token", "")


@ratelimit("calendar_feed", key=_token, methods=("GET", "HEAD"))
def calendar_feed(request, token):
    row = selectors.calendar_token_for_feed(token=token)
    if row is None:
        raise Http404
    user, now = row.user, timezone.now()
    since, until = now - FEED_PAST, now + FEED_AHEAD
    interviews = selectors.interviews_for_feed(user=user, since=since, until=until)
    followups = followups_for_feed(user=user, since=since, until=until)
    versions_key = _versions_key(user, now)
    versions = cache.get(versions_key)
    polled = "HTTP_IF_NONE_MATCH" in request.META or "HTTP_IF_MODIFIED_SINCE" in request.META
    if versions is None and polled:
        # A poll with a validator: answered from two aggregates, without reading a row.
        versions = (selectors.feed_version(interviews), selectors.feed_version(followups))
        cache.set(versions_key, versions, VERSIONS_TTL)
    response = None
    if versions is not None:
        etag, modified = _validators(row, token, user, versions)
        if polled:
            response = get_conditional_response(request, etag=etag, last_modified=modified)
        if response is None:
            # The file made for these figures since the last change, if one was.
            kept = cache.get(_body_key(etag))
            if kept is not None:
                response = _file(zlib.decompress(kept))
    if response is None:
        # The whole file: its validators come from the rows it is written from.
        interview_rows = ics.rows(interviews)
        followup_rows = list(followups.annotate(**FOLLOWUP_TEXTS).values_list(*FOLLOWUP_FIELDS))
        versions = tuple(map(selectors.feed_version_of_rows, [interview_rows, followup_rows]))
        etag, modified = _validators(row, token, user, versions)
        body = ics.feed(
            user=user, interviews=interview_rows, followups=_followup_rows(followup_rows)
        )
        # Level 1: a 720 KB feed is kept as 80 KB, made in 3 ms and read back in under 2.
        cache.set(versions_key, versions, VERSIONS_TTL)
        cache.set(_body_key(etag), zlib.compress(body, 1), BODY_TTL)
        response = _file(body)
    response["ETag"] = etag
    response["Last-Modified"] = http_date(modified)
    response["Cache-Control"] = "private, max-age=300"
    return response


def _file(body: bytes) -> HttpResponse:
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")
