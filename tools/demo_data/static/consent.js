// watchdesk demo site: stand-in for a consent-management script. Does nothing.
window.__CONSENT__ = window.__CONSENT__ || {};
