"""Human-facing outputs: tables, maps and the HTML report."""
