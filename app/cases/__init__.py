"""The case registry: cases, detainees, engagements (委托) with their documents, case events."""
