"""lawmeet: lawyer meetings and defence rights, kept on time."""
