"""Login, logout and outbound links for the storefront."""
from flask import Flask, redirect, request, session, url_for

app = Flask(__name__)


@app.route("/login", methods=["POST"])
def login():
    session["user"] = request.form["user"]
    # ruleid: py-flask-open-redirect
    return redirect(request.args.get("next", "/"))


@app.route("/out")
def outbound():
    target = request.args["url"]
    # ruleid: py-flask-open-redirect
    return redirect(target, code=302)


@app.route("/logout")
def logout():
    session.clear()
    # ok: py-flask-open-redirect
    return redirect(url_for("index"))


@app.route("/find")
def find():
    # ok: py-flask-open-redirect
    return redirect(url_for("search", q=request.args.get("q", "")))


@app.route("/home")
def home():
    # ok: py-flask-open-redirect
    return redirect("/dashboard", code=301)
