"""Thumbnail, backup and diagnostics helpers that shell out."""
import os
import subprocess


def make_thumbnail(src_path, size):
    # ruleid: py-lang-shell-command-injection
    subprocess.run(f"convert {src_path} -resize {size} /tmp/thumb.png", shell=True, check=True)


def archive(folder):
    cmd = "tar czf /backups/site.tgz " + folder
    # ruleid: py-lang-shell-command-injection
    return subprocess.check_output(cmd, shell=True)


def disk_usage(path):
    # ruleid: py-lang-shell-command-injection
    with os.popen("du -sh " + path) as pipe:
        return pipe.read()


def ping(host):
    # ruleid: py-lang-shell-command-injection
    return os.system("ping -c 1 %s" % host)


def make_thumbnail_safely(src_path, size):
    # ok: py-lang-shell-command-injection
    subprocess.run(["convert", src_path, "-resize", size, "/tmp/thumb.png"], check=True)


def uptime():
    # ok: py-lang-shell-command-injection
    return subprocess.check_output("uptime", shell=True)


def list_dir(path):
    # ok: py-lang-shell-command-injection
    return subprocess.run(["ls", "-l", path], shell=False, capture_output=True, check=True)


def clear_screen():
    # ok: py-lang-shell-command-injection
    os.system("clear")
