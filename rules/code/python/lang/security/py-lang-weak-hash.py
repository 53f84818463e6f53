"""Password, download-signing and caching helpers."""
import hashlib
import hmac


def hash_password(password, salt):
    # ruleid: py-lang-weak-hash
    return hashlib.md5(salt + password.encode()).hexdigest()


def sign_download(secret, payload):
    # ruleid: py-lang-weak-hash
    digest = hashlib.new("sha1", secret + payload)
    return digest.hexdigest()


def api_key_fingerprint(key):
    # ruleid: py-lang-weak-hash
    return hashlib.sha1(key.encode("utf-8")).hexdigest()


def hash_password_safely(password, salt):
    # ok: py-lang-weak-hash
    return hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1).hex()


def etag(body):
    # ok: py-lang-weak-hash
    return hashlib.md5(body, usedforsecurity=False).hexdigest()


def totp_mac(key, counter):
    # ok: py-lang-weak-hash
    return hmac.new(key, counter, hashlib.sha1).digest()


def checksum(data):
    # ok: py-lang-weak-hash
    return hashlib.sha256(data).hexdigest()
