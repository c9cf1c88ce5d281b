package io.ringtrace.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away PKI made at run time for TLS and mTLS tests: a CA, a server certificate for
 * {@code localhost}, {@code 127.0.0.1} and {@code 127.0.0.2} signed by it, and a client certificate
 * signed by it. Everything is written as PEM (certificates as {@code CERTIFICATE}, keys as
 * unencrypted PKCS#8 {@code PRIVATE KEY}, the format gRPC and the {@code OTEL_EXPORTER_OTLP_*}
 * variables expect) into a fresh temporary directory that {@link #close()} deletes. No key is ever
 * committed to the repository. Keys are EC P-256: generating them takes milliseconds.
 */
public final class TestCertificates implements AutoCloseable {

    private static final AtomicLong SERIALS = new AtomicLong(System.currentTimeMillis());
    private static final Duration VALIDITY = Duration.ofDays(2);

    private final Path directory;
    private final Path caCertificate;
    private final Path serverCertificate;
    private final Path serverKey;
    private final Path clientCertificate;
    private final Path clientKey;

    private TestCertificates(Path directory) {
        this.directory = directory;
        this.caCertificate = directory.resolve("ca.pem");
        this.serverCertificate = directory.resolve("server.pem");
        this.serverKey = directory.resolve("server-key.pem");
        this.clientCertificate = directory.resolve("client.pem");
        this.clientKey = directory.resolve("client-key.pem");
    }

    /**
     * Generates a new CA, server and client certificate and writes them to a new temporary
     * directory.
     *
     * @return the certificates; close them to delete the files
     */
    public static TestCertificates generate() {
        Path directory;
        try {
            directory = Files.createTempDirectory("ringtrace-test-certs");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory for certificates", e);
        }
        TestCertificates certificates = new TestCertificates(directory);
        try {
            certificates.writeAll();
            return certificates;
        } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
            certificates.close();
            throw new IllegalStateException("cannot generate test certificates", e);
        }
    }

    private void writeAll() throws IOException, GeneralSecurityException, OperatorCreationException {
        KeyPair caKeys = newKeyPair();
        X500Name caName = new X500Name("CN=ringtrace test CA");
        X509v3CertificateBuilder ca = certificateBuilder(caName, caName, caKeys.getPublic());
        ca.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        ca.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        X509Certificate caCert = sign(ca, caKeys.getPrivate());

        KeyPair serverKeys = newKeyPair();
        X509v3CertificateBuilder server =
                certificateBuilder(caName, new X500Name("CN=localhost"), serverKeys.getPublic());
        server.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        server.addExtension(
                Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
        server.addExtension(
                Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        server.addExtension(
                Extension.subjectAlternativeName,
                false,
                new GeneralNames(
                        new GeneralName[] {
                            new GeneralName(GeneralName.dNSName, "localhost"),
                            new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                            new GeneralName(GeneralName.iPAddress, "127.0.0.2")
                        }));
        server.addExtension(
                Extension.authorityKeyIdentifier,
                false,
                new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(caCert));
        X509Certificate serverCert = sign(server, caKeys.getPrivate());

        KeyPair clientKeys = newKeyPair();
        X509v3CertificateBuilder client =
                certificateBuilder(caName, new X500Name("CN=ringtrace test client"), clientKeys.getPublic());
        client.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        client.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        client.addExtension(
                Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
        X509Certificate clientCert = sign(client, caKeys.getPrivate());

        writePem(caCertificate, "CERTIFICATE", caCert.getEncoded());
        writePem(serverCertificate, "CERTIFICATE", serverCert.getEncoded());
        writePem(serverKey, "PRIVATE KEY", serverKeys.getPrivate().getEncoded());
        writePem(clientCertificate, "CERTIFICATE", clientCert.getEncoded());
        writePem(clientKey, "PRIVATE KEY", clientKeys.getPrivate().getEncoded());
    }

    private static KeyPair newKeyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
        return generator.generateKeyPair();
    }

    private static X509v3CertificateBuilder certificateBuilder(
            X500Name issuer, X500Name subject, PublicKey publicKey) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(
                issuer,
                BigInteger.valueOf(SERIALS.incrementAndGet()),
                Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(VALIDITY)),
                subject,
                publicKey);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey issuerKey)
            throws OperatorCreationException, GeneralSecurityException {
        return new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
    }

    private static void writePem(Path file, String type, byte[] der) throws IOException {
        String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
        String pem = "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
        Files.write(file, pem.getBytes(StandardCharsets.US_ASCII));
    }

    /** @return the PEM file of the CA certificate that signed both the server and client certificate */
    public Path caCertificate() {
        return caCertificate;
    }

    /** @return the PEM file of the server certificate (SANs localhost, 127.0.0.1, 127.0.0.2) */
    public Path serverCertificate() {
        return serverCertificate;
    }

    /** @return the PEM file (PKCS#8) of the server's private key */
    public Path serverKey() {
        return serverKey;
    }

    /** @return the PEM file of the client certificate, for mTLS */
    public Path clientCertificate() {
        return clientCertificate;
    }

    /** @return the PEM file (PKCS#8) of the client's private key, for mTLS */
    public Path clientKey() {
        return clientKey;
    }

    /** Deletes the files and their directory. Idempotent. */
    @Override
    public void close() {
        for (Path file : new Path[] {caCertificate, serverCertificate, serverKey, clientCertificate, clientKey}) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // best effort: a temporary file left behind is not worth failing a test over
            }
        }
        try {
            Files.deleteIfExists(directory);
        } catch (IOException ignored) {
            // best effort, as above
        }
    }
}
