"""Daily: the dated rattachements ending in 14 days are told, those whose end date passed end (``services.
membership_ends``). Reads only the days it tells about (``ENDING#<day>``), never every rattachement."""


def run() -> dict[str, int]:
    from chalicelib.services import membership_ends

    return membership_ends.run()
