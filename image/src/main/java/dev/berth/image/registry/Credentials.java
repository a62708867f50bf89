package dev.berth.image.registry;

/**
 * What a user presents to a registry, as Docker's {@code AuthConfig} carries it: a user name and
 * password (or personal access token), or an identity token (an OAuth2 refresh token that
 * {@code docker login} obtained), or a registry token sent as is as a bearer token. All fields
 * are {@code null} when absent; {@link #ANONYMOUS} has none.
 */
public record Credentials(String username, String password, String identityToken, String registryToken) {
    public static final Credentials ANONYMOUS = new Credentials(null, null, null, null);

    public static Credentials basic(String username, String password) {
        return new Credentials(username, password, null, null);
    }

    public boolean isAnonymous() {
        return blank(username) && blank(identityToken) && blank(registryToken);
    }

    boolean hasPassword() {
        return !blank(username) && password != null;
    }

    /** Who these are, for keying caches; never the secret itself. */
    String identity() {
        if (isAnonymous()) {
            return "";
        }
        String secret = (password == null ? "" : password) + "\0" + (identityToken == null ? "" : identityToken)
                + "\0" + (registryToken == null ? "" : registryToken);
        return (username == null ? "" : username) + "#" + Integer.toHexString(secret.hashCode());
    }

    @Override
    public String toString() {
        return isAnonymous() ? "Credentials[anonymous]" : "Credentials[username=" + username + ", secret hidden]";
    }

    private static boolean blank(String s) {
        return s == null || s.isEmpty();
    }
}
