"""Speed of the contact list and of a LinkedIn import at scale: ``python -m contacts.bench``.

Seeds a throw-away workspace with 20,000 contacts (bulk_create), times the searched list page
through Django's test client (median of N requests per term), then imports a 10,000-row
LinkedIn export into it, and deletes everything it made. Uses the database of DATABASE_URL.
Targets: list with a search term < 150 ms median (issue 3); 10,000-row import <= 2 s (issue 17).
Beside the wall times it prints Python's CPU time and, for the import, the CPU time of its
PostgreSQL backend (when the database runs on this machine): figures a busy machine inflates
much less than wall times.
"""

# Django is set up before the project's modules are imported, hence E402 here.
# ruff: noqa: E402

import argparse
import os
import random
import secrets
import statistics
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "infoview.settings")
django.setup()

from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from accounts.models import Membership, User, Workspace
from contacts.importing import jobs, run
from contacts.models import Company, Contact, Tag
from contacts.selectors import contact_list
from contacts.services import contacts_refresh_search
from infoview.servertiming import process_cpu_seconds

FIRST = (
    "Ada Alan Grace Joan Mary Charles Hedy Katherine Tim Margaret Dorothy Claude Barbara".split()
)
FIRST += "Frances Edsger Donald Radia Sophie Linus Guido Yukihiro Anders Bjarne Niklaus".split()
LAST = (
    "Lovelace Turing Hopper Clarke Somerville Babbage Lamarr Johnson Berners-Lee Hamilton".split()
)
LAST += (
    "Vaughan Shannon Liskov Allen Dijkstra Knuth Perlman Wilson Torvalds Rossum Matsumoto".split()
)
TITLES = ["Engineer", "Designer", "Product manager", "Recruiter", "Data scientist", "Director"]
INDUSTRIES = ["Software", "Finance", "Health", "Energy", "Education", "Retail"]


def _setup():
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.DEBUG = False  # no query log: measure what production runs


def seed(workspace, owner, count: int, rng: random.Random) -> None:
    companies = Company.objects.bulk_create(
        Company(
            workspace=workspace, name=f"{rng.choice(LAST)} {i} Ltd", industry=rng.choice(INDUSTRIES)
        )
        for i in range(500)
    )
    tags = Tag.objects.bulk_create(
        Tag(workspace=workspace, name=name)
        for name in ["alumni", "python", "design", "finance", "mentor", "speaker", "london"]
    )
    contacts = Contact.objects.bulk_create(
        (
            Contact(
                workspace=workspace,
                owner=owner,
                first_name=rng.choice(FIRST),
                last_name=rng.choice(LAST),
                emails=[f"person{i}@example{i % 97}.test"],
                title=rng.choice(TITLES),
                company=rng.choice(companies),
                summary=f"Met at meetup number {i % 250}",
                stage="new",
            )
            for i in range(count)
        ),
        batch_size=2000,
    )
    through = Contact.tags.through
    through.objects.bulk_create(
        (through(contact_id=c.pk, tag_id=rng.choice(tags).pk) for c in contacts[::2]),
        batch_size=5000,
    )
    contacts_refresh_search(contact_ids=[c.pk for c in contacts])

    # Autovacuum would soon do this: fresh statistics, GIN pending lists merged.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE contacts_contact, contacts_searchword, contacts_company")


def time_list(workspace, user, terms, repeat: int) -> dict[str, float]:
    client = Client()
    client.force_login(user)
    url = reverse("contacts:list", kwargs={"ws": workspace.slug})
    client.get(url)  # warm up
    results = {}
    for term in terms:
        timings, cpu = [], []
        for _ in range(repeat):
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(url, {"q": term})
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
            assert response.status_code == 200, response.status_code
        matches = contact_list(workspace=workspace, q=term).count()
        results[term] = (statistics.median(timings), statistics.median(cpu), matches)
    return results


def linkedin_csv(rows: int, rng: random.Random) -> bytes:
    lines = [
        "Notes:",
        '"When exporting your connection data, you may notice that some of the email '
        'addresses are missing."',
        "",
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On",
    ]
    for i in range(rows):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        email = f"{first}.{last}.{i}@linked.test".lower() if i % 4 else ""
        lines.append(
            f"{first},{last},https://www.linkedin.com/in/{first}-{last}-{i}".lower()
            + f",{email},{rng.choice(LAST)} {i % 800} Ltd,{rng.choice(TITLES)},01 Mar 2024"
        )
    return ("\n".join(lines) + "\n").encode()


def database_cpu() -> float | None:
    """CPU seconds used so far by this connection's PostgreSQL backend, when it runs on this
    machine (``/proc``): with Python's own CPU, a figure that a busy machine does not inflate."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    return process_cpu_seconds(pid)


def time_import(workspace, user, rows: int, rng: random.Random):
    """Wall seconds, Python CPU seconds, database CPU seconds (or None) and the finished job."""
    data = linkedin_csv(rows, rng)
    database_before = database_cpu()
    started, started_cpu = time.perf_counter(), time.process_time()
    job = jobs.import_upload(workspace=workspace, user=user, filename="Connections.csv", data=data)
    job.status = job.Status.QUEUED
    job.save(update_fields=["status"])
    job = run.import_run(job_id=job.pk)
    wall, cpu = time.perf_counter() - started, time.process_time() - started_cpu
    database_after = database_cpu()
    database = None if database_before is None else database_after - database_before
    return wall, cpu, database, job


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--contacts", type=int, default=20_000)
    parser.add_argument("--import-rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--keep", action="store_true", help="keep the bench workspace")
    args = parser.parse_args()
    _setup()

    rng = random.Random(42)
    suffix = secrets.token_hex(3)
    user = User.objects.create_user(email=f"bench-{suffix}@example.test", name="Bench")
    workspace = Workspace.objects.create(name="Bench", slug=f"bench-{suffix}", kind="team")
    Membership.objects.create(user=user, workspace=workspace, role="admin")
    try:
        started = time.perf_counter()
        seed(workspace, user, args.contacts, rng)
        print(f"seeded {args.contacts} contacts in {time.perf_counter() - started:.1f} s")
        terms = ["lovelace", "hopp", "hoper", "python", "engineer meetup", "zzzz"]
        print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        for term, (median, cpu, count) in time_list(workspace, user, terms, args.repeat).items():
            print(
                f"list ?q={term!r:20} median {median:6.1f} ms wall, {cpu:5.1f} ms Python CPU"
                f"  ({count} matches)"
            )
        if not args.import_rows:
            return
        print(f"load average before: {os.getloadavg()[0]:.1f}")
        seconds, cpu, database, job = time_import(workspace, user, args.import_rows, rng)
        database = "" if database is None else f", {database:.1f} s database CPU"
        print(
            f"LinkedIn import of {args.import_rows} rows into {args.contacts} contacts: "
            f"{seconds:.1f} s wall, {cpu:.1f} s Python CPU{database} (target: 2 s wall; "
            f"created {job.created_count}, updated {job.updated_count}, "
            f"skipped {job.skipped_count}, errors {job.error_count})"
        )
    finally:
        if not args.keep:
            workspace.delete()
            user.delete()


if __name__ == "__main__":
    main()
