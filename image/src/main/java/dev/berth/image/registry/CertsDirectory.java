package dev.berth.image.registry;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * TLS settings per registry, by Docker's convention: the directory {@code <root>/<host:port>/}
 * may hold CA certificates ({@code *.crt}, trusted in addition to the JVM's CAs) and a client
 * certificate ({@code client.cert} with its key {@code client.key}, PKCS#8 PEM). An absent
 * directory means the JVM's trust alone.
 */
final class CertsDirectory {
    private final Path root;

    CertsDirectory(Path root) {
        this.root = root;
    }

    /** A context that verifies the registry's certificate and host name. */
    SSLContext verifying(String host) throws IOException, GeneralSecurityException {
        Path dir = root.resolve(host);
        List<X509Certificate> cas = new ArrayList<>();
        KeyManager[] keyManagers = null;
        if (Files.isDirectory(dir)) {
            try (Stream<Path> files = Files.list(dir)) {
                for (Path file : files.sorted().toList()) {
                    String name = file.getFileName().toString();
                    if (name.endsWith(".crt")) {
                        cas.addAll(certificates(file));
                    } else if (name.endsWith(".cert")) {
                        keyManagers = clientKey(file, dir.resolve(name.substring(0, name.length() - 5) + ".key"));
                    } else if (name.endsWith(".key")
                            && !Files.exists(dir.resolve(name.substring(0, name.length() - 4) + ".cert"))) {
                        throw new CertificateException(file + ": missing client certificate " + name.replace(".key", ".cert"));
                    }
                }
            }
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers, new TrustManager[] {trust(cas)}, null);
        return context;
    }

    /**
     * A context that accepts any certificate for any name: what Docker does for an insecure
     * registry that speaks TLS. A {@link X509ExtendedTrustManager} is also where JSSE checks the
     * host name, so an accepting one switches that off for this context only.
     */
    static SSLContext trustingAll() throws GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new AcceptAll()}, null);
        return context;
    }

    /**
     * A context for the client that speaks plain HTTP only. The JDK's HTTP client sets up TLS
     * even for {@code http:} URLs, with the JVM's default context unless given one, and that one
     * parses the whole system trust store (about 150 certificates: a few hundred ms of CPU in a
     * fresh daemon, competing with its first pull of a local registry). This one trusts no
     * server, so an {@code https:} URL sent through it by mistake fails instead of going
     * unverified.
     */
    static SSLContext trustingNone() throws GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new RefuseAll()}, null);
        return context;
    }

    private static X509ExtendedTrustManager trust(List<X509Certificate> extra) throws GeneralSecurityException {
        X509ExtendedTrustManager jvm = trustManager(null);
        if (extra.isEmpty()) {
            return jvm;
        }
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        try {
            store.load(null, null);
        } catch (IOException e) {
            throw new GeneralSecurityException("empty key store", e);
        }
        for (int i = 0; i < extra.size(); i++) {
            store.setCertificateEntry("ca-" + i, extra.get(i));
        }
        return new EitherTrust(jvm, trustManager(store));
    }

    private static X509ExtendedTrustManager trustManager(KeyStore store) throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        for (TrustManager manager : factory.getTrustManagers()) {
            if (manager instanceof X509ExtendedTrustManager x509) {
                return x509;
            }
        }
        throw new GeneralSecurityException("no X.509 trust manager in " + factory.getAlgorithm());
    }

    private static List<X509Certificate> certificates(Path file) throws IOException, GeneralSecurityException {
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        List<X509Certificate> result = new ArrayList<>();
        for (Certificate certificate : factory.generateCertificates(new ByteArrayInputStream(Files.readAllBytes(file)))) {
            result.add((X509Certificate) certificate);
        }
        if (result.isEmpty()) {
            throw new CertificateException(file + ": no certificate found");
        }
        return result;
    }

    private static KeyManager[] clientKey(Path certFile, Path keyFile) throws IOException, GeneralSecurityException {
        if (!Files.exists(keyFile)) {
            throw new CertificateException(certFile + ": missing key " + keyFile.getFileName());
        }
        String pem = Files.readString(keyFile, StandardCharsets.US_ASCII);
        if (!pem.contains("-----BEGIN PRIVATE KEY-----")) {
            throw new CertificateException(keyFile + ": expected a PKCS#8 key (BEGIN PRIVATE KEY); convert it with "
                    + "openssl pkcs8 -topk8 -nocrypt");
        }
        String base64 = pem.substring(pem.indexOf("-----BEGIN PRIVATE KEY-----") + 27, pem.indexOf("-----END PRIVATE KEY-----"));
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(base64));
        PrivateKey key = null;
        for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
            try {
                key = KeyFactory.getInstance(algorithm).generatePrivate(spec);
                break;
            } catch (GeneralSecurityException tryNext) {
                // the PEM does not say which algorithm; try the next
            }
        }
        if (key == null) {
            throw new CertificateException(keyFile + ": unsupported private key");
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("client", key, new char[0], certificates(certFile).toArray(new Certificate[0]));
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(store, new char[0]);
        return factory.getKeyManagers();
    }

    /** A trust manager on the client side of TLS only: it never vouches for a client. */
    private abstract static class ServerTrust extends X509ExtendedTrustManager {
        @Override
        public final void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            checkClientTrusted(chain, authType);
        }

        @Override
        public final void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            checkClientTrusted(chain, authType);
        }

        @Override
        public final void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("a registry client does not accept client certificates");
        }
    }

    /** Trusts what the JVM trusts or what the registry's directory adds. */
    private static final class EitherTrust extends ServerTrust {
        private final X509ExtendedTrustManager first;
        private final X509ExtendedTrustManager second;

        EitherTrust(X509ExtendedTrustManager first, X509ExtendedTrustManager second) {
            this.first = first;
            this.second = second;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            try {
                first.checkServerTrusted(chain, authType, engine);
            } catch (CertificateException e) {
                second.checkServerTrusted(chain, authType, engine);
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            try {
                first.checkServerTrusted(chain, authType, socket);
            } catch (CertificateException e) {
                second.checkServerTrusted(chain, authType, socket);
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            try {
                first.checkServerTrusted(chain, authType);
            } catch (CertificateException e) {
                second.checkServerTrusted(chain, authType);
            }
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            List<X509Certificate> all = new ArrayList<>(List.of(first.getAcceptedIssuers()));
            all.addAll(List.of(second.getAcceptedIssuers()));
            return all.toArray(new X509Certificate[0]);
        }
    }

    /** Accepts every server (insecure registries only). */
    private static final class AcceptAll extends ServerTrust {
        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    /** Trusts no server (the plain-HTTP client, see {@link #trustingNone}). */
    private static final class RefuseAll extends ServerTrust {
        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            checkServerTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            checkServerTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("the plain-HTTP registry client does not speak TLS");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
