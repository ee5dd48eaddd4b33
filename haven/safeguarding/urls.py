"""Concerns, their alerts and triage, and the safeguarding configuration (under /concerns/)."""

from django.urls import path

from haven.safeguarding import alert_views, triage_views, views

app_name = "safeguarding"
urlpatterns = [
    # Recording and reading concerns.
    path("new/", views.concern_new, name="concern_new"),
    path("children/", views.children_found, name="find_children"),
    path("mine/", views.mine, name="mine"),
    path("<int:pk>/", views.concern_detail, name="concern"),
    path("<int:pk>/edit/", views.concern_edit, name="concern_edit"),
    path("<int:pk>/entered-in-error/", views.concern_error, name="concern_error"),
    # Configuration.
    path("configuration/categories/", views.admin_categories, name="admin_categories"),
    path("configuration/categories/<int:pk>/", views.admin_category, name="admin_category"),
    path("configuration/permissions/", views.admin_permissions, name="admin_permissions"),
    path("configuration/settings/", views.admin_settings, name="admin_settings"),
    # Alerts, actions and cumulative concern alerts.
    path("alerts/", alert_views.inbox, name="alerts"),
    path("alerts/badge/", alert_views.badge, name="alerts_badge"),
    path("alerts/<int:pk>/", alert_views.alert_detail, name="alert"),
    path("alerts/<int:pk>/read/", alert_views.alert_read, name="alert_read"),
    path("<int:concern_pk>/alert/", alert_views.alert_for_concern, name="alert_for_concern"),
    path("<int:pk>/actions/new/", alert_views.action_add, name="action_add"),
    path("<int:pk>/realert/", alert_views.realert, name="realert"),
    path("cumulative/", alert_views.cumulative_list, name="cumulative_alerts"),
    path(
        "cumulative/<int:pk>/acknowledge/",
        alert_views.cumulative_acknowledge,
        name="cumulative_acknowledge",
    ),
    # Triage by the safeguarding team.
    path("triage/", triage_views.queue, name="triage"),
    path("<int:pk>/triage/", triage_views.decide, name="triage_decide"),
]
