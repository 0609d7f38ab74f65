"""HTTP: the JSON API, the staff pages and the one place that maps errors to status codes."""
