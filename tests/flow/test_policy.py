"""Region configuration: the demo region, defaults, and every error reported with its path and line."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from gateway.flow.issues import ConfigError
from gateway.flow.parameters import default_parameter_table
from gateway.flow.policy import RankingRule, RegionPolicy, VoorrangTier, load_region, parse_region
from schemas.referentiedata import Doelgroep, PassendheidDetailSoort, PublicatieModel, SanctieSoort
from tests.flow.builders import region

MINIMAL = """
region: {id: mini, name: Mini}
gemeenten: [{code: GM0268, naam: Nijmegen}]
corporaties:
  - {id: corp-a, name: A, gemeenten: [GM0268], adapter: vera}
"""

BROKEN = """\
region:
  id: Not A Slug
  name: Broken region
gemeenten:
  - {code: GM0202, naam: Arnhem}
  - {code: GM202, naam: Nijmegen}
corporaties:
  - id: corp-a
    name: A
    gemeenten: [GM0202]
    adapter: vera
  - id: corp-b
    name: B
    gemeenten: [GM0202, GM0999]
    adapter: soap_erp
    config:
      endpoint: http://127.0.0.1:9/soap
      password: not-in-the-file
  - id: corp-a
    gemeenten: []
    adapter: csv
portals:
  - {id: portal, name: Portal, url: not a url}
policy:
  ranking: {AAN: inschrijfduur, LOT: dobbelsteen, XYZ: loting}
  voorrang: [URG, BIN/KRN, URG]
  binding_share_cap: 1.5
  offer_deadline_days: 0
  passend_exceptions: [BIJ, NOPE]
  parameter_overrides:
    2026: {aftoppingsgrens_low: "700.001", bogus: 1}
  surprise: true
"""

EXPECTED_BROKEN = {
    # path -> (line, a fragment of the message)
    "region.id": (2, "pattern"),
    "gemeenten[1].code": (6, "pattern"),
    "corporaties[1].gemeenten[1]": (14, "GM0999 is not one of the region's gemeenten"),
    "corporaties[1].config.password": (18, "environment variable"),
    "corporaties[2].id": (19, "already used by corporaties[0]"),
    "corporaties[2].name": (19, "Field required"),
    "corporaties[2].gemeenten": (20, "at least 1 item"),
    "portals[0].url": (23, "pattern"),
    "policy.ranking.LOT": (25, "'inschrijfduur', 'loting' or 'reactiedatum'"),
    "policy.ranking.XYZ": (25, "unknown PUBLICATIEMODEL code 'XYZ'"),
    "policy.voorrang": (26, "'URG' is listed twice"),
    "policy.binding_share_cap": (27, "less than or equal to 1"),
    "policy.offer_deadline_days": (28, "greater than or equal to 1"),
    "policy.passend_exceptions[1]": (29, "unknown PASSENDHEIDDETAILSOORT code 'NOPE'"),
    "policy.parameter_overrides[2026].aftoppingsgrens_low": (31, "at most two decimals"),
    "policy.parameter_overrides[2026].bogus": (31, "Extra inputs"),
    "policy.surprise": (32, "Extra inputs"),
}


def test_demo_region_loads() -> None:
    config = region()
    assert config.region.id == "rijnwaal-demo"
    assert {g.code for g in config.gemeenten} == {"GM0202", "GM0268", "GM0274"}
    assert len(config.corporaties) == 3
    assert sorted(c.adapter for c in config.corporaties) == ["csv", "soap_erp", "vera"]
    assert config.portals
    assert config.policy.rule_for(PublicatieModel.LOT) is RankingRule.LOTING
    assert config.policy.passend_exceptions == [
        PassendheidDetailSoort.BIJ,
        PassendheidDetailSoort.HER,
        PassendheidDetailSoort.HHV,
    ]


def test_demo_region_keeps_secrets_out_of_the_file() -> None:
    for corporatie in region().corporaties:
        for key in corporatie.config:
            if any(word in key for word in ("password", "key", "secret", "token")):
                assert key.endswith("_env"), key


def test_policy_defaults() -> None:
    policy = parse_region(MINIMAL).policy
    assert policy.ranking == {
        PublicatieModel.AAN: RankingRule.INSCHRIJFDUUR,
        PublicatieModel.LOT: RankingRule.LOTING,
        PublicatieModel.EER: RankingRule.REACTIEDATUM,
    }
    assert policy.voorrang == [VoorrangTier.URG, VoorrangTier.BIN_KRN, VoorrangTier.BIN_REG, VoorrangTier.DOE]
    assert policy.binding_share_cap == Decimal("0.5")
    assert policy.regional_binding_share_cap == Decimal("0.5")
    assert policy.offer_deadline_days == 3
    assert policy.end_inschrijving_on_lease is True
    assert policy.passend_exceptions == []  # exceptions only when the region says so
    assert policy.blocking_sanctions == [SanctieSoort.MIL, SanctieSoort.NOS, SanctieSoort.ZWA]
    assert policy.exclusive_doelgroepen == [Doelgroep.JON, Doelgroep.SEN, Doelgroep.STU]


def test_a_model_without_a_rule_is_an_error_when_ranking() -> None:
    with pytest.raises(LookupError, match="no ranking rule for PUBLICATIEMODEL OPT"):
        RegionPolicy().rule_for(PublicatieModel.OPT)


def test_every_error_in_a_broken_file_is_reported_with_path_and_line(tmp_path: Path) -> None:
    path = tmp_path / "broken-region.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_region(path)
    found = {issue.path: issue for issue in caught.value.issues}
    assert set(found) == set(EXPECTED_BROKEN)
    for where, (line, fragment) in EXPECTED_BROKEN.items():
        assert found[where].line == line, where
        assert fragment in found[where].message, where
    lines = [issue.line or 0 for issue in caught.value.issues]
    assert lines == sorted(lines)  # in file order
    assert str(path) in str(caught.value)


def test_errors_do_not_echo_the_values() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_region(BROKEN)
    assert "not-in-the-file" not in str(caught.value)


def test_yaml_syntax_error_gives_line_and_column() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_region("region:\n  id: x\n   name: y\n")
    (issue,) = caught.value.issues
    assert (issue.line, issue.column) == (3, 8)
    assert issue.message.startswith("YAML syntax error")


def test_duplicate_keys_are_reported() -> None:
    text = MINIMAL + "policy:\n  offer_deadline_days: 3\n  offer_deadline_days: 5\n"
    with pytest.raises(ConfigError) as caught:
        parse_region(text)
    (issue,) = caught.value.issues
    assert issue.path == "policy.offer_deadline_days"
    assert issue.line == 8
    assert "duplicate key" in issue.message


def test_an_empty_file_is_an_error_not_a_crash() -> None:
    with pytest.raises(ConfigError, match="valid dictionary"):
        parse_region("")


def test_a_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_region(tmp_path / "nowhere.yaml")


def test_region_overrides_reach_the_parameter_table() -> None:
    text = MINIMAL + "policy:\n  parameter_overrides:\n    2025: {aftoppingsgrens_high: '740.00'}\n"
    table = parse_region(text).parameter_table(default_parameter_table())
    assert table.for_year(2025).aftoppingsgrens_high == Decimal("740.00")
    assert table.for_year(2025).aftoppingsgrens_low == Decimal("682.96")


def test_incomplete_override_year_is_reported_under_policy() -> None:
    text = MINIMAL + "policy:\n  parameter_overrides:\n    2027: {aftoppingsgrens_high: '740.00'}\n"
    config = parse_region(text)
    with pytest.raises(ConfigError) as caught:
        config.parameter_table(default_parameter_table())
    paths = {issue.path for issue in caught.value.issues}
    assert "policy.parameter_overrides[2027].aftoppingsgrens_low" in paths
