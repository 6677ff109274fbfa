"""Reading the audit trail: which entries a reader may see (an admin all, a bar auditor those
of the users in their jurisdiction), filtered and paged.

Kept apart from `app.audit`, which only writes and verifies the chain, because the reader's scope
is drawn from accounts (and later from cases), which themselves write to the audit trail."""
