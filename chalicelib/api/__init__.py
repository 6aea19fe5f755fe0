"""One blueprint per area: parse and validate the request, call a service, shape the response."""
