"""Account tokens and catalogue sampling."""
import random
import secrets
import string

ALPHABET = string.ascii_letters + string.digits


def make_reset_token(length=32):
    # ruleid: py-lang-insecure-random-secret
    return "".join(random.choice(ALPHABET) for _ in range(length))


def new_user(email):
    # ruleid: py-lang-insecure-random-secret
    api_key = "%032x" % random.getrandbits(128)
    return {"email": email, "api_key": api_key}


def make_reset_token_safely(length=32):
    # ok: py-lang-insecure-random-secret
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def new_session_id():
    # ok: py-lang-insecure-random-secret
    return "".join(random.SystemRandom().choice(ALPHABET) for _ in range(24))


def pick_featured(products):
    # ok: py-lang-insecure-random-secret
    return random.sample(products, k=3)


def retry_delay(attempt):
    # ok: py-lang-insecure-random-secret
    return min(30, 2**attempt) + random.uniform(0, 1)
