"""Sites: the worksites or projects of an organisation, and which suppliers' workers are on each."""
