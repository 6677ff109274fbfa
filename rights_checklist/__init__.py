"""The statutory catalogue, defence submissions, complaints and the per-case rights checklist."""
