from django.utils.translation import gettext_lazy as _

from anjian.core.navigation import NavItem, add_item
from anjian.core.registry import ModelSpec, register
from anjian.obligations import services
from anjian.obligations.api.serializers import DutySubmissionSerializer
from anjian.obligations.filtersets import DutySubmissionFilterSet
from anjian.obligations.forms import DutySubmissionForm
from anjian.obligations.models import DutySubmission
from anjian.obligations.tables import DutySubmissionTable

duty_submission_spec = register(
    ModelSpec(
        model=DutySubmission,
        filterset=DutySubmissionFilterSet,
        table=DutySubmissionTable,
        form=DutySubmissionForm,
        serializer=DutySubmissionSerializer,
        nav_group="industry",
        save=services.save_submission,
        delete=services.delete_submission,
        scope_error_field="enterprise",
        icon="report",
        select_related=("enterprise__region", "duty"),
        api_prefix="obligations/submissions",
    )
)
DutySubmissionSerializer.spec = duty_submission_spec

add_item(NavItem("industry", _("直报情况"), "obligations:status", "obligations.view_dutysubmission"))
