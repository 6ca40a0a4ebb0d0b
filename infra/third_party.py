"""Third-party libraries' noise at import, silenced where it says nothing to an operator."""
from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager

# Authlib >= 1.7 warns at import when it falls back to httpx (httpx2 is not installed: httpx is what the
# portal uses on purpose) and when oidc-provider-mock imports `authlib.jose`; it forces its warnings to show
# always, so they reached the log of every process and the stderr of `duixian audit verify`.
AUTHLIB_IMPORT_NOTICES = r"The httpx module is deprecated|authlib\.jose module is deprecated"


@contextmanager
def authlib_imported_quietly() -> Iterator[None]:
    """Imports under this block do not print Authlib's import-time deprecation notices; its other warnings,
    and any after the block, still show."""
    from authlib.deprecate import AuthlibDeprecationWarning  # registers Authlib's "always" filter first

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=AUTHLIB_IMPORT_NOTICES, category=AuthlibDeprecationWarning)
        yield
