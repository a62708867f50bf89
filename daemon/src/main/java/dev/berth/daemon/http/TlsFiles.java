package dev.berth.daemon.http;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The TLS side of a TCP listener, from dockerd's flags: the server's certificate and key, and
 * with {@code --tlsverify} the CA that client certificates must be signed by (clients without
 * one are refused during the handshake).
 *
 * @param cert   {@code --tlscert}: the server certificate chain
 * @param key    {@code --tlskey}: its private key
 * @param ca     {@code --tlscacert}: the CA for client certificates; used when {@code verify}
 * @param verify {@code --tlsverify}: require and verify client certificates
 */
public record TlsFiles(Path cert, Path key, Path ca, boolean verify) {

    /** Reads the files and builds the server context (JDK provider: no native TLS library needed). */
    public SslContext serverContext() throws IOException {
        List<X509Certificate> chain = PemFiles.certificates(cert);
        PrivateKey privateKey = PemFiles.privateKey(key);
        SslContextBuilder b = SslContextBuilder.forServer(privateKey, chain.toArray(X509Certificate[]::new))
                .sslProvider(SslProvider.JDK)
                .protocols("TLSv1.3", "TLSv1.2");
        if (verify) {
            if (ca == null) {
                throw new IOException("--tlsverify needs --tlscacert, the CA that signs client certificates");
            }
            b.trustManager(PemFiles.certificates(ca).toArray(X509Certificate[]::new)).clientAuth(ClientAuth.REQUIRE);
        }
        try {
            return b.build();
        } catch (javax.net.ssl.SSLException | IllegalArgumentException e) {
            throw new IOException("TLS setup with " + cert + " and " + key + ": " + ErrorResponses.messageOf(e), e);
        }
    }
}
