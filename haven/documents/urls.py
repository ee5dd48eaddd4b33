from django.urls import path

from haven.documents import views

app_name = "documents"
urlpatterns = [
    path("people/<int:pk>/documents/new/", views.document_upload, name="upload"),
    path("documents/<int:pk>/download/", views.document_download, name="download"),
    path(
        "documents/<int:pk>/entered-in-error/",
        views.document_entered_in_error,
        name="entered_in_error",
    ),
]
