"""Scheduled functions: hourly housekeeping, the daily password-expiry reminders and the daily check of stale
requests."""
