package dev.berth.daemon.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A throw-away PKI made with the {@code openssl} command, as Docker's "protect the daemon
 * socket" guide makes one: a CA, a server certificate for 127.0.0.1 and a client certificate,
 * each in its own key format (the server key as PKCS#1, the client key as SEC 1 EC) to exercise
 * the key readers on both sides.
 */
public record TestCerts(Path dir) {

    public Path ca() {
        return dir.resolve("ca.pem");
    }

    public Path serverCert() {
        return dir.resolve("server-cert.pem");
    }

    public Path serverKey() {
        return dir.resolve("server-key.pem");
    }

    /** The client's files, named as the docker CLI looks for them in a cert directory. */
    public Path clientCert() {
        return dir.resolve("cert.pem");
    }

    public Path clientKey() {
        return dir.resolve("key.pem");
    }

    /** An unrelated CA and a client certificate it signed: valid TLS, but not trusted by the daemon. */
    public Path strangerCert() {
        return dir.resolve("stranger-cert.pem");
    }

    public Path strangerKey() {
        return dir.resolve("stranger-key.pem");
    }

    public static TestCerts create(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        openssl(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca-key.pem", "-out", "ca.pem",
                "-days", "2", "-subj", "/CN=berth-test-ca");
        // server: RSA, written in the traditional PKCS#1 form
        openssl(dir, "genrsa", "-traditional", "-out", "server-key.pem", "2048");
        openssl(dir, "req", "-new", "-key", "server-key.pem", "-out", "server.csr", "-subj", "/CN=localhost");
        Files.writeString(dir.resolve("server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n");
        openssl(dir, "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca-key.pem", "-CAcreateserial",
                "-out", "server-cert.pem", "-days", "2", "-extfile", "server.ext");
        // client: EC P-256, in SEC 1 form
        openssl(dir, "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "key.pem");
        openssl(dir, "req", "-new", "-key", "key.pem", "-out", "client.csr", "-subj", "/CN=client");
        Files.writeString(dir.resolve("client.ext"), "extendedKeyUsage=clientAuth\n");
        openssl(dir, "x509", "-req", "-in", "client.csr", "-CA", "ca.pem", "-CAkey", "ca-key.pem", "-CAcreateserial",
                "-out", "cert.pem", "-days", "2", "-extfile", "client.ext");
        // a stranger: self-signed client certificate from a CA the daemon does not trust
        openssl(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "stranger-key.pem", "-out",
                "stranger-cert.pem", "-days", "2", "-subj", "/CN=stranger");
        return new TestCerts(dir);
    }

    public static void assumeOpenssl() {
        boolean present = List.of("/usr/bin/openssl", "/usr/local/bin/openssl").stream().anyMatch(p -> Files.isExecutable(Path.of(p)));
        if (!present && (Boolean.getBoolean("berth.requireRoot") || "1".equals(System.getenv("BERTH_REQUIRE_ROOT")))) {
            throw new AssertionError("needs the openssl command to make test certificates");
        }
        Assumptions.assumeTrue(present, "needs the openssl command to make test certificates");
    }

    private static void openssl(Path dir, String... args) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>();
        cmd.add("openssl");
        cmd.addAll(List.of(args));
        Path log = dir.resolve("openssl.log");
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("openssl " + String.join(" ", args) + " failed:\n"
                    + Files.readString(log, StandardCharsets.UTF_8));
        }
    }
}
