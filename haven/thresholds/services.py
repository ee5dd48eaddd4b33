"""Every write about threshold frameworks and threshold decisions.

Publishing is the only way a framework's content changes: it writes a whole new version
(levels, domains, indicators) from a checked definition in one transaction, so a version is
never half-written and an old version is never touched.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Max

from haven.access import rules
from haven.audit.models import Action
from haven.audit.services import record_event
from haven.chronology.projection import project_new
from haven.core import clock
from haven.core.errors import DomainError, NotAllowed, require, require_same_organisation
from haven.thresholds import definitions, examples
from haven.thresholds.models import (
    Domain,
    Framework,
    FrameworkVersion,
    Indicator,
    Level,
    ThresholdDecision,
    TickedIndicator,
)
from haven.thresholds.suggestion import Tick, suggest

# --- Publishing ------------------------------------------------------------------------------


def _write_version(*, organisation, framework, number, definition, actor, note) -> FrameworkVersion:
    version = FrameworkVersion.objects.create(
        organisation=organisation,
        created_by=actor,
        framework=framework,
        number=number,
        name=definition["name"],
        description=definition["description"],
        cluster_domains=definition["cluster_domains"],
        change_note=note[:300],
    )
    common = {"organisation": organisation, "created_by": actor, "version": version}
    levels = Level.unscoped.bulk_create(
        Level(position=i, **common, **level) for i, level in enumerate(definition["levels"])
    )
    domains = Domain.unscoped.bulk_create(
        Domain(position=i, **common, **domain) for i, domain in enumerate(definition["domains"])
    )
    level_by_key = {level.key: level for level in levels}
    domain_by_key = {domain.key: domain for domain in domains}
    Indicator.unscoped.bulk_create(
        Indicator(
            position=i,
            domain=domain_by_key[item["domain"]],
            level=level_by_key[item["level"]],
            text=item["text"],
            always_escalate=item["always_escalate"],
            **common,
        )
        for i, item in enumerate(definition["indicators"])
    )
    framework.current_version = version
    framework.save(update_fields=["current_version", "modified_at"])
    return version


def _create(*, organisation, definition, actor, in_use=False, note="") -> Framework:
    try:
        with transaction.atomic():
            framework = Framework.objects.create(
                organisation=organisation,
                created_by=actor,
                name=definition["name"],
                description=definition["description"],
                in_use=in_use,
            )
    except IntegrityError:
        raise DomainError(
            f"There is already a framework called “{definition['name']}”. Give this one "
            "another name."
        ) from None
    _write_version(
        organisation=organisation,
        framework=framework,
        number=1,
        definition=definition,
        actor=actor,
        note=note,
    )
    return framework


def seed_frameworks(organisation) -> int:
    """Give an organisation the example frameworks if it has none, and choose one for it.
    Safe to run again: an organisation that has any framework is left as it is."""
    if Framework.objects.for_org(organisation).exists():
        return 0
    chosen = examples.default_for(organisation)
    with transaction.atomic():
        for example in examples.EXAMPLES:
            _create(
                organisation=organisation,
                definition=definitions.parse(example),
                actor=None,
                in_use=example["name"] == chosen,
                note="Example shipped with Haven.",
            )
    return len(examples.EXAMPLES)


def seed_all_organisations(**kwargs) -> None:
    """After migrating: organisations from before this release get the examples too."""
    from haven.accounts.models import Organisation

    for organisation in Organisation.objects.all():
        seed_frameworks(organisation)


def _administer(actor, framework=None):
    require(
        rules.can_configure_threshold_frameworks(actor),
        "Only an administrator can change threshold frameworks.",
    )
    if framework is not None:
        require_same_organisation(actor.organisation_id, framework)


def framework_import(*, actor, definition: dict) -> Framework:
    """A new framework from a definition (checked again here: the service trusts no form)."""
    _administer(actor)
    definition = definitions.parse(definition)
    with transaction.atomic():
        framework = _create(
            organisation=actor.organisation, definition=definition, actor=actor, note="Imported."
        )
        record_event(
            action=Action.IMPORT,
            actor=actor,
            obj=framework,
            detail={"what": "threshold framework", "name": framework.name},
        )
    return framework


def framework_copy(*, actor, framework: Framework, name: str) -> Framework:
    _administer(actor, framework)
    definition = definitions.export(framework.current_version)
    definition["name"] = (name or "").strip()
    definition = definitions.parse(definition)
    with transaction.atomic():
        copy = _create(
            organisation=actor.organisation,
            definition=definition,
            actor=actor,
            note=f"Copied from {framework.name} (version {framework.current_version.number}).",
        )
        record_event(
            action=Action.CREATE,
            actor=actor,
            obj=copy,
            detail={"what": "threshold framework", "copied_from": framework.pk},
        )
    return copy


def framework_publish(
    *, actor, framework: Framework, definition: dict, note: str = ""
) -> FrameworkVersion:
    """Publish ``definition`` as the framework's next version. Past versions, and the
    decisions made with them, stay exactly as they were."""
    _administer(actor, framework)
    definition = definitions.parse(definition)
    with transaction.atomic():
        locked = (
            Framework.objects.for_org(actor.organisation).select_for_update().get(pk=framework.pk)
        )
        clash = (
            Framework.objects.for_org(actor.organisation)
            .filter(name=definition["name"])
            .exclude(pk=framework.pk)
        )
        if clash.exists():
            raise DomainError(f"Another framework is already called “{definition['name']}”.")
        last = locked.versions.aggregate(m=Max("number"))["m"] or 0
        locked.name = definition["name"]
        locked.description = definition["description"]
        locked.save(update_fields=["name", "description", "modified_at"])
        version = _write_version(
            organisation=actor.organisation,
            framework=locked,
            number=last + 1,
            definition=definition,
            actor=actor,
            note=note.strip(),
        )
        record_event(
            action=Action.UPDATE,
            actor=actor,
            obj=locked,
            detail={"what": "threshold framework", "published_version": version.number},
        )
    framework.refresh_from_db()
    return version


def framework_choose(*, actor, framework: Framework) -> Framework:
    """Make ``framework`` the one the organisation's staff use for new decisions."""
    _administer(actor, framework)
    frameworks = Framework.objects.for_org(actor.organisation)
    with transaction.atomic():
        now = clock.now()
        frameworks.filter(in_use=True).exclude(pk=framework.pk).update(
            in_use=False, modified_at=now
        )
        frameworks.filter(pk=framework.pk).update(in_use=True, modified_at=now)
        record_event(
            action=Action.UPDATE,
            actor=actor,
            obj=framework,
            detail={"what": "threshold framework", "in_use": True},
        )
    framework.in_use = True
    return framework


# --- Decisions --------------------------------------------------------------------------------


def suggestion_for(version: FrameworkVersion, indicators) -> tuple[Level, str]:
    """The suggested level (a row of ``version``) for the ticked ``indicators``."""
    levels = sorted(version.levels.all(), key=lambda level: level.position)
    by_pk = {level.pk: level for level in levels}
    result = suggest(
        (Tick(by_pk[i.level_id].position, str(i.domain_id), i.always_escalate) for i in indicators),
        top=len(levels) - 1,
        cluster_domains=version.cluster_domains,
    )
    return levels[result.level], result.reason


def decision_record(
    *,
    actor,
    version: FrameworkVersion,
    ticked: dict[int, str],
    chosen_level: Level,
    rationale: str = "",
    concern=None,
    case=None,
    contact=None,
    child=None,
) -> ThresholdDecision:
    """Record a threshold decision on a concern (or a case, or a contact).

    ``ticked`` maps indicator ids of ``version`` to the practitioner's note on each. The
    suggestion is worked out here, from the indicators, never taken from the form; a
    rationale is required whenever the chosen level differs from it.
    """
    if concern is not None:
        require(
            rules.can_decide_threshold_on_concern(actor, concern),
            "Only the DSL and deputies record threshold decisions on a concern.",
        )
        child = concern.child
    elif case is not None:
        require(
            rules.can_decide_threshold_on_case(actor, case),
            "Only the case's owner, its manager and the safeguarding leads record threshold "
            "decisions on it.",
        )
        child = case.child
    elif contact is not None:
        require(
            rules.can_decide_threshold_on_contact(actor, contact),
            "Only those who rate contacts or decide on early help record threshold decisions "
            "on a contact.",
        )
        child = contact_child(contact)
        if child is None:
            raise DomainError("This contact is about no child yet: add the child first.")
    else:
        raise DomainError("A threshold decision is about a concern, a case or a contact.")
    require_same_organisation(actor.organisation_id, version, concern, case, contact, child)
    if chosen_level.version_id != version.pk:
        raise DomainError("Choose one of this framework's levels.")
    indicators = list(version.indicators.filter(pk__in=list(ticked)))
    if len(indicators) != len(set(ticked)):
        raise DomainError("Some of the ticked indicators are not in this framework.")
    suggested, _reason = suggestion_for(version, indicators)
    rationale = (rationale or "").strip()
    if chosen_level.pk != suggested.pk and not rationale:
        raise DomainError(
            f"You chose {chosen_level.name} but the framework suggests {suggested.name}: say why."
        )
    with transaction.atomic():
        decision = ThresholdDecision.objects.create(
            organisation=actor.organisation,
            created_by=actor,
            decided_by=actor,
            child=child,
            concern=concern,
            case=case,
            contact=contact,
            version=version,
            suggested_level=suggested,
            chosen_level=chosen_level,
            rationale=rationale,
        )
        TickedIndicator.unscoped.bulk_create(
            TickedIndicator(
                organisation=actor.organisation,
                created_by=actor,
                decision=decision,
                indicator=indicator,
                note=(ticked.get(indicator.pk) or "").strip()[:500],
            )
            for indicator in indicators
        )
        project_new([decision])
        record_event(
            action=Action.CREATE,
            actor=actor,
            obj=decision,
            person_id=child.pk,
            detail={
                "what": "threshold decision",
                "suggested": suggested.name,
                "chosen": chosen_level.name,
                "indicators": len(indicators),
            },
        )
    return decision


def current_framework(organisation) -> Framework | None:
    return (
        Framework.objects.for_org(organisation)
        .filter(in_use=True)
        .select_related("current_version")
        .first()
    )


def framework_in_use_or_error(organisation) -> Framework:
    framework = current_framework(organisation)
    if framework is None or framework.current_version is None:
        raise NotAllowed("Your organisation has not chosen a threshold framework yet.")
    return framework


def queries_frameworks(organisation):
    """Every framework of ``organisation`` (for tests and the demo)."""
    return Framework.objects.for_org(organisation).select_related("current_version")


def contact_child(contact):
    """The first child a front-door contact is about (the one its decision is recorded for)."""
    from haven.frontdoor.models import ContactPerson

    link = (
        ContactPerson.objects.for_org(contact.organisation)
        .filter(contact=contact, role=ContactPerson.Role.CHILD)
        .select_related("person")
        .order_by("pk")
        .first()
    )
    return link.person if link else None
