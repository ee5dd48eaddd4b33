from django.urls import path

from haven.workforce import views

app_name = "workforce"
urlpatterns = [
    path("", views.home, name="home"),
    path("compliance/", views.compliance, name="compliance"),
    path("compliance/counts/", views.counts, name="counts"),
    path("compliance.csv", views.export_csv, name="export_csv"),
    path("compliance.pdf", views.export_pdf, name="export_pdf"),
    path("me/", views.me, name="me"),
    path("staff/new/", views.staff_new, name="staff_new"),
    path("staff/<int:pk>/", views.staff_detail, name="staff_detail"),
    path("staff/<int:pk>/edit/", views.staff_edit, name="staff_edit"),
    path("staff/<int:pk>/dbs/new/", views.dbs_add, name="dbs_add"),
    path("staff/<int:pk>/training/new/", views.training_add, name="training_add"),
    path("staff/<int:pk>/induction/", views.induction, name="induction"),
    path("training/<int:pk>/certificate/", views.certificate, name="certificate"),
    path("courses/", views.courses, name="courses"),
    path("courses/new/", views.course_edit, name="course_new"),
    path("courses/<int:pk>/", views.course_edit, name="course_edit"),
    path("sessions/new/", views.session_new, name="session_new"),
    path("settings/", views.workforce_settings, name="settings"),
    path("analyses/", views.analyses, name="analyses"),
    path("analyses/new/", views.analysis_edit, name="analysis_new"),
    path("analyses/<int:pk>/", views.analysis_detail, name="analysis_detail"),
    path("analyses/<int:pk>/edit/", views.analysis_edit, name="analysis_edit"),
    path("analyses/<int:pk>/activities/new/", views.activity_add, name="activity_add"),
]
