from django.urls import path

from haven.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.log, name="log"),
    path("export.csv", views.export, name="export"),
    path("people/<int:person_id>/", views.person_access, name="person_access"),
]
