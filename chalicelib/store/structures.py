"""Repository of structures, their services, and the memberships and subscriptions that link users to them."""

from datetime import datetime

from pynamodb.transactions import TransactWrite

from chalicelib.store.models import Membership, Service, Structure, Subscription, bind, transaction_connection, user_pk

STRUCTURE_SK = "STRUCTURE"


def _structure_pk(structure_id: str) -> str:
    return f"STRUCTURE#{structure_id}"


def create_structure(structure_id: str, values: dict, services: list[dict]) -> Structure:
    bind()
    structure = Structure(_structure_pk(structure_id), STRUCTURE_SK, structure_id=structure_id, **values)
    with TransactWrite(connection=transaction_connection()) as transaction:
        transaction.save(structure, condition=Structure.pk.does_not_exist())
        for service in services:
            transaction.save(
                Service(
                    _structure_pk(structure_id), f"SERVICE#{service['code']}", structure_id=structure_id, **service
                ),
                condition=Service.pk.does_not_exist(),
            )
    return structure


def add_membership(
    user_id: str, structure: Structure, role: str, status: str, valid_from: datetime, service_codes: list[str] | None
) -> None:
    bind()
    Membership(
        user_pk(user_id), f"MEMBERSHIP#{structure.structure_id}",
        user_id=user_id, structure_id=structure.structure_id, identifier=structure.identifier,
        designation=structure.designation, role=role, status=status, valid_from=valid_from,
        service_codes=service_codes or None,
        gsi1pk=_structure_pk(structure.structure_id), gsi1sk=f"MEMBER#{user_id}",
    ).save(condition=Membership.pk.does_not_exist())


def add_subscription(
    user_id: str, structure: Structure, service: dict | None, space: str, habilitation: str, status: str
) -> None:
    bind()
    service_code = service["code"] if service else "-"
    Subscription(
        user_pk(user_id), f"SUBSCRIPTION#{structure.structure_id}#{service_code}#{space}#{habilitation}",
        user_id=user_id, structure_id=structure.structure_id, identifier=structure.identifier,
        designation=structure.designation, service_code=service["code"] if service else None,
        service_name=service["name"] if service else None, space=space, habilitation=habilitation, status=status,
    ).save(condition=Subscription.pk.does_not_exist())
