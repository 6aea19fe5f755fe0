"""Structure search at scale: seed N structures (Faker fr_FR, valid SIRETs; 100,000 by default) and print, for each
kind of search, the items read per result returned and the median time per search.

Seeding writes the same items the app writes (structure, identifier claim, search index items, built by the store's
own code) straight into moto's in-memory table, which takes minutes instead of hours through HTTP; the searches then
go through the service and PynamoDB like any request.
"""

import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TRADES = ("Menuiserie", "Boulangerie", "Plomberie", "Ébénisterie", "Charpente", "Maçonnerie", "Serrurerie",
          "Électricité", "Couverture", "Carrosserie")


def siret(base: int) -> str:
    """A valid SIRET (Luhn on the SIREN and on the whole) from an 8-digit base."""
    from stdnum import luhn

    siren = f"{base:08d}"
    siren += luhn.calc_check_digit(siren)
    body = siren + "0001"
    return body + luhn.calc_check_digit(body)


def seed(count: int) -> dict:
    from datetime import UTC, datetime

    from faker import Faker

    from chalicelib.domain.accounts import ACTIVE
    from chalicelib.store import structures
    from chalicelib.store.models import IdentifierClaim, Structure
    from devstack.aws import moto_table

    fake = Faker("fr_FR")
    Faker.seed(2026)
    rng = random.Random(2026)
    table = moto_table(os.environ["TABLE_NAME"])
    # The stream serves profile copies, not search: without this moto would hold 1.8 million records in memory.
    table.stream_shard = None
    now = datetime.now(UTC)
    samples, items = {}, 0
    bases = rng.sample(range(10_000_000, 100_000_000), count)
    started = time.perf_counter()
    for n in range(count):
        designation = fake.company()
        if rng.random() < 0.02:
            designation = f"{rng.choice(TRADES)} {fake.last_name()}"
        sid = f"{n:032x}"
        structure = Structure(
            structures.structure_pk(sid), structures.STRUCTURE_SK, structure_id=sid, identifier=siret(bases[n]),
            identifier_type="SIRET", designation=designation, structure_type="PRIVEE", status=ACTIVE,
            address_line1=fake.street_address(), postal_code=fake.postcode(), city=fake.city(), country="FR",
            principal_user_id="bench", created_at=now, version=1,
        )
        claim = IdentifierClaim(f"IDENTIFIER#{structure.identifier}", "IDENTIFIER", structure_id=sid)
        for item in [structure, claim, *structures._search_entries(structure)]:
            table.put_item(item.serialize())
            items += 1
        if n == count // 2:
            samples = {"siret": structure.identifier, "postal_code": structure.postal_code, "city": structure.city,
                       "word": designation.split()[0]}
    print(f"seeded {count:,} structures as {items:,} items in {time.perf_counter() - started:.0f} s "
          f"({items / count:.1f} items per structure)")
    return samples


def read_one_partition_like_dynamodb() -> None:
    """moto answers a Query by sorting the whole table (all_items), which makes any search over 1.8 M items take
    seconds whatever it asks. DynamoDB reads one partition: the bench gives moto that behaviour, so the time measured
    is the app's own work plus a partition read."""
    import threading

    from moto.dynamodb.models.table import Table

    state = threading.local()
    original_query, original_all_items = Table.query, Table.all_items

    def query(self, hash_key, *args, **kwargs):
        # An index's partition is not a partition of the table: moto's own reading (index_name, 7th after the key).
        index_name = kwargs.get("index_name", args[6] if len(args) > 6 else None)
        state.partition = None if index_name else hash_key
        try:
            return original_query(self, hash_key, *args, **kwargs)
        finally:
            state.partition = None

    def all_items(self):
        partition = getattr(state, "partition", None)
        if partition is None:
            return original_all_items(self)
        return sorted(self.items.get(partition, {}).values(), key=lambda item: item.range_key.value)

    Table.query, Table.all_items = query, all_items


def measure(label: str, criteria: dict, runs: int = 5) -> None:
    from chalicelib.services import structures

    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = structures.search(criteria)
        times.append(time.perf_counter() - started)
    per_result = result.items_read / result.total if result.total else float("nan")
    print(f"  {label:<34} {result.total:>6} results  {result.items_read:>6} items read  "
          f"{per_result:>5.2f} items/result  median {statistics.median(times) * 1000:>7.1f} ms "
          f"({statistics.median(times) * 1000 / max(result.total, 1):.2f} ms per result)")


def main() -> None:
    count = int(os.environ.get("BENCH_STRUCTURES", 100_000))
    from devstack.aws import use_fake_credentials

    use_fake_credentials()
    from moto import mock_aws

    with mock_aws():
        from devstack.resources import create_resources

        os.environ.update(create_resources())
        samples = seed(count)
        read_one_partition_like_dynamodb()
        print(f"search over {count:,} structures (moto in-process; a DynamoDB Query costs more on AWS, "
              "but items read per result is the same):")
        measure(f"exact SIRET {samples['siret']}", {"identifier": samples["siret"]})
        measure(f"a word of the name: {samples['word']}", {"designation": samples["word"]})
        measure("*menuis*", {"designation": "*menuis*"})
        measure("menuis* (prefix)", {"designation": "menuis*"})
        measure(f"postal code {samples['postal_code']}", {"postal_code": samples["postal_code"]})
        measure(f"city {samples['city']}", {"city": samples["city"]})


if __name__ == "__main__":
    main()
