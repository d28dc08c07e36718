"""The download of one attachment, served as a file, never shown inline."""
import os

from flask import Blueprint, abort, current_app, request, send_file
from flask_login import current_user

from ..models import Attachment
from ..policy import can
from ..web import requires
from .services import open_stored

bp = Blueprint("files", __name__)


def get_attachment_or_404(attachment_id):
    """The attachment with this id if the user may see what it belongs to, else 404."""
    attachment = Attachment.get_or_none(Attachment.id == attachment_id)
    if attachment is None or not can(current_user, "attachments.view", attachment):
        abort(404)
    return attachment


@bp.route("/attachments/<int:attachment_id>")
@requires("findings.list")
def download(attachment_id):
    """Send the file under its original name, as a download."""
    attachment = get_attachment_or_404(attachment_id)
    stored = open_stored(attachment)
    if stored is None:
        current_app.logger.error("attachment %s: file %s is missing", attachment.id,
                                 attachment.stored_name)
        abort(404)
    # An open file, not a path: the file may take its stored name while this runs. Its
    # content never changes, so its hash is its ETag.
    response = send_file(stored, mimetype=attachment.content_type, as_attachment=True,
                         download_name=attachment.original_name, max_age=0,
                         etag=attachment.sha256, conditional=False)
    size = os.fstat(stored.fileno()).st_size
    response.content_length = size
    response = response.make_conditional(request, accept_ranges=True, complete_length=size)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
