"""Inbound canonical messages from corporations' systems and portals: stored in the inbox, then applied."""
