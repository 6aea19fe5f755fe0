"""The jobs and what starts them: schedules (EventBridge in the cloud; locally on demand) and the table's stream
(an event source mapping in infra/resources.json; locally a poller of devstack)."""

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


@blueprint.lambda_function(name="profile_copies")
def profile_copies(event, context):
    from chalicelib.jobs import profile_copies as job

    return {"refreshed": job.handle(event.get("Records", []))}
