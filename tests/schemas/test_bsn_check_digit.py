"""`schemas.types.bsn_check_digit`, the one generator of fictional BSNs' check digit (demo population, CSV
simulator, contract-kit strategies), is the exact inverse of `passes_11_check`, the one check."""

from __future__ import annotations

from schemas.types import BSN, bsn_check_digit, passes_11_check


def test_known_numbers() -> None:
    assert bsn_check_digit("11122233") == 3
    assert bsn_check_digit("12345678") == 2  # 123456782 is the textbook valid BSN
    # 9*1 + 3*4 = 21, which is 10 (mod 11): no single digit makes that pass.
    assert bsn_check_digit("10000040") is None
    assert bsn_check_digit("00000000") is None  # 000000000 sums to 0 but is no BSN


def test_the_digit_it_gives_is_the_only_one_that_passes_the_check() -> None:
    for number in [*range(0, 300), *range(10_000_000, 10_000_300), *range(99_999_700, 100_000_000)]:
        first_eight = f"{number:08d}"
        passing = [digit for digit in range(10) if passes_11_check(f"{first_eight}{digit}")]
        check = bsn_check_digit(first_eight)
        assert passing == ([] if check is None else [check]), first_eight
        if check is not None:
            BSN(f"{first_eight}{check}")
