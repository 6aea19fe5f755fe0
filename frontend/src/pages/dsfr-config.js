// DSFR configuration, read by dsfr.module.min.js when it starts: this module is loaded just
// before it (module scripts run in document order). An inline <script> would break the CSP.
window.dsfr = { production: true };
