package dev.berth.daemon.http;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Certificates and private keys in PEM files, as {@code openssl} and Docker's TLS guide write
 * them. Keys come in three wrappings: PKCS#8 ({@code BEGIN PRIVATE KEY}, OpenSSL 3's default),
 * PKCS#1 ({@code BEGIN RSA PRIVATE KEY}, {@code openssl genrsa -traditional} and OpenSSL 1.x) and
 * SEC 1 ({@code BEGIN EC PRIVATE KEY}, {@code openssl ecparam -genkey}). The JDK reads only the
 * first, so the other two are rewrapped as PKCS#8 (RFC 5208) here: the key bytes stay the same,
 * only the algorithm identifier around them is added.
 */
public final class PemFiles {
    private static final byte[] OID_RSA = {0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01};
    private static final byte[] OID_EC = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};
    private static final byte[] DER_NULL = {0x05, 0x00};

    private PemFiles() {}

    private record Block(String type, byte[] der) {}

    /** The certificates in a PEM file, in file order. */
    public static List<X509Certificate> certificates(Path file) throws IOException {
        List<X509Certificate> certs = new ArrayList<>();
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            for (Block b : blocks(file)) {
                if (b.type().equals("CERTIFICATE")) {
                    certs.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(b.der())));
                }
            }
        } catch (GeneralSecurityException e) {
            throw new IOException(file + ": not a valid certificate: " + e.getMessage(), e);
        }
        if (certs.isEmpty()) {
            throw new IOException(file + ": no certificate in the file (expected BEGIN CERTIFICATE)");
        }
        return certs;
    }

    /** The private key in a PEM file. */
    public static PrivateKey privateKey(Path file) throws IOException {
        for (Block b : blocks(file)) {
            byte[] pkcs8 = switch (b.type()) {
                case "PRIVATE KEY" -> b.der();
                case "RSA PRIVATE KEY" -> pkcs8(sequence(OID_RSA, DER_NULL), b.der());
                case "EC PRIVATE KEY" -> pkcs8(sequence(OID_EC, curveOf(b.der(), file)), b.der());
                case "ENCRYPTED PRIVATE KEY" -> throw new IOException(file + ": encrypted private keys are not supported");
                default -> null;
            };
            if (pkcs8 != null) {
                return decode(pkcs8, file);
            }
        }
        throw new IOException(file + ": no private key in the file (expected BEGIN PRIVATE KEY)");
    }

    private static PrivateKey decode(byte[] pkcs8, Path file) throws IOException {
        for (String alg : new String[] {"RSA", "EC", "Ed25519", "Ed448", "DSA"}) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new IOException(file + ": unsupported or malformed private key");
    }

    private static List<Block> blocks(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new IOException(file + ": no such file", e);
        }
        List<Block> out = new ArrayList<>();
        int at = 0;
        while (true) {
            int begin = text.indexOf("-----BEGIN ", at);
            if (begin < 0) {
                break;
            }
            int typeEnd = text.indexOf("-----", begin + 11);
            if (typeEnd < 0) {
                break;
            }
            String type = text.substring(begin + 11, typeEnd);
            String endMarker = "-----END " + type + "-----";
            int end = text.indexOf(endMarker, typeEnd);
            if (end < 0) {
                throw new IOException(file + ": unterminated PEM block " + type);
            }
            String body = text.substring(typeEnd + 5, end);
            if (body.contains(":")) {
                throw new IOException(file + ": encrypted PEM blocks (Proc-Type headers) are not supported");
            }
            try {
                out.add(new Block(type, Base64.getMimeDecoder().decode(body)));
            } catch (IllegalArgumentException e) {
                throw new IOException(file + ": malformed base64 in PEM block " + type, e);
            }
            at = end + endMarker.length();
        }
        return out;
    }

    /** SEC 1: {@code ECPrivateKey ::= SEQUENCE { version, privateKey OCTET STRING, [0] parameters (the curve OID), [1] publicKey }}. */
    private static byte[] curveOf(byte[] sec1, Path file) throws IOException {
        Der seq = new Der(sec1, 0);
        if (seq.tag != 0x30) {
            throw new IOException(file + ": malformed EC private key");
        }
        int at = seq.contentStart;
        while (at < seq.end) {
            Der item = new Der(sec1, at);
            if (item.tag == 0xa0) {
                // the explicit tag wraps the curve's OBJECT IDENTIFIER, which is what PKCS#8 wants
                return java.util.Arrays.copyOfRange(sec1, item.contentStart, item.end);
            }
            at = item.end;
        }
        throw new IOException(file + ": EC private key names no curve; write it with its parameters (openssl ec -param_out)");
    }

    /** {@code PrivateKeyInfo ::= SEQUENCE { version 0, algorithm AlgorithmIdentifier, privateKey OCTET STRING }}. */
    private static byte[] pkcs8(byte[] algorithm, byte[] key) {
        return sequence(new byte[] {0x02, 0x01, 0x00}, algorithm, tlv(0x04, key));
    }

    private static byte[] sequence(byte[]... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            b.writeBytes(p);
        }
        return tlv(0x30, b.toByteArray());
    }

    private static byte[] tlv(int tag, byte[] content) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(tag);
        int n = content.length;
        if (n < 0x80) {
            b.write(n);
        } else {
            int bytes = n < 0x100 ? 1 : n < 0x10000 ? 2 : n < 0x1000000 ? 3 : 4;
            b.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) {
                b.write(n >>> (8 * i));
            }
        }
        b.writeBytes(content);
        return b.toByteArray();
    }

    /** One DER element's tag and extent. */
    private static final class Der {
        final int tag;
        final int contentStart;
        final int end;

        Der(byte[] d, int at) throws IOException {
            if (at + 2 > d.length) {
                throw new IOException("truncated DER");
            }
            tag = d[at] & 0xff;
            int len = d[at + 1] & 0xff;
            int p = at + 2;
            if (len >= 0x80) {
                int n = len & 0x7f;
                if (n == 0 || n > 4 || p + n > d.length) {
                    throw new IOException("bad DER length");
                }
                len = 0;
                for (int i = 0; i < n; i++) {
                    len = (len << 8) | (d[p++] & 0xff);
                }
            }
            contentStart = p;
            end = p + len;
            if (end > d.length || len < 0) {
                throw new IOException("truncated DER");
            }
        }
    }
}
