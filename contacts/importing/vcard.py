"""vCard 2.1, 3.0 (RFC 2426) and 4.0 (RFC 6350): the parts a contact needs, read and written.

Cards are read with vobject, which decodes 2.1's ``ENCODING=QUOTED-PRINTABLE`` and ``CHARSET``
(old phones and Outlook write them); a card vobject cannot read falls back to the small
reader below, which knows 3.0 and 4.0.
"""

import re

import vobject
from django.utils.translation import gettext as _

from contacts.importing.errors import ImportRefused

_CARD = re.compile(r"(?ims)^BEGIN:VCARD\s*$(.*?)^END:VCARD\s*$")


def _unfold(text: str) -> list[str]:
    lines: list[str] = []
    for line in re.split(r"\r\n|\r|\n", text):
        if line[:1] in (" ", "\t") and lines:
            lines[-1] += line[1:]
        elif line.strip():
            lines.append(line)
    return lines


def _split(value: str, separator: str) -> list[str]:
    """Split on unescaped separators, then unescape each part."""
    parts, current, escaped = [], [], False
    for char in value:
        if escaped:
            current.append({"n": "\n", "N": "\n"}.get(char, char))
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == separator:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def _unescape(value: str) -> str:
    return _split(value, "\x00")[0]


def _property(line: str) -> tuple[str, dict[str, str], str]:
    """``group.NAME;PARAM=x:value`` -> ("NAME", {"PARAM": "x"}, "value")."""
    in_quotes = False
    for index, char in enumerate(line):
        if char == '"':
            in_quotes = not in_quotes
        elif char == ":" and not in_quotes:
            head, value = line[:index], line[index + 1 :]
            break
    else:
        return "", {}, ""
    name, *params = head.split(";")
    parameters = {}
    for param in params:
        key, _sep, val = param.partition("=")
        parameters[key.upper()] = val.strip('"').lower()
    return name.split(".")[-1].upper(), parameters, value


def count_cards(text: str) -> int:
    return len(_CARD.findall(text))


def parse_vcards(text: str) -> list[dict]:
    cards = list(_CARD.finditer(text))
    if not cards:
        raise ImportRefused(_("This file is neither CSV nor vCard."))
    return [_read(match.group(0), match.group(1)) for match in cards]


def _read(card: str, body: str) -> dict:
    try:
        return _record_vobject(card)
    except Exception:
        return _record(body)


def _join_soft_breaks(card: str) -> str:
    """Quoted-printable values continue on the next line after a final "=" (vCard 2.1)."""
    out: list[str] = []
    in_qp = False
    for line in re.split(r"\r\n|\r|\n", card):
        if in_qp and out and out[-1].endswith("="):
            out[-1] = out[-1][:-1] + line
            continue
        if line[:1] not in (" ", "\t"):
            in_qp = "QUOTED-PRINTABLE" in line.partition(":")[0].upper()
        out.append(line)
    return "\r\n".join(out)


def _text(value) -> str:
    if isinstance(value, list | tuple):
        value = " ".join(str(v) for v in value if v)
    return str(value or "").strip()


def _record_vobject(card: str) -> dict:
    component = vobject.readOne(_join_soft_breaks(card))
    record: dict = {"emails": [], "tags": []}
    full_name = ""
    urls = []
    for line in component.getChildren():
        name, value = line.name.upper(), line.value
        types = ",".join(line.params.get("TYPE", [])).lower()
        if name == "N":
            record["last_name"], record["first_name"] = _text(value.family), _text(value.given)
        elif name == "FN":
            full_name = _text(value)
        elif name == "EMAIL":
            record["emails"].append(_text(value).removeprefix("mailto:").strip())
        elif name == "TEL" and "phone" not in record:
            record["phone"] = _text(value).removeprefix("tel:").strip()
        elif name == "ORG":
            record["company"] = _text(value[0] if isinstance(value, list) and value else value)
        elif name == "TITLE":
            record["title"] = _text(value)
        elif name == "ADR" and "location" not in record:
            parts = (value.city, value.region, value.code, value.country)
            record["location"] = ", ".join(_text(p) for p in parts if _text(p))
        elif name == "NOTE":
            record["summary"] = _text(value)
        elif name == "CATEGORIES":
            values = value if isinstance(value, list) else [value]
            record["tags"].extend(_text(t) for t in values if _text(t))
        elif name in {"URL", "X-SOCIALPROFILE"}:
            urls.append((types, _text(value)))
    return _finish(record, full_name, urls)


def _record(card: str) -> dict:
    record: dict = {"emails": [], "tags": []}
    full_name = ""
    urls = []
    for line in _unfold(card):
        name, params, value = _property(line)
        if name == "N":
            parts = _split(value, ";") + ["", ""]
            record["last_name"], record["first_name"] = parts[0].strip(), parts[1].strip()
        elif name == "FN":
            full_name = _unescape(value).strip()
        elif name == "EMAIL":
            record["emails"].append(_unescape(value).removeprefix("mailto:").strip())
        elif name == "TEL" and "phone" not in record:
            record["phone"] = _unescape(value).removeprefix("tel:").strip()
        elif name == "ORG":
            record["company"] = _split(value, ";")[0].strip()
        elif name == "TITLE":
            record["title"] = _unescape(value).strip()
        elif name == "ADR" and "location" not in record:
            parts = (_split(value, ";") + [""] * 7)[:7]
            record["location"] = ", ".join(p.strip() for p in parts[3:7] if p.strip())
        elif name == "NOTE":
            record["summary"] = _unescape(value).strip()
        elif name == "CATEGORIES":
            record["tags"].extend(t.strip() for t in _split(value, ",") if t.strip())
        elif name in {"URL", "X-SOCIALPROFILE"}:
            urls.append((params.get("TYPE", ""), _unescape(value).strip()))
    return _finish(record, full_name, urls)


def _finish(record: dict, full_name: str, urls: list[tuple[str, str]]) -> dict:
    for kind, url in urls:
        if "linkedin" in kind or "linkedin.com" in url.lower():
            record["linkedin_url"] = url
            break
    if not record.get("first_name") and not record.get("last_name") and full_name:
        first, _sep, last = full_name.partition(" ")
        record["first_name"], record["last_name"] = first, last
    return {key: value for key, value in record.items() if value not in ("", None)} | {
        "emails": record["emails"],
        "tags": record["tags"],
    }


# Every line break a reader might honour (a lone CR ends a line for many), and the other
# control characters, which have no place in a card.
_BREAKS = re.compile(r"\r\n|[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1b\x1f\x7f]")


def _escape(value: str) -> str:
    value = value.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
    return _CONTROLS.sub("", _BREAKS.sub("\\\\n", value))


def _fold(line: str) -> str:
    """Lines longer than 75 characters continue on the next line after one space."""
    chunks = [line[:75]] + [line[i : i + 74] for i in range(75, len(line), 74)]
    return "\r\n ".join(chunks)


def contact_vcard(contact, tag_names: list[str]) -> str:
    lines = [
        "BEGIN:VCARD",
        "VERSION:3.0",
        f"N:{_escape(contact.last_name)};{_escape(contact.first_name)};;;",
        f"FN:{_escape(contact.full_name)}",
    ]
    lines += [f"EMAIL;TYPE=INTERNET:{_escape(email)}" for email in contact.emails]
    if contact.phone:
        lines.append(f"TEL:{_escape(contact.phone)}")
    if contact.company_id:
        lines.append(f"ORG:{_escape(contact.company.name)}")
    if contact.title:
        lines.append(f"TITLE:{_escape(contact.title)}")
    if contact.location:
        lines.append(f"ADR:;;;{_escape(contact.location)};;;")
    if contact.linkedin_url:
        lines.append(
            f"URL;TYPE=linkedin:{_CONTROLS.sub('', _BREAKS.sub('', contact.linkedin_url))}"
        )
    if contact.summary:
        lines.append(f"NOTE:{_escape(contact.summary)}")
    if tag_names:
        lines.append("CATEGORIES:" + ",".join(_escape(name) for name in tag_names))
    lines.append("END:VCARD")
    return "".join(_fold(line) + "\r\n" for line in lines)
