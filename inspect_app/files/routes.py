"""The download of one attachment, served as a file, never shown inline."""
from flask import abort, current_app, send_file
from flask_login import current_user

from ..attachments import file_path
from ..models import Attachment
from ..policy import can
from ..web import requires
from . import bp


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
    path = file_path(attachment)
    if not path.is_file():
        current_app.logger.error("attachment %s: file %s is missing", attachment.id, path)
        abort(404)
    response = send_file(path, mimetype=attachment.content_type, as_attachment=True,
                         download_name=attachment.original_name, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
