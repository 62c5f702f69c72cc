from django.urls import URLPattern, URLResolver, path

from monitoring.api import alerts, consumption, devices, fleet, hourly

urlpatterns: list[URLPattern | URLResolver] = [
    path("devices/", devices.DeviceListView.as_view(), name="monitoring-device-list"),
    path("devices/<uuid:pk>/", devices.DeviceDetailView.as_view(), name="monitoring-device-detail"),
    path("hourly/daily/", hourly.DailyView.as_view(), name="monitoring-hourly-daily"),
    path("alerts/", alerts.AlertListView.as_view(), name="monitoring-alert-list"),
    path("alerts/read-all/", alerts.AlertReadAllView.as_view(), name="monitoring-alert-read-all"),
    path("alerts/<uuid:pk>/read/", alerts.AlertReadView.as_view(), name="monitoring-alert-read"),
    path("hourly/range/", hourly.RangeView.as_view(), name="monitoring-hourly-range"),
    path(
        "consumption/",
        consumption.PeriodConsumptionView.as_view(),
        name="monitoring-consumption",
    ),
    path("fleet/", fleet.FleetView.as_view(), name="monitoring-fleet"),
]
