"""Registrations: a portal creates, replaces and reads its own; the BSN goes back only to that portal."""
