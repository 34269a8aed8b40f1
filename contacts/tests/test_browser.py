"""Live search and an import with its progress bar, in real Chromium."""

import re
import threading
import time

import pytest
from django.db import connection
from playwright.sync_api import expect

from contacts import tasks
from contacts.importing import run
from contacts.models import Contact, ImportJob
from contacts.tests.factories import ContactFactory
from infoview.testing.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_searches_as_you_type_despite_a_typo(page, alice, workspace_a):
    ContactFactory(workspace=workspace_a, first_name="Grace", last_name="Hopper")
    ContactFactory(workspace=workspace_a, first_name="Alan", last_name="Turing")
    log_in(page, alice.email)
    page.goto("/w/acme/contacts/")
    expect(page.locator("#result-count")).to_have_text(re.compile("2 contacts"))
    page.get_by_label("Search").press_sequentially("hoper", delay=40)
    results = page.locator("#contact-results")
    expect(results.get_by_role("link", name="Grace Hopper")).to_be_visible()
    expect(results.get_by_role("link", name="Alan Turing")).to_have_count(0)
    expect(page).to_have_url(re.compile(r"q=hoper"))
    expect(page.locator("#export-csv")).to_have_attribute("href", re.compile(r"q=hoper"))
    page.get_by_label("Search").fill("")
    expect(results.get_by_role("link", name="Alan Turing")).to_be_visible()


def test_it_imports_with_a_live_progress_bar(page, alice, workspace_a, monkeypatch):
    queued = []
    # The test plays the worker, so it can watch the bar move between batches.
    monkeypatch.setattr(tasks.import_run, "delay_on_commit", queued.append)
    rows = "".join(
        f"P{i},Person,,p{i}@example.test,Engines,Engineer,1 Mar 2024\n" for i in range(30)
    )
    data = (
        "Notes:\nSome words\n\n"
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
    )
    log_in(page, alice.email)
    page.goto("/w/acme/contacts/import/")
    page.get_by_label("File").set_input_files(
        {"name": "Connections.csv", "mimeType": "text/csv", "buffer": (data + rows).encode()}
    )
    page.get_by_role("button", name="Upload and preview").click()
    expect(page.locator("#import-counts")).to_contain_text("30 to create")
    page.get_by_role("button", name="Import 30 rows").click()
    expect(page.locator("#import-status")).to_contain_text("Queued")
    expect(page.locator("progress.import-progress")).to_have_attribute("value", "0")
    job = ImportJob.objects.get()
    assert queued == [job.pk]

    real_apply = run.apply_batch
    calls = []

    def slow_after_the_first_batch(job, plans, matcher):
        calls.append(1)
        if len(calls) > 1:
            time.sleep(2)  # the first batch is committed and on screen meanwhile
        return real_apply(job, plans, matcher)

    monkeypatch.setattr(run, "apply_batch", slow_after_the_first_batch)

    def work():
        try:
            run.import_run(job_id=job.pk, batch_size=10)
        finally:
            connection.close()

    worker = threading.Thread(target=work)
    worker.start()
    try:
        expect(page.locator("progress.import-progress")).to_have_attribute("value", "33")
        expect(page.locator("#import-status")).to_contain_text("10 of 30 rows")
        expect(page.locator("progress.import-progress")).to_have_attribute(
            "value", "100", timeout=15_000
        )
    finally:
        worker.join(30)
    expect(page.locator("#import-summary")).to_contain_text("30 created")
    expect(page.get_by_role("link", name="See the contacts")).to_be_visible()
    assert Contact.objects.filter(workspace=workspace_a).count() == 30


def test_it_picks_who_introduced_a_new_contact(page, alice, workspace_a):
    ada = ContactFactory(workspace=workspace_a, first_name="Ada", last_name="Lovelace")
    log_in(page, alice.email)
    page.goto("/w/acme/contacts/new/")
    page.get_by_label("First name").fill("Bea")
    page.get_by_label("Introduced by").press_sequentially("lovel", delay=40)
    page.get_by_role("button", name="Ada Lovelace").click()
    expect(page.locator("[data-picker-chosen]")).to_have_text("Ada Lovelace")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Bea")).to_be_visible()
    expect(page.locator("#referrals")).to_contain_text("Ada Lovelace")
    assert Contact.objects.get(first_name="Bea").introduced_by == ada
