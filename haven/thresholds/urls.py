"""Threshold frameworks (administrators) and guided threshold decisions (under /thresholds/)."""

from django.urls import path

from haven.thresholds import views

app_name = "thresholds"

urlpatterns = [
    path("frameworks/", views.frameworks, name="frameworks"),
    path("frameworks/import/", views.framework_import, name="framework_import"),
    path("frameworks/<int:pk>/", views.framework, name="framework"),
    path("frameworks/<int:pk>/use/", views.framework_choose, name="framework_choose"),
    path("frameworks/<int:pk>/copy/", views.framework_copy, name="framework_copy"),
    path("frameworks/<int:pk>/edit/", views.framework_edit, name="framework_edit"),
    path("frameworks/<int:pk>/edit/json/", views.framework_edit_json, name="framework_edit_json"),
    path("frameworks/<int:pk>/export/", views.framework_export, name="framework_export"),
    path("concerns/<int:pk>/", views.concern_decide, name="concern_decide"),
    path("cases/<int:pk>/", views.case_decide, name="case_decide"),
    path("contacts/<int:pk>/", views.contact_decide, name="contact_decide"),
]
