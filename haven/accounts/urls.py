from django.urls import path

from haven.accounts import views

app_name = "accounts"
urlpatterns = [
    path("sign-in/", views.sign_in, name="sign_in"),
    path("sign-in/code/", views.sign_in_verify, name="sign_in_verify"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("invitations/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("account/", views.my_account, name="my_account"),
    path("account/password/", views.password_change, name="password_change"),
    path("account/two-factor/", views.two_factor_setup, name="two_factor_setup"),
    path("account/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("account/elevate/", views.elevate, name="elevate"),
    path("session/status/", views.session_status, name="session_status"),
    path("session/keepalive/", views.keepalive, name="keepalive"),
]
