"""The app's own HTTP route that sets the staff reload cookie.

A Streamlit page cannot set an HttpOnly cookie; this Starlette route, served by the same server
(`st.App(..., routes=routes())` in app.py), can. After a password sign-in the next staff page
asks for `/crps/staff-session?code=ONE-TIME-CODE` (an invisible image, so no script is needed);
the route swaps the code for a random token (`access.sessions.cookie_token`) and answers with
the cookie: HttpOnly (no script reads it), SameSite=Strict (no other site's link or form sends
it), Path=/, Secure when the browser came over HTTPS (directly, or through the proxy's
X-Forwarded-Proto), and no Max-Age (the browser drops it when it closes). A used, late or
made-up code gets the same image and no cookie.

The same answer sets the account's device cookie (`access.devices`, 180 days, same flags),
signed with Streamlit's `server.cookieSecret` (`device_secret`): the same on every app server.
"""

from __future__ import annotations

import base64
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route
from streamlit import config

from access import devices, sessions
from ui import resources

PATH = "/crps/staff-session"
"""Under `server.baseUrlPath` when that is set (`path`), like Streamlit's own routes."""
# A 1x1 transparent GIF: what the page's image request gets back, cookie or not.
_PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")


def path() -> str:
    base = str(config.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}{PATH}" if base else PATH


def handover_url(code: str) -> str:
    """The address a page asks for (same origin, so the SameSite=Strict cookie is stored)."""
    return f"{path()}?code={quote(code, safe='')}"


def device_secret() -> bytes:
    """What device cookies are signed with: `server.cookieSecret` (STREAMLIT_SERVER_COOKIE_SECRET);
    Streamlit makes a random one per process when it is not set, so set it (the same on every
    server) for device cookies to outlive a restart or follow a browser to another server."""
    return str(config.get_option("server.cookieSecret") or "").encode()


def _over_https(request: Request) -> bool:
    forwarded = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return request.url.scheme == "https" or forwarded == "https"


async def _handover(request: Request) -> Response:
    code = request.query_params.get("code", "")
    grant = await run_in_threadpool(lambda: sessions.cookie_token(resources.storage(), code))
    response = Response(_PIXEL, media_type="image/gif", headers={"Cache-Control": "no-store"})
    if grant is not None:
        secure = _over_https(request)
        response.set_cookie(sessions.SESSION_COOKIE, grant.token, path="/", httponly=True, samesite="strict",
                            secure=secure)
        device = devices.issue(grant.username, device_secret())
        if device:
            response.set_cookie(devices.cookie_name(grant.username), device, max_age=devices.DEVICE_COOKIE_DAYS * 86400,
                                path="/", httponly=True, samesite="strict", secure=secure)
    return response


def routes() -> list[BaseRoute]:
    """The routes app.py gives `st.App`."""
    return [Route(path(), _handover, methods=["GET"])]
