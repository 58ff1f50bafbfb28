"""The store's schema revisions, oldest first; each says what it adds and why."""
