"""The published yearly figures, typed in by hand from the Rijksoverheid/Belastingdienst publications.

Kept apart from gateway/flow/data/parameters.yaml on purpose: the tests compare the two, so a typo in
the shipped table fails a test instead of deciding allocations.
"""

from __future__ import annotations

from typing import Any

PUBLISHED: dict[int, dict[str, Any]] = {
    2024: {
        "daeb_income_limit_single": "47699",
        "daeb_income_limit_multi": "52671",
        "passend_income_limit_single": "27725",
        "passend_income_limit_multi": "37625",
        "passend_income_limit_single_aow": "27225",
        "passend_income_limit_multi_aow": "36675",
        "aftoppingsgrens_low": "650.43",
        "aftoppingsgrens_high": "697.07",
        "kwaliteitskortingsgrens": "454.47",
        "liberalisatiegrens": "879.66",
        "aow_age_years": 67,
        "aow_age_months": 0,
        "aow_age_previous_years": 66,  # 2023: 66 years and 10 months
        "aow_age_previous_months": 10,
    },
    2025: {
        "daeb_income_limit_single": "49669",
        "daeb_income_limit_multi": "54847",
        "passend_income_limit_single": "28375",
        "passend_income_limit_multi": "38500",
        "passend_income_limit_single_aow": "27775",
        "passend_income_limit_multi_aow": "37350",
        "aftoppingsgrens_low": "682.96",
        "aftoppingsgrens_high": "731.93",
        "kwaliteitskortingsgrens": "477.20",
        "liberalisatiegrens": "900.07",
        "aow_age_years": 67,
        "aow_age_months": 0,
        "aow_age_previous_years": 67,
        "aow_age_previous_months": 0,
    },
    2026: {
        "daeb_income_limit_single": "51537",
        "daeb_income_limit_multi": "56910",
        "passend_income_limit_single": "29400",
        "passend_income_limit_multi": "39925",
        "passend_income_limit_single_aow": "28775",
        "passend_income_limit_multi_aow": "38650",
        "aftoppingsgrens_low": "713.02",
        "aftoppingsgrens_high": "764.14",
        "kwaliteitskortingsgrens": "498.20",
        "liberalisatiegrens": "932.93",
        # SVB: 67 years up to and including 2027; 67 years and 3 months only from 2028.
        "aow_age_years": 67,
        "aow_age_months": 0,
        "aow_age_previous_years": 67,
        "aow_age_previous_months": 0,
    },
}
