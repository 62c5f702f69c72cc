from django.urls import URLPattern, URLResolver, include, path

from monitoring.api import alerts, consumption, devices, export, fleet, hourly, tariffs

# By concern, as the domain's subpackages: devices (the synced copy), consumption, alerts.
device_urls = [
    path("", devices.DeviceListView.as_view(), name="monitoring-device-list"),
    path("<uuid:pk>/", devices.DeviceDetailView.as_view(), name="monitoring-device-detail"),
    path("<uuid:pk>/resets/", devices.DeviceResetsView.as_view(), name="monitoring-device-resets"),
]
hourly_urls = [
    path("daily/", hourly.DailyView.as_view(), name="monitoring-hourly-daily"),
    path("range/", hourly.RangeView.as_view(), name="monitoring-hourly-range"),
]
alert_urls = [
    path("", alerts.AlertListView.as_view(), name="monitoring-alert-list"),
    path("read-all/", alerts.AlertReadAllView.as_view(), name="monitoring-alert-read-all"),
    path("<uuid:pk>/read/", alerts.AlertReadView.as_view(), name="monitoring-alert-read"),
]

tariff_urls = [
    path("", tariffs.TariffListView.as_view(), name="monitoring-tariff-list"),
    path("<uuid:pk>/", tariffs.TariffDetailView.as_view(), name="monitoring-tariff-detail"),
]
export_urls = [
    path("", export.ExportView.as_view(), name="monitoring-export"),
    path("links/", export.ExportLinkView.as_view(), name="monitoring-export-links"),
]

urlpatterns: list[URLPattern | URLResolver] = [
    path("devices/", include(device_urls)),
    path("hourly/", include(hourly_urls)),
    path(
        "consumption/", consumption.PeriodConsumptionView.as_view(), name="monitoring-consumption"
    ),
    path("fleet/", fleet.FleetView.as_view(), name="monitoring-fleet"),
    path("alerts/", include(alert_urls)),
    path("tariffs/", include(tariff_urls)),
    path("export/", include(export_urls)),
]
