"""What every suite shares: the `kit` a generated class carries, test naming, and parametrisation.

A suite is a mixin class of test methods. `contract_test_class` combines the suites into one class for
the adapter under test. Each test method carries its opt-out name (`@contract("errors.transport")`);
each parametrised argument has a provider that lists its cases for this adapter, or says why there are
none (then the test is skipped with that reason rather than silently collected as nothing).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

import pytest

from contract_tests.kit import ContractKit, ContractSetupError

__all__ = ["Cases", "Provider", "Suite", "contract", "option", "setup_failure"]

F = TypeVar("F", bound=Callable[..., Any])

Cases = tuple[list[tuple[str, Any]], str]
"""(case id, value) pairs, and the reason used when there are none."""

Provider = Callable[[ContractKit], Cases]


def contract(name: str) -> Callable[[F], F]:
    """Name a test for opt-outs and the report: `suite.test`."""

    def mark(function: F) -> F:
        function.contract_name = name  # type: ignore[attr-defined]  # read by the factory
        return function

    return mark


def option(request: pytest.FixtureRequest, name: str) -> Any:
    """A command-line option of the kit's plugin, or None when the plugin is not loaded."""
    return request.config.getoption(name, default=None)


def setup_failure(error: ContractSetupError) -> None:
    """Fail the test with the kit's setup problem (config, fixtures, hooks) as the whole message."""
    pytest.fail(str(error), pytrace=False)


class Suite:
    """Base of the suite mixins. `kit` is set on the generated class; mixins are never collected alone."""

    __test__ = False
    kit: ClassVar[ContractKit]
    providers: ClassVar[dict[str, Provider]] = {}
