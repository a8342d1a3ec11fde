"""Reference data the tool judges and names by, each module one kind, loaded and checked from the
shipped files in supplychain/data/ (or the files configured instead): country and NACE codes
(codes), minimum wages, labour costs, high-risk sectors and country tiers (risk_factors), the ILO
indicators' names (ilo) and what workers read in their languages (worker_texts). It sits low in
the layers (pyproject.toml): every feature may read it, it reads no feature."""
