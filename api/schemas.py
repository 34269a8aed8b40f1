"""Shapes shared by several resources."""

from typing import Annotated

from ninja import Path, Schema
from pydantic import ConfigDict


class In(Schema):
    """Every request body refuses fields it does not know (422), so typos are not ignored."""

    model_config = ConfigDict(extra="forbid")


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
