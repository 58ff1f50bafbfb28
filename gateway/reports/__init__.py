"""Reports for municipalities and corporations: the year's lettings and the figures the law and the
region set norms for, per gemeente and per corporation. Aggregates only — never a person."""
