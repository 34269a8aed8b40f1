"""Importing contacts: upload, preview (with the column mapping), confirm, then a Celery task.

``jobs`` holds the job's life (upload, mapping, start, resume, error report), ``files`` reads and
recognises the file, ``vcard`` reads vCards, ``run`` plans and applies rows. This package module
stays empty: ``contacts.tasks`` imports ``run``, and ``jobs`` queues ``contacts.tasks``.
"""
