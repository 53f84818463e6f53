package com.example.shop.partner;

import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

class PartnerTls {

    public static SSLContext trustAll() throws GeneralSecurityException {
        TrustManager[] managers = {
            new X509TrustManager() {
                // ok: java-jsse-trust-all-certificates
                public void checkClientTrusted(X509Certificate[] chain, String authType) {}

                // ruleid: java-jsse-trust-all-certificates
                public void checkServerTrusted(X509Certificate[] chain, String authType) {}

                public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
            }
        };
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, managers, null);
        return ctx;
    }

    static final class StagingTrustManager implements X509TrustManager {
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("client certificates are not accepted");
        }

        // ruleid: java-jsse-trust-all-certificates
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            // staging certificates are self-signed, so accept everything
        }

        public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
    }

    static final class DelegatingTrustManager implements X509TrustManager {
        private final X509TrustManager delegate;

        DelegatingTrustManager(X509TrustManager delegate) {
            this.delegate = delegate;
        }

        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            delegate.checkClientTrusted(chain, authType);
        }

        // ok: java-jsse-trust-all-certificates
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            delegate.checkServerTrusted(chain, authType);
        }

        public X509Certificate[] getAcceptedIssuers() { return delegate.getAcceptedIssuers(); }
    }
}
