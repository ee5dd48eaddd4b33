"""factory_boy factories: one per record, in the states tests need."""

from __future__ import annotations

import factory
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.accounts.models import Organisation, Team, User, UserRole

TEST_PASSWORD = "correct horse battery staple"
# A published base32 secret for test authenticators; codes come from django_otp.oath.
TEST_TOTP_KEY_HEX = "3132333435363738393031323334353637383930"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Test School {n}")
    kind = Organisation.Kind.SCHOOL


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Team {n}")


class UserFactory(factory.django.DjangoModelFactory):
    """A member of staff. ``roles=[...]`` grants roles; ``authenticator=True`` adds TOTP."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name", locale="en_GB")
    job_title = "Teacher"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        password = kwargs.pop("password", TEST_PASSWORD)
        return model_class.unscoped.create_user(*args, password=password, **kwargs)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for code in extracted or ["staff"]:
            UserRole.unscoped.create(organisation=self.organisation, user=self, role=code)
        self.__dict__.pop("role_codes", None)

    @factory.post_generation
    def authenticator(self, create, extracted, **kwargs):
        if extracted:
            TOTPDevice.objects.create(
                user=self, name="Authenticator app", key=TEST_TOTP_KEY_HEX, confirmed=True
            )
