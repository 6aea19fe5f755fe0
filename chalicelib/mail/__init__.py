"""Mails: SES v2 sending and the templates (French and English, HTML and text)."""
