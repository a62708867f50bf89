package dev.berth.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.daemon.http.PemFiles;
import dev.berth.daemon.testing.BerthdProcess;
import dev.berth.daemon.testing.DockerCli;
import dev.berth.daemon.testing.RequiresDockerCli;
import dev.berth.daemon.testing.TestCerts;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code -H tcp://127.0.0.1:<port> --tlsverify}: the docker CLI with a client certificate signed by
 * the daemon's CA gets in; clients without one, or with one from another CA, are refused during
 * the handshake. Certificates come from {@code openssl}, as Docker's guide makes them.
 */
@RequiresDockerCli
class TlsIT {
    @TempDir
    static Path dir;

    private static TestCerts certs;
    private static BerthdProcess daemon;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        TestCerts.assumeOpenssl();
        certs = TestCerts.create(dir.resolve("pki"));
        daemon = BerthdProcess.start(dir.resolve("d"), "-H", "tcp://127.0.0.1:0", "--tlsverify",
                "--tlscacert", certs.ca().toString(), "--tlscert", certs.serverCert().toString(),
                "--tlskey", certs.serverKey().toString());
        port = daemon.tcpPort();
    }

    @AfterAll
    static void stop() throws Exception {
        if (daemon != null) {
            daemon.close();
        }
    }

    private DockerCli cli() throws IOException {
        return new DockerCli(null, Files.createDirectories(dir.resolve("docker-config")));
    }

    @Test
    void dockerWithAClientCertificateGetsIn() throws Exception {
        DockerCli.Result r = cli().run("--tlsverify", "--tlscacert", certs.ca().toString(), "--tlscert",
                certs.clientCert().toString(), "--tlskey", certs.clientKey().toString(), "-H", "tcp://127.0.0.1:" + port,
                "version").ok();
        System.out.println("--- docker --tlsverify version ---\n" + r.out() + r.err());
        assertThat(r.out()).contains("Server: Berth").containsPattern("API version:\\s+1\\.56");
        assertThat(daemon.log()).contains("API listen on 127.0.0.1:" + port + " (TLS)");
    }

    @Test
    void dockerWithoutAClientCertificateIsRefused() throws Exception {
        DockerCli.Result r = cli().run("--tlsverify", "--tlscacert", certs.ca().toString(), "-H",
                "tcp://127.0.0.1:" + port, "version", "--format", "{{.Server.Version}}");
        System.out.println("--- docker --tlsverify (no client cert) version ---\n" + r.out() + r.err());
        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).containsAnyOf("certificate required", "bad certificate", "handshake");
    }

    @Test
    void javaClientsWithoutOrWithAForeignCertificateAreRefused() throws Exception {
        assertThat(exchange(null, null)).as("no client certificate").isNull();
        assertThat(exchange(certs.strangerCert(), certs.strangerKey())).as("certificate from another CA").isNull();
        assertThat(exchange(certs.clientCert(), certs.clientKey())).as("the right certificate").startsWith("HTTP/1.1 200 OK");
    }

    @Test
    void plainHttpOnTheTlsPortGetsNoAnswer() throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("GET /_ping HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] buf = new byte[64];
            int n;
            try {
                n = s.getInputStream().read(buf);
            } catch (IOException e) {
                n = -1;
            }
            String got = n > 0 ? new String(buf, 0, n, StandardCharsets.ISO_8859_1) : "";
            assertThat(got).doesNotStartWith("HTTP/1.1 200");
        }
    }

    /** A TLS request for /_ping with an optional client identity; the status line, or null if refused. */
    private static String exchange(Path cert, Path key) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", PemFiles.certificates(certs.ca()).get(0));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManagerFactory kmf = null;
        if (cert != null) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("me", PemFiles.privateKey(key), new char[0],
                    PemFiles.certificates(cert).toArray(X509Certificate[]::new));
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, new char[0]);
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.startHandshake();
            OutputStream out = s.getOutputStream();
            out.write("GET /_ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] all = in.readAllBytes();
            String text = new String(all, StandardCharsets.ISO_8859_1);
            return text.isEmpty() ? null : text;
        } catch (javax.net.ssl.SSLException | java.net.SocketException e) {
            return null;
        }
    }
}
