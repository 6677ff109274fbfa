"""JSON API under /api/v1: bearer tokens, pydantic models, problem+json errors, OpenAPI."""
