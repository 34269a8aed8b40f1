from django.urls import path

from inbound import views

app_name = "inbound"

urlpatterns = [
    path("", views.inbound_page, name="page"),
    path("address/rotate/", views.drop_address_rotate, name="rotate"),
    path("unknown/<int:pk>/add/", views.unknown_add, name="unknown_add"),
    path("unknown/<int:pk>/dismiss/", views.unknown_dismiss, name="unknown_dismiss"),
]
