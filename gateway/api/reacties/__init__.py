"""Responses: a portal responds to a listing for one of its registrations, and withdraws the response."""
