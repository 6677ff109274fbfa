"""Users, roles, passwords, sessions, API tokens and the permission policy."""
