"""Who may do what: one can(user, action, obj) used by routes, templates and services."""

ADMIN = "admin"
INSPECTOR = "inspector"
LEADER = "leader"
UNIT_HEAD = "unit_head"


def _admin_only(user, obj):
    """Only administrators."""
    return user.role == ADMIN


def _staff(user, obj):
    """Administrators, inspectors and leaders."""
    return user.role in (ADMIN, INSPECTOR, LEADER)


def _signed_in(user, obj):
    """Anyone signed in."""
    return True


RULES = {
    "home.view": _signed_in,
    "account.manage": _signed_in,
    "users.manage": _admin_only,
    "units.manage": _admin_only,
    "unit_kinds.manage": _admin_only,
    "settings.manage": _admin_only,
    "audit.view": _admin_only,
    "dashboard.view": _staff,
}


def can(user, action, obj=None):
    """Whether user may perform action (on obj); an action without a rule is a bug."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.active:
        return False
    rule = RULES.get(action)
    if rule is None:
        raise KeyError(f"no policy for action {action!r}")
    return rule(user, obj)
