"""The outbox: every email Infoview sends is a row first, sent by a worker (STYLE.md section 7).

``message_queue`` is the one way to send mail: call it inside the transaction that changes the
state the email is about; the row commits (or rolls back) with that change and the worker is
asked to send it once the transaction commits. See ``accounts.models.OutgoingMessage`` for
the states and ``accounts.outbox.delivery`` for how rows are claimed and sent.
"""

from accounts.outbox.delivery import message_queue, message_with_key

__all__ = ["message_queue", "message_with_key"]
