"""The generated OpenAPI document is valid, and the live API keeps to it (Schemathesis)."""

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from openapi_spec_validator import validate
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from accounts import services as account_services
from accounts.models import Workspace
from api.main import api
from api.tests.conftest import make_token
from infoview.testing.browser import PASSWORD

# Enough to reach every parameter of every operation in both modes, in well under a minute.
EXAMPLES = 6


@schemathesis.check
def negative_data_rejected(ctx, response, case):
    """Schemathesis' own check, where 413 counts as a refusal too: a string far past its
    maxLength can make the whole body larger than the API takes (1 MB), refused before parsing."""
    if response.status_code == 413:
        return None
    return negative_data_rejection(ctx, response, case)


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejected,
]


def openapi_document() -> dict:
    return api.get_openapi_schema(path_prefix="/api/v1/")


def test_it_serves_a_valid_openapi_3_1_document(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.1")
    validate(document)
    answers = document["paths"]["/api/v1/w/{ws}/contacts"]["get"]["responses"]
    assert "application/problem+json" in answers["404"]["content"]


def test_it_serves_the_docs_from_its_own_static_files(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
    policy = response["Content-Security-Policy"]
    assert "unsafe-inline" not in policy


@pytest.fixture
def fuzz_world(transactional_db):
    user = account_services.user_signup(
        email="fuzz@example.test", name="Fuzz Tester", password=PASSWORD
    )
    team = account_services.workspace_create(name="Fuzz", kind=Workspace.Kind.TEAM, creator=user)
    return user, team


def test_schemathesis_finds_no_server_error_and_no_schema_violation(live_server, fuzz_world):
    user, team = fuzz_world
    secret = make_token(user, team)
    schema = schemathesis.openapi.from_dict(openapi_document())
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            strategy = operation.as_strategy(
                generation_mode=mode,
                path_parameters={"ws": team.slug} if "{ws}" in operation.path else None,
            )

            @given(case=strategy)
            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                database=None,
                derandomize=True,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            def run(case):
                case.call_and_validate(
                    base_url=live_server.url,
                    headers={"Authorization": f"Bearer {secret}"},
                    checks=CHECKS,
                )

            try:
                run()
            except Exception as error:  # collect every operation's failure, then report
                failures.append(f"{operation.label} ({mode.value}): {str(error)[:1500]}")
    assert not failures, "\n\n".join(failures)
