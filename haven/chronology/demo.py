"""Demo safeguarding file transfer: a Riverside pupil who has moved to another school, whose
file was sent yesterday and is waiting for the receiving DSL to confirm it arrived. Fictional;
dates are relative to today so the transfer is always a few school days from its due date."""

from __future__ import annotations

from datetime import timedelta

from haven.chronology import transfer_services as services
from haven.chronology.services import chronology_exports_purge
from haven.core import clock


def load_riverside_transfers(*, staff: dict, children: dict) -> None:
    """Arjun Patel left two days ago for Northfield Academy; the DSL prepared and sent his
    file yesterday by secure email, and Northfield has not yet confirmed receipt."""
    dsl = staff["dsl@riverside.example"]
    arjun = children["arjun"]
    with clock.travel(-timedelta(days=1)):
        transfer, _, _ = services.transfer_file_start(
            actor=dsl,
            child=arjun,
            leaving_date=clock.today() - timedelta(days=1),
            destination="Northfield Academy, Riverside",
        )
        services.transfer_file_record_sent(
            actor=dsl,
            transfer=transfer,
            method="secure_email",
            sent_at=clock.now(),
            sent_to="Priya Sharma, DSL, dsl@northfield.example",
        )
    # Nobody will use the demo's download link: take its file out of storage now.
    chronology_exports_purge(organisation=dsl.organisation)
