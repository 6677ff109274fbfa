"""Reference organisations: detention centres, case-handling agencies, bar associations."""
