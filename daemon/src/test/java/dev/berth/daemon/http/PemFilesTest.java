package dev.berth.daemon.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.daemon.testing.TestCerts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keys and certificates as the openssl command writes them, in each wrapping. */
class PemFilesTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void keys() throws Exception {
        TestCerts.assumeOpenssl();
        openssl("genrsa", "-traditional", "-out", "rsa-pkcs1.pem", "2048");
        openssl("pkcs8", "-topk8", "-nocrypt", "-in", "rsa-pkcs1.pem", "-out", "rsa-pkcs8.pem");
        openssl("ecparam", "-name", "prime256v1", "-genkey", "-out", "ec-sec1-with-params-block.pem");
        openssl("ecparam", "-name", "secp384r1", "-genkey", "-noout", "-out", "ec-sec1.pem");
        openssl("pkcs8", "-topk8", "-nocrypt", "-in", "ec-sec1.pem", "-out", "ec-pkcs8.pem");
        openssl("genpkey", "-algorithm", "ed25519", "-out", "ed25519.pem");
        openssl("req", "-x509", "-key", "rsa-pkcs1.pem", "-out", "rsa-cert.pem", "-days", "1", "-subj", "/CN=x");
        openssl("req", "-x509", "-key", "ec-sec1.pem", "-out", "ec-cert.pem", "-days", "1", "-subj", "/CN=y");
        openssl("rsa", "-in", "rsa-pkcs1.pem", "-aes128", "-passout", "pass:secret", "-out", "encrypted-legacy.pem");
        openssl("pkcs8", "-topk8", "-in", "rsa-pkcs1.pem", "-passout", "pass:secret", "-out", "encrypted-pkcs8.pem");
    }

    @Test
    void rsaKeysInBothWrappingsAreTheSameKey() throws Exception {
        PrivateKey pkcs1 = PemFiles.privateKey(dir.resolve("rsa-pkcs1.pem"));
        PrivateKey pkcs8 = PemFiles.privateKey(dir.resolve("rsa-pkcs8.pem"));
        assertThat(Files.readString(dir.resolve("rsa-pkcs1.pem"))).startsWith("-----BEGIN RSA PRIVATE KEY-----");
        assertThat(pkcs1.getAlgorithm()).isEqualTo("RSA");
        assertThat(pkcs1.getEncoded()).isEqualTo(pkcs8.getEncoded());
        assertThat(signs(pkcs1, cert("rsa-cert.pem").getPublicKey(), "SHA256withRSA")).isTrue();
    }

    @Test
    void ecKeysInSec1AndPkcs8() throws Exception {
        PrivateKey sec1 = PemFiles.privateKey(dir.resolve("ec-sec1.pem"));
        PrivateKey pkcs8 = PemFiles.privateKey(dir.resolve("ec-pkcs8.pem"));
        assertThat(Files.readString(dir.resolve("ec-sec1.pem"))).startsWith("-----BEGIN EC PRIVATE KEY-----");
        assertThat(sec1.getAlgorithm()).isEqualTo("EC");
        assertThat(((java.security.interfaces.ECPrivateKey) sec1).getS())
                .isEqualTo(((java.security.interfaces.ECPrivateKey) pkcs8).getS());
        assertThat(signs(sec1, cert("ec-cert.pem").getPublicKey(), "SHA256withECDSA")).isTrue();
    }

    @Test
    void anEcParametersBlockBeforeTheKeyIsSkipped() throws Exception {
        assertThat(Files.readString(dir.resolve("ec-sec1-with-params-block.pem"))).startsWith("-----BEGIN EC PARAMETERS-----");
        assertThat(PemFiles.privateKey(dir.resolve("ec-sec1-with-params-block.pem")).getAlgorithm()).isEqualTo("EC");
    }

    @Test
    void ed25519() throws Exception {
        assertThat(PemFiles.privateKey(dir.resolve("ed25519.pem")).getAlgorithm()).isIn("EdDSA", "Ed25519");
    }

    @Test
    void certificatesInFileOrder() throws Exception {
        Path chain = dir.resolve("chain.pem");
        Files.writeString(chain, Files.readString(dir.resolve("rsa-cert.pem")) + Files.readString(dir.resolve("ec-cert.pem")));
        List<X509Certificate> certs = PemFiles.certificates(chain);
        assertThat(certs).extracting(c -> c.getSubjectX500Principal().getName()).containsExactly("CN=x", "CN=y");
    }

    @Test
    void errorsNameTheFile() throws IOException {
        Path none = dir.resolve("missing.pem");
        assertThatThrownBy(() -> PemFiles.privateKey(none)).hasMessage(none + ": no such file");
        assertThatThrownBy(() -> PemFiles.privateKey(dir.resolve("rsa-cert.pem"))).hasMessageContaining("no private key");
        assertThatThrownBy(() -> PemFiles.certificates(dir.resolve("rsa-pkcs8.pem"))).hasMessageContaining("no certificate");
        assertThatThrownBy(() -> PemFiles.privateKey(dir.resolve("encrypted-legacy.pem"))).hasMessageContaining("encrypted");
        assertThatThrownBy(() -> PemFiles.privateKey(dir.resolve("encrypted-pkcs8.pem"))).hasMessageContaining("encrypted");
        Path garbage = dir.resolve("garbage.pem");
        Files.writeString(garbage, "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> PemFiles.privateKey(garbage)).hasMessageContaining("malformed");
    }

    private static X509Certificate cert(String name) throws IOException {
        return PemFiles.certificates(dir.resolve(name)).get(0);
    }

    private static boolean signs(PrivateKey key, PublicKey pub, String alg) throws Exception {
        byte[] data = "berth".getBytes(StandardCharsets.UTF_8);
        Signature s = Signature.getInstance(alg);
        s.initSign(key);
        s.update(data);
        byte[] sig = s.sign();
        Signature v = Signature.getInstance(alg);
        v.initVerify(pub);
        v.update(data);
        return v.verify(sig);
    }

    private static void openssl(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("openssl " + String.join(" ", args) + ": " + out);
        }
    }
}
