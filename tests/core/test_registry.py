"""Every registered model is complete: each field has a filter (or says why not), the table, form
and serializer exist, pages and API endpoints resolve, and it appears in the navigation."""

from __future__ import annotations

from django.test import SimpleTestCase
from django.urls import reverse

from anjian.core.models import BusinessModel
from anjian.core.registry import all_specs

BASE_FIELDS = {f.name for f in BusinessModel._meta.get_fields()} - {"source_node"}


class RegistryCompletenessTest(SimpleTestCase):
    def test_there_are_registered_models(self) -> None:
        self.assertTrue(all_specs())

    def test_every_field_has_a_filter_or_is_declared_unfiltered(self) -> None:
        for spec in all_specs():
            with self.subTest(model=spec.model.__name__):
                filters = set(spec.filterset.base_filters)
                unfiltered = set(getattr(spec.filterset.Meta, "unfiltered", []))
                fields = {f.name for f in spec.model._meta.concrete_fields} - BASE_FIELDS
                missing = fields - filters - unfiltered
                self.assertEqual(missing, set(), f"{spec.model.__name__}: fields without a filter")
                self.assertEqual(
                    unfiltered & filters, set(), "a field is both filtered and declared unfiltered"
                )

    def test_pages_and_api_resolve(self) -> None:
        for spec in all_specs():
            with self.subTest(model=spec.model.__name__):
                for view in ("list", "add", "import", "export"):
                    reverse(spec.url_name(view))
                for view in ("detail", "edit", "delete"):
                    reverse(spec.url_name(view), args=[1])
                reverse(f"api:{spec.model_name}-list")
                reverse(f"api:{spec.model_name}-detail", args=[1])

    def test_scope_paths_are_declared(self) -> None:
        for spec in all_specs():
            with self.subTest(model=spec.model.__name__):
                model = spec.model
                self.assertTrue(
                    model.scope_region or model.scope_enterprise,
                    "a business model must reach a region or an enterprise, or no scope can restrict it",
                )
