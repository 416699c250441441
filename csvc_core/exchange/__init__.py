"""Exchange of one case between stores: a versioned JSON package, encrypted and authenticated (AES-256-GCM).

- :mod:`csvc_core.exchange.keys` — partnership exchange keys (a key file given to each partner out of band)
  and keys derived from a passphrase (argon2id) when no exchange key is given.
- :mod:`csvc_core.exchange.package` — sealing and opening a package: the header is authenticated with the
  content, so an altered, truncated or re-labelled file is refused before anything is read from it.

The format is documented in ``docs/exchange.md`` and its JSON Schema is ``csvc schema export``.
"""
