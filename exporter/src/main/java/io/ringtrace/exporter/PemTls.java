package io.ringtrace.exporter;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * An {@link SSLContext} from the PEM files the OTLP variables name: CA certificates to trust and an
 * optional client certificate chain with its PKCS#8 private key (EC or RSA), with the JDK's own
 * classes only.
 */
final class PemTls {

    private static final char[] NO_PASSWORD = new char[0];

    private PemTls() {}

    /**
     * @param trusted CA certificates (PEM), or null for the JVM's trust store
     * @param clientCertificate the client chain (PEM), or null for no client certificate
     * @param clientKey the client's key (PEM, PKCS#8), null exactly when {@code clientCertificate} is
     * @return the context
     * @throws IllegalArgumentException naming the file that cannot be read (never its content)
     */
    static SSLContext context(Path trusted, Path clientCertificate, Path clientKey) {
        try {
            TrustManagerFactory trust = null;
            if (trusted != null) {
                KeyStore store = emptyStore();
                int i = 0;
                for (Certificate certificate : certificates(trusted)) {
                    store.setCertificateEntry("ca-" + i++, certificate);
                }
                trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                trust.init(store);
            }
            KeyManagerFactory keys = null;
            if (clientCertificate != null) {
                Collection<? extends Certificate> chain = certificates(clientCertificate);
                PrivateKey key = privateKey(clientKey);
                KeyStore store = emptyStore();
                store.setKeyEntry("client", key, NO_PASSWORD, chain.toArray(new Certificate[0]));
                keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keys.init(store, NO_PASSWORD);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys == null ? null : keys.getKeyManagers(), trust == null ? null : trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("cannot set up TLS from trusted certificates " + trusted
                    + ", client certificate " + clientCertificate + ", client key " + clientKey
                    + ": " + e.getClass().getSimpleName());
        }
    }

    private static KeyStore emptyStore() throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        return store;
    }

    private static Collection<? extends Certificate> certificates(Path pem) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(pem)) {
            Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certificates.isEmpty()) {
                throw new GeneralSecurityException("no certificate");
            }
            return certificates;
        }
    }

    private static PrivateKey privateKey(Path pem) throws IOException, GeneralSecurityException {
        String text = Files.readString(pem, StandardCharsets.US_ASCII);
        int begin = text.indexOf("-----BEGIN PRIVATE KEY-----");
        int end = text.indexOf("-----END PRIVATE KEY-----");
        if (begin < 0 || end < begin) {
            throw new GeneralSecurityException("not a PKCS#8 PEM private key");
        }
        byte[] der = Base64.getMimeDecoder().decode(text.substring(begin + 27, end));
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String algorithm : new String[] {"EC", "RSA", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException notThisAlgorithm) {
                // try the next
            }
        }
        throw new GeneralSecurityException("unsupported private key algorithm");
    }

}
