from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.report_index, name="index"),
    path("<slug:slug>/", views.report_detail, name="detail"),
    path("<slug:slug>/export.csv", views.report_csv, name="csv"),
    path("<slug:slug>/chart.svg", views.report_chart, name="chart"),
]
