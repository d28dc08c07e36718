"""Render an e-mail's subject and bodies from templates, in the recipient's language."""
from flask import current_app, render_template
from flask_babel import force_locale

from . import outbox


def absolute_url(path):
    """A link for an e-mail: BASE_URL plus an application path."""
    return current_app.config["BASE_URL"].rstrip("/") + path


def app_link(endpoint, **values):
    """An absolute link to a page of the app for an e-mail, also outside a request."""
    return absolute_url(current_app.url_map.bind("localhost").build(endpoint, values))


def render(template, locale, **context):
    """(subject, text, html) of templates/emails/<template>.{subject.txt,txt,html}."""
    with force_locale(locale or "vi"):
        subject = render_template(f"emails/{template}.subject.txt", **context).strip()
        # A message without a greeting line would otherwise open with blank lines.
        text = render_template(f"emails/{template}.txt", **context).lstrip("\n")
        html = render_template(f"emails/{template}.html", **context)
    return " ".join(subject.split()), text, html


def email_macro(template, name):
    """A macro of templates/emails/<template>, to render a part once and reuse it.

    Its texts follow the locale in force when it is called (force_locale).
    """
    return getattr(current_app.jinja_env.get_template(f"emails/{template}").module, name)


def enqueue_for_users(dedupe_prefix, users, template, extra_addresses=(), attachments=(),
                      addressee="", **context):
    """Queue one e-mail per user (in their language) with an address; return the rows.

    attachments (outbox format) go with every one of these e-mails; documents they name
    are drawn once the transaction commits. The e-mails to extra_addresses greet
    addressee (a unit, for its shared address) where one is given.
    """
    messages = []
    for user in users:
        if not user.email or not user.active:
            continue
        subject, text, html = render(template, user.locale, recipient=user, **context)
        message = outbox.enqueue(f"{dedupe_prefix}:user:{user.id}", [user.email], subject,
                                 text, html, locale=user.locale, attachments=attachments)
        messages.append(message)
    for address in extra_addresses:
        if not address:
            continue
        subject, text, html = render(template, "vi", recipient=None, addressee=addressee,
                                     **context)
        messages.append(outbox.enqueue(f"{dedupe_prefix}:addr:{address.lower()}", [address],
                                       subject, text, html, locale="vi",
                                       attachments=attachments))
    messages = [m for m in messages if m is not None]
    outbox.draw_after_commit(messages)
    return messages
