"""Team-base passwords, kept in the system's keyring (Windows Credential Manager, macOS
Keychain, Secret Service on Linux) through `keyring` — never in settings, logs or the URL
ctgdesk remembers. Where the system has no keyring, nothing is stored and the password is
asked again: a missing keyring is not an error.
"""

from __future__ import annotations

SERVICE = "ctgdesk"


def key(url) -> str:
    """`user@host:port/base`, the name the password is kept under."""
    return f"{url.username}@{url.host or 'localhost'}:{url.port or 5432}/{url.database}"


def stored_password(url) -> str | None:
    try:
        import keyring

        return keyring.get_password(SERVICE, key(url))
    except Exception:  # noqa: BLE001 - no keyring here: the password will be asked
        return None


def store_password(url, password: str) -> bool:
    """True when kept; False when this system has no usable keyring."""
    try:
        import keyring

        keyring.set_password(SERVICE, key(url), password)
        return True
    except Exception:  # noqa: BLE001
        return False


def forget_password(url) -> None:
    try:
        import keyring

        keyring.delete_password(SERVICE, key(url))
    except Exception:  # noqa: BLE001 - nothing kept, nothing to forget
        pass
