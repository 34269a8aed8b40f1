#!/usr/bin/env python
import os
import sys

from django.core.management import execute_from_command_line

from infoview import local


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "infoview.settings")
    # Before Django reads the settings: the private PostgreSQL and the file broker's folders,
    # when DEBUG is on and no DATABASE_URL / CELERY_BROKER_URL names a server.
    local.prepare()
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
