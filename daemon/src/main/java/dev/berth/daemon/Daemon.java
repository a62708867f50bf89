package dev.berth.daemon;

import dev.berth.daemon.api.image.CommitRoutes;
import dev.berth.daemon.api.image.ImageRoutes;
import dev.berth.daemon.api.system.EngineFacts;
import dev.berth.daemon.api.system.HostFacts;
import dev.berth.daemon.api.system.HostSystem;
import dev.berth.daemon.api.system.Inventory;
import dev.berth.daemon.api.system.SystemRoutes;
import dev.berth.daemon.events.EventBus;
import dev.berth.daemon.http.ApiVersion;
import dev.berth.daemon.image.ImageService;
import dev.berth.daemon.image.PullWarmup;
import dev.berth.daemon.api.container.ArchiveRoutes;
import dev.berth.daemon.api.container.ContainerRoutes;
import dev.berth.daemon.container.ContainerArchive;
import dev.berth.daemon.container.ContainerCommit;
import dev.berth.daemon.api.exec.ExecRoutes;
import dev.berth.daemon.api.container.RunningContainerRoutes;
import dev.berth.daemon.container.ContainerService;
import dev.berth.daemon.api.network.NetworkRoutes;
import dev.berth.daemon.api.volume.VolumeRoutes;
import dev.berth.daemon.container.ContainerRecord;
import dev.berth.daemon.container.EndpointConfig;
import dev.berth.daemon.container.InvalidContainerConfigException;
import dev.berth.daemon.network.ContainerDirectory;
import dev.berth.daemon.network.NetworkDefaults;
import dev.berth.daemon.network.NetworkStack;
import dev.berth.daemon.volume.VolumeService;
import dev.berth.daemon.container.ContainerStore;
import dev.berth.daemon.container.ExecService;
import dev.berth.daemon.container.HostProfile;
import dev.berth.image.ImageException;
import dev.berth.image.registry.CredentialProvider;
import dev.berth.image.registry.DockerHubMirrors;
import dev.berth.image.registry.RegistryClient;
import dev.berth.image.registry.RegistryConfig;
import dev.berth.daemon.http.HttpServer;
import dev.berth.daemon.http.ListenAddress;
import dev.berth.daemon.http.Router;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.net.URI;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Logger;

/**
 * A running berthd: where the services are made and wired to the API, and where they are
 * stopped. It holds no API logic of its own; each tag's routes talk to their own backend.
 *
 * <p>Start order: directories, pid file (which keeps a second daemon off the same state),
 * services, then the listeners, so that nothing is served before it can be answered. Stop
 * order, on SIGTERM: listeners closed and socket files removed, event streams ended, running
 * requests given {@link #GRACE} to finish, then the pid file removed.
 */
public final class Daemon implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Daemon.class.getName());

    /** How long running requests may take to finish when the daemon stops. */
    static final Duration GRACE = Duration.ofSeconds(10);

    private final DaemonConfig config;
    private final PidFile pidFile;
    private final EventBus events;
    private final HttpServer server;
    private final RegistryClient registry;
    private final NetworkStack network;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private boolean stopping;

    private Daemon(DaemonConfig config, PidFile pidFile, EventBus events, HttpServer server,
            RegistryClient registry, NetworkStack network) {
        this.registry = registry;
        this.network = network;
        this.config = config;
        this.pidFile = pidFile;
        this.events = events;
        this.server = server;
    }

    /**
     * Overrides Docker's per-registry trust directory ({@code /etc/docker/certs.d}), for tests:
     * the system property, else the environment variable (bin/berthd passes no JVM options).
     */
    static final String CERTS_DIR_PROPERTY = "berth.registry.certsDir";
    static final String CERTS_DIR_ENV = "BERTH_REGISTRY_CERTS_DIR";

    /**
     * Where Docker Hub's API is served, for tests only: they point it at a closed local port so
     * that a pull that falls through every mirror can never reach the real Docker Hub. The system
     * property, else the environment variable, as for the certs directory.
     */
    static final String DOCKER_HUB_HOST_PROPERTY = "berth.registry.dockerHubHost";
    static final String DOCKER_HUB_HOST_ENV = "BERTH_REGISTRY_DOCKER_HUB_HOST";

    /**
     * How the registry client reaches registries: {@code --insecure-registry} (loopback is always
     * insecure, as in Docker) and the per-registry certificates of {@code /etc/docker/certs.d}.
     */
    static RegistryConfig registryConfig(DaemonConfig config) {
        String certs = System.getProperty(CERTS_DIR_PROPERTY);
        if (certs == null || certs.isBlank()) {
            certs = System.getenv(CERTS_DIR_ENV);
        }
        return RegistryConfig.defaults()
                .withInsecureRegistries(config.insecureRegistries())
                .withCertsDir(certs == null || certs.isBlank() ? RegistryConfig.DOCKER_CERTS_DIR : Path.of(certs));
    }

    /** {@code --registry-mirror}s in front of Docker Hub for pulls. */
    static DockerHubMirrors dockerHub(DaemonConfig config) {
        String host = System.getProperty(DOCKER_HUB_HOST_PROPERTY);
        if (host == null || host.isBlank()) {
            host = System.getenv(DOCKER_HUB_HOST_ENV);
        }
        List<URI> mirrors = config.registryMirrors().stream().map(URI::create).toList();
        return host == null || host.isBlank() ? DockerHubMirrors.of(mirrors) : new DockerHubMirrors(mirrors, host);
    }

    public static Daemon start(DaemonConfig config) throws StartupFailure {
        BuildInfo build = BuildInfo.load();
        DataRoot.prepare(config.dataRoot(), config.execRoot());
        PidFile pid = PidFile.acquire(config.pidFile());
        try {
            String id = DataRoot.engineId(config.dataRoot());
            EventBus events = new EventBus();
            List<String> warnings = new ArrayList<>();
            List<HttpServer.Listener> listeners = listeners(config, warnings);
            EngineFacts facts = new EngineFacts(id, build.version(), build.buildTime(), "overlay2", config.dataRoot(),
                    config.debug(), config.insecureRegistries(), config.registryMirrors(), warnings);
            ImageService images;
            RegistryClient registry;
            try {
                registry = new RegistryClient(registryConfig(config), CredentialProvider.ANONYMOUS, dockerHub(config));
            } catch (IllegalArgumentException e) {
                throw new StartupFailure("registry configuration: " + e.getMessage(), e);
            }
            try {
                images = ImageService.open(config.dataRoot(), events, registry);
            } catch (ImageException e) {
                registry.close();
                throw new StartupFailure("image store: " + e.getMessage(), e);
            }
            PullWarmup.start(config.dataRoot().resolve("image").resolve("snapshots"), registry);
            ContainerService containers;
            VolumeService volumes;
            try {
                ContainerStore containerStore = ContainerStore.open(config.dataRoot());
                volumes = VolumeService.open(config.dataRoot(), events, nameOrId -> containerStore.get(nameOrId).id());
                containers = new ContainerService(containerStore, images, events, HostProfile.probe(), config.execRoot());
                containers.useVolumes(volumes.forContainers());
                try {
                    containers.useLogDefaults(config.logDriver(), config.logOpts());
                } catch (InvalidContainerConfigException e) {
                    registry.close();
                    throw new StartupFailure("--log-driver/--log-opt", e.getMessage());
                }
            } catch (IOException e) {
                registry.close();
                throw new StartupFailure("container store: " + e.getMessage(), e);
            }
            NetworkStack network;
            try {
                network = NetworkStack.open(config.dataRoot(), config.execRoot(),
                        NetworkDefaults.of(config.bridge(), config.bip(), config.addressPools()), events,
                        containerDirectory(containers));
            } catch (IOException | RuntimeException e) {
                registry.close();
                throw new StartupFailure("networks: " + e.getMessage(), e);
            }
            containers.useNetworks(network.sandboxes());
            containers.resume();
            images.setImageUsers(containers);
            HostSystem system = new HostSystem(facts, HostFacts.probe(),
                    Inventory.empty().withImages(images).withContainerStates(containers::counts).withVolumes(volumes), events);
            Router router = Router.of(new SystemRoutes(system, events), new ImageRoutes(images),
                    new ContainerRoutes(containers), new VolumeRoutes(volumes), new NetworkRoutes(network.networks()),
                    new ArchiveRoutes(new ContainerArchive(containers, images::snapshots, events)),
                    new CommitRoutes(new ContainerCommit(containers, images, events)),
                    new ExecRoutes(new ExecService(containers, events)),
                    new RunningContainerRoutes(containers.running()));

            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("API-Version", ApiVersion.CURRENT.toString());
            headers.put("Docker-Experimental", "false");
            headers.put("Ostype", "linux");
            headers.put("Server", "Berth/" + build.version() + " (linux)");
            HttpServer server;
            try {
                server = HttpServer.start(listeners, router, headers);
            } catch (IOException e) {
                network.close();
                registry.close();
                throw new StartupFailure(e.getMessage(), e);
            }
            for (HttpServer.Bound b : server.bound()) {
                LOG.info("API listen on " + display(b));
            }
            LOG.info("Daemon has completed initialization (berthd " + build.version() + ", API " + ApiVersion.CURRENT
                    + ", data root " + config.dataRoot() + ")");
            return new Daemon(config, pid, events, server, registry, network);
        } catch (StartupFailure | RuntimeException e) {
            pid.close();
            throw e;
        }
    }

    /** The containers as the network code sees them. */
    private static ContainerDirectory containerDirectory(ContainerService containers) {
        return new ContainerDirectory() {
            @Override
            public ContainerRecord get(String nameOrId) {
                return containers.find(nameOrId);
            }

            @Override
            public List<ContainerRecord> all() {
                return containers.records();
            }

            @Override
            public ContainerRecord updateNetworks(String id,
                    java.util.function.UnaryOperator<Map<String, EndpointConfig>> change) {
                return containers.updateNetworks(id, change);
            }
        };
    }

    private static List<HttpServer.Listener> listeners(DaemonConfig config, List<String> warnings)
            throws StartupFailure {
        SslContext tls = null;
        if (config.tls() != null) {
            try {
                tls = config.tls().serverContext();
            } catch (IOException e) {
                throw new StartupFailure("tls: " + e.getMessage(), e);
            }
        }
        List<HttpServer.Listener> out = new ArrayList<>();
        for (ListenAddress a : config.hosts()) {
            boolean tcp = a instanceof ListenAddress.Tcp;
            out.add(new HttpServer.Listener(a, tcp ? tls : null));
            if (tcp && tls == null) {
                ListenAddress.Tcp t = (ListenAddress.Tcp) a;
                String w = "WARNING: API is accessible on http://" + t.host() + ":" + t.port()
                        + " without encryption. Access to the remote API is equivalent to root access on the host.";
                warnings.add(w);
                LOG.warning("Binding to " + a + " without TLS: anyone who can reach it controls the host");
            } else if (tcp && !config.tls().verify()) {
                warnings.add("WARNING: API is accessible on https://" + ((ListenAddress.Tcp) a).host() + ":"
                        + ((ListenAddress.Tcp) a).port() + " without client certificate verification (--tlsverify).");
            }
        }
        return out;
    }

    private static String display(HttpServer.Bound b) {
        return switch (b.address()) {
            case ListenAddress.Unix u -> u.path().toString();
            case ListenAddress.Tcp t -> t.host() + ":" + t.port() + (b.tls() ? " (TLS)" : "");
        };
    }

    /** The events services publish to. */
    public EventBus events() {
        return events;
    }

    public DaemonConfig config() {
        return config;
    }

    /** Where the API actually listens (a tcp port 0 resolved to the real port). */
    public List<HttpServer.Bound> listeners() {
        return server.bound();
    }

    /** Stops gracefully; safe to call more than once and from any thread. */
    public void stop() {
        synchronized (this) {
            if (stopping) {
                awaitStopped();
                return;
            }
            stopping = true;
        }
        LOG.info("Stopping the daemon");
        try {
            server.stopListening();
            events.close();
            server.close(GRACE);
            registry.close();
        } finally {
            pidFile.close();
            LOG.info("Daemon shutdown complete");
            stopped.countDown();
        }
    }

    /** Blocks until {@link #stop} has finished. */
    public void awaitStopped() {
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
    }

    /** A file error as a short lower-case cause ({@code permission denied}, {@code no such file or directory}). */
    static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason().toLowerCase();
        }
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m;
    }
}
