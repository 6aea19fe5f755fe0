"""Pure rules of the account domain: no AWS, no Chalice, no storage."""
