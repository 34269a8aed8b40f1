"""The hostile-input sweep: every page's GET parameters and forms, filled with what attackers type.

``infoview/tests/test_sweep.py`` walks the URL conf as the isolation harness does (a route with
arguments must be registered in ``<app>/tests/isolation.py``, so the sweep fails for a route it
does not know). For each page it reads the forms the page shows and the query parameters its
links use; Hypothesis then fills them, a few fields at a time, with the values below, as each
kind of visitor. Every answer must be below 500, and a refused request (4xx) must leave every
row saved before it as it was.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from html.parser import HTMLParser
from urllib.parse import parse_qsl, quote, urlsplit

from django.db import connection
from hypothesis import strategies as st

# Values that broke a page once (issue 14) or that break pages in general.
NASTY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\ud800",
    "x\udfffy",
    "\u202e",
    "\u200f\u202egnp.exe",
    "%",
    "%%",
    "\\",
    "''''",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "{{ 7*7 }}{% debug %}",
    "../../etc/passwd",
    "Hello\r\nBcc: x@evil.example",
    "https://evil.example/",
    "//evil.example/",
    "x" * 10_000,
    "\u202e" * 10_000,
    "[x](" * 2_500,
    "-1",
    "0",
    "2147483648",
    "9223372036854775808",
    "-9223372036854775809",
    "1e309",
    "NaN",
    "-inf",
    "99999999999999999999999999",
    "0001-01-01",
    "9999-12-31",
    "9999-12-31T23:59",
    "0001-01-01T00:10",
    "10000-01-01",
    "2026-02-30",
    "2026-13-01T25:61",
    "[]",
    "{}",
    "null",
]

_odd_characters = st.characters(categories=["Cs", "Cc", "Cf", "Zl", "Zp", "Mn", "So"])
VALUES = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=30),
    st.text(alphabet=_odd_characters, max_size=30),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(date.isoformat),
    st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59)).map(
        lambda moment: moment.strftime("%Y-%m-%dT%H:%M")
    ),
)
FILES = st.one_of(
    st.sampled_from(
        [
            b"",
            b"Name,Email,Email\nAda,a@x.test,b@x.test\n",
            b"Name," + b",".join(b"c%d" % i for i in range(5000)) + b"\nAda\n",
            b"Name,Tags\nAda,two  spaces\nBob," + b"t" * 80 + b"\n",
            b"BEGIN:VCARD\r\nFN:A\rEND:VCARD\rBEGIN:VCARD\r\nEND:VCARD\r\n",
            b"\xff\xfe\x00\x00garbage",
        ]
    ),
    st.binary(max_size=200),
)
# Parameters every page may read whatever its forms say.
COMMON_GET_PARAMETERS = ["page", "next", "q", "sort"]


@dataclass
class Form:
    method: str
    action: str
    multipart: bool
    fields: dict[str, str] = field(default_factory=dict)  # name -> the value the page gave it
    files: list[str] = field(default_factory=list)


class _PageParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.links: list[str] = []
        self._form: Form | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        if tag == "a" and "?" in attributes.get("href", ""):
            self.links.append(attributes["href"])
        elif tag == "form":
            self._form = Form(
                method=attributes.get("method", "get").lower(),
                action=attributes.get("action", ""),
                multipart="multipart" in attributes.get("enctype", ""),
            )
            self.forms.append(self._form)
        elif self._form is None or not attributes.get("name"):
            return
        elif tag == "input":
            kind = attributes.get("type", "text").lower()
            if kind == "file":
                self._form.files.append(attributes["name"])
            elif kind not in {"submit", "button", "image", "reset"}:
                checked = kind not in {"checkbox", "radio"} or "checked" in attributes
                if checked or attributes["name"] not in self._form.fields:
                    self._form.fields[attributes["name"]] = attributes.get("value", "")
        elif tag in {"textarea", "select"}:
            self._form.fields.setdefault(attributes["name"], "")
            self._select = attributes["name"] if tag == "select" else None
        elif tag == "option" and self._select and self._form.fields[self._select] == "":
            self._form.fields[self._select] = attributes.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def read_page(html: str) -> tuple[list[Form], set[str]]:
    """The page's forms, and the names of the query parameters its own links use."""
    parser = _PageParser()
    parser.feed(html)
    parameters = {name for link in parser.links for name, _v in parse_qsl(urlsplit(link).query)}
    return parser.forms, parameters


def encode(pairs: list[tuple[str, str]]) -> str:
    """A query string or form body, with lone surrogates sent as the raw bytes an attacker
    would send (the test client would refuse to encode them)."""
    return "&".join(
        f"{quote(name.encode('utf-8', 'surrogatepass'))}="
        f"{quote(value.encode('utf-8', 'surrogatepass'))}"
        for name, value in pairs
    )


def raw(value: str) -> bytes:
    return value.encode("utf-8", "surrogatepass")


# Rows a refused request may write: the log-in lock's records, sessions; and the user's
# navigation bookkeeping (the workspace they were last in, when they last logged in).
UNWATCHED_TABLES = {"django_session"}
UNWATCHED_PREFIXES = ("axes_",)
UNWATCHED_COLUMNS = {"accounts_user": ["last_workspace_id", "last_login"]}


def saved_rows() -> set[tuple[str, str]]:
    """(table, fingerprint) of every saved row the sweep watches."""
    tables = [
        name
        for name in connection.introspection.table_names(include_views=False)
        if name not in UNWATCHED_TABLES and not name.startswith(UNWATCHED_PREFIXES)
    ]

    def row(name):
        dropped = "".join(f" - '{column}'" for column in UNWATCHED_COLUMNS.get(name, []))
        return f"md5((to_jsonb(x){dropped})::text)"

    # Table and column names from the database's own catalogue, never from input.
    query = " UNION ALL ".join(
        f"SELECT '{name}', {row(name)} FROM {connection.ops.quote_name(name)} x"  # noqa: S608
        for name in tables
    )
    with connection.cursor() as cursor:
        cursor.execute(query)
        return set(cursor.fetchall())


def changed_tables(before: set[tuple[str, str]], after: set[tuple[str, str]]) -> list[str]:
    """Tables where a row saved before is now different or gone (new rows do not count: a
    refused request may still make a record of defaults that was missing)."""
    return sorted({table for table, _fingerprint in before - after})
