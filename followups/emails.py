"""Email templates: the variables, the defaults and rendering that never raises at the sender.

Templates use Django's template syntax in a sandboxed engine: no loaders (so no
``{% include %}`` or ``{% extends %}`` of files), and a context made only of plain strings, so a
template can read nothing but the documented variables.
"""

from dataclasses import dataclass

from django.template import Context, Engine, TemplateSyntaxError
from django.utils.formats import date_format
from django.utils.html import linebreaks
from django.utils.translation import gettext_lazy as _

from followups.models import FollowUp, Signature
from interviews.models import Note

# The documented variables, shown beside the editor (docs/followups.md lists them too).
VARIABLES = [
    ("first_name", _("The contact's first name")),
    ("last_name", _("The contact's last name")),
    ("full_name", _("The contact's full name")),
    ("company", _("The contact's company")),
    ("interview_date", _("The date of the conversation, e.g. 3 March 2026")),
    ("objectives", _("The conversation's objectives, one per line")),
    ("insights", _("What you learned: objectives' insights and insight notes, one per line")),
    ("first_insight", _("The first insight, handy in a sentence")),
    ("sender_name", _("Your name")),
    ("signature", _("Your signature (set it under Email templates)")),
]

THANK_YOU_BODY = _(
    "Dear {{ first_name }},\n\n"
    "Thank you for taking the time to talk with me"
    "{% if interview_date %} on {{ interview_date }}{% endif %}. "
    "I really appreciated your openness and advice.\n"
    "{% if insights %}\nWhat I took away:\n{{ insights }}\n{% endif %}\n"
    "I will keep you posted on how I follow up on your suggestions.\n\n"
    "Best wishes,\n{{ signature|default:sender_name }}"
)

KEEP_IN_TOUCH_BODY = _(
    "Dear {{ first_name }},\n\n"
    "It has been a while since we last spoke"
    "{% if interview_date %} on {{ interview_date }}{% endif %}, "
    "and I wanted to share a quick update on what I have been up to since.\n\n"
    'I hope all is well at {{ company|default:"your end" }}. '
    "Would you be open to a short catch-up in the coming weeks?\n\n"
    "Best wishes,\n{{ signature|default:sender_name }}"
)

REFERRAL_BODY = _(
    "Dear {{ first_name }},\n\n"
    "Thank you again for your advice"
    "{% if interview_date %} when we spoke on {{ interview_date }}{% endif %}."
    '{% if first_insight %} Your point about "{{ first_insight }}" stayed with me.{% endif %}\n\n'
    "Is there anyone in your network you think I should speak to next? An introduction "
    "would mean a great deal, and I would of course keep it brief and respectful of "
    "their time.\n\n"
    "Best wishes,\n{{ signature|default:sender_name }}"
)

DEFAULT_TEMPLATES = [
    (
        FollowUp.Kind.THANK_YOU,
        _("Thank-you note"),
        _("Thank you for your time, {{ first_name }}"),
        THANK_YOU_BODY,
    ),
    (
        FollowUp.Kind.KEEP_IN_TOUCH,
        _("Keeping in touch"),
        _("Catching up, {{ first_name }}"),
        KEEP_IN_TOUCH_BODY,
    ),
    (
        FollowUp.Kind.REFERRAL,
        _("Asking for a referral"),
        _("A quick question, {{ first_name }}"),
        REFERRAL_BODY,
    ),
]

_TEXT_ENGINE = Engine(dirs=[], app_dirs=False, loaders=[], autoescape=False, debug=False)


def check(source: str) -> str | None:
    """The syntax error in a template, for its editor, or None when it compiles."""
    try:
        _TEXT_ENGINE.from_string(source)
    except TemplateSyntaxError as error:
        return str(error)
    return None


@dataclass
class Draft:
    subject: str
    body: str
    error: str = ""


def render(source: str, variables: dict[str, str]) -> str:
    template = _TEXT_ENGINE.from_string(source)
    return template.render(Context(variables, autoescape=False))


def render_draft(*, subject: str, body: str, variables: dict[str, str]) -> Draft:
    """Render a template; a broken one falls back to the source text and says why."""
    try:
        return Draft(
            subject=" ".join(render(subject, variables).split()),
            body=render(body, variables).strip() + "\n",
        )
    except Exception as error:  # a user's template must never give a 500
        return Draft(subject=subject, body=body, error=str(error))


def html_body(text: str) -> str:
    """The HTML alternative of a plain-text message: escaped paragraphs and line breaks."""
    return (
        '<!doctype html><html><body style="font-family: sans-serif">'
        f"{linebreaks(text, autoescape=True)}</body></html>"
    )


def variables_for(*, followup: FollowUp, sender) -> dict[str, str]:
    """The template variables of one follow-up, all plain strings."""
    contact = followup.contact
    interview = followup.interview
    objectives, insights = _interview_texts(interview)
    signature = Signature.objects.filter(user=sender).values_list("text", flat=True).first()
    interview_date = ""
    if interview is not None:
        moment = interview.completed_at or interview.starts_at
        if moment is not None:
            interview_date = date_format(moment, "j F Y")
    return {
        "first_name": contact.first_name,
        "last_name": contact.last_name,
        "full_name": contact.full_name,
        "company": contact.company.name if contact.company_id else "",
        "interview_date": interview_date,
        "objectives": "\n".join(f"- {text}" for text in objectives),
        "insights": "\n".join(f"- {text}" for text in insights),
        "first_insight": insights[0] if insights else "",
        "sender_name": sender.name or sender.email,
        "signature": (signature or sender.name or "").strip(),
    }


def _interview_texts(interview) -> tuple[list[str], list[str]]:
    """The interview's objectives, and what was learnt: objectives' insights, then insight and
    advice notes as plain text (a note's Markdown would show as asterisks in an email)."""
    if interview is None:
        return [], []
    objectives, insights = [], []
    for objective in interview.objectives.all():
        if objective.text.strip():
            objectives.append(objective.text.strip())
        if objective.insight.strip():
            insights.append(" ".join(objective.insight.split()))
    for note in interview.notes.all():
        if note.kind in {Note.Kind.INSIGHT, Note.Kind.ADVICE}:
            text = " ".join(note.plain_text.split())
            if text:
                insights.append(text)
    return objectives, insights
