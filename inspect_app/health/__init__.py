"""GET /healthz for the load balancer: database, migrations, the scheduler's heartbeat."""
