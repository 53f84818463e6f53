"""Session, cache and configuration loading for the worker."""
import base64
import json
import pickle

import yaml


def restore_session(cookie_value):
    # ruleid: py-lang-unsafe-deserialization
    return pickle.loads(base64.b64decode(cookie_value))


def load_cache(path):
    with open(path, "rb") as fh:
        # ruleid: py-lang-unsafe-deserialization
        return pickle.load(fh)


def load_config(text):
    # ruleid: py-lang-unsafe-deserialization
    return yaml.load(text, Loader=yaml.Loader)


def load_legacy_config(text):
    # ruleid: py-lang-unsafe-deserialization
    return yaml.load(text)


def load_config_safely(text):
    # ok: py-lang-unsafe-deserialization
    return yaml.safe_load(text)


def load_config_with_safe_loader(text):
    # ok: py-lang-unsafe-deserialization
    return yaml.load(text, Loader=yaml.SafeLoader)


def restore_session_safely(cookie_value):
    # ok: py-lang-unsafe-deserialization
    return json.loads(base64.b64decode(cookie_value))


def save_cache(path, obj):
    with open(path, "wb") as fh:
        # ok: py-lang-unsafe-deserialization
        pickle.dump(obj, fh)
