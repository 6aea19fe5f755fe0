"""Stored items turned into the response models of ``schemas``: what each screen may see, and nothing more."""

from chalicelib import settings
from chalicelib.api import schemas
from chalicelib.domain import clock
from chalicelib.domain.contact import display_phone
from chalicelib.domain.memberships import PENDING, listed, membership_active
from chalicelib.domain.password_expiry import expiry
from chalicelib.domain.password_policy import MAX_LENGTH, MIN_LENGTH
from chalicelib.domain.subscriptions import SPACES, VALID


def me(profile, previous_login_at, spaces=None, escalated_requests=None, pending_rejections=None) -> schemas.Me:
    return schemas.Me(
        first_name=profile.first_name, last_name=profile.last_name, language=profile.language,
        last_login_at=previous_login_at, spaces=spaces, escalated_requests=escalated_requests,
        rejections=None if pending_rejections is None else rejections(pending_rejections).items,
    )


def account_head(profile, previous_login_at, model=schemas.AccountHead, spaces=None, **lists):
    expires_at, days_left = expiry(profile.password_changed_at, settings.password_lifetime_days(), clock.now())
    return model(
        me=me(profile, previous_login_at, spaces),
        version=profile.version,
        profile=schemas.Profile(
            login=profile.login, contact_email=profile.contact_email, last_name=profile.last_name,
            first_name=profile.first_name,
            address=schemas.Address(
                line1=profile.address_line1, line2=profile.address_line2, line3=profile.address_line3,
                postal_code=profile.postal_code, city=profile.city, country=profile.country,
            ),
            phone=display_phone(profile.phone), fax=display_phone(profile.fax),
            contact_bounce=schemas.ContactBounce(kind=profile.contact_bounce, since=profile.contact_bounced_at)
            if profile.contact_bounces else None,
        ),
        settings=schemas.Settings(
            created_at=profile.created_at, reactivated_at=profile.reactivated_at,
            deactivated_at=profile.deactivated_at, updated_at=profile.updated_at, status=profile.status,
            language=profile.language, notifications=profile.notifications,
        ),
        password=schemas.PasswordStatus(
            changed_at=profile.password_changed_at, expires_at=expires_at, expires_in_days=days_left,
            min_length=MIN_LENGTH, max_length=MAX_LENGTH,
        ),
        secret_question=schemas.SecretQuestion(question=profile.secret_question),
        **lists,
    )


def _services(refs) -> list:
    return [schemas.MembershipService(code=s.code, name=s.name, status=s.status, valid_from=s.valid_from,
                                      valid_until=s.valid_until, comment=s.comment) for s in (refs or [])]


def membership_row(m) -> schemas.MembershipRow:
    return schemas.MembershipRow(
        structure_id=m.structure_id, identifier=m.identifier, designation=m.designation, role=m.role,
        status=m.status, manager_scope=m.manager_scope, valid_from=m.valid_from, valid_until=m.valid_until,
        services=_services(m.services), comment=m.comment, requested_at=m.requested_at, decided_at=m.decided_at,
        decision_reason=m.decision_reason, active=membership_active(m, clock.today()),
        waiting_for=[schemas.WaitingManager(first_name=n.first_name, last_name=n.last_name, role=n.role)
                     for n in m.waiting_for] if m.status == PENDING else [],
    )


def member(m) -> schemas.Member:
    return schemas.Member(
        user_id=m.user_id, first_name=m.first_name, last_name=m.last_name, contact_email=m.contact_email,
        address=schemas.MemberAddress(line1=m.address_line1, postal_code=m.postal_code, city=m.city),
        role=m.role, manager_scope=m.manager_scope, status=m.status, valid_from=m.valid_from,
        valid_until=m.valid_until,
    )


def pending_request(m) -> schemas.PendingRequest:
    return schemas.PendingRequest(
        structure_id=m.structure_id, identifier=m.identifier, designation=m.designation, user_id=m.user_id,
        first_name=m.first_name, last_name=m.last_name, contact_email=m.contact_email, valid_from=m.valid_from,
        valid_until=m.valid_until, comment=m.comment, services=_services(m.services), requested_at=m.requested_at,
        escalated=m.escalated_at is not None,
    )


def structure_detail(page) -> schemas.StructureDetail:
    """``page``: a ``services.structures.StructurePage``."""
    structure, membership = page.structure, page.membership
    return schemas.StructureDetail(
        **{name: getattr(structure, name) for name in schemas.StructureRow.model_fields},
        address=schemas.StructureAddress(
            line1=structure.address_line1, line2=structure.address_line2, postal_code=structure.postal_code,
            city=structure.city, country=structure.country,
        ),
        contact_email=structure.contact_email, phone=display_phone(structure.phone), version=structure.version,
        services=[schemas.Service(code=s.code, name=s.name) for s in page.services],
        my_membership=membership_row(membership) if listed(membership) else None,
        can_manage=page.can_manage,
    )


def account_view(account, previous_login_at) -> schemas.Account:
    held = {s.space for s in account.subscriptions if s.status == VALID}
    return account_head(
        account.profile, previous_login_at, model=schemas.Account, spaces=[s for s in SPACES if s in held],
        memberships=[
            membership_row(m)
            for m in sorted(account.memberships, key=lambda m: m.designation)
            if listed(m)
        ],
        subscriptions=[
            subscription_row(s)
            for s in sorted(account.subscriptions,
                            key=lambda s: (s.designation, s.service_name or "", s.space, s.habilitation))
        ],
        attachments=[attachment_row(a) for a in sorted(account.attachments, key=lambda a: a.designation)],
        email_change=email_change_view(account.email_change),
        data_export=data_export_view(account.data_export),
    )


def link_account(profile, with_question: bool) -> schemas.LinkAccount:
    """What the page of a one-time link shows of the account (read-only)."""
    return schemas.LinkAccount(
        login=profile.login, contact_email=profile.contact_email, last_name=profile.last_name,
        first_name=profile.first_name, secret_question=profile.secret_question if with_question else None,
    )


def subscription_row(s) -> schemas.SubscriptionRow:
    return schemas.SubscriptionRow(
        structure_id=s.structure_id, identifier=s.identifier, designation=s.designation, service_code=s.service_code,
        service=s.service_name, space=s.space, habilitation=s.habilitation, status=s.status, origin=s.origin,
        valid_from=s.valid_from, comment=s.comment, requested_at=s.requested_at,
    )


def pending_subscription(s) -> schemas.PendingSubscription:
    return schemas.PendingSubscription(
        user_id=s.user_id, first_name=s.first_name, last_name=s.last_name, contact_email=s.contact_email,
        service_code=s.service_code, service=s.service_name, space=s.space, habilitation=s.habilitation,
        origin=s.origin, valid_from=s.valid_from, comment=s.comment, requested_at=s.requested_at,
    )


def subscription_options(options) -> schemas.SubscriptionOptions:
    """``options``: a ``services.subscriptions.Options``."""
    structure = options.structure
    return schemas.SubscriptionOptions(
        structure_id=structure.structure_id, identifier=structure.identifier, designation=structure.designation,
        services=[schemas.SubscriptionService(code=code, name=name) for code, name in options.services],
        spaces=options.spaces,
        held=[schemas.HeldSubscription(service_code=s.service_code, space=s.space, habilitation=s.habilitation,
                                       status=s.status) for s in options.held],
        validated_at_once=options.validated_at_once,
    )


def structure_space_row(setting) -> schemas.StructureSpaceRow:
    return schemas.StructureSpaceRow(space=setting.space, status=setting.status, habilitation=setting.habilitation,
                                     changed_at=setting.changed_at)


def attachment_row(a) -> schemas.AttachmentRow:
    return schemas.AttachmentRow(
        id=a.attachment_id, type=a.attachment_type, designation=a.designation, extension=a.extension,
        file_name=a.file_name, size=a.size, version=a.version,
    )


# « Sécurité et confidentialité » (issue 13) --------------------------------------------------------------------------

def email_change_view(change) -> schemas.EmailChangeView | None:
    """A change still waiting for its confirmation, as « Mon Compte » shows it (none once confirmed or expired)."""
    from chalicelib.domain.email_change import pending_shown

    if not pending_shown(change, clock.now()):
        return None
    return schemas.EmailChangeView(target=change.target, new_address=change.new_address,
                                   requested_at=change.requested_at, confirm_until=change.confirm_until)


def data_export_view(export) -> schemas.DataExportView | None:
    from chalicelib.domain.data_export import KEPT_FOR, READY

    if export is None:
        return None
    until = export.ready_at + KEPT_FOR if export.status == READY and export.ready_at else None
    if until is not None and clock.now() >= until:
        return None  # gone (or about to be): the person may ask again
    return schemas.DataExportView(status=export.status, requested_at=export.requested_at, ready_at=export.ready_at,
                                  available_until=until, size=export.size)


# --- Events (issue 11) ----------------------------------------------------------------------------------------------

def event_out(event, language: str, last_visit=None, marked: bool = False) -> schemas.EventOut:
    from chalicelib.api.event_messages import sentence
    from chalicelib.domain.events import is_new

    return schemas.EventOut(
        event_id=event.event_id, kind=event.kind, at=event.at, sentence=sentence(event, language), link=event.link,
        structure_id=event.structure_id, actor=event.params.get("actor"), person=event.params.get("person"),
        reason=event.reason, new=is_new(event.at, last_visit) if marked else None,
    )


def feed_page(page, language: str) -> schemas.FeedPage:
    return schemas.FeedPage(
        items=[event_out(e, language, page.last_visit, marked=True) for e in page.events],
        next_cursor=page.next_cursor, last_visit=page.last_visit,
        invoice_deposit_url=settings.invoice_deposit_url(),
    )


def my_requests(found, language: str) -> schemas.MyRequests:
    from chalicelib.api.event_messages import sentence

    items = []
    for request in found:
        first = request.steps[0]
        items.append(schemas.MyRequest(
            request_type="membership" if request.ref.startswith("M#") else "subscription",
            structure_id=first.structure_id, structure=first.params.get("structure", ""),
            space=first.params.get("space"), services=first.params.get("services"), asked_at=request.asked_at,
            pending=request.pending,
            steps=[schemas.RequestStep(kind=s.kind, at=s.at, sentence=sentence(s, language),
                                       actor=s.params.get("actor"), reason=s.reason) for s in request.steps],
        ))
    return schemas.MyRequests(items=items)


# --- Invoices (issue 12) --------------------------------------------------------------------------------------------

def rejection(item) -> schemas.Rejection:
    from chalicelib.domain import invoices

    return schemas.Rejection(
        structure_id=item.structure_id, number=item.number, service_code=item.service_code, amount=item.amount,
        date=item.day, reason=item.reason, deadline=invoices.deadline(item),
        blocking=invoices.blocking(item, clock.now()), attested_at=item.attested_at)


def rejections(items) -> schemas.Rejections:
    return schemas.Rejections(items=[rejection(item) for item in sorted(items, key=lambda r: r.notified_at)])
