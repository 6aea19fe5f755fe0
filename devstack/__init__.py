"""The embedded local stack of DESIGN.md: moto in server mode, resources from infra/, demo data, one dev server.

Not deployed: nothing under chalicelib imports it.
"""
