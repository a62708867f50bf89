package dev.berth.daemon.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RouterTest {
    private static final Handler NOP = (rq, rs) -> { };
    private final Route ping = Route.get("/_ping", NOP);
    private final Route pingHead = Route.head("/_ping", NOP);
    private final Route containerJson = Route.get("/containers/{id}/json", NOP);
    private final Route imageJson = Route.get("/images/{name:.*}/json", NOP);
    private final Route imageDelete = Route.delete("/images/{name:.*}", NOP);
    private final Route attach = Route.hijacking("POST", "/containers/{id}/attach", NOP);
    private final Router router = new Router(List.of(ping, pingHead, containerJson, imageJson, imageDelete, attach));

    @Test
    void matchesWithAndWithoutTheVersionPrefix() {
        Router.Match m = router.match("GET", "/_ping");
        assertThat(m.route()).isSameAs(ping);
        assertThat(m.versionText()).isNull();

        Router.Match v = router.match("GET", "/v1.50/_ping");
        assertThat(v.route()).isSameAs(ping);
        assertThat(v.versionText()).isEqualTo("1.50");
    }

    @Test
    void methodsSelectRoutes() {
        assertThat(router.match("HEAD", "/_ping").route()).isSameAs(pingHead);
        assertThat(router.match("POST", "/_ping")).as("another method is page not found, as in dockerd").isNull();
    }

    @Test
    void extractsParameters() {
        Router.Match m = router.match("GET", "/v1.44/containers/abc123/json");
        assertThat(m.route()).isSameAs(containerJson);
        assertThat(m.params()).isEqualTo(Map.of("id", "abc123"));
        assertThat(router.match("GET", "/containers/a/b/json")).as("{id} is one segment").isNull();
    }

    @Test
    void patternParametersTakeSlashes() {
        Router.Match m = router.match("GET", "/images/localhost:5000/library/busybox:1.36/json");
        assertThat(m.route()).isSameAs(imageJson);
        assertThat(m.params()).containsEntry("name", "localhost:5000/library/busybox:1.36");
        assertThat(router.match("DELETE", "/v1.50/images/sha256:abc").params()).containsEntry("name", "sha256:abc");
    }

    @Test
    void unknownPathsAndBadPrefixesAreNotFound() {
        assertThat(router.match("GET", "/nope")).isNull();
        assertThat(router.match("GET", "/v1.50")).isNull();
        assertThat(router.match("GET", "/vx.y/_ping")).isNull();
        assertThat(router.match("GET", "/_ping/")).isNull();
    }

    @Test
    void versionTextIsPassedOnUnchecked() {
        // the router only splits; ApiVersion.negotiate judges
        assertThat(router.match("GET", "/v1.99/_ping").versionText()).isEqualTo("1.99");
        assertThat(router.match("GET", "/v1/_ping").versionText()).isEqualTo("1");
    }

    @Test
    void hijackingRoutesAreMarked() {
        assertThat(router.match("POST", "/containers/x/attach").route().hijacks()).isTrue();
        assertThat(router.match("GET", "/_ping").route().hijacks()).isFalse();
    }

    @Test
    void firstMatchingRouteWins() {
        Route specific = Route.get("/images/json", NOP);
        Router r = new Router(List.of(specific, imageJson));
        assertThat(r.match("GET", "/images/json").route()).isSameAs(specific);
        assertThat(r.match("GET", "/images/busybox/json").route()).isSameAs(imageJson);
    }

    @Test
    void templatesAreChecked() {
        assertThatThrownBy(() -> new Router(List.of(Route.get("/a/{id}/{id}", NOP)))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Router(List.of(Route.get("/a/{id", NOP)))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Route.get("no-slash", NOP)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void parameterRegexesMayHaveGroupsAndBraces() {
        PathPattern p = PathPattern.compile("/x/{n:(ab|cd)[0-9]{2}}/{rest:.*}");
        assertThat(p.match("/x/ab12/y/z")).isEqualTo(Map.of("n", "ab12", "rest", "y/z"));
        assertThat(p.match("/x/ef12/y")).isNull();
        assertThat(PathPattern.compile("/a.b").match("/aXb")).as("literal text is quoted").isNull();
    }
}
