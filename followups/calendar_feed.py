"""The private calendar feed: a user's interviews and pending follow-ups, reached by a token.

It lives here, above both apps it reads. Calendar apps poll it every hour or so: the answer
carries a cheap validator (counts and last changes of the rows in its window), so a poll
with ``If-None-Match`` or ``If-Modified-Since`` is answered 304 without writing the file.
"""

import hashlib
from datetime import timedelta

from django.conf import settings
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.translation import gettext as _

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


def _followup_rows(followups) -> list[tuple]:
    """(pk, summary, starts at) of each follow-up, read as tuples; labels translated once."""
    kinds = {kind: str(label) for kind, label in FollowUp.Kind.choices}
    summary = _("%(kind)s: %(name)s")
    return [
        (pk, summary % {"kind": kinds.get(kind, kind), "name": f"{first} {last}".strip()}, starts)
        for pk, kind, starts, first, last in followups.values_list(
            "pk", "kind", "next_at", "contact__first_name", "contact__last_name"
        )
    ]


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
    versions = (selectors.feed_version(interviews), selectors.feed_version(followups))
    changed = max((v[2] for v in versions if v[2]), default=row.created_at)
    seed = repr((FORMAT, token, str(user), settings.SITE_URL, versions))
    etag = '"' + hashlib.sha256(seed.encode()).hexdigest()[:32] + '"'
    modified = int(changed.timestamp())
    response = get_conditional_response(request, etag=etag, last_modified=modified)
    if response is None:
        body = ics.feed(user=user, interviews=interviews, followups=_followup_rows(followups))
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["ETag"] = etag
    response["Last-Modified"] = http_date(modified)
    response["Cache-Control"] = "private, max-age=300"
    return response
