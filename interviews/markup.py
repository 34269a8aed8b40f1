"""Markdown in, safe HTML out: notes are written by users and shown to their whole team.

The parser is markdown-it-py with the CommonMark rules and raw HTML off: its cost grows linearly
with the text (Python-Markdown's link pattern is quadratic: 24 KB of ``[x](`` took 20 s). Notes
are rendered once, when saved (``Note.body_html``), never per view; and a note is at most
``MAX_NOTE_LENGTH`` characters.
"""

import html as html_lib
import re

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "a", "p", "br", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
# No javascript:, data: or anything else a link could run.
URL_SCHEMES = {"http", "https", "mailto"}
MAX_NOTE_LENGTH = 20_000

# Raw HTML and every link pass the parser and are then cleaned by nh3, the one place that
# decides what is safe (unsafe tags go, unsafe links lose their href).
_PARSER = MarkdownIt("commonmark", {"html": True}).disable("image")
_PARSER.validateLink = lambda url: True


def render_markdown(text: str) -> str:
    html = _PARSER.render(text or "")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )


_LINK = re.compile(r'<a href="([^"]*)"[^>]*>(.*?)</a>', re.DOTALL)
_BREAKS = re.compile(r"</(p|li|h[1-6]|blockquote|pre)>|<br>|<hr>")


def html_to_text(html: str) -> str:
    """A rendered note as plain text: what an email or a one-line excerpt shows.

    Links keep their address after the words ("guide (https://…)"), blocks become lines.
    """

    def link(match):
        url, words = html_lib.unescape(match.group(1)), match.group(2)
        return words if html_lib.unescape(words) == url else f"{words} ({match.group(1)})"

    html = _BREAKS.sub("\n", _LINK.sub(link, html or ""))
    plain = html_lib.unescape(nh3.clean(html, tags=set()))
    lines = [" ".join(line.split()) for line in plain.splitlines()]
    return "\n".join(line for line in lines if line)


def markdown_to_text(text: str) -> str:
    return html_to_text(render_markdown(text))
