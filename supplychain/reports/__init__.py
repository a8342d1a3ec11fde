"""Reports: the risk report as a PDF made in the background and archived, and exports of a
run's flags as CSV, XLSX and JSON."""
