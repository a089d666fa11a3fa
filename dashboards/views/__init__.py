"""What pages show, as plain functions of query results: testable without a browser or a server."""
