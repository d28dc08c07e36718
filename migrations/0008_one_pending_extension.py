"""At most one pending extension request per finding: a partial unique index.

Bursts of identical posts could leave several pending requests on one finding. The
earliest one of each finding stays pending; the later ones are closed as rejected, with
a note saying why, so that the index can be created.
"""
import datetime as dt

from peewee import CharField, DateTimeField, IntegerField, Model, TextField, fn

DUPLICATE_NOTE = ("Yêu cầu gửi trùng (gửi nhiều lần cùng lúc) nên được hệ thống tự đóng; "
                  "yêu cầu gửi sớm nhất vẫn chờ quyết định.")


def upgrade(database, migrator):
    """Close the duplicate pending requests, then allow one pending request per finding."""

    class ExtensionRequest(Model):
        finding_id = IntegerField()
        status = CharField(max_length=16)
        decided_at = DateTimeField(null=True)
        note = TextField()

        class Meta:
            table_name = "extension_request"

    ExtensionRequest._meta.set_database(database)
    earliest = (ExtensionRequest
                .select(fn.MIN(ExtensionRequest.id))
                .where(ExtensionRequest.status == "pending")
                .group_by(ExtensionRequest.finding_id))
    (ExtensionRequest
     .update(status="rejected", note=DUPLICATE_NOTE,
             decided_at=dt.datetime.now(dt.timezone.utc).replace(tzinfo=None))
     .where(ExtensionRequest.status == "pending", ExtensionRequest.id.not_in(earliest))
     .execute())
    database.execute_sql("CREATE UNIQUE INDEX extension_request_one_pending "
                         "ON extension_request (finding_id) WHERE status = 'pending'")
