"""Reading security headers: a Content-Security-Policy as its directives."""

from __future__ import annotations


def csp_directives(policy: str) -> dict[str, list[str]]:
    """``"default-src 'self'; img-src 'self' data:"`` -> ``{"default-src": ["'self'"], ...}``.

    A directive named twice keeps its first occurrence, as browsers do (CSP3 §2.2.1).
    """
    directives: dict[str, list[str]] = {}
    for part in policy.split(";"):
        if not part.strip():
            continue
        name, *sources = part.split()
        directives.setdefault(name.lower(), sources)
    return directives
