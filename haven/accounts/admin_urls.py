from django.urls import path

from haven.accounts import administration as views
from haven.configuration import views as configuration

app_name = "administration"
urlpatterns = [
    path("staff/", views.staff_list, name="staff"),
    path("staff/invite/", views.invite, name="invite"),
    path("staff/<int:pk>/", views.staff_edit, name="staff_edit"),
    path("staff/<int:pk>/deactivate/", views.staff_deactivate, name="staff_deactivate"),
    path("staff/<int:pk>/reactivate/", views.staff_reactivate, name="staff_reactivate"),
    path(
        "staff/<int:pk>/reset-two-factor/",
        views.staff_reset_second_factor,
        name="staff_reset_second_factor",
    ),
    path("invitations/<int:pk>/resend/", views.invitation_resend, name="invitation_resend"),
    path("invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("teams/", views.team_list, name="teams"),
    path("teams/new/", views.team_edit, name="team_new"),
    path("teams/<int:pk>/", views.team_edit, name="team_edit"),
    path("organisation/", views.organisation_settings, name="organisation"),
    path("lists/", configuration.picklists, name="picklists"),
    path("lists/<slug:key>/", configuration.picklist, name="picklist"),
    path("options/<int:pk>/", configuration.option_update, name="option_update"),
]
