"""Two fixes to moto's DynamoDB (5.2) for a long-running local stack and a long test session.

- moto records every model instance it ever creates (``BaseModel.instances_tracked``, kept for its dashboard) until
  the mock is reset, DynamoDB items included, and ...
- ... ``transact_write_items`` deep-copies the whole table once per item of a transaction (its rollback copy), so every
  transaction created and kept a full copy of the table per item: about 20 MB per API test and 7 GB per test worker
  by the end of the suite, and transactions slower as the table grew.

``apply()`` stops the tracking of DynamoDB's models (nothing but the dashboard reads it) and makes one rollback copy
per table per transaction. moto's own rollback is kept as it is: a cancelled transaction still leaves nothing.
"""

import copy
import threading

_state = threading.local()  # the rollback copies of the transaction this thread is running
_applied = {"done": False}


class _Untracked(list):
    """An ``instances_tracked`` that keeps nothing."""

    def append(self, instance) -> None:
        pass


def _deepcopy(value, memo=None):
    from moto.dynamodb.models.table import Table

    copies = getattr(_state, "copies", None)
    if copies is None or not isinstance(value, Table):
        return copy.deepcopy(value, memo)
    if id(value) not in copies:
        copies[id(value)] = copy.deepcopy(value, memo)
    return copies[id(value)]


class _CopyModule:
    """What ``moto.dynamodb.models`` sees as ``copy``: a table is copied once per transaction."""

    deepcopy = staticmethod(_deepcopy)

    def __getattr__(self, name):
        return getattr(copy, name)


def untrack() -> None:
    """Stop recording DynamoDB's model instances (again after a mock reset, which gives them a new list)."""
    from moto.core.model_instances import model_data

    for model in model_data.get("dynamodb", {}).values():
        if not isinstance(model.instances_tracked, _Untracked):
            model.instances_tracked = _Untracked()


def apply() -> None:
    """Idempotent; call it once moto is mocked or served (a reset undoes the untracking: call ``untrack`` again)."""
    import moto.dynamodb.models as models

    untrack()
    if _applied["done"]:
        return
    _applied["done"] = True
    models.copy = _CopyModule()
    original = models.DynamoDBBackend.transact_write_items

    def transact_write_items(self, transact_items):
        _state.copies = {}
        try:
            return original(self, transact_items)
        finally:
            _state.copies = None

    models.DynamoDBBackend.transact_write_items = transact_write_items
