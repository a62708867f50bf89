package dev.berth.image.registry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.berth.oci.runtime.OciJson;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A token service as Docker's token authentication specifies it ({@code distribution/docs/spec/auth/token.md}),
 * for the reference registry's {@code auth.token} mode: {@code GET /token?service=…&scope=…}
 * with optional Basic credentials, or an OAuth2 refresh-token {@code POST /token}, answered with
 * an RS256 JWT signed by the test CA's key (the CA certificate travels in the {@code x5c}
 * header, which the registry verifies against its {@code rootcertbundle}). What each user may
 * do is decided by {@link Grants}. Every request is recorded.
 */
final class TokenServer implements AutoCloseable {
    /** A token request as it arrived: the user is {@code null} for anonymous requests. */
    record Request(String method, String service, List<String> scopes, String user, String account) {}

    /** The actions ({@code pull}, {@code push}) {@code user} ({@code null}: anonymous) has on {@code repository}. */
    @FunctionalInterface
    interface Grants {
        Set<String> actions(String user, String repository);
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final TestCa ca;
    private final String issuer;
    private final Map<String, String> passwords;
    private final Map<String, String> refreshTokens;
    private final Grants grants;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private volatile boolean accessTokenField;
    private volatile long expiresIn = 300;

    TokenServer(TestCa ca, String issuer, Map<String, String> passwords, Map<String, String> refreshTokens,
            Grants grants) throws IOException {
        this.ca = ca;
        this.issuer = issuer;
        this.passwords = passwords;
        this.refreshTokens = refreshTokens;
        this.grants = grants;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/token", this::handle);
        server.start();
    }

    String realm() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
    }

    /** Answer with {@code access_token} instead of {@code token}, as OAuth2 servers do. */
    void useAccessTokenField(boolean value) {
        accessTokenField = value;
    }

    void expiresIn(long seconds) {
        expiresIn = seconds;
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Map<String, List<String>> params = new LinkedHashMap<>();
            parse(exchange.getRequestURI().getRawQuery(), params);
            String user = null;
            if (exchange.getRequestMethod().equals("POST")) {
                parse(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8), params);
                String refresh = first(params, "refresh_token");
                user = refresh == null ? null : refreshTokens.get(refresh);
                if (user == null) {
                    FakeRegistry.respond(exchange, 401, Map.of("Content-Type", "application/json"),
                            "{\"details\":\"invalid refresh token\"}".getBytes());
                    return;
                }
            }
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            if (authorization != null && authorization.startsWith("Basic ")) {
                String pair = new String(Base64.getDecoder().decode(authorization.substring(6)), StandardCharsets.UTF_8);
                String name = pair.substring(0, pair.indexOf(':'));
                if (!pair.substring(pair.indexOf(':') + 1).equals(passwords.get(name))) {
                    requests.add(new Request(exchange.getRequestMethod(), first(params, "service"), scopes(params), name,
                            first(params, "account")));
                    FakeRegistry.respond(exchange, 401, Map.of("Content-Type", "application/json"),
                            "{\"details\":\"incorrect username or password\"}".getBytes());
                    return;
                }
                user = name;
            }
            List<String> scopes = scopes(params);
            requests.add(new Request(exchange.getRequestMethod(), first(params, "service"), scopes, user,
                    first(params, "account")));
            String token = jwt(user, first(params, "service"), access(user, scopes));
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put(accessTokenField ? "access_token" : "token", token);
            answer.put("expires_in", expiresIn);
            answer.put("issued_at", java.time.Instant.now().toString());
            FakeRegistry.respond(exchange, 200, Map.of("Content-Type", "application/json"), OciJson.write(answer));
        } catch (Exception e) {
            e.printStackTrace();
            throw new IOException(e);
        }
    }

    private List<Map<String, Object>> access(String user, List<String> scopes) {
        List<Map<String, Object>> access = new ArrayList<>();
        for (String scope : scopes) {
            String[] parts = scope.split(":");
            if (parts.length != 3 || !parts[0].equals("repository")) {
                continue;
            }
            Set<String> wanted = new LinkedHashSet<>(List.of(parts[2].split(",")));
            wanted.retainAll(grants.actions(user, parts[1]));
            access.add(Map.of("type", "repository", "name", parts[1], "actions", List.copyOf(wanted)));
        }
        return access;
    }

    private String jwt(String user, String audience, List<Map<String, Object>> access) throws Exception {
        X509Certificate cert = ca.caCertificate();
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("typ", "JWT");
        header.put("alg", "RS256");
        header.put("x5c", List.of(Base64.getEncoder().encodeToString(cert.getEncoded())));
        long now = System.currentTimeMillis() / 1000;
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", issuer);
        claims.put("sub", user == null ? "" : user);
        claims.put("aud", audience);
        claims.put("exp", now + 600);
        claims.put("nbf", now - 60);
        claims.put("iat", now);
        claims.put("jti", UUID.randomUUID().toString());
        claims.put("access", access);
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String signingInput = b64.encodeToString(OciJson.write(header)) + "." + b64.encodeToString(OciJson.write(claims));
        PrivateKey key = ca.caKey();
        Signature signature = Signature.getInstance("SHA256withRSA");
        signature.initSign(key);
        signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
        return signingInput + "." + b64.encodeToString(signature.sign());
    }

    private static List<String> scopes(Map<String, List<String>> params) {
        List<String> scopes = new ArrayList<>();
        for (String value : params.getOrDefault("scope", List.of())) {
            scopes.addAll(List.of(value.split(" "))); // the OAuth2 form joins scopes with spaces
        }
        return scopes;
    }

    private static String first(Map<String, List<String>> params, String name) {
        List<String> values = params.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private static void parse(String query, Map<String, List<String>> into) {
        if (query == null || query.isEmpty()) {
            return;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            into.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
    }

    @Override
    public void close() {
        executor.shutdownNow(); // interrupts handlers that stall on purpose
        server.stop(0);
    }
}
