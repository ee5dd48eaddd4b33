"""Front-door pages, one module a stage of the work: intake, screening, the MASH, referrals
from Haven organisations and reports. ``frontdoor.urls`` joins their ``urlpatterns``."""
