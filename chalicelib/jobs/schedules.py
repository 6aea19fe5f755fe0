"""The schedules of the jobs (EventBridge in the cloud); locally they run on demand (devstack)."""

from chalice import Blueprint, Cron, Rate

blueprint = Blueprint(__name__)


@blueprint.schedule(Rate(1, unit=Rate.HOURS), name="housekeeping")
def housekeeping(event):
    from chalicelib.jobs import housekeeping as job

    return {"removed": job.run()}


@blueprint.schedule(Cron(0, 6, "*", "*", "?", "*"), name="password_reminders")
def password_reminders(event):
    from chalicelib.jobs import reminders as job

    return {"sent": job.run()}
