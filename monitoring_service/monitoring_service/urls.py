from django.urls import include, path

from ems_common.urls import service_urlpatterns

handler400 = "ems_common.errors.bad_request"
handler404 = "ems_common.errors.not_found"
handler500 = "ems_common.errors.server_error"

urlpatterns = [
    *service_urlpatterns("monitoring"),
    path("api/monitoring/", include("monitoring.api.urls")),
]
