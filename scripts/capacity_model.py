"""The arithmetic of docs/capacity.md: ``python scripts/capacity_model.py`` prints its tables (no AWS, no moto).

Per-call inputs are those ``scripts/capacity_inputs.py`` printed on 2026-11-30 (copy them again when it changes);
the call mix, the volumes and the prices are assumptions, each in one table below, so that the doc and this script
stay easy to update. Prices: eu-west-3 (Paris) list prices in USD as known at mid-2025, to be checked on the AWS
pricing pages before any decision.
"""

import math

DAY_CALLS = 18_000_000
USERS = 1_100_000
DAYS_PER_MONTH = 30.4
PEAK_FACTOR = 5  # peak hour = 5 x the average hour
MEMORY_GB = 1.0  # .chalice/config.json, stage prod (dev: 512 MB)
CPU_FACTOR = {1.0: 1.7, 0.5: 3.5}  # Lambda CPU share (1 vCPU at 1,769 MB) against one core of the measuring machine
LAMBDA_OVERHEAD_MS = 3  # Chalice routing, response, billed rounding

# call: (share of the 18 M calls, RRU, WRU incl. gsi1, handler ms measured here, DynamoDB requests)
CALLS = {
    "POST /auth/login": (0.05, 4.5, 5, 62.3, 4),
    "GET /me (banner, every page)": (0.35, 2, 0, 7.3, 2),
    "GET /account": (0.15, 3, 0, 27.6, 2),
    "PUT /account": (0.01, 1, 1, 20.4, 2),
    "GET /structures (word, prefix)": (0.08, 1.5, 0, 13.0, 2),
    "GET /structures (*contains*)": (0.04, 2, 0, 21.4, 3),
    "GET /structures/{id}": (0.08, 3, 0, 17.2, 2),
    "GET /structures/{id}/members": (0.05, 2.5, 0, 22.7, 2),
    "POST /structures/{id}/memberships": (0.001, 4.5, 6, 81.1, 6),
    "GET /manager/requests": (0.10, 2, 0, 18.1, 2),
    "POST /manager/requests/decide": (0.001, 5.5, 13, 186.9, 7),  # half VALIDER (17 WRU), half REFUSER (9)
    "POST /structures (create)": (300_000 / 365 / DAY_CALLS, 4, 43, 161.1, 6),
    "POST /auth/logout": (0.04, 1, 1, 5.0, 2),
    "other (recovery, sign-up, export, roles...)": (None, 3, 2, 40.0, 3),  # the rest of the 18 M, assumed
}

# USD, eu-west-3, list prices as known at mid-2025: to be checked.
PRICES = {
    "dynamodb_rru_per_million": 0.148,  # on-demand read request units (after the Nov 2024 cut)
    "dynamodb_wru_per_million": 0.74,  # on-demand write request units
    "dynamodb_gb_month": 0.30,  # Standard table class storage
    "dynamodb_pitr_gb_month": 0.24,  # continuous backups
    "lambda_gb_second": 0.0000166667,  # x86 (arm64: 0.0000133334)
    "lambda_requests_per_million": 0.20,
    "apigw_rest_per_million": 3.50,  # REST API, first 333 M a month (HTTP API: about 1.00-1.10)
    "cloudfront_gb_europe": 0.085,  # data transfer out, first 10 TB
    "cloudfront_https_per_10k": 0.012,
    "cloudfront_origin_gb": 0.020,  # CloudFront to the origin (API Gateway)
    "s3_gb_month": 0.024,
    "s3_put_per_1k": 0.0053,
    "s3_get_per_1k": 0.00042,
    "s3_transfer_out_gb": 0.09,  # presigned downloads go straight to S3
    "ses_per_1k_mails": 0.10,
    "waf_web_acl_month": 5.0,
    "waf_rule_month": 1.0,
    "waf_requests_per_million": 0.60,
    "cloudwatch_logs_ingest_gb": 0.53,
    "cloudwatch_logs_store_gb_month": 0.031,
}

# Volumes beyond the API calls (assumptions).
PAGE_VIEWS_PER_DAY = CALLS["GET /me (banner, every page)"][0] * DAY_CALLS  # every page asks for the banner
COLD_PAGE_KB, WARM_PAGE_KB = 330, 8  # first visit (HTML, DSFR css and js, 3 woff2 fonts) / cached assets
COLD_SHARE = 0.10  # page views that download the assets (new browser, new release)
COLD_OBJECTS, WARM_OBJECTS = 12, 1
API_RESPONSE_KB = 2.5  # mean API response on the wire (gzip off), the request ~1 KB
ATTACHMENTS_PER_DAY = 3_000  # uploads; mean 1.5 MB, up to 4 MB
ATTACHMENT_MB = 1.5
ATTACHMENT_DOWNLOADS_PER_DAY = 6_000
ATTACHMENTS_STORED = 2_000_000  # in the bucket, growing
LOG_KB_PER_INVOCATION = 0.8  # START/END/REPORT lines and one access line
MAILS_PER_MONTH = {
    "daily digests (invoice events, working days)": 150_000 * 21,
    "weekly recaps (half the users have notifications on)": 550_000 * 52 / 12,
    "requests and decisions": 2 * 18_000 * DAYS_PER_MONTH,
    "password expiry reminders (J-14, J-1)": 2 * USERS / 180 * DAYS_PER_MONTH,
    "activation, reset, unlock, reactivation": 20_000 * DAYS_PER_MONTH,
}
INVOICES_PER_YEAR = 70_000_000
INVOICE_EVENT_WRU = 2  # an event item in the recipient's feed and one in the day's digest shard (design, not built)

# Storage: items and sizes measured (bytes as DynamoDB counts them, + 100 bytes of overhead per item).
STRUCTURES = 1_500_000  # today's structures (assumed), + 300,000 a year
ITEM_OVERHEAD = 100
PER_USER_ITEMS = {  # kind: (items per user, bytes, also on gsi1)
    "USER": (1, 516, False), "CREDENTIALS": (1, 336, False), "LOGIN": (1, 90, False),
    "MEMBERSHIP": (1.5, 630, True), "SUBSCRIPTION": (4, 336, False), "REMINDER": (2, 175, False),
    "SESSION (live, TTL)": (1.5, 479, False), "ATTEMPTS, tokens": (0.2, 150, False),
}
PER_STRUCTURE_ITEMS = {"STRUCTURE": (1, 390, False), "IDENTIFIER": (1, 97, False), "SERVICE": (1.5, 142, False),
                       "SEARCH (index)": (21.8, 260, False)}


def call_table():
    named = sum(share for share, *_ in CALLS.values() if share is not None)
    rows = []
    for name, (share, rru, wru, ms, requests) in CALLS.items():
        share = 1 - named if share is None else share
        rows.append((name, share, share * DAY_CALLS, rru, wru, ms, requests))
    return rows


def lambda_ms(ms: float, memory_gb: float) -> float:
    return ms * CPU_FACTOR[memory_gb] + LAMBDA_OVERHEAD_MS


def storage_gb():
    def total(items, count):
        data = sum(n * (size + ITEM_OVERHEAD) * (2 if gsi else 1) for n, size, gsi in items.values())
        return data * count / 1e9

    return total(PER_USER_ITEMS, USERS), total(PER_STRUCTURE_ITEMS, STRUCTURES)


def main() -> None:
    p = PRICES
    rows = call_table()
    print("| call | share | calls/day | RRU/call | WRU/call | RRU/day | WRU/day | Lambda ms (1024 MB) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    rru_day = wru_day = gbs_day = gbs_day_512 = weighted_ms = requests_day = 0
    for name, share, calls, rru, wru, ms, requests in rows:
        rru_day += calls * rru
        wru_day += calls * wru
        duration = lambda_ms(ms, 1.0)
        gbs_day += calls * duration / 1000 * MEMORY_GB
        gbs_day_512 += calls * lambda_ms(ms, 0.5) / 1000 * 0.5
        weighted_ms += share * duration
        requests_day += calls * requests
        print(f"| {name} | {share:.3%} | {calls:,.0f} | {rru:g} | {wru:g} | {calls * rru:,.0f} | {calls * wru:,.0f} "
              f"| {duration:.0f} |")
    invoice_wru_day = INVOICES_PER_YEAR * INVOICE_EVENT_WRU / 365
    print(f"| invoice events (design: feed + digest shard) | | {INVOICES_PER_YEAR / 365:,.0f} | | "
          f"{INVOICE_EVENT_WRU} | | {invoice_wru_day:,.0f} | |")
    wru_day_all = wru_day + invoice_wru_day
    print()
    print(f"DynamoDB requests/day {requests_day:,.0f}; RRU/day {rru_day:,.0f}; WRU/day {wru_day_all:,.0f} "
          f"(API {wru_day:,.0f} + invoice events {invoice_wru_day:,.0f})")
    print(f"Lambda: {DAY_CALLS:,} invocations/day, mean {weighted_ms:.1f} ms at 1024 MB; GB-s/day {gbs_day:,.0f} "
          f"at 1024 MB, {gbs_day_512:,.0f} at 512 MB")
    users_gb, structures_gb = storage_gb()
    stored_gb = users_gb + structures_gb

    month = DAYS_PER_MONTH
    cloudfront_requests = PAGE_VIEWS_PER_DAY * (COLD_SHARE * COLD_OBJECTS + (1 - COLD_SHARE) * WARM_OBJECTS) + DAY_CALLS
    static_gb = PAGE_VIEWS_PER_DAY * (COLD_SHARE * COLD_PAGE_KB + (1 - COLD_SHARE) * WARM_PAGE_KB) / 1e6
    api_gb_out = DAY_CALLS * API_RESPONSE_KB / 1e6
    api_gb_in = DAY_CALLS * 1.0 / 1e6
    mails = sum(MAILS_PER_MONTH.values())
    attachments_gb = ATTACHMENTS_STORED * ATTACHMENT_MB / 1000
    log_gb = DAY_CALLS * LOG_KB_PER_INVOCATION / 1e6
    costs = {
        "DynamoDB reads": rru_day * month / 1e6 * p["dynamodb_rru_per_million"],
        "DynamoDB writes": wru_day_all * month / 1e6 * p["dynamodb_wru_per_million"],
        "DynamoDB storage + PITR": stored_gb * (p["dynamodb_gb_month"] + p["dynamodb_pitr_gb_month"]),
        "Lambda requests": DAY_CALLS * month / 1e6 * p["lambda_requests_per_million"],
        "Lambda GB-s (1024 MB)": gbs_day * month * p["lambda_gb_second"],
        "API Gateway REST": DAY_CALLS * month / 1e6 * p["apigw_rest_per_million"],
        "CloudFront requests": cloudfront_requests * month / 1e4 * p["cloudfront_https_per_10k"],
        "CloudFront transfer out": (static_gb + api_gb_out) * month * p["cloudfront_gb_europe"],
        "CloudFront to origin": api_gb_in * month * p["cloudfront_origin_gb"],
        "WAF": p["waf_web_acl_month"] + 5 * p["waf_rule_month"]
        + cloudfront_requests * month / 1e6 * p["waf_requests_per_million"],
        "S3 attachments": attachments_gb * p["s3_gb_month"] + ATTACHMENTS_PER_DAY * month / 1000 * p["s3_put_per_1k"]
        + ATTACHMENT_DOWNLOADS_PER_DAY * month * (p["s3_get_per_1k"] / 1000
                                                  + ATTACHMENT_MB / 1000 * p["s3_transfer_out_gb"]),
        "SES": mails / 1000 * p["ses_per_1k_mails"],
        "CloudWatch Logs": log_gb * month * p["cloudwatch_logs_ingest_gb"]
        + log_gb * 30 * p["cloudwatch_logs_store_gb_month"],
    }
    print(f"storage: users {users_gb:.1f} GB, structures {structures_gb:.1f} GB (index items included), "
          f"gsi1 copies included; attachments {attachments_gb:,.0f} GB in S3")
    print(f"CloudFront: {cloudfront_requests:,.0f} requests/day, {static_gb + api_gb_out:,.1f} GB/day out "
          f"(static {static_gb:,.1f}, API {api_gb_out:,.1f}); page views/day {PAGE_VIEWS_PER_DAY:,.0f}")
    print(f"SES: {mails:,.0f} mails/month; logs {log_gb:.1f} GB/day")
    print()
    print("| item | USD/month |")
    print("|---|---:|")
    for name, cost in costs.items():
        print(f"| {name} | {cost:,.0f} |")
    print(f"| **total** | **{sum(costs.values()):,.0f}** |")
    print()
    average_rps = DAY_CALLS / 86400
    peak_rps = average_rps * PEAK_FACTOR
    print(f"average {average_rps:,.0f} calls/s, peak hour {peak_rps:,.0f} calls/s; Lambda concurrency at peak "
          f"{peak_rps * weighted_ms / 1000:,.0f} (mean {weighted_ms:.0f} ms at 1024 MB)")
    print(f"DynamoDB at peak: {rru_day / 86400 * PEAK_FACTOR:,.0f} RRU/s, {wru_day_all / 86400 * PEAK_FACTOR:,.0f} "
          f"WRU/s, {requests_day / 86400 * PEAK_FACTOR:,.0f} requests/s")
    logins = CALLS["POST /auth/login"][0] * DAY_CALLS
    print(f"logins at peak {logins / 86400 * PEAK_FACTOR:,.0f}/s; "
          f"argon2 GB-s/day {logins * 23.7 * CPU_FACTOR[1.0] / 1000:,.0f} of {gbs_day:,.0f}")
    for name, (_, rru, wru, *_) in CALLS.items():
        assert math.isfinite(rru + wru), name


if __name__ == "__main__":
    main()
