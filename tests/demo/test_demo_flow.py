"""The whole flow across all three reference adapters and their simulated vendor systems: vacancies
reported in VERA, SOAP and CSV; responses, refusals and an expired offer; allocations delivered back to
each owner's own system; leases coming back; every listing closed."""

from __future__ import annotations

from typing import Any

from tests.demo.conftest import OPTIONS


def test_every_allocation_is_in_its_owners_own_system(finished: dict[str, Any]) -> None:
    by_owner: dict[str, set[str]] = {}
    for toewijzing_id, corporatie in finished["toewijzingen"]:
        by_owner.setdefault(corporatie, set()).add(toewijzing_id)
    assert set(by_owner) == {"corp-a", "corp-b", "corp-c"}  # all three adapters carried allocations
    assert set(finished["vera"]) == by_owner["corp-a"]
    assert set(finished["erp"]) == by_owner["corp-b"]
    assert set(finished["csv"]) == by_owner["corp-c"]
    # exactly once each at the receiver
    assert len(finished["vera"]) == len(set(finished["vera"]))
    assert len(finished["erp"]) == len(set(finished["erp"]))


def test_refusals_and_an_expired_offer_moved_the_offer_on(finished: dict[str, Any]) -> None:
    offers = finished["offers"]
    assert any(status == "GEW" for status, _ in offers), "no refusal happened"
    assert any(status == "ING" and detail == "REA" for status, detail in offers), "no offer expired"
    assert sum(status == "TOE" for status, _ in offers) == len(finished["toewijzingen"])


def test_every_listing_ends_allocated_and_signed(finished: dict[str, Any]) -> None:
    listings = OPTIONS.listings_per_corporatie * 3
    assert len(finished["statuses"]) == listings
    assert finished["statuses"].count("AFG") == len(finished["toewijzingen"]) == finished["contracts"]
    assert finished["statuses"].count("AFG") >= listings - 1  # with 120 seekers a listing rarely runs dry


def test_nothing_is_lost_or_dead_in_delivery(finished: dict[str, Any]) -> None:
    assert finished["outbox"], "the flow sent nothing"
    assert {status for _, status in finished["outbox"]} == {"delivered"}


def test_the_summary_matches_an_independent_count(finished: dict[str, Any]) -> None:
    summary = finished["summary"]
    assert summary["allocations"] == len(finished["toewijzingen"])
    assert summary["offers"] == len(finished["offers"])
    assert summary["refusals"] == sum(status == "GEW" for status, _ in finished["offers"])
    assert summary["delivered"] == len(finished["outbox"])
    assert summary["dead_letters"] == 0
    assert summary["registrations"] == OPTIONS.seekers
    assert set(summary) >= {
        "listings",
        "registrations",
        "responses",
        "offers",
        "refusals",
        "allocations",
        "delivered",
        "dead_letters",
        "passend_share",
        "daeb_share",
    }
