"""Who may see what on the dashboard: one place for every rule, read by the routes and the templates.

- Region staff (role admin) see everything: the message flow of every corporation, dead letters (and
  replay them, with admin:write), every listing with its ranked candidate list, traces, statistics and
  reports. They run the allocation flow and answer for it, so they read candidate lists too; the lists
  carry no personal data (inschrijving ids, household size, passendheid and the ranking criteria).
- A corporation sees its own: its listings and their candidate lists, its messages in and out, its
  dead letters (and may replay them: they go to its own system), its traces, and figures of its own
  lettings. Another corporation's listing or trace is "not found", exactly like one that does not exist.
- A municipality sees aggregates only: region statistics and reports, never a listing or a message.
- Portals (seekers' front ends) have no dashboard.

Scopes narrow this further as in the API: a key without publicaties:read sees no listings, one without
kandidaten:read (corporations) no candidate lists.
"""

from __future__ import annotations

from dataclasses import dataclass

from gateway.tenants.service import Principal, Role, Scope

__all__ = ["DASHBOARD_ROLES", "NavItem", "Viewer"]

DASHBOARD_ROLES = frozenset({Role.ADMIN, Role.CORPORATION, Role.MUNICIPALITY})


@dataclass(frozen=True)
class NavItem:
    label: str
    path: str
    name: str


@dataclass(frozen=True)
class Viewer:
    """The signed-in tenant, its key's scopes, and the session's CSRF token."""

    principal: Principal
    csrf: str
    display_name: str

    @property
    def tenant(self) -> str:
        return self.principal.tenant

    @property
    def role(self) -> Role:
        return self.principal.role

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    @property
    def corporation(self) -> str | None:
        """The corporation every query is narrowed to, or None for region-wide views."""
        return self.tenant if self.role is Role.CORPORATION else None

    def _has(self, scope: Scope) -> bool:
        return scope in self.principal.scopes

    @property
    def role_label(self) -> str:
        return {
            Role.ADMIN: "regiobeheer",
            Role.CORPORATION: "corporatie",
            Role.MUNICIPALITY: "gemeente",
            Role.PORTAL: "portaal",
        }[self.role]

    # --- pages ------------------------------------------------------------------------------------------

    @property
    def sees_messages(self) -> bool:
        """The message overview, dead letters and traces."""
        return (self.is_admin and self._has(Scope.ADMIN_READ)) or self.role is Role.CORPORATION

    @property
    def sees_publicaties(self) -> bool:
        return self.role in (Role.ADMIN, Role.CORPORATION) and self._has(Scope.PUBLICATIES_READ)

    @property
    def sees_statistics(self) -> bool:
        if self.role is Role.CORPORATION:
            return True  # its own lettings only (`statistics_corporatie`)
        return self.role in (Role.ADMIN, Role.MUNICIPALITY) and self._has(Scope.STATISTIEKEN_READ)

    def sees_kandidaten(self, owner: str) -> bool:
        """The ranked candidate list of a listing owned by `owner`."""
        if self.is_admin:
            return self._has(Scope.ADMIN_READ)
        return self.role is Role.CORPORATION and owner == self.tenant and self._has(Scope.KANDIDATEN_READ)

    def may_replay(self, owner: str) -> bool:
        """Send a dead letter addressed to `owner`'s system again."""
        if self.is_admin:
            return self._has(Scope.ADMIN_WRITE)
        return self.role is Role.CORPORATION and owner == self.tenant

    @property
    def statistics_corporatie(self) -> str | None:
        """Figures are narrowed to this corporation (a corporation sees its own lettings only)."""
        return self.corporation

    # --- navigation -------------------------------------------------------------------------------------

    def nav(self) -> list[NavItem]:
        items = []
        if self.sees_messages:
            items.append(NavItem("Overzicht", "/dashboard/", "overzicht"))
        if self.sees_publicaties:
            items.append(NavItem("Publicaties", "/dashboard/publicaties", "publicaties"))
        if self.sees_messages:
            items.append(NavItem("Berichtspoor", "/dashboard/spoor", "spoor"))
        if self.sees_statistics:
            items.append(NavItem("Statistieken", "/dashboard/statistieken", "statistieken"))
            items.append(NavItem("Rapportages", "/dashboard/rapportages", "rapportages"))
        return items

    def home(self) -> str:
        """The first page this viewer may see."""
        items = self.nav()
        return items[0].path if items else "/dashboard/geen-toegang"
