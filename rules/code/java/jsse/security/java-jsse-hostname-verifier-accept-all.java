package com.example.shop.partner;

import java.io.IOException;
import java.net.URL;
import java.util.Set;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSession;

class PartnerConnections {
    private static final Set<String> PARTNER_HOSTS = Set.of("api.partner.example", "files.partner.example");

    public static void relaxGlobally() {
        // ruleid: java-jsse-hostname-verifier-accept-all
        HttpsURLConnection.setDefaultHostnameVerifier((hostname, session) -> true);
    }

    public static HttpsURLConnection open(URL url) throws IOException {
        HttpsURLConnection conn = (HttpsURLConnection) url.openConnection();
        conn.setHostnameVerifier(new HostnameVerifier() {
            // ruleid: java-jsse-hostname-verifier-accept-all
            public boolean verify(String hostname, SSLSession session) {
                return true;
            }
        });
        return conn;
    }

    public static HttpsURLConnection openPartner(URL url) throws IOException {
        HttpsURLConnection conn = (HttpsURLConnection) url.openConnection();
        HostnameVerifier standard = HttpsURLConnection.getDefaultHostnameVerifier();
        // ok: java-jsse-hostname-verifier-accept-all
        conn.setHostnameVerifier((hostname, session) -> PARTNER_HOSTS.contains(hostname) && standard.verify(hostname, session));
        return conn;
    }

    public static HttpsURLConnection openDefault(URL url) throws IOException {
        // ok: java-jsse-hostname-verifier-accept-all
        return (HttpsURLConnection) url.openConnection();
    }
}
