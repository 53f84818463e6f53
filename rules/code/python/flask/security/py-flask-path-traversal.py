"""Download and invoice endpoints."""
import os

from flask import Flask, request, send_file, send_from_directory
from werkzeug.utils import secure_filename

app = Flask(__name__)
UPLOAD_DIR = "/srv/shop/uploads"


@app.route("/download")
def download():
    path = os.path.join(UPLOAD_DIR, request.args["file"])
    # ruleid: py-flask-path-traversal
    with open(path, "rb") as fh:
        return fh.read()


@app.route("/invoice")
def invoice():
    # ruleid: py-flask-path-traversal
    return send_file(os.path.join("/srv/shop/invoices", request.args.get("name", "")))


@app.route("/uploads/delete", methods=["POST"])
def delete_upload():
    # ruleid: py-flask-path-traversal
    os.remove(UPLOAD_DIR + "/" + request.form["name"])
    return "", 204


@app.route("/download-safe")
def download_safe():
    name = secure_filename(request.args["file"])
    # ok: py-flask-path-traversal
    with open(os.path.join(UPLOAD_DIR, name), "rb") as fh:
        return fh.read()


@app.route("/attachment")
def attachment():
    # ok: py-flask-path-traversal
    return send_from_directory(UPLOAD_DIR, request.args["name"])
