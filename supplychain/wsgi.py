"""WSGI entry point for servers run by hand: `gunicorn 'supplychain.wsgi:app'`.

Refuses to start on a database whose schema is older than the code.
"""

from . import create_app, db

app = create_app()
with app.app_context():
    db.ensure_migrated(db.get_engine())
app.extensions["engine"].dispose()  # connections are opened again in each worker
