"""Vendor webhooks: a corporation's system pushes what changed; parsed by its adapter, then the inbound pipeline."""
