from anjian.core.views import spec_urls
from anjian.enterprises.specs import PROFILE_SPECS, enterprise_spec
from anjian.enterprises.views import profile_urls

app_name = "enterprises"
urlpatterns = spec_urls(enterprise_spec)
for _spec in PROFILE_SPECS:
    urlpatterns += profile_urls(_spec)
