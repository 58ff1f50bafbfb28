"""The shared allocation flow. Its pure core lives here:

- `parameters`: the yearly legal figures (income and rent limits, AOW age), chosen by allocation date,
  and the Dutch calendar year every count uses (`dutch_year_bounds`);
- `policy`: a region's configuration (gemeenten, corporaties, portals, allocation policy) from YAML;
- `eligibility`: who may rent a unit, with a reason code per rejection, and passend toewijzen;
- `ranking`: the explained, deterministic Kandidatenlijst, with a verifiable lottery;
- `sanctions`: which refusals count and when they add up to a Sanctie;
- `binding`: the cap on listings with binding, and whether a household had binding;
- `herkomst`: where a housed seeker came from;
- `quotas`: the one count of lettings, the quota shares and the warnings an allocation raises.

These do no I/O except the loaders at the edge (`load_parameter_table`, `load_region`), the lottery's
`new_lotingzaad` and the quotas' counts; allocation dates are arguments, never today's date. The flow
service (`service`) builds on them: it loads, stores and sequences. Messages from outside reach it
through the inbound pipeline (`gateway.inbound`).
"""
