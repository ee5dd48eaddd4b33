"""The programme operations of ``haven bench``: saving a register of 30 children, and an
engagement page with 500 service deliveries showing its first page.

The data they need is made once in the generated organisation, through the services (a
bench administrator configures two programmes; the DSL opens the engagements), and found
again on later runs. Children are generated ones picked at random.
"""

from __future__ import annotations

from datetime import timedelta

from haven.accounts import services as account_services
from haven.accounts.models import User
from haven.configuration.models import Option
from haven.configuration.services import seed_organisation
from haven.core import clock
from haven.programmes import services
from haven.programmes.models import Engagement, Programme, Stage
from haven.programmes.services import DeliveryRow

REGISTER_SIZE = 30
ENGAGEMENT_DELIVERIES = 500
REGISTER_CODE = "BREG"
LONG_CODE = "BLONG"

# p95 targets from the programmes issue (PostgreSQL).
TARGETS_MS = {
    "save a register": {"postgresql": 150},
    "engagement page": {"postgresql": 40},
}


class ProgrammeBench:
    def __init__(self, bench):
        self.bench = bench
        self.org, self.user, self.client = bench.org, bench.user, bench.client
        self.runs = 0
        self._prepare()

    # --- data, made once --------------------------------------------------------------

    def _admin(self) -> User:
        email = f"programmes.admin.{self.org.pk}@bench.example"
        admin = User.objects.for_org(self.org).filter(email=email).first()
        return admin or account_services.user_create(
            organisation=self.org,
            email=email,
            full_name="Bench programmes administrator",
            role_codes=["administrator"],
            password=None,
        )

    def _programme(self, admin, code: str, name: str):
        programme = Programme.objects.for_org(self.org).filter(code=code).first()
        if programme is None:
            programme = services.programme_save(
                actor=admin, data={"name": name, "code": code, "status": "active"}
            )
            services.service_save(actor=admin, programme=programme, data={"name": "Session"})
        return programme, programme.services.get(name="Session")

    def _children(self, count: int, taken: set) -> list:
        children = []
        while len(children) < count:
            child = self.bench.random_person(kind="child")
            if child.pk not in taken:
                taken.add(child.pk)
                children.append(child)
        return children

    def _open(self, programme, child, referral):
        return services.engagement_create(
            actor=self.user,
            child=child,
            programme=programme,
            data={"referral_date": referral, "key_person": self.user},
        )

    def _prepare(self) -> None:
        seed_organisation(self.org)
        admin = self._admin()
        today = clock.today()
        self.register, self.register_service = self._programme(
            admin, REGISTER_CODE, "Bench Stay and Play"
        )
        long, long_service = self._programme(admin, LONG_CODE, "Bench Nursery")
        open_ones = Engagement.objects.for_org(self.org).filter(
            programme=self.register, stage=Stage.IN_PROGRESS
        )
        taken = set(open_ones.values_list("child_id", flat=True))
        for child in self._children(REGISTER_SIZE - len(taken), taken):
            self._open(self.register, child, today - timedelta(days=30))
        self.register_engagements = list(open_ones.values_list("pk", flat=True))
        self.long = Engagement.objects.for_org(self.org).filter(programme=long).first()
        if self.long is None:
            start = today - timedelta(days=ENGAGEMENT_DELIVERIES + 10)
            (child,) = self._children(1, taken)
            self.long = self._open(long, child, start)
            rows = [
                DeliveryRow(
                    engagement=self.long,
                    service=long_service,
                    delivered_on=start + timedelta(days=day),
                    summary="Settled well; played in the sand with two friends.",
                )
                for day in range(1, ENGAGEMENT_DELIVERIES + 1)
            ]
            services.deliveries_record_bulk(
                actor=self.user, rows=rows, token=f"bench-long-{self.long.pk}"
            )
        self.absence_reason = (
            Option.objects.for_org(self.org).filter(list_key="absence_reason").first().pk
        )

    # --- requests -----------------------------------------------------------------------

    def register_post(self) -> dict:
        """The register as sent: everyone present but three, one absent with a reason; a new
        token each time, as a fresh form would carry."""
        self.runs += 1
        data = {
            "service": self.register_service.pk,
            "delivered_on": f"{clock.today():%d/%m/%Y}",
            "token": f"bench-register-{self.register.pk}-{clock.now().timestamp()}-{self.runs}",
        }
        for n, pk in enumerate(self.register_engagements):
            data[f"mark-{pk}"] = "absent_authorised" if n % 10 == 3 else "present"
            if n % 10 == 3:
                data[f"reason-{pk}"] = self.absence_reason
        return data

    def save_register(self, data: dict):
        response = self.client.post(f"/programmes/{self.register.pk}/register/", data)
        assert response.status_code == 302, response.content[:500]
        return response

    def long_engagement(self):
        return self.long

    def engagement_page(self, engagement):
        return self.client.get(f"/engagements/{engagement.pk}/")

    def operations(self) -> list:
        return [
            (f"save a register ({REGISTER_SIZE} children)", self.register_post, self.save_register),
            (
                f"engagement page ({ENGAGEMENT_DELIVERIES} deliveries, first page)",
                self.long_engagement,
                self.engagement_page,
            ),
        ]
