package com.example.shop.ops;

import java.io.IOException;

class NetworkTools {

    public Process ping(String host) throws IOException {
        // ruleid: java-lang-runtime-exec-injection
        return Runtime.getRuntime().exec("ping -c 1 " + host);
    }

    public Process backup(String dir) throws IOException {
        Runtime runtime = Runtime.getRuntime();
        // ruleid: java-lang-runtime-exec-injection
        return runtime.exec(new String[] {"sh", "-c", "tar czf /backups/site.tgz " + dir});
    }

    public Process pingSafely(String host) throws IOException {
        // ok: java-lang-runtime-exec-injection
        return Runtime.getRuntime().exec(new String[] {"ping", "-c", "1", "--", host});
    }

    public Process uptime() throws IOException {
        // ok: java-lang-runtime-exec-injection
        return Runtime.getRuntime().exec("uptime");
    }

    public Process rotateLogs() throws IOException {
        // ok: java-lang-runtime-exec-injection
        return Runtime.getRuntime().exec(new String[] {"sh", "-c", "logrotate /etc/logrotate.d/shop"});
    }
}
