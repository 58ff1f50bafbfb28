"""Candidate lists: the owning corporation reads the ranked list of its listing, minimised."""
