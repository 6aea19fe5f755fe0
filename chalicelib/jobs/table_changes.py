"""What follows a change of the table, off the request path: one consumer of the table's stream (a stream serves at
most two readers well), dispatching each record to the job that cares about its kind of item."""

from chalicelib.jobs import mailer, profile_copies, structure_spaces


def handle(records: list[dict], deadline=None) -> dict[str, int]:
    """Each job in turn; the mailer last, as it raises when a mail must be tried again (the others are idempotent, so a
    retried batch repeats them harmlessly)."""
    done = {"profile_copies": profile_copies.handle(records), "structure_spaces": structure_spaces.handle(records)}
    done["mails"] = mailer.handle(records, deadline)
    return done
