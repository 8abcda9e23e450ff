"""What a saved snapshot never shows: values of traits whose names say they are secrets.

Snapshots are saved in the notebook (docs/widgets.md, "Snapshots"); a widget holding an API key or
a token in a trait must not put it there. A name says so when one of its words (``api_key``,
``accessToken``, ``client-secret``) is, or ends in, key, token, secret or password, or is another
usual word for a credential.
"""

from __future__ import annotations

import re

_WORDS = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")
_ENDINGS = ("key", "keys", "token", "tokens", "secret", "secrets", "password", "passwords")
_CREDENTIALS = frozenset({"passwd", "pwd", "passphrase", "credential", "credentials", "auth", "cookie", "xsrf"})


def is_secret_name(name: str) -> bool:
    """Does trait ``name`` say it holds a secret?"""
    return any(w.endswith(_ENDINGS) or w in _CREDENTIALS for w in (m.lower() for m in _WORDS.findall(name)))
