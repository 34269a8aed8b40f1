"""The talent pool's rows, written with string joins.

Fifty rows, each with two links, a stage label, five translated words, a score through
``floatformat`` and a shortlist form with its CSRF field: through the template engine they were
most of the opening page's CPU (about 0.6 ms a row). What does not depend on the row (the labels,
the links' prefix, the form's action and CSRF field) is worked out once per request
(``PoolLabels``) and each row is an f-string with every value escaped: the same markup.
"""

from html import escape

from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.translation import gettext as _

from contacts.models import Contact
from infoview.fields import csrf_input
from reports.selectors.talent import PoolPerson


class PoolLabels:
    def __init__(self, request, opening):
        ws = {"ws": request.workspace.slug}
        self.contacts = reverse("contacts:list", kwargs=ws)
        self.stages = {value: escape(str(label)) for value, label in Contact.Stage.choices}
        self.skills, self.score, self.future = (
            escape(_("Skills")),
            escape(_("Average score")),
            escape(_("Future roles")),
        )
        self.yes, self.no = escape(_("Yes")), escape(_("No"))
        self.shortlisted = escape(_("Shortlisted"))
        self.add = escape(_("Add to shortlist"))
        self.action = reverse("reports:shortlist_add", kwargs={**ws, "pk": opening.pk})
        self.csrf = csrf_input(request)
        self._scores = {}

    def score_text(self, value) -> str:
        """``floatformat(value, 1)`` in the reader's language, once per value: an average of
        three scores from 1 to 5 takes one of 13 values, and floatformat goes through Decimal
        and the locale's number format each time."""
        text = self._scores.get(value)
        if text is None:
            text = self._scores[value] = floatformat(value, 1)
        return text


def pool_row_html(contact: PoolPerson, labels: PoolLabels) -> str:
    pk = contact.pk
    stage = ""
    if contact.stage:
        label = labels.stages.get(contact.stage, escape(contact.stage))
        stage = f' <span class="badge text-bg-light">{label}</span>'
    if contact.shortlisted:
        shortlist = f'<span class="text-success small">{labels.shortlisted}</span>'
    else:
        shortlist = (
            f'\n            <form method="post" action="{labels.action}">{labels.csrf}\n'
            f'              <input type="hidden" name="contact" value="{pk}">\n'
            '              <button class="btn btn-sm btn-outline-primary" type="submit">'
            f"{labels.add}</button>\n            </form>"
        )
    return (
        "\n        <tr>\n"
        f'          <th scope="row"><a href="{labels.contacts}{pk}/">'
        f"{escape(contact.full_name)}</a>{stage}</th>\n"
        f'          <td class="small" data-label="{labels.skills}">'
        f"{', '.join(escape(skill) for skill in contact.skills)}</td>\n"
        f'          <td data-label="{labels.score}">{labels.score_text(contact.score)}</td>\n'
        f'          <td data-label="{labels.future}">'
        f"{labels.yes if contact.future else labels.no}</td>\n"
        f"          <td>{shortlist}</td>\n        </tr>\n      "
    )
