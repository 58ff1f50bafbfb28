"""The demo region: three fictional corporations on the three reference adapters and their simulated
vendor systems, a few hundred fictional seekers and a few dozen listings, run end to end."""
