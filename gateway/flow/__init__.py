"""The shared allocation flow. Its pure core lives here:

- `parameters`: the yearly legal figures (income and rent limits, AOW age), chosen by allocation date;
- `policy`: a region's configuration (gemeenten, corporaties, portals, allocation policy) from YAML;
- `eligibility`: who may rent a unit, with a reason code per rejection, and passend toewijzen;
- `ranking`: the explained, deterministic Kandidatenlijst, with a verifiable lottery.

These four do no I/O except the loaders at the edge (`load_parameter_table`, `load_region`) and the
lottery's `new_lotingzaad`; allocation dates are arguments, never today's date. The flow service in this
package builds on them.
"""
