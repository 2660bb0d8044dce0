"""The web UI: server-rendered pages over the same library functions and authentication as the API.

`install_web(app)` adds the pages, the static files and the login to an app from
`plantarch.api.app.create_app`.
"""

from plantarch.web.app import install_web

__all__ = ["install_web"]
