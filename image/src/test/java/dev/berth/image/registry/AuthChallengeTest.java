package dev.berth.image.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuthChallengeTest {

    @Test
    void bearerChallengeAsDockerHubSendsIt() {
        List<AuthChallenge> challenges = AuthChallenge.parse(List.of(
                "Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\","
                        + "scope=\"repository:samalba/my-app:pull,push\""));
        assertThat(challenges).containsExactly(new AuthChallenge("bearer", Map.of(
                "realm", "https://auth.docker.io/token",
                "service", "registry.docker.io",
                "scope", "repository:samalba/my-app:pull,push")));
    }

    @Test
    void basicChallengeAndSchemesInAnyCase() {
        assertThat(AuthChallenge.parse(List.of("Basic realm=\"basic-realm\"")))
                .containsExactly(new AuthChallenge("basic", Map.of("realm", "basic-realm")));
        assertThat(AuthChallenge.parse(List.of("BEARER Realm=\"r\"")).getFirst().parameter("realm")).isEqualTo("r");
    }

    @Test
    void severalChallengesQuotingAndUnquotedValues() {
        List<AuthChallenge> challenges = AuthChallenge.parse(List.of(
                "Basic realm=\"a \\\"quoted\\\" realm\", Bearer realm=https://h/token, service=svc, error=\"insufficient_scope\"",
                "Negotiate"));
        assertThat(challenges).extracting(AuthChallenge::scheme).containsExactly("basic", "bearer", "negotiate");
        assertThat(challenges.get(0).parameter("realm")).isEqualTo("a \"quoted\" realm");
        assertThat(challenges.get(1).parameters()).containsEntry("realm", "https://h/token")
                .containsEntry("service", "svc").containsEntry("error", "insufficient_scope");
    }

    @Test
    void garbageYieldsNothingUsable() {
        assertThat(AuthChallenge.parse(List.of("", " , ,"))).isEmpty();
    }
}
