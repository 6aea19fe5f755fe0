"""A space set on a structure of N users (5,000 by default): what the manager's request costs (it must not grow with
the structure) and what the off-path job costs per user (``services.subscriptions.apply_structure_space``, run by the
table's stream), then the same for taking the space off. Figures, not assertions.

Members are written straight into moto's in-memory table (the items the store itself builds), which takes seconds
instead of minutes through HTTP; the request and the job go through the services and PynamoDB like the app does.
moto answers a Query of an index by reading the whole table: the job's times are moto's more than the app's; its
requests per user are what DynamoDB would bill.
"""

import os
import statistics
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def count_requests():
    """Count DynamoDB operations by name (the same seam as the API tests' ``dynamodb_calls``)."""
    import botocore.client

    calls = []
    original = botocore.client.BaseClient._make_api_call

    def counting(self, operation_name, api_params):
        if self.meta.service_model.service_name == "dynamodb":
            calls.append(operation_name)
        return original(self, operation_name, api_params)

    botocore.client.BaseClient._make_api_call = counting
    return calls


def seed(users: int):
    from chalicelib.domain import entities
    from chalicelib.domain.accounts import ACTIVE
    from chalicelib.domain.memberships import MANAGER_SPACE, PRINCIPAL, USER, VALIDATED
    from chalicelib.domain.subscriptions import MODIFICATION
    from chalicelib.store import memberships, structures
    from chalicelib.store import subscriptions as subscription_store
    from devstack.aws import moto_table

    table = moto_table(os.environ["TABLE_NAME"])
    now = datetime.now(UTC)
    structure = entities.Structure(
        structure_id="bench", identifier="12600591700516", identifier_type="SIRET", designation="Bench SA",
        label=None, structure_type="PRIVEE", status=ACTIVE, last_name=None, first_name=None, postal_code="75001",
        city="Paris", country="FR", address_line1="1 rue", address_line2=None, principal_user_id="u0", created_at=now)
    structures.save_structure(structure, [])
    started = time.perf_counter()
    for n in range(users):
        role = PRINCIPAL if n == 0 else USER
        membership = entities.Membership(
            user_id=f"u{n}", structure_id="bench", identifier=structure.identifier, designation="Bench SA",
            role=role, manager_scope=None, status=VALIDATED, valid_from=date(2020, 1, 1), valid_until=None,
            comment=None, services=[], requested_at=now, decided_at=now, decided_by="u0", decision_reason=None,
            first_name="Prénom", last_name=f"NOM{n}", contact_email=f"u{n}@exemple.fr", address_line1=None,
            postal_code=None, city=None)
        table.put_item(memberships._membership_item(membership).serialize())
    manager_space = subscription_store.granted_items(structure, "u0", [], (MANAGER_SPACE,), MODIFICATION, now)
    table.put_item(manager_space[0].serialize())
    print(f"seeded a structure of {users:,} users in {time.perf_counter() - started:.1f} s")
    return structure


def main() -> None:
    users = int(os.environ.get("BENCH_USERS", 5_000))
    from devstack.aws import use_fake_credentials

    use_fake_credentials()
    from moto import mock_aws

    with mock_aws():
        from devstack.resources import create_resources

        os.environ.update(create_resources())
        from devstack.aws import moto_table

        seed(users)
        from scripts.bench_search import read_one_partition_like_dynamodb

        read_one_partition_like_dynamodb()
        moto_table(os.environ["TABLE_NAME"]).stream_shard = None  # the bench calls the job itself
        from chalicelib.services import subscriptions
        from chalicelib.services.auth import CurrentSession
        from chalicelib.store import memberships

        manager, manager_space = memberships.membership_and_manager_space("u0", "bench")
        current = CurrentSession("u0", "x", None, structure_id="bench", membership=manager,
                                 manager_space=manager_space)
        calls = count_requests()
        for label, action, job in (
            ("set « Sollicitations reçues »", lambda: subscriptions.set_space(
                current, "bench", "Sollicitations reçues", "MODIFICATION"), "requests written"),
            ("take it off", lambda: subscriptions.remove_space(current, "bench", "Sollicitations reçues"),
             "subscriptions revoked"),
        ):
            calls.clear()
            started = time.perf_counter()
            action()
            answered = time.perf_counter() - started
            request_calls = list(calls)
            calls.clear()
            started = time.perf_counter()
            changed = subscriptions.apply_structure_space("bench", "Sollicitations reçues")
            took = time.perf_counter() - started
            print(f"{label}: the manager's request {answered * 1000:.0f} ms, {len(request_calls)} DynamoDB requests "
                  f"({', '.join(request_calls)}); the off-path job {took:.1f} s for {changed:,} {job}, "
                  f"{len(calls) / max(changed, 1):.2f} DynamoDB requests each "
                  f"({statistics.mode(calls) if calls else '-'} mostly)")
            calls.clear()
            started = time.perf_counter()
            again = subscriptions.apply_structure_space("bench", "Sollicitations reçues")
            print(f"  the same job again (a record delivered twice): {again} changes, {len(calls)} DynamoDB "
                  f"requests, {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
