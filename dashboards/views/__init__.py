"""View models: what each page shows, built from query results by functions its callbacks call (testable without a
browser), and the figures and components they assemble."""
