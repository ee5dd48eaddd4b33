from django.urls import path

from haven.programmes import views

app_name = "programmes"
urlpatterns = [
    path("programmes/", views.home, name="home"),
    path("programmes/mine/", views.mine, name="mine"),
    path("programmes/bulk/", views.bulk, name="bulk"),
    path("programmes/bulk/engagements/", views.bulk_engagements, name="bulk_engagements"),
    path("programmes/<int:pk>/", views.programme_detail, name="programme"),
    path("programmes/<int:pk>/register/", views.register, name="register"),
    path("programmes/<int:pk>/open-access/", views.open_access_new, name="open_access"),
    path("open-access/<int:pk>/", views.open_access_edit, name="open_access_edit"),
    path("programmes/<int:pk>/reports/", views.report, name="report"),
    path("programmes/<int:pk>/reports/csv/", views.report_csv, name="report_csv"),
    path("people/<int:person_pk>/engagements/new/", views.engagement_new, name="engagement_new"),
    path("engagements/<int:pk>/", views.engagement_detail, name="engagement"),
    path("engagements/<int:pk>/edit/", views.engagement_edit, name="engagement_edit"),
    path("engagements/<int:pk>/close/", views.engagement_close, name="engagement_close"),
    path("engagements/<int:pk>/deliveries/new/", views.delivery_new, name="delivery_new"),
    path(
        "engagements/<int:pk>/consultations/new/", views.consultation_new, name="consultation_new"
    ),
    path("deliveries/<int:pk>/", views.delivery_edit, name="delivery_edit"),
    path("consultations/<int:pk>/", views.consultation_edit, name="consultation_edit"),
    path("follow-ups/<int:pk>/done/", views.follow_up_done, name="follow_up_done"),
    path("administration/programmes/", views.admin_programmes, name="admin_programmes"),
    path("administration/programmes/<int:pk>/", views.admin_programme, name="admin_programme"),
    path("administration/services/<int:pk>/", views.admin_service, name="admin_service"),
    path("administration/agencies/", views.admin_agencies, name="admin_agencies"),
    path("administration/agencies/<int:pk>/", views.admin_agency, name="admin_agency"),
]
