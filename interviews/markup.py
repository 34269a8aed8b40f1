"""Markdown in, safe HTML out: notes are written by users and shown to their whole team."""

import html as html_lib
import re

import markdown
import nh3

ALLOWED_TAGS = {
    "a", "p", "br", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
# No javascript:, data: or anything else a link could run.
URL_SCHEMES = {"http", "https", "mailto"}


def render_markdown(text: str) -> str:
    html = markdown.markdown(text or "", extensions=["sane_lists"], output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )


_LINK = re.compile(r'<a href="([^"]*)"[^>]*>(.*?)</a>', re.DOTALL)
_BREAKS = re.compile(r"</(p|li|h[1-6]|blockquote|pre)>|<br>|<hr>")


def markdown_to_text(text: str) -> str:
    """The same note as plain text: what an email or a one-line excerpt shows.

    Links keep their address after the words ("guide (https://…)"), blocks become lines.
    """
    html = render_markdown(text)

    def link(match):
        url, words = html_lib.unescape(match.group(1)), match.group(2)
        return words if html_lib.unescape(words) == url else f"{words} ({match.group(1)})"

    html = _BREAKS.sub("\n", _LINK.sub(link, html))
    plain = html_lib.unescape(nh3.clean(html, tags=set()))
    lines = [" ".join(line.split()) for line in plain.splitlines()]
    return "\n".join(line for line in lines if line)
