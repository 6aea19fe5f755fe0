"""Build the archives of « Télécharger mes données », one queue message per request (``{"user_id": …}``)."""

import json

from chalicelib.services import data_export


def handle(bodies: list[str]) -> int:
    built = 0
    for body in bodies:
        built += data_export.build(json.loads(body)["user_id"])
    return built
