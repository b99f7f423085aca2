from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from anjian.accidents.forms import EnterpriseCodeField
from anjian.core.forms import preset
from anjian.core.scope import scope_for
from anjian.obligations.models import DutySubmission, ReportingDuty


class DutySubmissionForm(forms.ModelForm[DutySubmission]):
    enterprise = EnterpriseCodeField(
        label=_("企业（统一社会信用代码）"), help_text=_("企业名录中的统一社会信用代码")
    )
    duty = forms.ModelChoiceField(
        label=_("报送义务"),
        queryset=ReportingDuty.objects.filter(active=True),
        to_field_name="code",
        error_messages={"invalid_choice": _("未知的报送义务代码。")},
    )

    class Meta:
        model = DutySubmission
        fields = ["enterprise", "duty", "period", "submitted_at", "note"]

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope = scope_for(user) if user is not None else None
        if scope is not None and scope.enterprise_id is not None and not self.instance.pk:
            preset(self, enterprise=scope.enterprise_id)
