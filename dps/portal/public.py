"""The face of the portal for the app: the HTML portal's router and the security headers hook."""

from __future__ import annotations

from dps.portal.wiring import portal, security_headers

__all__ = ["portal", "security_headers"]
