from django.urls import URLPattern, URLResolver, path

from users.api import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.ProfileListView.as_view(), name="users-list"),
    path("me/", views.MyProfileView.as_view(), name="users-me"),
    path("<uuid:pk>/", views.ProfileDetailView.as_view(), name="users-detail"),
]
