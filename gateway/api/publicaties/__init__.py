"""Listings: list and read them (portal, admin: all; a corporation: its own), and figures for municipalities."""
