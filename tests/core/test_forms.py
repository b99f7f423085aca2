"""Kernel form helpers: preset values on new records, and links that preset a create form."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.test import TestCase
from django.urls import reverse

from anjian.accounts.models import OrgType
from anjian.accounts.roles import RoleCode
from anjian.audit.models import ChangeAction, ObjectChange
from anjian.core.testing import PASSWORD, make_org, make_user, provincial_inspector
from anjian.hazards.forms import HazardUnitForm
from anjian.hazards.models import HazardUnit
from tests.enterprises.test_views import enterprise


class PresetTests(TestCase):
    def test_an_enterprise_user_starts_with_their_own_enterprise(self) -> None:
        unit = enterprise("北京燕山化工有限公司", "110111", "hazchem", "10000001", industry_id="26")
        org = make_org(unit.name, "110111", org_type=OrgType.ENTERPRISE, enterprise=unit)
        user = make_user("ent", org, RoleCode.ENTERPRISE_SAFETY_OFFICER)
        # model_to_dict puts enterprise=None into initial; setdefault would leave it empty.
        self.assertEqual(HazardUnitForm(user=user).initial["enterprise"], unit.pk)

    def test_a_value_already_there_is_kept(self) -> None:
        unit = enterprise("北京燕山化工有限公司", "110111", "hazchem", "10000001", industry_id="26")
        other = enterprise("北京海淀精密机械有限公司", "110108", "hazchem", "10000002", industry_id="26")
        org = make_org(unit.name, "110111", org_type=OrgType.ENTERPRISE, enterprise=unit)
        user = make_user("ent", org, RoleCode.ENTERPRISE_SAFETY_OFFICER)
        form = HazardUnitForm(user=user, initial={"enterprise": other.pk})
        self.assertEqual(form.initial["enterprise"], other.pk)


class CreateLinkPresetTests(TestCase):
    def test_query_parameters_preset_the_fields_of_a_new_record(self) -> None:
        unit = enterprise("北京燕山化工有限公司", "110111", "hazchem", "10000001", industry_id="26")
        provincial_inspector("bj", "110000")
        self.client.login(username="bj", password=PASSWORD)
        response = self.client.get(
            reverse("hazards:hazardunit_add"), {"enterprise": str(unit.pk), "bogus": "x"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["form"].initial["enterprise"], str(unit.pk))
        self.assertNotIn("bogus", response.context["form"].initial)


class ChangeLogLabelTests(TestCase):
    def test_list_values_are_shown_as_they_are(self) -> None:
        change = ObjectChange(
            action=ChangeAction.UPDATE,
            content_type=ContentType.objects.get_for_model(HazardUnit),
            object_id=1,
            object_repr="x",
            before={"kind": "storage", "boundary": ["a"]},
            after={"kind": "production", "boundary": ["a", "b"]},
        )
        rows = {label: (before, after) for label, before, after in change.labelled_changes()}
        self.assertEqual(rows["单元类型"], ("储存单元", "生产单元"))
        self.assertEqual(rows["单元划分说明"], (["a"], ["a", "b"]))
