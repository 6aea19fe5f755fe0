"""« Pièces jointes » (guide §6): upload through a presigned POST, record after the server's check, edit, delete,
download through presigned GETs."""

from chalice import Blueprint

from chalicelib.api.http import endpoint

blueprint = Blueprint(__name__)


@endpoint(blueprint, "/attachments/uploads", "POST", body="UploadRequest",
          response="UploadTicket", status=201, labels="attachment")
def start_upload(session, body, **_):
    """« Ajouter »: a presigned POST for one file (refused at once if the file or the user's limit forbids it)."""
    from chalicelib.api import schemas
    from chalicelib.services import attachments

    upload = attachments.start_upload(session, body.model_dump())
    return 201, schemas.UploadTicket(upload_id=upload.upload_id, url=upload.url, fields=upload.fields,
                                     expires_at=upload.expires_at, max_size=upload.max_size)


@endpoint(blueprint, "/attachments", "POST", body="AttachmentRecord",
          response="AttachmentRow", status=201, labels="attachment")
def record_attachment(session, body, **_):
    """Record an uploaded file once the server has checked its size and content."""
    from chalicelib.api.shapes import attachment_row
    from chalicelib.services import attachments

    return 201, attachment_row(attachments.record(session, body.model_dump()))


@endpoint(blueprint, "/attachments/{attachment_id}", "PUT", body="AttachmentChange",
          response="AttachmentRow", labels="attachment")
def change_attachment(session, body, attachment_id, **_):
    """« Éditer »: the designation and the type (409 if the attachment changed since it was read)."""
    from chalicelib.api.shapes import attachment_row
    from chalicelib.services import attachments

    return attachment_row(attachments.describe(session, attachment_id, body.model_dump()))


@endpoint(blueprint, "/attachments/delete", "POST", body="AttachmentIds", response="RemovedCount", labels="attachment")
def remove_attachments(session, body, **_):
    """« Supprimer pièces jointes »: the ticked attachments, or none if one is not the caller's."""
    from chalicelib.api import schemas
    from chalicelib.services import attachments

    return schemas.RemovedCount(removed=attachments.remove(session, body.ids))


@endpoint(blueprint, "/attachments/{attachment_id}/download", "GET", response="AttachmentLink", labels="attachment")
def download_attachment(session, attachment_id, **_):
    """« Télécharger »: a link valid a minute, served as an attachment under the file's own name."""
    from chalicelib.api import schemas
    from chalicelib.services import attachments

    link = attachments.download(session, attachment_id)
    return schemas.AttachmentLink(url=link.url, expires_at=link.expires_at)


@endpoint(blueprint, "/attachments/downloads", "POST", body="AttachmentIds",
          response="AttachmentFiles", labels="attachment")
def download_attachments(session, body, **_):
    """« Télécharger pièces jointes »: links for the ticked files, which the browser zips."""
    from chalicelib.api import schemas
    from chalicelib.services import attachments

    links = attachments.downloads(session, body.ids)
    return schemas.AttachmentFiles(
        files=[schemas.AttachmentFile(id=link.attachment.attachment_id, file_name=link.attachment.file_name,
                                      url=link.url) for link in links],
        expires_at=min(link.expires_at for link in links),
    )
