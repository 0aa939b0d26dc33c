"""The web portal: server-rendered pages on the GOV.UK Design System, branded as the consortium's
service. It calls the packages' services (as the JSON API does), never the JSON controllers.

Modules: `wiring` (how the app mounts it), `web` (sessions, pages, redirects), `forms`,
`messages` (problem codes in plain English), `templating`, `labels`, and one module per area of
the journey: `dashboard`, `sessions`, `organisation`, `settings_pages`, `arrangements`, `applications`."""
