package dev.berth.image.registry;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;

/**
 * A throw-away certificate authority made with the openssl CLI: a CA, a server certificate for
 * 127.0.0.1 and localhost, and a client certificate, all in one directory.
 */
record TestCa(Path dir) {

    static TestCa create(Path dir) throws Exception {
        Files.createDirectories(dir);
        openssl(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt",
                "-days", "2", "-subj", "/CN=berth-test-ca",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign,digitalSignature");
        Files.writeString(dir.resolve("server.ext"),
                "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n");
        openssl(dir, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
                "-subj", "/CN=127.0.0.1");
        openssl(dir, "x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", "server.crt", "-days", "2", "-extfile", "server.ext");
        Files.writeString(dir.resolve("client.ext"), "extendedKeyUsage=clientAuth\nbasicConstraints=CA:FALSE\n");
        openssl(dir, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "client.key", "-out", "client.csr",
                "-subj", "/CN=berth-test-client");
        openssl(dir, "x509", "-req", "-in", "client.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", "client.cert", "-days", "2", "-extfile", "client.ext");
        return new TestCa(dir);
    }

    private static void openssl(Path dir, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed:\n" + output);
        }
    }

    Path caCert() {
        return dir.resolve("ca.crt");
    }

    Path serverCert() {
        return dir.resolve("server.crt");
    }

    Path serverKey() {
        return dir.resolve("server.key");
    }

    Path clientCert() {
        return dir.resolve("client.cert");
    }

    Path clientKey() {
        return dir.resolve("client.key");
    }

    /** The CA's key, which also signs the test token server's JWTs. */
    PrivateKey caKey() throws Exception {
        String pem = Files.readString(dir.resolve("ca.key"), StandardCharsets.US_ASCII);
        String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
    }

    X509Certificate caCertificate() throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(caCert())));
    }

    /** A certs.d tree with this CA for {@code host}, and the client certificate if asked. */
    Path certsDir(Path root, String host, boolean withClientCert) throws IOException {
        Path hostDir = Files.createDirectories(root.resolve(host));
        Files.copy(caCert(), hostDir.resolve("ca.crt"));
        if (withClientCert) {
            Files.copy(clientCert(), hostDir.resolve("client.cert"));
            Files.copy(clientKey(), hostDir.resolve("client.key"));
        }
        return root;
    }
}
