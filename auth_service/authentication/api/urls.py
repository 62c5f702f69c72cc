from django.urls import URLPattern, URLResolver, path

from authentication.api import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("register/", views.RegisterView.as_view(), name="auth-register"),
    path("login/", views.LoginView.as_view(), name="auth-login"),
    path("refresh/", views.RefreshView.as_view(), name="auth-refresh"),
    path("logout/", views.LogoutView.as_view(), name="auth-logout"),
    path("me/", views.MeView.as_view(), name="auth-me"),
    path("jwks.json", views.JwksView.as_view(), name="auth-jwks"),
    path("users/", views.UserListView.as_view(), name="auth-users"),
    path("users/<uuid:pk>/", views.UserDetailView.as_view(), name="auth-user-detail"),
]
