"""Email templates: the variables, the defaults and rendering that never raises at the sender.

Templates are written by users, so they are not Django templates (which can loop without bound
and reach tags such as ``{% debug %}``) but a small language of their own, rendered in one pass
in time proportional to the template and its output:

- ``{{ name }}``: one of the documented variables (``VARIABLES``);
- ``{{ name|default:other }}`` or ``{{ name|default:"text" }}``: the other variable, or the
  text, when ``name`` is empty;
- ``{% if name %}…{% else %}…{% endif %}``: a part kept only when ``name`` is not empty
  (``{% else %}`` optional, nested at most ``MAX_DEPTH`` deep).

Nothing else: any other ``{{``, ``{%`` or ``{#`` is an error, shown to the template's editor
when they save it. The three default templates use only these forms.
"""

import re
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.html import linebreaks
from django.utils.translation import gettext as _gettext
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

MAX_TEMPLATE_LENGTH = 10_000
MAX_OUTPUT_LENGTH = 100_000
MAX_DEPTH = 5

_TOKEN = re.compile(r"\{\{([^{}]*)\}\}|\{%([^{}]*)%\}")
_NAME = r"[a-z_][a-z0-9_]*"
_VARIABLE = re.compile(rf"\s*({_NAME})\s*(?:\|\s*default\s*:\s*(?:({_NAME})|\"([^\"]*)\"))?\s*")
_IF = re.compile(rf"\s*if\s+({_NAME})\s*")
_KNOWN = {name for name, _label in VARIABLES}


class TemplateError(ValueError):
    """A template outside the language; the message says where and why."""


def _text(piece: str, nodes: list) -> None:
    if any(mark in piece for mark in ("{{", "{%", "{#", "%}", "}}")):
        raise TemplateError(
            _gettext(
                '"%(text)s" is not a {{ variable }}, {%% if %%}, {%% else %%} or {%% endif %%}.'
            )
            % {"text": piece.strip()[:40]}
        )
    if piece:
        nodes.append(piece)


def _known(name: str) -> str:
    if name not in _KNOWN:
        raise TemplateError(
            _gettext("Unknown variable “%(name)s”. The variables are: %(names)s.")
            % {"name": name, "names": ", ".join(name for name, _label in VARIABLES)}
        )
    return name


def compile_template(source: str) -> list:
    """The template as nodes: text, ("var", name, other, text) and ("if", name, then, else)."""
    if len(source) > MAX_TEMPLATE_LENGTH:
        raise TemplateError(
            _gettext("A template is at most %(max)d characters.") % {"max": MAX_TEMPLATE_LENGTH}
        )
    root: list = []
    # Each open {% if %}: (name, the node list being filled, its then-list, its else-list).
    stack: list[tuple[str, list, list, list | None]] = []
    current, position = root, 0
    for match in _TOKEN.finditer(source):
        _text(source[position : match.start()], current)
        position = match.end()
        variable, tag = match.group(1), match.group(2)
        if variable is not None:
            parsed = _VARIABLE.fullmatch(variable)
            if parsed is None:
                raise TemplateError(
                    _gettext("“{{%(text)s}}” is not a variable.") % {"text": variable[:40]}
                )
            name, other, literal = parsed.groups()
            current.append(("var", _known(name), other and _known(other), literal))
            continue
        words = tag.split()
        if (parsed := _IF.fullmatch(tag)) is not None:
            if len(stack) >= MAX_DEPTH:
                raise TemplateError(_gettext("Too many {% if %} inside one another."))
            then: list = []
            stack.append((_known(parsed.group(1)), current, then, None))
            current = then
        elif words == ["else"] and stack and stack[-1][3] is None:
            name, parent, then, _else = stack.pop()
            otherwise: list = []
            stack.append((name, parent, then, otherwise))
            current = otherwise
        elif words == ["endif"] and stack:
            name, parent, then, otherwise = stack.pop()
            parent.append(("if", name, then, otherwise or []))
            current = parent
        else:
            raise TemplateError(
                _gettext(
                    "“{%%%(text)s%%}” is not allowed: only {%% if variable %%}, "
                    "{%% else %%} and {%% endif %%}."
                )
                % {"text": tag[:40]}
            )
    _text(source[position:], current)
    if stack:
        raise TemplateError(_gettext("An {% if %} has no {% endif %}."))
    return root


def _render_nodes(nodes: list, variables: dict[str, str], out: list[str], size: list[int]) -> None:
    for node in nodes:
        if isinstance(node, str):
            piece = node
        elif node[0] == "var":
            _kind, name, other, literal = node
            piece = str(variables.get(name, "") or "")
            if not piece:
                piece = str(variables.get(other, "") or "") if other else (literal or "")
        else:
            _kind, name, then, otherwise = node
            _render_nodes(then if variables.get(name) else otherwise, variables, out, size)
            continue
        size[0] += len(piece)
        if size[0] > MAX_OUTPUT_LENGTH:
            raise TemplateError(_gettext("The email would be too long."))
        out.append(piece)


def check(source: str) -> str | None:
    """The error in a template, for its editor, or None when it is fine."""
    try:
        compile_template(source)
    except TemplateError as error:
        return str(error)
    return None


@dataclass
class Draft:
    subject: str
    body: str
    error: str = ""


def render(source: str, variables: dict[str, str]) -> str:
    out: list[str] = []
    _render_nodes(compile_template(source), variables, out, [0])
    return "".join(out)


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
