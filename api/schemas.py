"""Shapes shared by several resources."""

from datetime import datetime
from typing import Annotated

from ninja import Path, Schema
from pydantic import AfterValidator, ConfigDict, model_validator

from infoview.dates import MAX_YEAR, MIN_YEAR


def has_nul(value) -> bool:
    """PostgreSQL text cannot hold NUL characters: such input is refused, never stored."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(has_nul(k) or has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(has_nul(v) for v in value)
    return False


def in_calendar_range(value: datetime | None) -> datetime | None:
    """The forms' years (infoview/dates.py): a moment at either end of Python's calendar
    would leave it on its way to UTC or the database (a 500), and no one means one."""
    if value is not None and not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValueError(f"Choose a date between the years {MIN_YEAR} and {MAX_YEAR}.")
    return value


# Every date-time the API takes, in a body or a query.
Moment = Annotated[datetime, AfterValidator(in_calendar_range)]


class In(Schema):
    """Every request body refuses fields it does not know (422), so typos are not ignored."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _no_nul(cls, data):
        if has_nul(data):
            raise ValueError("Text may not contain NUL characters.")
        return data


class UserRef(Schema):
    id: int
    name: str
    email: str


class CompanyRef(Schema):
    id: int
    name: str


class ContactRef(Schema):
    id: int
    first_name: str
    last_name: str


# The workspace in the URL (/api/v1/w/<ws>/…), declared where the router's prefix holds it.
Ws = Annotated[str, Path(description="The workspace's address (its slug).", max_length=60)]
