package com.example.shop.media;

import java.io.IOException;
import java.util.List;

class ImageConverter {

    public Process resize(String input, String output) throws IOException {
        // ruleid: java-lang-processbuilder-shell-injection
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", "convert " + input + " -resize 200x200 " + output);
        return pb.start();
    }

    public Process runHook(String script) throws IOException {
        ProcessBuilder pb = new ProcessBuilder();
        // ruleid: java-lang-processbuilder-shell-injection
        pb.command("/bin/sh", "-c", script);
        return pb.start();
    }

    public Process resizeSafely(String input, String output) throws IOException {
        // ok: java-lang-processbuilder-shell-injection
        return new ProcessBuilder(List.of("convert", input, "-resize", "200x200", output)).start();
    }

    public Process resizeWithShell(String input, String output) throws IOException {
        // ok: java-lang-processbuilder-shell-injection
        return new ProcessBuilder("sh", "-c", "convert \"$1\" -resize 200x200 \"$2\"", "sh", input, output).start();
    }

    public Process listLogs() throws IOException {
        // ok: java-lang-processbuilder-shell-injection
        return new ProcessBuilder("sh", "-c", "ls -l /var/log/shop | tail -n 20").start();
    }
}
