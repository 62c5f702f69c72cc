from django.urls import URLPattern, URLResolver, path

from devices.api import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.DeviceListView.as_view(), name="device-list"),
    path("<uuid:pk>/", views.DeviceDetailView.as_view(), name="device-detail"),
    path("<uuid:pk>/assign/", views.DeviceAssignView.as_view(), name="device-assign"),
    path(
        "<uuid:pk>/credentials/",
        views.DeviceCredentialsView.as_view(),
        name="device-credentials",
    ),
]
