"""Offers: a portal reads its registrations' offers and accepts or declines them; a corporation reads the
offers on its listings."""
