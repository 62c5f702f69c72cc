from django.urls import URLPattern, URLResolver, path

from monitoring.api import devices

urlpatterns: list[URLPattern | URLResolver] = [
    path("devices/", devices.DeviceListView.as_view(), name="monitoring-device-list"),
    path("devices/<uuid:pk>/", devices.DeviceDetailView.as_view(), name="monitoring-device-detail"),
]
