package dev.berth.daemon.container;

import dev.berth.daemon.events.EventBus;
import dev.berth.daemon.events.EventType;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The health monitors of the running containers that have a {@link Healthcheck}: one virtual
 * thread per container that waits an interval ({@code StartInterval} while the container is
 * still starting within its start period, {@code Interval} after), probes, and records the
 * {@link Health} that follows in the container's state, under the container's lock so that a
 * probe's result never lands on top of the container's exit. A change of status goes out as
 * the event {@code health_status: <status>}, as dockerd sends it. A monitor begins at each
 * start (and when berthd adopts a container that ran on while it was down: it probes anew),
 * ends at the exit, and skips its probes while the container is paused.
 */
final class HealthChecks {
    /** Runs one probe in a container. */
    interface Prober {
        Health.Probe probe(String containerId, Healthcheck check);
    }

    private final ContainerService containers;
    private final Prober prober;
    private final EventBus events;
    private final Map<String, Thread> monitors = new ConcurrentHashMap<>();

    HealthChecks(ContainerService containers, Prober prober, EventBus events) {
        this.containers = containers;
        this.prober = prober;
        this.events = events;
    }

    /** Health checks that never probe: until exec is wired, nothing can run a probe. */
    static HealthChecks none() {
        return new HealthChecks(null, null, null);
    }

    /** The health to record at a start: {@code starting} for a container with a health check, else as it was. */
    static Health atStart(ContainerRecord r) {
        return Healthcheck.of(r.config()) == null ? r.state().health() : Health.starting(r.state().health());
    }

    /** Begins probing container {@code r}, recorded as running, if it has a health check. */
    void follow(ContainerRecord r) {
        Healthcheck check = Healthcheck.of(r.config());
        if (prober == null || check == null) {
            return;
        }
        String id = r.id();
        String startedAt = r.state().startedAt();
        stop(id);
        Thread t = Thread.ofVirtual().name("health-monitor-" + id.substring(0, 12)).unstarted(
                () -> monitor(id, startedAt, check));
        monitors.put(id, t);
        t.start();
    }

    /** Ends the monitor of container {@code id}, and a probe it runs. */
    void stop(String id) {
        Thread t = monitors.remove(id);
        if (t != null) {
            t.interrupt();
        }
    }

    private void monitor(String id, String startedAt, Healthcheck check) {
        Instant started = Instant.parse(startedAt);
        try {
            while (current(id)) {
                Optional<ContainerRecord> r = containers.store().find(id);
                if (r.isEmpty()) {
                    return;
                }
                Thread.sleep(check.nextWait(r.get().state().health(), started, Instant.now()));
                if (!current(id) || "paused".equals(containers.store().find(id).map(c -> c.state().status()).orElse(""))) {
                    continue; // dockerd does not probe a frozen container
                }
                Health.Probe probe = prober.probe(id, check);
                if (Thread.currentThread().isInterrupted()) {
                    return;
                }
                record(id, startedAt, probe, check, started);
            }
        } catch (InterruptedException e) {
            // the container stopped
        } catch (RuntimeException e) {
            System.getLogger(HealthChecks.class.getName()).log(System.Logger.Level.WARNING,
                    "container " + id + ": health check stopped: " + e.getMessage());
        }
    }

    private boolean current(String id) {
        return monitors.get(id) == Thread.currentThread() && !Thread.currentThread().isInterrupted();
    }

    private void record(String id, String startedAt, Health.Probe probe, Healthcheck check, Instant started) {
        ContainerRecord now;
        String before;
        synchronized (containers.lockOf(id)) {
            Optional<ContainerRecord> found = containers.store().find(id);
            if (found.isEmpty() || !current(id) || !found.get().state().isRunning()
                    || !found.get().state().startedAt().equals(startedAt)) {
                return; // the run it probed has ended
            }
            ContainerRecord r = found.get();
            Health h = r.state().health() == null ? Health.starting(null) : r.state().health();
            before = h.status();
            now = r.withState(r.state().withHealth(h.after(probe, check.inStartPeriod(started, Instant.now()), check.retries())));
            containers.store().save(now);
        }
        String status = now.state().health().status();
        if (!status.equals(before)) {
            events.publish(EventType.CONTAINER, "health_status: " + status, id,
                    Map.of("name", now.shortName(), "image", now.image()));
        }
    }
}
