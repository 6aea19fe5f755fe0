"""The soak's closing check (scripts/soak.py ``consistency``) finds what it is there to find."""

from chalicelib.domain import memberships as rules
from chalicelib.domain import subscriptions as spaces
from scripts.soak import consistency


def item(**values) -> dict:
    return {key: {"N": str(value)} if isinstance(value, int) else {"S": value} for key, value in values.items()}


def membership(user: str, structure: str, role: str = rules.USER, status: str = rules.VALIDATED) -> dict:
    return item(pk=f"USER#{user}", sk=f"MEMBERSHIP#{structure}", kind="MEMBERSHIP", user_id=user,
                structure_id=structure, role=role, status=status)


def table() -> list[dict]:
    return [
        item(pk="STRUCTURE#s1", sk="STRUCTURE", kind="STRUCTURE", structure_id="s1", designation="Menuiserie",
             principal_user_id="paul"),
        membership("paul", "s1", rules.PRINCIPAL), membership("julie", "s1"),
        item(pk="USER#julie", sk="SUBSCRIPTION#s1#-#x#y", kind="SUBSCRIPTION", user_id="julie", structure_id="s1",
             status=spaces.VALID),
        item(pk="USER#julie", sk="ATTACHMENT#a1", kind="ATTACHMENT"),
        item(pk="USER#julie", sk="ATTACHMENT_COUNT", kind="ATTACHMENT_COUNT", count=1),
    ]


def test_a_consistent_table_passes():
    assert consistency(table()) == []


def test_each_broken_rule_is_reported():
    two_principals = [*table(), membership("marc", "s1", rules.PRINCIPAL)]
    assert any("2 principal managers" in problem for problem in consistency(two_principals))
    orphan = [one for one in table() if one["sk"]["S"] != "MEMBERSHIP#s1" or one["user_id"]["S"] != "julie"]
    assert any("subscription" in problem for problem in consistency(orphan))
    miscounted = [*table(), item(pk="USER#julie", sk="ATTACHMENT#a2", kind="ATTACHMENT")]
    assert any("attachment count 1, 2 attachments" in problem for problem in consistency(miscounted))
    uncopied = [*table(), membership("marc", "s1", status=rules.PENDING)]
    assert any("no copy" in problem for problem in consistency(uncopied))
