from __future__ import annotations

from functools import reduce
from operator import or_
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.choices import CallableChoiceIterator
from django.utils.translation import gettext as _

from anjian.core.scope import Scope
from anjian.regions.models import Region, RegionLevel, leaf_codes


def region_scope_error(scope: Scope | None, region: Region) -> str | None:
    """The message when a region lies outside the user's scope (shared by forms and serializers)."""
    if scope is not None and not scope.covers_region(region.code):
        return _("%(code)s（%(name)s）不在您的管辖范围内。") % {
            "code": region.code,
            "name": region.full_name(),
        }
    return None


def leaf_regions() -> QuerySet[Region]:
    """Regions an enterprise can sit in: counties, and prefecture-level cities without counties."""
    children = Region.objects.filter(parent=OuterRef("pk"))
    return Region.objects.current().exclude(level=RegionLevel.PROVINCE).exclude(Exists(children))


class RegionChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A county by its 6-digit code. Unknown codes and codes outside the scope get distinct messages;
    the drop-down offers only the regions within the scope."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", leaf_regions())
        super().__init__(*args, **kwargs)
        self.leaves: QuerySet[Region] = kwargs["queryset"]
        self.scope: Scope | None = None

    def limit_to(self, scope: Scope | None) -> None:
        """Check input against ``scope`` and offer only the regions inside it."""
        self.scope = scope
        regions = self.leaves.select_related("parent")
        if scope is not None and scope.nothing:
            regions = regions.none()
        elif scope is not None and scope.regions is not None:
            regions = regions.filter(reduce(or_, (Q(code__startswith=p) for p in scope.regions)))
        # Lazy: the drop-down is built only when the form is rendered, not when an import row
        # or an API call is validated.
        self.widget.choices = CallableChoiceIterator(
            lambda: [("", "---------"), *((r.code, self.label_from_instance(r)) for r in regions)]
        )

    def label_from_instance(self, obj: Region) -> str:
        parent = obj.parent.name if obj.parent_id and obj.parent else ""
        return f"{obj.code} {parent}{obj.name}"

    def to_python(self, value: Any) -> Region | None:
        if value in self.empty_values:
            return None
        code = str(value).strip()
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise ValidationError(_("未知的行政区划代码：%(code)s") % {"code": code}, code="invalid_choice")
        if region.code not in leaf_codes():
            raise ValidationError(
                _("%(code)s（%(name)s）不是县级行政区划，请填写区县代码。")
                % {"code": code, "name": region.name},
                code="invalid_choice",
            )
        if error := region_scope_error(self.scope, region):
            raise ValidationError(error, code="out_of_scope")
        return region
