"""What the health check reads: the scheduler's last heartbeat."""
from .. import clock
from ..models import SCHEDULER_LEASE, SchedulerLease


def heartbeat_age_seconds():
    """Seconds since the lease holder's last heartbeat, or None if no scheduler ever ran."""
    beat = (SchedulerLease
            .select(SchedulerLease.heartbeat_at)
            .where(SchedulerLease.name == SCHEDULER_LEASE)
            .scalar())
    if beat is None:
        return None
    return max(int((clock.now() - beat).total_seconds()), 0)
