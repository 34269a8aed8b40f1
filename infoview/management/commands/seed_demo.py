"""Idempotent demo data: run it as often as you like, it never duplicates a row.

Each app adds its own rows through ``<app>/demo.py``: accounts makes the users and workspaces
and returns them, and every other app's ``seed(*, demo)`` builds on them, in the graph's order.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts import demo as accounts_demo
from contacts import demo as contacts_demo
from followups import demo as followups_demo
from interviews import demo as interviews_demo
from privacy import demo as privacy_demo
from reports import demo as reports_demo


class Command(BaseCommand):
    help = "Load the demo data (a candidate and a recruiting team). Safe to run again."

    @transaction.atomic
    def handle(self, *args, **options):
        demo = accounts_demo.seed()
        contacts_demo.seed(demo=demo)
        interviews_demo.seed(demo=demo)
        followups_demo.seed(demo=demo)
        reports_demo.seed(demo=demo)
        privacy_demo.seed(demo=demo)
        self.stdout.write(self.style.SUCCESS("Demo data is in place."))
