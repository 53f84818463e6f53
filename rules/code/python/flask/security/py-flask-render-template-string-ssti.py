"""Greeting and preview pages for the storefront."""
from flask import Flask, render_template, render_template_string, request

app = Flask(__name__)


@app.route("/hello")
def hello():
    name = request.args.get("name", "guest")
    template = "<h1>Hello " + name + "!</h1>"
    # ruleid: py-flask-render-template-string-ssti
    return render_template_string(template)


@app.route("/preview", methods=["POST"])
def preview():
    # ruleid: py-flask-render-template-string-ssti
    return render_template_string(request.form["body"], user="preview")


@app.route("/banner")
def banner():
    # ruleid: py-flask-render-template-string-ssti
    return render_template_string(f"<p class='{request.cookies.get('theme', 'light')}'>Sale!</p>")


@app.route("/hello-safe")
def hello_safe():
    name = request.args.get("name", "guest")
    # ok: py-flask-render-template-string-ssti
    return render_template_string("<h1>Hello {{ name }}!</h1>", name=name)


@app.route("/profile")
def profile():
    # ok: py-flask-render-template-string-ssti
    return render_template("profile.html", bio=request.args.get("bio", ""))
