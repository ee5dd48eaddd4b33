from django.urls import path

from haven.people import import_views, photo_views, views

app_name = "people"
urlpatterns = [
    path("people/", views.search_page, name="search"),
    path("people/new/", views.person_create, name="create"),
    path("people/<int:pk>/", views.person_detail, name="detail"),
    path("people/<int:pk>/edit/", views.person_edit, name="edit"),
    path("people/<int:pk>/photo/", photo_views.person_photo, name="photo"),
    path("people/<int:pk>/photo/remove/", photo_views.person_photo_remove, name="photo_remove"),
    path("people/<int:pk>/photo/image/", photo_views.person_photo_image, name="photo_image"),
    path("people/<int:pk>/identifiers/new/", views.identifier_add, name="identifier_add"),
    path("people/<int:pk>/statuses/new/", views.flag_add, name="flag_add"),
    path("people/<int:pk>/relationships/new/", views.relationship_add, name="relationship_add"),
    path("people/<int:pk>/move/", views.person_move, name="move"),
    path("people/<int:pk>/merge/", views.person_merge_view, name="merge"),
    path("identifiers/<int:pk>/withdraw/", views.identifier_withdraw, name="identifier_withdraw"),
    path("statuses/<int:pk>/end/", views.flag_end, name="flag_end"),
    path("relationships/<int:pk>/end/", views.relationship_end, name="relationship_end"),
    path("people/import/", import_views.import_start, name="import"),
    path("people/import/<int:pk>/", import_views.import_detail, name="import_detail"),
    path(
        "people/import/<int:pk>/rejected.csv", import_views.import_rejected, name="import_rejected"
    ),
    path("households/<int:pk>/", views.household_detail, name="household"),
    path("households/<int:pk>/edit/", views.household_edit, name="household_edit"),
]
