"""PynamoDB models and repository functions: the only code that knows table keys and indexes."""
