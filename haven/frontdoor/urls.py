from haven.frontdoor.views import intake, mash, referrals, reports, screening

app_name = "frontdoor"

urlpatterns = [
    *intake.urlpatterns,
    *screening.urlpatterns,
    *mash.urlpatterns,
    *referrals.urlpatterns,
    *reports.urlpatterns,
]
