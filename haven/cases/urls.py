from django.urls import path

from haven.cases import views

app_name = "cases"
urlpatterns = [
    path("cases/", views.mine, name="mine"),
    path("cases/open/", views.all_open, name="all_open"),
    path("cases/new/", views.case_new, name="new"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
    path("cases/<int:pk>/edit/", views.case_edit, name="edit"),
    path("cases/<int:pk>/monitoring/", views.monitoring_new, name="monitoring_new"),
    path("cases/<int:pk>/closure/", views.closure_request, name="closure_request"),
    path("cases/<int:pk>/reopen/", views.reopen, name="reopen"),
    path("cases/<int:pk>/local-authority/", views.la_notified, name="la_notified"),
    path("cases/closures/<int:pk>/", views.closure_decide, name="closure_decide"),
    path("administration/case-thresholds/", views.thresholds, name="thresholds"),
    path("administration/case-thresholds/<int:pk>/", views.threshold_edit, name="threshold"),
]
