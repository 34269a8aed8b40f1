from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.report_index, name="index"),
    path("openings/", views.opening_list, name="openings"),
    path("openings/new/", views.opening_create, name="opening_create"),
    path("openings/<int:pk>/", views.opening_detail, name="opening_detail"),
    path("openings/<int:pk>/shortlist/", views.shortlist_add, name="shortlist_add"),
    path("shortlist/<int:pk>/remove/", views.shortlist_remove, name="shortlist_remove"),
    path("shortlist/<int:pk>/referral/", views.shortlist_referral, name="shortlist_referral"),
    path("<slug:slug>/", views.report_detail, name="detail"),
    path("<slug:slug>/export.csv", views.report_csv, name="csv"),
    path("<slug:slug>/chart.svg", views.report_chart, name="chart"),
]
