from django.urls import path

from haven.chronology import transfer_views, views

app_name = "chronology"
urlpatterns = [
    path("significant/", views.significant, name="significant"),
    path("child/<int:pk>/export/", views.export, name="export"),
    path("exports/<str:token>/", views.download, name="download"),
    path("household/<int:pk>/", views.household, name="household"),
    # Transferring a child's safeguarding file to their new school or setting.
    path("child/<int:pk>/transfer/", transfer_views.start, name="transfer_start"),
    path("transfers/", transfer_views.transfers, name="transfers"),
    path("transfers/<int:pk>/", transfer_views.transfer, name="transfer"),
    path("transfers/<int:pk>/prepare-again/", transfer_views.rebuild, name="transfer_rebuild"),
    path("transfers/<int:pk>/sent/", transfer_views.sent, name="transfer_sent"),
    path("transfers/<int:pk>/receipt/", transfer_views.receipt, name="transfer_receipt"),
    path("transfers/<int:pk>/cancel/", transfer_views.cancel, name="transfer_cancel"),
]
