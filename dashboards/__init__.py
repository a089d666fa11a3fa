"""What people see: the Dash app, its pages, the read API and Open311 (see docs/dashboard.md, "Where things live")."""
