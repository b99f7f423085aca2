from anjian.core.views import spec_urls
from anjian.enterprises.specs import enterprise_spec

app_name = "enterprises"
urlpatterns = spec_urls(enterprise_spec)
