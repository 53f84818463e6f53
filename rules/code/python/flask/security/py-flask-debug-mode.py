"""Storefront entry point."""
import asyncio
import os

from flask import Flask

app = Flask(__name__)


@app.route("/")
def index():
    return "shop"


def run_dev_server():
    # ruleid: py-flask-debug-mode
    app.run(host="0.0.0.0", port=5000, debug=True)


async def warm_cache():
    return None


if __name__ == "__main__":
    # ok: py-flask-debug-mode
    asyncio.run(warm_cache(), debug=True)
    # ok: py-flask-debug-mode
    app.run(debug=os.environ.get("FLASK_DEBUG") == "1")
    # ok: py-flask-debug-mode
    app.run(port=5000)
    # ruleid: py-flask-debug-mode
    app.run(debug=True)
