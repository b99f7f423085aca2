"""Data scope (分级属地监管): what part of the business data a user may reach.

A ``Scope`` is computed once per user object from the user's organisation and roles:

* region: a tuple of region-code prefixes (``"11"`` for Beijing and everything below it,
  ``"1101"`` for a prefecture, a full 6-digit code for a county); ``None`` is the whole country;
* sectors: the supervised sectors the organisation covers; ``None`` is every sector;
* enterprise: an enterprise user reaches only its own enterprise;
* nothing: administrators of the three separate roles and users without an organisation
  reach no business data at all.

Models say how they reach a region, a sector and an enterprise (``BusinessModel.scope_*``),
and ``visible_to(user)`` turns the scope into one ``Q``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import TYPE_CHECKING, Any

from django.db.models import Q

if TYPE_CHECKING:
    from anjian.accounts.models import User


def region_prefix(code: str, level: str) -> str:
    """The code prefix that selects a region's subtree: 110000 → 11, 110100 → 1101, 110105 → 110105."""
    return {"province": code[:2], "city": code[:4]}.get(level, code)


@dataclass(frozen=True)
class Scope:
    regions: tuple[str, ...] | None = None
    sectors: frozenset[str] | None = None
    enterprise_id: int | None = None
    nothing: bool = False

    @classmethod
    def everything(cls) -> Scope:
        return cls()

    @classmethod
    def none(cls) -> Scope:
        return cls(nothing=True)

    @property
    def is_everything(self) -> bool:
        return (
            not self.nothing and self.regions is None and self.sectors is None and self.enterprise_id is None
        )

    def covers_region(self, code: str) -> bool:
        if self.nothing:
            return False
        return self.regions is None or any(code.startswith(prefix) for prefix in self.regions)

    def covers_sector(self, sector: str) -> bool:
        return not self.nothing and (self.sectors is None or sector in self.sectors)

    def as_q(self, *, region: str | None, sector: str | None, enterprise: str | None) -> Q:
        """The filter for a model whose region code, sector and enterprise id sit at these paths.

        A path of ``None`` means the model has no such dimension, and that part of the scope
        does not restrict it. A scope restricted to an enterprise never matches a model with no
        path to an enterprise.
        """
        if self.nothing:
            return Q(pk__in=[])
        q = Q()
        if self.regions is not None and region is not None:
            q &= reduce(or_, (Q(**{f"{region}__startswith": prefix}) for prefix in self.regions))
        if self.sectors is not None and sector is not None:
            q &= Q(**{f"{sector}__in": sorted(self.sectors)})
        if self.enterprise_id is not None:
            if enterprise is None:
                return Q(pk__in=[])
            q &= Q(**{enterprise: self.enterprise_id})
        return q


def scope_for(user: User | Any) -> Scope:
    """The user's scope, computed once and kept on the user object for the request."""
    if user is None:
        return Scope.none()
    cached: Scope | None = getattr(user, "_anjian_scope", None)
    if cached is not None:
        return cached
    scope = _compute_scope(user)
    setattr(user, "_anjian_scope", scope)  # noqa: B010  (a private cache on someone else's object)
    return scope


def _compute_scope(user: User | Any) -> Scope:
    from anjian.accounts.models import OrgType

    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope.none()
    if user.is_superuser:
        return Scope.everything()
    if user.holds_admin_role:
        # 三员分立: system, security and audit administrators reach no business data.
        return Scope.none()
    org = user.organization
    if org is None:
        return Scope.none()
    sectors = frozenset(org.sectors) if org.sectors else None
    regions = (region_prefix(org.region.code, org.region.level),) if org.region is not None else None
    if org.org_type == OrgType.ENTERPRISE:
        if org.enterprise_id is None:
            return Scope.none()
        return Scope(enterprise_id=org.enterprise_id)
    if org.org_type == OrgType.INTERMEDIARY:
        # Intermediaries reach enterprise data only through service contracts (a later issue).
        return Scope.none()
    return Scope(regions=regions, sectors=sectors)
