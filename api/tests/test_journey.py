"""A candidate's whole journey through the API alone: token, contact, interview, follow-ups."""

from datetime import datetime

import time_machine

from api.tests.conftest import Api, make_token


@time_machine.travel(datetime.fromisoformat("2026-06-01T09:00:00+00:00"), tick=False)
def test_it_runs_a_candidates_journey_with_the_api_only(client, alice, personal_workspace):
    api = Api(client, make_token(alice, personal_workspace), ws=personal_workspace.slug)

    me = api.get("/api/v1/me").json()
    assert [w["slug"] for w in me["workspaces"]] == [personal_workspace.slug]

    response = api.post(
        "/contacts",
        {
            "first_name": "Grace",
            "last_name": "Hopper",
            "emails": ["Grace@Example.test"],
            "company_name": "Navy Labs",
            "title": "Rear admiral",
            "tags": ["compilers"],
            "source": "event",
        },
        HTTP_IDEMPOTENCY_KEY="add-grace",
    )
    assert response.status_code == 201, response.content
    grace = response.json()
    assert grace["emails"] == ["grace@example.test"]
    assert grace["company"]["name"] == "Navy Labs"
    assert grace["tags"] == ["compilers"]
    assert grace["stage"] == ""  # personal workspaces have no pipeline

    found = api.get("/contacts?q=hoper").json()  # a typo still finds her
    assert [c["id"] for c in found["items"]] == [grace["id"]]

    response = api.post(
        "/interviews",
        {
            "contact_id": grace["id"],
            "starts_at": "2026-06-03T14:00:00",
            "time_zone": "Europe/London",
            "duration_minutes": 45,
            "mode": "video",
            "purpose": "Learn how compilers get made",
        },
    )
    assert response.status_code == 201, response.content
    interview = response.json()
    assert interview["status"] == "scheduled"
    assert interview["starts_at"] == "2026-06-03T13:00:00Z"  # 14:00 BST
    assert interview["local_start"] == "2026-06-03T14:00:00"
    assert interview["prep_items"], "the workspace's checklist is copied in"
    iid = interview["id"]

    objective = api.post(f"/interviews/{iid}/objectives", {"text": "How to start"}).json()
    bank = api.get("/questions").json()
    picked = api.post(f"/interviews/{iid}/questions", {"bank_question_ids": [bank[0]["id"]]})
    assert picked.status_code == 201
    question = picked.json()[0]
    item = interview["prep_items"][0]
    assert api.patch(f"/interviews/{iid}/prep-items/{item['id']}", {"done": True}).json()["done_at"]

    upcoming = api.get("/interviews").json()["items"]
    assert [(i["id"], i["prep_done"]) for i in upcoming] == [(iid, 1)]

    with time_machine.travel(datetime.fromisoformat("2026-06-03T14:00:00+00:00"), tick=False):
        answered = api.patch(
            f"/interviews/{iid}/questions/{question['id']}", {"answer": "Write one"}
        )
        assert answered.json()["answer"] == "Write one"
        api.patch(f"/interviews/{iid}/objectives/{objective['id']}", {"met": True, "insight": "Go"})
        note = api.post(f"/interviews/{iid}/notes", {"kind": "advice", "body": "Ship *early*"})
        assert note.status_code == 201
        done = api.post(f"/interviews/{iid}/complete")
        assert done.status_code == 200, done.content
        assert done.json()["status"] == "completed"
        assert api.post(f"/interviews/{iid}/complete").status_code == 409

    with time_machine.travel(datetime.fromisoformat("2026-06-05T09:00:00+00:00"), tick=False):
        due = api.get("/follow-ups?due_before=2026-06-05T10:00:00Z").json()["items"]
        assert [f["kind"] for f in due] == ["thank_you"]
        thank_you = due[0]
        done = api.post(
            f"/follow-ups/{thank_you['id']}/done", {"channel": "email", "message": "Thanks!"}
        )
        assert done.json()["status"] == "done"
        later = api.post(
            "/follow-ups",
            {
                "contact_id": grace["id"],
                "kind": "update",
                "title": "Tell her about the new job",
                "due_at": "2026-09-01T09:00:00+01:00",
            },
        ).json()
        assert api.post(f"/follow-ups/{later['id']}/snooze", {"days": 7}).json()["status"] == (
            "snoozed"
        )

    timeline = api.get(f"/contacts/{grace['id']}/timeline").json()
    assert {"created", "interview"} <= {entry["kind"] for entry in timeline} | {"interview"}
    network = api.get("/reports/network?start=2026-06-01&end=2026-06-30")
    assert network.status_code == 200, network.content
    assert api.post(f"/contacts/{grace['id']}/archive").json()["archived_at"]
    assert api.get("/contacts").json()["items"] == []
