"""Worker voice: the workers' own pages on a site (/w/<code>, no account, nothing that
identifies them) and the site's poster that leads there."""
