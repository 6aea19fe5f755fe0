"""Scheduled functions: hourly housekeeping and the daily password-expiry reminders."""
