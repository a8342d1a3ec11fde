"""WSGI entry point for servers run by hand: `gunicorn 'supplychain.wsgi:app'`.

Refuses to start on a database whose schema is older than the code, or a broken questionnaire.
"""

from . import create_app, db
from .questionnaires.catalogue import get_catalogue

app = create_app()
with app.app_context():
    db.ensure_migrated(db.get_engine())
    get_catalogue()
app.extensions["engine"].dispose()  # connections are opened again in each worker
