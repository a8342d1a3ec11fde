"""Operating the app: the server, the worker, checks of the deployment, backups."""
