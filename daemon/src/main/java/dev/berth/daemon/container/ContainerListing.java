package dev.berth.daemon.container;

import dev.berth.daemon.api.Filters;
import dev.berth.daemon.api.container.ContainerSummary;
import dev.berth.daemon.http.ApiException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * {@code docker ps}: the containers of the store as summaries, chosen by dockerd's filters
 * ({@code status name id label ancestor exited before since}), with dockerd's STATUS text
 * ({@code Up 5 seconds (Paused)}, {@code Exited (3) 2 minutes ago}).
 */
final class ContainerListing {
    static final Set<String> LIST_FILTERS = Set.of("status", "name", "id", "label", "ancestor", "exited", "before",
            "since");
    private static final Set<String> STATUSES = Set.of("created", "restarting", "running", "removing", "paused",
            "exited", "dead");

    private final ContainerStore store;
    private final Supplier<ContainerNetworks> networks;

    ContainerListing(ContainerStore store, Supplier<ContainerNetworks> networks) {
        this.store = store;
        this.networks = networks;
    }

    /** {@code GET /containers/json}: newest first; only running ones unless {@code all} or a status filter; at most {@code limit}. */
    List<ContainerSummary> list(boolean all, int limit, Filters filters) {
        filters.validate(LIST_FILTERS);
        for (String status : List.copyOf(filters.get("status"))) {
            if (!STATUSES.contains(status)) {
                throw ApiException.invalid("invalid filter 'status=" + status + "'");
            }
        }
        Predicate<ContainerRecord> keep = matcher(filters);
        List<ContainerSummary> out = new ArrayList<>();
        boolean anyStatus = !List.copyOf(filters.get("status")).isEmpty();
        for (ContainerRecord r : store.all()) {
            if (!all && !anyStatus && !r.state().isRunning()) {
                continue;
            }
            if (keep.test(r)) {
                out.add(summary(r));
                if (limit > 0 && out.size() == limit) {
                    break;
                }
            }
        }
        return out;
    }

    private Predicate<ContainerRecord> matcher(Filters filters) {
        List<String> statuses = List.copyOf(filters.get("status"));
        List<String> names = List.copyOf(filters.get("name"));
        List<String> ids = List.copyOf(filters.get("id"));
        List<String> labels = List.copyOf(filters.get("label"));
        List<String> ancestors = List.copyOf(filters.get("ancestor"));
        List<String> exited = List.copyOf(filters.get("exited"));
        Instant before = List.copyOf(filters.get("before")).isEmpty() ? null
                : Instant.parse(store.get(List.copyOf(filters.get("before")).getFirst()).created());
        Instant since = List.copyOf(filters.get("since")).isEmpty() ? null
                : Instant.parse(store.get(List.copyOf(filters.get("since")).getFirst()).created());
        return r -> (statuses.isEmpty() || statuses.contains(r.state().status()))
                && (names.isEmpty() || names.stream().anyMatch(n -> matchesName(r.shortName(), n)))
                && (ids.isEmpty() || ids.stream().anyMatch(i -> r.id().startsWith(i)))
                && (labels.isEmpty() || labels.stream().allMatch(l -> hasLabel(r, l)))
                && (ancestors.isEmpty() || ancestors.stream().anyMatch(a -> a.equals(r.image()) || a.equals(r.imageId())
                        || r.imageId().startsWith("sha256:" + a)))
                && (exited.isEmpty() || r.state().status().equals("exited")
                        && exited.contains(Integer.toString(r.state().exitCode())))
                && (before == null || Instant.parse(r.created()).isBefore(before))
                && (since == null || Instant.parse(r.created()).isAfter(since));
    }

    /** Docker matches names as a regular expression, unanchored, against the name with and without its slash. */
    private static boolean matchesName(String name, String pattern) {
        try {
            Pattern p = Pattern.compile(pattern);
            return p.matcher(name).find() || p.matcher("/" + name).find();
        } catch (PatternSyntaxException e) {
            throw ApiException.invalid("invalid filter 'name=" + pattern + "': " + e.getDescription());
        }
    }

    /** A {@code label} filter: {@code key} or {@code key=value}. */
    static boolean hasLabel(ContainerRecord r, String filter) {
        Map<String, String> labels = r.config().labels() == null ? Map.of() : r.config().labels();
        int eq = filter.indexOf('=');
        return eq < 0 ? labels.containsKey(filter) : filter.substring(eq + 1).equals(labels.get(filter.substring(0, eq)));
    }

    private ContainerSummary summary(ContainerRecord r) {
        String network = r.hostConfig().networkMode() == null || r.hostConfig().networkMode().isEmpty() ? "default"
                : r.hostConfig().networkMode();
        StringBuilder command = new StringBuilder(r.path());
        for (String arg : r.args()) {
            command.append(' ').append(arg);
        }
        return new ContainerSummary(r.id(), List.of(r.name()), r.image(), r.imageId(), command.toString(),
                Instant.parse(r.created()).getEpochSecond(), List.copyOf(networks.get().ports(r)),
                r.config().labels() == null ? Map.of() : r.config().labels(), r.state().status(), status(r.state()),
                Map.of("NetworkMode", network),
                Map.of("Networks", networks.get().settings(r).getOrDefault("Networks", Map.of())), List.of());
    }

    /** {@code docker ps}'s STATUS column, in dockerd's words. */
    static String status(ContainerRecord.State s) {
        return switch (s.status()) {
            case "created" -> "Created";
            case "running" -> "Up " + ago(s.startedAt()) + (s.health() == null ? "" : s.health().statusSuffix());
            case "paused" -> "Up " + ago(s.startedAt()) + " (Paused)";
            case "restarting" -> "Restarting (" + s.exitCode() + ") " + ago(s.finishedAt()) + " ago";
            case "exited" -> "Exited (" + s.exitCode() + ") " + ago(s.finishedAt()) + " ago";
            case "removing" -> "Removal In Progress";
            default -> "Dead";
        };
    }

    /** Go's {@code units.HumanDuration}, as dockerd uses it for the status column. */
    static String ago(String since) {
        if (since == null || since.equals(ContainerRecord.State.NEVER)) {
            return "Less than a second";
        }
        long seconds = Duration.between(Instant.parse(since), Instant.now()).toSeconds();
        if (seconds < 1) {
            return "Less than a second";
        } else if (seconds == 1) {
            return "1 second";
        } else if (seconds < 60) {
            return seconds + " seconds";
        }
        long minutes = seconds / 60;
        if (minutes == 1) {
            return "About a minute";
        } else if (minutes < 60) {
            return minutes + " minutes";
        }
        long hours = Math.round(seconds / 3600.0);
        if (hours == 1) {
            return "About an hour";
        } else if (hours < 48) {
            return hours + " hours";
        } else if (hours < 24 * 7 * 2) {
            return hours / 24 + " days";
        } else if (hours < 24 * 30 * 2) {
            return hours / 24 / 7 + " weeks";
        } else if (hours < 24 * 365 * 2) {
            return hours / 24 / 30 + " months";
        }
        return hours / 24 / 365 + " years";
    }
}
