"""What follows a change of the table, off the request path: one consumer of the table's stream (a stream serves at
most two readers well), dispatching each record to the job that cares about its kind of item."""

from chalicelib.jobs import profile_copies, structure_spaces


def handle(records: list[dict]) -> dict[str, int]:
    return {"profile_copies": profile_copies.handle(records), "structure_spaces": structure_spaces.handle(records)}
