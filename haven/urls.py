from django.urls import include, path

urlpatterns = [
    path("", include("haven.core.urls")),
    path("", include("haven.accounts.urls")),
    path("administration/", include("haven.accounts.admin_urls")),
    path("audit/", include("haven.audit.urls")),
    path("notifications/", include("haven.notifications.urls")),
    path("drafts/", include("haven.drafts.urls")),
    path("", include("haven.people.urls")),
    path("jobs/", include("haven.jobs.urls")),
    path("workforce/", include("haven.workforce.urls")),
    path("chronology/", include("haven.chronology.urls")),
    path("", include("haven.programmes.urls")),
    path("concerns/", include("haven.safeguarding.urls")),
    path("", include("haven.cases.urls")),
    path("", include("haven.tasks.urls")),
    path("", include("haven.documents.urls")),
    path("reports/", include("haven.reports.urls")),
    path("front-door/", include("haven.frontdoor.urls")),
    path("thresholds/", include("haven.thresholds.urls")),
]

handler400 = "haven.core.errors_views.bad_request"
handler403 = "haven.core.errors_views.permission_denied"
handler404 = "haven.core.errors_views.page_not_found"
handler500 = "haven.core.errors_views.server_error"
