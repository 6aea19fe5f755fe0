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
# One blueprint per area (the jobs' triggers too): a new area is one name here.
for area in (auth, account, structures, subscriptions, structure_admin, attachments, security, events, invoices,
             schedules, notifications):
    app.register_blueprint(area.blueprint)
http.register_fallbacks(app)
