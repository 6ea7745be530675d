package org.octopipes.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.felix.framework.Felix;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.startlevel.FrameworkStartLevel;

/**
 * Runs the server: an embedded Felix with the bundles in the launcher jar, the configuration put
 * into Config Admin before our bundles start, and a clean stop on SIGTERM or Ctrl-C.
 */
final class OctopipesLauncher {

    static final int EXIT_STOPPED = 0;
    static final int EXIT_FAILED = 1;

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration CONFIG_ADMIN_TIMEOUT = Duration.ofSeconds(30);

    /**
     * The Web Console's "all" build imports sun.nio.ch for the commons-io it carries, which uses it
     * only if it can; Felix's system bundle does not list it on its own.
     */
    private static final String HTTP_SYSTEM_PACKAGES = "sun.nio.ch";
    private static final String SIMPLE_LOGGER_LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";

    private final LauncherOptions options;
    private final SortedMap<String, String> serverConfiguration;
    private final ConsoleLog log;
    private final PrintStream out;
    private volatile boolean stoppingOnSignal;
    private volatile SystemdNotifier systemd;
    private Path storageDir;
    /** Whether the storage is a temporary folder of this run's own, to delete once stopped. */
    private boolean temporaryStorage;

    OctopipesLauncher(LauncherOptions options, SortedMap<String, String> serverConfiguration, ConsoleLog log,
            PrintStream out) {
        this.options = options;
        this.serverConfiguration = serverConfiguration;
        this.log = log;
        this.out = out;
    }

    /** Starts the server and returns its exit status once the framework has stopped. */
    int run() throws Exception {
        Files.createDirectories(options.deployDir());
        temporaryStorage = options.storageDir().isEmpty();
        storageDir = temporaryStorage ? Files.createTempDirectory("octopipes-felix-") : options.storageDir().get();
        Framework framework = new Felix(frameworkProperties());
        framework.init();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stopOnSignal(framework), "octopipes-shutdown"));
        try {
            return runInitialised(framework);
        } catch (Exception | Error e) {
            if (!stoppingOnSignal) {
                stop(framework);
            }
            throw e;
        }
    }

    /** True once SIGTERM or Ctrl-C has started the stop: failures after that are its echoes. */
    boolean stoppingOnSignal() {
        return stoppingOnSignal;
    }

    private int runInitialised(Framework framework) throws Exception {
        BundleContext context = framework.getBundleContext();
        context.addBundleListener(event -> {
            if (event.getType() == BundleEvent.STARTED) {
                Bundle bundle = event.getBundle();
                log.info("started " + ConsoleLog.nameOf(bundle) + ' ' + bundle.getVersion());
            }
        });
        EmbeddedBundles.installAll(context, options.http().isPresent());

        // Infrastructure only (start level 1): Config Admin is up, none of our components is yet.
        framework.start();
        new LogForwarder(context, log).open();
        if (options.etcDir().isPresent()) {
            EtcFolder etc = new EtcFolder(options.etcDir().get());
            List<Path> applied = etc.applyAndWatch(context, CONFIG_ADMIN_TIMEOUT);
            log.info("configuration from " + etc + ", watched for edits: "
                    + (applied.isEmpty() ? "(no .cfg files: the defaults apply)" : applied.stream().map(file -> file.getFileName().toString())
                            .collect(Collectors.joining(", "))));
        } else {
            new ServerConfigurationPublisher(context).publish(serverConfiguration, CONFIG_ADMIN_TIMEOUT);
            log.info("configuration " + ServerConfigurationPublisher.SERVER_PID + ": " + describe(serverConfiguration));
        }

        systemd = new SystemdNotifier(context, log);
        systemd.open();
        TransportAnnouncer transports = new TransportAnnouncer(context, version(), out);
        transports.open();
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        boolean ready = raiseStartLevel(framework, EmbeddedBundles.OCTOPIPES_START_LEVEL, remaining(deadline))
                && transports.awaitFirst(remaining(deadline));
        if (!ready) {
            log.error("no Octopipes transport came up within " + READY_TIMEOUT.toSeconds()
                    + " s: is org.octopipes.transport.fifo in the launcher, and did it start (see above)? Stopping.",
                    null);
            stop(framework);
            return EXIT_FAILED;
        }
        // systemd is told once every transport in the launcher serves (one that does not come up
        // within the time is logged, and the server counts as ready with the others).
        Set<String> missing = transports.awaitAll(EmbeddedBundles.transportNames(context), remaining(deadline));
        if (!missing.isEmpty()) {
            log.error("not serving within " + READY_TIMEOUT.toSeconds() + " s: the " + String.join(", ", missing)
                    + " transport (see above); serving with the others", null);
        }
        if (options.http().isPresent() && !awaitHttp(context, options.http().get(), READY_TIMEOUT)) {
            stop(framework);
            return EXIT_FAILED;
        }
        systemd.ready("serving");
        // The shell comes last so that its prompt follows the "ready" lines.
        raiseStartLevel(framework, EmbeddedBundles.SHELL_START_LEVEL, null);

        framework.waitForStop(0);
        if (!stoppingOnSignal) {
            deleteTemporaryStorage();
            log.info("stopped");
        }
        return EXIT_STOPPED;
    }

    /** With --http: whether the HTTP service listens in time; says why not if it does not. */
    private boolean awaitHttp(BundleContext context, HttpAddress address, Duration timeout) throws InterruptedException {
        HttpAnnouncer http = new HttpAnnouncer(context, address, version(), out);
        http.open();
        if (http.awaitListening(timeout)) {
            return true;
        }
        log.error("--http " + address.host() + ":" + address.port() + ": the HTTP service does not listen within "
                + READY_TIMEOUT.toSeconds() + " s: is the port taken, or the host not an address of this machine (see above)? Stopping.",
                null);
        return false;
    }

    private Map<String, Object> frameworkProperties() {
        Map<String, Object> properties = new HashMap<>();
        properties.put(Constants.FRAMEWORK_STORAGE, storageDir.toString());
        properties.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        properties.put(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA, ServerConfigurationPublisher.SYSTEM_PACKAGES
                + (options.http().isPresent() ? "," + HTTP_SYSTEM_PACKAGES : ""));
        options.http().ifPresent(http -> {
            // Jetty's own log (SLF4J simple): its warnings and errors, on standard error with ours.
            System.setProperty(SIMPLE_LOGGER_LEVEL, System.getProperty(SIMPLE_LOGGER_LEVEL, "warn"));
            // Felix HTTP reads these framework properties as its defaults; Config Admin (PID
            // org.apache.felix.http, e.g. a .cfg in --etc) can still change them.
            properties.put("org.apache.felix.http.enable", "true");
            properties.put("org.apache.felix.https.enable", "false");
            properties.put("org.apache.felix.http.host", http.host());
            properties.put("org.osgi.service.http.port", String.valueOf(http.port()));
            // No server name and version in every answer for a scanner to look up.
            properties.put("org.apache.felix.http.jetty.sendServerHeader", "false");
        });
        // The launcher raises the level itself once the configuration is in Config Admin.
        properties.put(Constants.FRAMEWORK_BEGINNING_STARTLEVEL,
                String.valueOf(EmbeddedBundles.INFRASTRUCTURE_START_LEVEL));
        // Where bundles installed later (FileInstall's plugins) start: with ours.
        properties.put("felix.startlevel.bundle", String.valueOf(EmbeddedBundles.OCTOPIPES_START_LEVEL));
        properties.put("felix.log.logger", new FrameworkLogger(log));
        properties.put("felix.log.level", "2");
        // OSGi Log 1.4+ drops everything below WARN unless told otherwise.
        properties.put("org.osgi.service.log.admin.loglevel", "INFO");

        properties.put("felix.fileinstall.dir", options.deployDir().toString());
        // Plugins come after our bundles, and after the Log service. (noInitialDelay would scan
        // at once, whatever the start level.)
        properties.put("felix.fileinstall.active.level", String.valueOf(EmbeddedBundles.OCTOPIPES_START_LEVEL));
        properties.put("felix.fileinstall.log.level", "3");
        // Without a Log service FileInstall would print on standard output, which is for the "ready" lines.
        properties.put("felix.fileinstall.log.default", "jul");
        // etc/ is the operator's: FileInstall must never write a configuration back into a .cfg file.
        // Writing back raced with the launcher applying etc/ at start, and once (under load) wrote
        // the server's file back without the line its operator had just added.
        properties.put("felix.fileinstall.enableConfigSave", "false");

        boolean interactive = options.console() && System.console() != null;
        // Headless (systemd, CI) standard input may be at EOF, which would end an interactive shell
        // and the framework with it.
        properties.put("gosh.args", interactive ? "" : "--nointeractive");
        return properties;
    }

    private boolean raiseStartLevel(Framework framework, int level, Duration timeout) throws InterruptedException {
        CountDownLatch reached = new CountDownLatch(1);
        framework.adapt(FrameworkStartLevel.class).setStartLevel(level, event -> {
            if (event.getType() == FrameworkEvent.STARTLEVEL_CHANGED) {
                reached.countDown();
            }
        });
        if (timeout == null) {
            reached.await();
            return true;
        }
        return reached.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void stopOnSignal(Framework framework) {
        if ((framework.getState() & (Bundle.STARTING | Bundle.ACTIVE | Bundle.STOPPING)) == 0) {
            // The launcher stopped the framework itself and is exiting with its own status.
            return;
        }
        stoppingOnSignal = true;
        log.info("stopping: the process was asked to terminate");
        boolean stopped = stop(framework);
        out.flush();
        System.err.flush();
        // After a signal the JVM would exit with 128 + its number (143 for SIGTERM) however
        // cleanly the hooks ran; a requested stop that went well is a success, so say so.
        Runtime.getRuntime().halt(stopped ? EXIT_STOPPED : EXIT_FAILED);
    }

    /** Stops the framework and waits for it; false if it did not stop in time. */
    private boolean stop(Framework framework) {
        SystemdNotifier notifier = systemd;
        if (notifier != null) {
            // While the notification service is still there: the framework takes it down with it.
            notifier.stopping();
            notifier.close();
        }
        try {
            framework.stop();
            if (framework.waitForStop(STOP_TIMEOUT.toMillis()).getType() == FrameworkEvent.WAIT_TIMEDOUT) {
                log.error("the framework did not stop within " + STOP_TIMEOUT.toSeconds() + " s", null);
                return false;
            }
            deleteTemporaryStorage();
            log.info("stopped");
            return true;
        } catch (Exception e) {
            log.error("could not stop the framework", e);
            return false;
        }
    }

    private void deleteTemporaryStorage() {
        if (!temporaryStorage || storageDir == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(storageDir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            log.info("could not delete the temporary framework cache " + storageDir + ": " + e.getMessage());
        }
    }

    private static String describe(SortedMap<String, String> configuration) {
        if (configuration.isEmpty()) {
            return "(no properties: the server's defaults apply)";
        }
        return configuration.entrySet().stream()
                .map(property -> property.getKey() + '=' + property.getValue())
                .collect(Collectors.joining(", "));
    }

    private static Duration remaining(long deadlineNanos) {
        return Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()));
    }

    private static String version() {
        String version = OctopipesLauncher.class.getPackage().getImplementationVersion();
        return version != null ? version : "(development)";
    }
}
