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

from followups.selectors import followups_for_feed
from infoview.ratelimit import ratelimit
from interviews import ics, selectors

# The feed holds the last 30 days and what is ahead: older events are history a calendar
# already has, and follow-ups due more than a year out are not yet worth a slot.
FEED_PAST = timedelta(days=30)
FEED_FOLLOWUPS_AHEAD = timedelta(days=365)
# Bumped whenever the file's format changes, so that validators given out before change.
FORMAT = "2"


def _token(request) -> str:
    # Counted per feed, not per address: one calendar service polls for many people.
    return request.resolver_match.kwargs.get("token", "")


@ratelimit("calendar_feed", key=_token, methods=("GET", "HEAD"))
def calendar_feed(request, token):
    row = selectors.calendar_token_for_feed(token=token)
    if row is None:
        raise Http404
    user, now = row.user, timezone.now()
    interviews = selectors.interviews_for_feed(user=user, since=now - FEED_PAST)
    followups = followups_for_feed(
        user=user, since=now - FEED_PAST, until=now + FEED_FOLLOWUPS_AHEAD
    )
    versions = (selectors.feed_version(interviews), selectors.feed_version(followups))
    changed = max((v[2] for v in versions if v[2]), default=row.created_at)
    seed = repr((FORMAT, token, str(user), settings.SITE_URL, versions))
    etag = '"' + hashlib.sha256(seed.encode()).hexdigest()[:32] + '"'
    modified = int(changed.timestamp())
    response = get_conditional_response(request, etag=etag, last_modified=modified)
    if response is None:
        body = ics.feed(user=user, interviews=interviews, followups=followups)
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["ETag"] = etag
    response["Last-Modified"] = http_date(modified)
    response["Cache-Control"] = "private, max-age=300"
    return response
