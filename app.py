"""The Chalice application: created here, its routes live in chalicelib/api (one blueprint per area).

Kept cheap to import (a Lambda cold start): the blueprints import their services on first use.
"""

from chalice import Chalice

from chalicelib import observability
from chalicelib.api import (
    account,
    attachments,
    auth,
    events,
    http,
    invoices,
    security,
    structure_admin,
    structures,
    subscriptions,
)
from chalicelib.jobs import notifications, schedules

observability.configure()
app = Chalice(app_name="mon-compte")
app.debug = False
app.register_blueprint(auth.blueprint)
app.register_blueprint(account.blueprint)
app.register_blueprint(structures.blueprint)
app.register_blueprint(subscriptions.blueprint)
app.register_blueprint(structure_admin.blueprint)
app.register_blueprint(attachments.blueprint)
app.register_blueprint(security.blueprint)
app.register_blueprint(events.blueprint)
app.register_blueprint(invoices.blueprint)
app.register_blueprint(schedules.blueprint)
app.register_blueprint(notifications.blueprint)
http.register_fallbacks(app)
