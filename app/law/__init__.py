"""The law as the app states it to people: legal references in words."""
