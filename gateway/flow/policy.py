"""A region's configuration: who takes part (gemeenten, corporaties, portals) and its allocation policy.

A region file is YAML (see `gateway/flow/data/demo-region.yaml`). `load_region(path)` reads it and
reports every problem at once, each with its path in the file (`corporaties[1].gemeenten[0]`) and its
line: pydantic's field errors, YAML syntax errors, duplicate keys and the cross-checks between sections
(a corporation's gemeente must belong to the region, ids must be unique, secrets must come from the
environment). `parse_region(text)` does the same for text; the models themselves are pure data.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Self, TypeVar

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, ValidationError, field_validator
from pydantic_core import PydanticCustomError

from gateway.flow.issues import (
    ConfigError,
    ConfigIssue,
    PathPart,
    format_path,
    issues_from_validation,
    yaml_syntax_issue,
)
from gateway.flow.parameters import Euro, ParameterTable
from schemas.codelist import Codelijst
from schemas.referentiedata import Doelgroep, PassendheidDetailSoort, PublicatieModel, SanctieSoort

__all__ = [
    "DEMO_REGION",
    "CorporatieConfig",
    "GemeenteConfig",
    "ParameterOverride",
    "PortalConfig",
    "RankingRule",
    "RegionConfig",
    "RegionInfo",
    "RegionPolicy",
    "VoorrangTier",
    "load_region",
    "parse_region",
]

_C = TypeVar("_C", bound=Codelijst)

DEMO_REGION = Path(__file__).resolve().parent / "data" / "demo-region.yaml"
"""The demo region shipped with Woonbrug: three corporations on the VERA, SOAP and CSV adapters."""


def _code_parser(codelist: type[_C]) -> Callable[[Any], Any]:
    """Region files name VERA codes plainly (`LOT`), not as `{"code": "LOT"}` objects."""

    def parse(value: Any) -> Any:
        if isinstance(value, str):
            return codelist.from_code(value.strip())
        if isinstance(value, codelist):
            return value
        raise PydanticCustomError("vera_code", "expected a {soort} code", {"soort": codelist.soort})

    return parse


def _code_text(member: Codelijst) -> str:
    return member.code


PublicatieModelCode = Annotated[
    PublicatieModel, BeforeValidator(_code_parser(PublicatieModel)), PlainSerializer(_code_text, return_type=str)
]
PassendheidDetailCode = Annotated[
    PassendheidDetailSoort,
    BeforeValidator(_code_parser(PassendheidDetailSoort)),
    PlainSerializer(_code_text, return_type=str),
]
SanctieSoortCode = Annotated[
    SanctieSoort, BeforeValidator(_code_parser(SanctieSoort)), PlainSerializer(_code_text, return_type=str)
]
DoelgroepCode = Annotated[
    Doelgroep, BeforeValidator(_code_parser(Doelgroep)), PlainSerializer(_code_text, return_type=str)
]

GemeenteCode = Annotated[str, Field(pattern=r"^GM[0-9]{4}$", description="CBS gemeentecode, e.g. GM0268")]
Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9._-]{0,62}$", description="lower-case identifier")]
AdapterName = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,62}$", description="adapter entry-point name")]
Name = Annotated[str, Field(min_length=1, max_length=200)]


class _Config(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)


class RankingRule(StrEnum):
    """How candidates are ordered after the voorrang tiers."""

    INSCHRIJFDUUR = "inschrijfduur"
    """Longest registered first (earliest Inschrijving.begindatum)."""
    LOTING = "loting"
    """A verifiable lottery: lowest lot number first (see gateway.flow.ranking)."""
    REACTIEDATUM = "reactiedatum"
    """First responder first (earliest Kandidaat.reactiedatum)."""


class TieBreaker(StrEnum):
    """What decides between candidates equal on voorrang and on the publicatiemodel's own key."""

    INSCHRIJFDATUM = "inschrijfdatum"
    """Earlier Inschrijving.begindatum first (registered longer, in time, not in the database)."""
    REACTIEDATUM = "reactiedatum"
    """Earlier response first."""
    LOTING = "loting"
    """The listing's lot (gateway.flow.lottery): settles every tie, so nothing after it counts."""


def _default_tie_breakers() -> list[TieBreaker]:
    return [TieBreaker.INSCHRIJFDATUM, TieBreaker.LOTING]


class VoorrangTier(StrEnum):
    """A voorrang tier. Codes are VERA's (EENHEIDCRITERIUMSOORT, with its detailsoort where it has one)."""

    URG = "URG"
    """Urgentie: the household holds a Voorrangsregeling of soort URG valid on the allocation date."""
    BIN_KRN = "BIN/KRN"
    """Local binding: the unit lists criterion BIN/KRN and the household lives in the unit's gemeente."""
    BIN_REG = "BIN/REG"
    """Regional binding: the unit lists criterion BIN/REG and the household lives in the region."""
    DOE = "DOE"
    """Doelgroep: the unit (or one of its criteria) names a doelgroep that the household belongs to."""


class ParameterOverride(_Config):
    """A region's own figures for one year; any field left out keeps the national figure."""

    daeb_income_limit_single: Euro | None = None
    daeb_income_limit_multi: Euro | None = None
    passend_income_limit_single: Euro | None = None
    passend_income_limit_multi: Euro | None = None
    passend_income_limit_single_aow: Euro | None = None
    passend_income_limit_multi_aow: Euro | None = None
    aftoppingsgrens_low: Euro | None = None
    aftoppingsgrens_high: Euro | None = None
    kwaliteitskortingsgrens: Euro | None = None
    liberalisatiegrens: Euro | None = None
    aow_age_years: int | None = Field(default=None, ge=60, le=75)
    aow_age_months: int | None = Field(default=None, ge=0, le=11)
    aow_age_previous_years: int | None = Field(default=None, ge=60, le=75)
    aow_age_previous_months: int | None = Field(default=None, ge=0, le=11)


def _default_ranking() -> dict[PublicatieModel, RankingRule]:
    return {
        PublicatieModel.AAN: RankingRule.INSCHRIJFDUUR,
        PublicatieModel.LOT: RankingRule.LOTING,
        PublicatieModel.EER: RankingRule.REACTIEDATUM,
    }


def _default_voorrang() -> list[VoorrangTier]:
    return [VoorrangTier.URG, VoorrangTier.BIN_KRN, VoorrangTier.BIN_REG, VoorrangTier.DOE]


def _unique(values: Sequence[Any]) -> None:
    seen: set[Any] = set()
    for value in values:
        if value in seen:
            raise ValueError(f"'{getattr(value, 'value', value)}' is listed twice")
        seen.add(value)


class RegionPolicy(_Config):
    """The allocation rules the region agreed on (its huisvestingsverordening, in configuration)."""

    ranking: dict[PublicatieModelCode, RankingRule] = Field(default_factory=_default_ranking)
    voorrang: list[VoorrangTier] = Field(default_factory=_default_voorrang, max_length=10)
    tie_breakers: list[TieBreaker] = Field(default_factory=_default_tie_breakers, max_length=3)
    # Huisvestingswet 2014 art. 14: the share of a gemeente's yearly supply that may go with local
    # (BIN/KRN) and with regional (BIN/REG) binding, each on its own; gateway.flow.binding holds them.
    binding_share_cap: Decimal = Field(default=Decimal("0.5"), ge=0, le=1)
    regional_binding_share_cap: Decimal = Field(default=Decimal("0.5"), ge=0, le=1)
    offer_deadline_days: int = Field(default=3, ge=1, le=60)
    refusals_before_sanction: int = Field(default=2, ge=1, le=20)
    end_inschrijving_on_lease: bool = True
    passend_exceptions: list[PassendheidDetailCode] = Field(default_factory=list)
    # Free room (gateway.flow.free_room): non-passend lettings per corporation and year, at most the 5% the
    # Woningwet (art. 46) leaves; DAEB lettings above the income limit, 7.5%, or 15% where the region agreed it.
    passend_free_share: Decimal = Field(default=Decimal("0.05"), ge=0, le=Decimal("0.05"))
    daeb_free_share: Decimal = Field(default=Decimal("0.075"), ge=0, le=Decimal("0.15"))
    blocking_sanctions: list[SanctieSoortCode] = Field(
        default_factory=lambda: [SanctieSoort.MIL, SanctieSoort.NOS, SanctieSoort.ZWA]
    )
    exclusive_doelgroepen: list[DoelgroepCode] = Field(
        default_factory=lambda: [Doelgroep.JON, Doelgroep.SEN, Doelgroep.STU]
    )
    jongeren_max_age: int = Field(default=22, ge=16, le=40)
    senioren_min_age: int = Field(default=55, ge=40, le=90)
    parameter_overrides: dict[int, ParameterOverride] = Field(default_factory=dict)

    @field_validator("voorrang", "tie_breakers", "passend_exceptions", "blocking_sanctions", "exclusive_doelgroepen")
    @classmethod
    def _no_duplicates(cls, values: list[Any]) -> list[Any]:
        _unique(values)
        return values

    @field_validator("parameter_overrides")
    @classmethod
    def _plausible_years(cls, overrides: dict[int, ParameterOverride]) -> dict[int, ParameterOverride]:
        for year in overrides:
            if not 2000 <= year <= 2100:
                raise ValueError(f"override year {year} is not a plausible year")
        return overrides

    def rule_for(self, model: PublicatieModel) -> RankingRule:
        """The ranking rule for a publicatiemodel; a model the region did not configure is an error."""
        try:
            return self.ranking[model]
        except KeyError:
            raise LookupError(
                f"the region has no ranking rule for PUBLICATIEMODEL {model.code} ({model.naam})"
            ) from None

    def overrides_as_figures(self) -> dict[int, dict[str, Any]]:
        return {year: override.model_dump(exclude_none=True) for year, override in self.parameter_overrides.items()}


class RegionInfo(_Config):
    id: Slug
    name: Name


class GemeenteConfig(_Config):
    """A municipality in the region by its CBS code."""

    code: GemeenteCode
    naam: Name
    # The housing expected to become available in a year (listings), for the binding cap of the
    # Huisvestingswet 2014 art. 14; left out: the gemeente's listings of the year before.
    verwacht_aanbod: int | None = Field(default=None, ge=1, le=1_000_000)


class CorporatieConfig(_Config):
    """A corporation: where it lets homes, which adapter connects its system, and that adapter's settings.

    `config` is the adapter's own configuration; secrets are not written here but named as environment
    variables (`api_key_env: CORP_A_API_KEY`), which the adapter's settings model reads.
    """

    id: Slug
    name: Name
    gemeenten: list[GemeenteCode] = Field(min_length=1)
    adapter: AdapterName
    config: dict[str, Any] = Field(default_factory=dict)


class PortalConfig(_Config):
    """A home seekers' portal that talks to the gateway API for the region."""

    id: Slug
    name: Name
    url: Annotated[str, Field(pattern=r"^https?://\S+$")] | None = None


class RegionConfig(_Config):
    """A whole region file: the region, its gemeenten, corporaties, portals and policy."""

    region: RegionInfo
    gemeenten: list[GemeenteConfig] = Field(min_length=1)
    corporaties: list[CorporatieConfig] = Field(min_length=1)
    portals: list[PortalConfig] = Field(default_factory=list)
    policy: RegionPolicy = Field(default_factory=RegionPolicy)

    @property
    def gemeente_codes(self) -> frozenset[str]:
        return frozenset(g.code for g in self.gemeenten)

    @property
    def verwacht_aanbod(self) -> dict[str, int]:
        """The expected yearly supply of the gemeenten that state one."""
        return {g.code: g.verwacht_aanbod for g in self.gemeenten if g.verwacht_aanbod is not None}

    def corporatie(self, corporatie_id: str) -> CorporatieConfig:
        for corporatie in self.corporaties:
            if corporatie.id == corporatie_id:
                return corporatie
        raise LookupError(f"no corporatie '{corporatie_id}' in region {self.region.id}")

    def parameter_table(self, national: ParameterTable) -> ParameterTable:
        """The national table with this region's overrides; errors located under policy.parameter_overrides."""
        try:
            return national.with_overrides(self.policy.overrides_as_figures())
        except ConfigError as error:
            issues = [ConfigIssue(f"policy.parameter_overrides{issue.path}", issue.message) for issue in error.issues]
            raise ConfigError(f"region {self.region.id}", issues) from None

    @classmethod
    def from_data(cls, data: object, source: str = "region") -> Self:
        """Validate a parsed mapping; every problem (field errors and cross-checks) in one ConfigError."""
        issues: list[ConfigIssue] = []
        config: Self | None = None
        try:
            config = cls.model_validate(data)
        except ValidationError as error:
            issues += issues_from_validation(error)
        issues += _cross_check(data)
        if issues or config is None:
            raise ConfigError(source, issues)
        return config


# Field names that hold a secret when given a literal value (they must name an environment variable).
_SECRET_KEY = re.compile(r"(password|passwd|secret|token|api_?key|credential|wachtwoord)", re.IGNORECASE)


def _cross_check(data: object) -> list[ConfigIssue]:
    """Checks across sections, run on the raw mapping so they are reported beside field errors."""
    if not isinstance(data, Mapping):
        return []
    issues: list[ConfigIssue] = []
    gemeenten = _list(data.get("gemeenten"))
    region_codes = {g.get("code") for g in gemeenten if isinstance(g, Mapping)}
    issues += _duplicates("gemeenten", gemeenten, "code")
    corporaties = _list(data.get("corporaties"))
    issues += _duplicates("corporaties", corporaties, "id")
    issues += _duplicates("portals", _list(data.get("portals")), "id")
    known = ", ".join(sorted(str(code) for code in region_codes if isinstance(code, str)))
    for index, corporatie in enumerate(corporaties):
        if not isinstance(corporatie, Mapping):
            continue
        for position, code in enumerate(_list(corporatie.get("gemeenten"))):
            if isinstance(code, str) and code not in region_codes:
                issues.append(
                    ConfigIssue(
                        f"corporaties[{index}].gemeenten[{position}]",
                        f"gemeente {code} is not one of the region's gemeenten ({known})",
                    )
                )
        config = corporatie.get("config")
        if isinstance(config, Mapping):
            issues += _literal_secrets(config, ["corporaties", index, "config"])
    return issues


def _list(value: object) -> list[Any]:
    return list(value) if isinstance(value, list) else []


def _duplicates(section: str, items: list[Any], key: str) -> list[ConfigIssue]:
    issues = []
    first: dict[Any, int] = {}
    for index, item in enumerate(items):
        if not isinstance(item, Mapping) or not isinstance(item.get(key), str):
            continue
        value = item[key]
        if value in first:
            issues.append(
                ConfigIssue(f"{section}[{index}].{key}", f"'{value}' is already used by {section}[{first[value]}]")
            )
        else:
            first[value] = index
    return issues


def _literal_secrets(config: Mapping[Any, Any], prefix: list[PathPart]) -> list[ConfigIssue]:
    issues = []
    for key, value in config.items():
        path = [*prefix, str(key)]
        if isinstance(value, Mapping):
            issues += _literal_secrets(value, path)
        elif (
            isinstance(key, str)
            and _SECRET_KEY.search(key)
            and not key.endswith("_env")
            and isinstance(value, str)
            and value
        ):
            issues.append(
                ConfigIssue(
                    format_path(path),
                    f"secrets do not belong in the region file; name an environment variable instead "
                    f"({key}_env: SOME_VARIABLE)",
                )
            )
    return issues


# --- YAML with locations ------------------------------------------------------------------------------


def _node_marks(node: yaml.Node, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], yaml.Node]]:
    yield path, node
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            yield from _node_marks(value, (*path, str(key.value)))
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield from _node_marks(item, (*path, str(index)))


def _duplicate_keys(node: yaml.Node, path: tuple[PathPart, ...] = ()) -> Iterator[ConfigIssue]:
    # PyYAML silently keeps the last of two equal keys; in a policy file that hides a mistake.
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            name = str(key.value)
            if name in seen:
                yield ConfigIssue(
                    format_path([*path, name]),
                    "duplicate key (the later one would silently win)",
                    key.start_mark.line + 1,
                    key.start_mark.column + 1,
                )
            seen.add(name)
            yield from _duplicate_keys(value, (*path, name))
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield from _duplicate_keys(item, (*path, index))


_PATH_PART = re.compile(r"\[(\d+)\]|\.?([^.\[]+)")


def _located(issue: ConfigIssue, marks: Mapping[tuple[str, ...], yaml.Node]) -> ConfigIssue:
    """Add the line of the issue's path, or of its nearest existing parent (a missing field has none)."""
    if issue.line is not None:
        return issue
    parts = tuple(index or name for index, name in _PATH_PART.findall(issue.path))
    while parts not in marks and parts:
        parts = parts[:-1]
    node = marks.get(parts)
    if node is None:
        return issue
    return ConfigIssue(issue.path, issue.message, node.start_mark.line + 1, node.start_mark.column + 1)


def parse_region(text: str, source: str = "<region>") -> RegionConfig:
    """Parse and validate a region file's text. Raises `ConfigError` listing every problem with its path."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ConfigError(source, [yaml_syntax_issue(error)]) from None
    marks = dict(_node_marks(root)) if root is not None else {}
    duplicates = list(_duplicate_keys(root)) if root is not None else []
    try:
        config = RegionConfig.from_data(data, source)
    except ConfigError as error:
        located = [_located(issue, marks) for issue in [*duplicates, *error.issues]]
        # In file order, so the author can work down the file; problems without a line come first.
        located.sort(key=lambda issue: (issue.line or 0, issue.column or 0))
        raise ConfigError(source, located) from None
    if duplicates:
        raise ConfigError(source, duplicates)
    return config


def load_region(path: Path | str) -> RegionConfig:
    """Read and validate a region file. Raises `ConfigError` listing every problem with its path and line."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigError(str(path), [ConfigIssue("", f"cannot read the file: {error.strerror}")]) from None
    return parse_region(text, str(path))
