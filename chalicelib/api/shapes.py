"""Stored items turned into the response models of ``schemas``: what each screen may see, and nothing more."""

from chalicelib import schemas, settings
from chalicelib.domain import clock
from chalicelib.domain.contact import display_phone
from chalicelib.domain.password_expiry import expiry
from chalicelib.domain.password_policy import MAX_LENGTH, MIN_LENGTH


def me(profile, previous_login_at) -> schemas.Me:
    return schemas.Me(
        first_name=profile.first_name, last_name=profile.last_name, language=profile.language,
        last_login_at=previous_login_at,
    )


def account_head(profile, previous_login_at, model=schemas.AccountHead, **lists):
    expires_at, days_left = expiry(profile.password_changed_at, settings.password_lifetime_days(), clock.now())
    return model(
        me=me(profile, previous_login_at),
        version=profile.version,
        profile=schemas.Profile(
            login=profile.login, contact_email=profile.contact_email, last_name=profile.last_name,
            first_name=profile.first_name,
            address=schemas.Address(
                line1=profile.address_line1, line2=profile.address_line2, line3=profile.address_line3,
                postal_code=profile.postal_code, city=profile.city, country=profile.country,
            ),
            phone=display_phone(profile.phone), fax=display_phone(profile.fax),
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


def account_view(account, previous_login_at) -> schemas.Account:
    return account_head(
        account.profile, previous_login_at, model=schemas.Account,
        memberships=[
            schemas.MembershipRow(
                structure_id=m.structure_id, identifier=m.identifier, designation=m.designation, role=m.role,
                status=m.status,
            )
            for m in sorted(account.memberships, key=lambda m: m.designation)
        ],
        subscriptions=[
            schemas.SubscriptionRow(
                structure_id=s.structure_id, identifier=s.identifier, designation=s.designation,
                service=s.service_name, space=s.space, habilitation=s.habilitation, status=s.status,
            )
            for s in sorted(account.subscriptions, key=lambda s: (s.designation, s.service_name or "", s.space))
        ],
        attachments=[
            schemas.AttachmentRow(
                id=a.attachment_id, type=a.attachment_type, designation=a.designation, extension=a.extension,
                file_name=a.file_name, size=a.size,
            )
            for a in sorted(account.attachments, key=lambda a: a.designation)
        ],
    )
