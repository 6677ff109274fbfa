"""The statutory catalogue as pages: every duty, its period and how it is counted (/law)."""
