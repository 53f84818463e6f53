"""Bearer-token authentication for the storefront API."""
import jwt

SIGNING_KEY = "fake-signing-key-for-tests-only"


def current_user(token):
    # ruleid: py-pyjwt-signature-verification-disabled
    claims = jwt.decode(token, options={"verify_signature": False})
    return claims["sub"]


def legacy_user(token):
    # ruleid: py-pyjwt-signature-verification-disabled
    return jwt.decode(token, SIGNING_KEY, verify=False)["sub"]


def tenant_of(token):
    relaxed = {"verify_signature": False, "verify_exp": False}
    # ruleid: py-pyjwt-signature-verification-disabled
    return jwt.decode(token, options=relaxed)["tenant"]


def current_user_safely(token):
    # ok: py-pyjwt-signature-verification-disabled
    claims = jwt.decode(token, SIGNING_KEY, algorithms=["HS256"], audience="shop-api")
    return claims["sub"]


def key_id(token):
    # ok: py-pyjwt-signature-verification-disabled
    return jwt.get_unverified_header(token).get("kid")


def lenient_expiry(token):
    # ok: py-pyjwt-signature-verification-disabled
    return jwt.decode(token, SIGNING_KEY, algorithms=["HS256"], options={"verify_exp": False})
