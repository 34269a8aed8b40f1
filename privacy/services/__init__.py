"""GDPR writes, one module per concern.

- ``basis``: the lawful basis per contact and the privacy notice's email footer.
- ``records``: the rows tied to a contact, and which of their text is about the person.
- ``erasure``: anonymising and erasing a contact.
- ``subject_access``: the export of everything held about one person.
- ``retention``: the policy per workspace, the warnings to admins and the daily anonymising pass.

The audit log is ``accounts.audit``; the suppression list is ``contacts.suppression``.
"""
