from django.urls import path

from haven.tasks import views

app_name = "tasks"
urlpatterns = [
    path("tasks/", views.task_list, name="list"),
    path("tasks/<int:pk>/done/", views.task_done, name="done"),
    path("tasks/<int:pk>/reopen/", views.task_undone, name="reopen"),
]
