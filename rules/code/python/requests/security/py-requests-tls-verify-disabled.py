"""Clients for partner APIs."""
import requests

PARTNER_CA = "/etc/shop/partner-ca.pem"


def fetch_rates(base_url):
    # ruleid: py-requests-tls-verify-disabled
    resp = requests.get(base_url + "/rates", timeout=10, verify=False)
    return resp.json()


def push_order(url, order):
    session = requests.Session()
    # ruleid: py-requests-tls-verify-disabled
    session.verify = False
    return session.post(url, json=order, timeout=10)


def ping(url):
    with requests.Session() as s:
        # ruleid: py-requests-tls-verify-disabled
        return s.head(url, verify=False, timeout=5)


def fetch_rates_safely(base_url):
    # ok: py-requests-tls-verify-disabled
    return requests.get(base_url + "/rates", timeout=10, verify=PARTNER_CA).json()


def push_order_safely(url, order):
    # ok: py-requests-tls-verify-disabled
    return requests.post(url, json=order, timeout=10, verify=True)
