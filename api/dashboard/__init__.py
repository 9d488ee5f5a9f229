"""The web dashboard and the API docs, served by the API itself and working offline.

Pages are HTML shells that hold no ledger data and need no key; their scripts read the public
JSON API (/v1) with the key the browser was given in the URL fragment. Scripts, styles, the chart
library and the Swagger UI / ReDoc bundles are files of this package (static/vendor), never a CDN.
"""

from api.dashboard.routes import install

__all__ = ["install"]
