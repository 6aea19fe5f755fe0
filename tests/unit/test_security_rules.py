"""Pure rules of « Sécurité et confidentialité »: browser names and marks, TOTP steps, recovery codes."""

from datetime import UTC, datetime, timedelta

import pyotp
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.domain import security

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
T0 = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)  # starts a 30-second step


def test_browsers_are_named_without_keeping_the_header():
    agent = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0"
    assert security.describe_agent(agent) == ("Firefox 121", "Windows 10")
    assert security.describe_agent(None) == (None, None)
    assert security.describe_agent("curl/8.0") == ("curl 8", None)
    assert security.describe_agent("x" * 10_000) == (None, None)  # cut, not parsed whole


def test_a_browser_update_is_not_a_new_browser_but_another_system_is():
    mark = security.browser_mark("Firefox 121", "Windows 10")
    assert mark == security.browser_mark("Firefox 122", "Windows 11")
    assert mark != security.browser_mark("Firefox 121", "Linux")
    assert mark != security.browser_mark("Chrome 121", "Windows 10")
    assert len(mark) == 16


def test_a_code_matches_its_step_and_one_either_side_only():
    step = security.time_step(T0)
    for offset, expected in ((-31, None), (-30, step - 1), (0, step), (29, step), (59, step + 1), (60, None)):
        code = pyotp.TOTP(SECRET).at(T0 + timedelta(seconds=offset))
        assert security.matching_step(SECRET, code, T0, None) == expected, offset


def test_a_step_at_or_before_the_last_used_never_matches():
    step = security.time_step(T0)
    code = pyotp.TOTP(SECRET).at(T0)
    assert security.matching_step(SECRET, code, T0, step) is None
    assert security.matching_step(SECRET, code, T0, step - 1) == step
    later = pyotp.TOTP(SECRET).at(T0 + timedelta(seconds=30))
    assert security.matching_step(SECRET, later, T0, step) == step + 1


def test_digits_of_other_scripts_are_no_code():
    assert security.matching_step(SECRET, "\u0661\u0662\u0663\u0664\u0665\u0666", T0, None) is None


@given(st.text(max_size=12))
def test_anything_but_six_digits_is_no_code(text):
    if not (len(text.strip()) == 6 and text.strip().isdigit() and text.strip().isascii()):
        assert security.matching_step(SECRET, text, T0, None) is None


def test_recovery_codes_are_ten_distinct_and_hashed_per_user_whatever_the_typing():
    codes = security.new_recovery_codes()
    assert len(set(codes)) == 10 and all(len(c) == 11 and c[5] == "-" for c in codes)
    code = codes[0]
    assert security.recovery_hash("u1", code) == security.recovery_hash("u1", code.upper().replace("-", " "))
    assert security.recovery_hash("u1", code) != security.recovery_hash("u2", code)
    assert security.is_recovery_code(code) and not security.is_recovery_code("123456")


def test_the_provisioning_uri_names_the_portal_and_the_login():
    uri = security.provisioning_uri(SECRET, "paul@example.fr")
    assert uri.startswith("otpauth://totp/Chorus%20Pro:paul%40example.fr?secret=" + SECRET)
    assert len(security.new_secret()) == 32
