"""An interview list row, written with string joins.

Through the template engine a row cost about 0.5 ms of CPU: a date filter that translates the
day and month names again for every row, the mode's and status's labels, a
``{% blocktranslate %}`` for the readiness badge. Here the labels are translated once per request
(``RowLabels``) and each row is an f-string with every value escaped: the same markup.
"""

from html import escape

from django.urls import reverse
from django.utils.translation import gettext as _

from infoview.dates import DateLabels
from interviews.models import Interview
from interviews.selectors import ListedInterview


class Readiness:
    """The prep checklist's badge ("Ready 2/3"), its words translated once a request; the
    interview list and the workspace home both show it."""

    def __init__(self):
        self.title = escape(_("Prep checklist"))
        self.text = escape(_("Ready %(done)s/%(total)s"))

    def badge(self, interview: Interview) -> str:
        if not interview.prep_total:
            return ""
        tone = "success" if interview.prep_done == interview.prep_total else "secondary"
        text = self.text % {"done": interview.prep_done, "total": interview.prep_total}
        return f'<span class="badge text-bg-{tone} readiness" title="{self.title}">{text}</span>'


class RowLabels:
    def __init__(self, request):
        self.prefix = reverse("interviews:list", kwargs={"ws": request.workspace.slug})
        self.team = request.workspace.is_team
        self.dates = DateLabels()
        self.modes = {value: escape(str(label)) for value, label in Interview.Mode.choices}
        self.statuses = {value: escape(str(label)) for value, label in Interview.Status.choices}
        self.not_fixed = escape(_("Not fixed yet"))
        self.readiness = Readiness()


def row_html(interview: ListedInterview, labels: RowLabels) -> str:
    """One row of ``interviews_list_page``."""
    when = labels.dates.long(interview.starts_at) if interview.starts_at else labels.not_fixed
    who = escape(f"{interview.contact_first_name} {interview.contact_last_name}".strip())
    if interview.company_name is not None:
        who += f' <span class="text-body-secondary">· {escape(interview.company_name)}</span>'
    owner = ""
    if labels.team:
        # A user's name, or their email when they gave none (User.__str__).
        shown = interview.owner_name or interview.owner_email
        owner = f"<td>{escape(shown) if shown else '—'}</td>"
    status = labels.statuses.get(interview.status, escape(interview.status))
    ready = labels.readiness.badge(interview)
    return (
        f'<tr><td><a href="{labels.prefix}{interview.pk}/">{when}</a></td><td>{who}</td>'
        f"<td>{labels.modes.get(interview.mode, escape(interview.mode))}</td>{owner}"
        f'<td><span class="badge status-{escape(interview.status)}">{status}</span></td>'
        f"<td>{ready}</td></tr>"
    )
