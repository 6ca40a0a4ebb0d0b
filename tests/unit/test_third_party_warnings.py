"""Authlib says on stderr, at import, that it falls back to httpx because httpx2 is not installed, and
(through oidc-provider-mock) that `authlib.jose` is deprecated; it forces such warnings to show always. The
portal, the cockpit, `duixian audit verify` (which opens the portal's audit chain) and `duixian idp`
import it, so every newcomer saw those lines under `make up` and after an operator's command. httpx is
what the portal uses on purpose: the imports are quiet; Authlib's other warnings still show."""
from __future__ import annotations

import subprocess
import sys

IMPORTS = {
    "the portal (and cockpit, duixian audit verify)": "import services.portal.entrypoints.app",
    "duixian idp": ("from duixian.commands.idp import provider_app\n"
                    "from services.portal.domain.directory import Directory\n"
                    "from services.portal.entrypoints.app import DEMO_DIRECTORY\n"
                    "provider_app(Directory.from_file(DEMO_DIRECTORY))"),
}


def stderr_of(script: str) -> str:
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stderr


def test_importing_the_portal_and_the_development_provider_prints_no_authlib_deprecation():
    for who, script in IMPORTS.items():
        assert "AuthlibDeprecationWarning" not in stderr_of(script), who


def test_authlib_deprecations_other_than_the_import_fallbacks_still_show():
    shown = stderr_of("import services.portal.entrypoints.app\n"
                      "from authlib.deprecate import deprecate\n"
                      "deprecate('something else is deprecated', stacklevel=1)")
    assert "AuthlibDeprecationWarning: something else is deprecated" in shown
