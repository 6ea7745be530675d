package org.octopipes.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The launcher's command line, parsed: where the server's FIFOs go, which configuration file to
 * read, and where the framework keeps plugins and its cache.
 */
record LauncherOptions(
        Optional<Path> capPath,
        Optional<Path> clientsDir,
        Optional<Path> configFile,
        Optional<Path> etcDir,
        Path deployDir,
        Optional<Path> storageDir,
        Optional<HttpAddress> http,
        boolean console,
        boolean help) {

    /** The configuration property the CAP's path goes to; {@code --cap} overrides it. */
    static final String CAP_PATH = "cap.path";
    /** The configuration property the client FIFOs' folder goes to; {@code --clients} overrides it. */
    static final String CLIENTS_DIR = "clients.dir";

    static final String USAGE = """
            Usage: java -jar octopipes-launcher.jar [options]

            Starts the Octopipes server: Apache Felix with Declarative Services, Config Admin,
            FileInstall, the OSGi Log service, the Gogo shell and the Octopipes bundles.

            Options:
              --cap PATH      the Common Access Pipe (configuration property cap.path)
              --clients DIR   the folder for client FIFOs (configuration property clients.dir)
              --config FILE   a properties file for the configuration PID %s,
                              e.g. cap.path, clients.dir, fifo.mode, max.payload, max.clients,
                              max.name.length, queue.bytes, fifo.pipe.size; --cap and --clients
                              override it.
                              What is set nowhere takes the server's own default.
              --etc DIR       a folder of configuration files, <pid>.cfg (and
                              <factory pid>-<name>.cfg), as in Karaf: applied before the
                              server starts, then watched, so that an edit applies within
                              seconds. The server's own is %s.cfg; with --etc,
                              --cap, --clients and --config are not taken.
              --deploy DIR    the folder watched for plugin bundles and configurations
                              (default: ./deploy)
              --storage DIR   the framework's cache, emptied at every start
                              (default: a new temporary folder, deleted at exit)
              --http [HOST:]PORT
                              serve the Felix Web Console with its Octopipes page at
                              /system/console/octopipes (user admin, password admin
                              until configured) and Prometheus metrics at /metrics;
                              on 127.0.0.1 unless HOST is given ([::1]:PORT for IPv6;
                              port 0: any free port). Off by default: no port is opened.
              --no-console    no interactive Gogo shell, even on a terminal
              --help          print this text and exit

            Once a transport accepts clients, standard output gets one line per transport:
              Octopipes <version> ready: <name> transport at <address>
            and with --http, once it listens:
              Octopipes <version> ready: Web Console at http://HOST:PORT/system/console/octopipes, metrics at http://HOST:PORT/metrics
            The log goes to standard error. SIGTERM or Ctrl-C stops the server cleanly.
            Under systemd (Type=notify, $NOTIFY_SOCKET set) it sends READY=1 once every
            transport serves, STATUS= with the client count, WATCHDOG=1 when $WATCHDOG_USEC
            asks for it, and STOPPING=1.

            Exit status: 0 stopped cleanly, 1 could not start or no transport came up
            within 30 s, 2 bad command line.
            """.formatted(ServerConfigurationPublisher.SERVER_PID, ServerConfigurationPublisher.SERVER_PID);

    static LauncherOptions parse(String... args) throws UsageException {
        Path cap = null;
        Path clients = null;
        Path config = null;
        Path etc = null;
        Path deploy = Path.of("deploy");
        // Not a fixed folder: the cache is wiped at start, and two launchers must not wipe each other's.
        Path storage = null;
        HttpAddress http = null;
        boolean console = true;
        boolean help = false;
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            switch (option) {
                case "--cap" -> cap = pathValue(args, ++i, option);
                case "--clients" -> clients = pathValue(args, ++i, option);
                case "--config" -> config = pathValue(args, ++i, option);
                case "--etc" -> etc = pathValue(args, ++i, option);
                case "--deploy" -> deploy = pathValue(args, ++i, option);
                case "--storage" -> storage = pathValue(args, ++i, option);
                case "--http" -> http = HttpAddress.parse(value(args, ++i, option));
                case "--no-console" -> console = false;
                case "--help", "-h" -> help = true;
                default -> throw new UsageException(option.startsWith("-")
                        ? "unknown option '" + option + "'"
                        : "unexpected argument '" + option + "'");
            }
        }
        if (etc != null && (cap != null || clients != null || config != null)) {
            // Two sources for one configuration would overwrite each other, the later one winning by chance.
            throw new UsageException("with --etc, the server's configuration is " + etc.resolve(ServerConfigurationPublisher.SERVER_PID + ".cfg")
                    + ": set cap.path and clients.dir there, not with --cap, --clients or --config");
        }
        if (etc != null && !Files.isDirectory(etc)) {
            throw new UsageException("--etc " + etc + ": no such folder");
        }
        return new LauncherOptions(Optional.ofNullable(cap), Optional.ofNullable(clients), Optional.ofNullable(config),
                Optional.ofNullable(etc), deploy.toAbsolutePath().normalize(),
                Optional.ofNullable(storage).map(path -> path.toAbsolutePath().normalize()), Optional.ofNullable(http), console, help);
    }

    /**
     * The properties of the server's configuration ({@link ServerConfigurationPublisher#SERVER_PID}): the {@code --config} file's,
     * then {@code --cap} and {@code --clients} over them. Values stay strings: the server parses them.
     */
    SortedMap<String, String> serverConfiguration() throws UsageException {
        SortedMap<String, String> configuration = new TreeMap<>();
        if (configFile.isPresent()) {
            configuration.putAll(readProperties(configFile.get()));
        }
        capPath.ifPresent(path -> configuration.put(CAP_PATH, path.toString()));
        clientsDir.ifPresent(path -> configuration.put(CLIENTS_DIR, path.toString()));
        return configuration;
    }

    private static Map<String, String> readProperties(Path file) throws UsageException {
        try {
            return PropertiesFile.read(file);
        } catch (NoSuchFileException e) {
            throw new UsageException("cannot read --config " + file + ": no such file");
        } catch (IOException e) {
            throw new UsageException("cannot read --config " + file + ": " + e.getMessage());
        }
    }

    private static String value(String[] args, int index, String option) throws UsageException {
        if (index >= args.length || args[index].isEmpty() || args[index].startsWith("--")) {
            throw new UsageException("option " + option + " needs a value");
        }
        return args[index];
    }

    private static Path pathValue(String[] args, int index, String option) throws UsageException {
        String value = value(args, index, option);
        try {
            // Absolute, so that the configuration and the log say where the FIFOs really are.
            return Path.of(value).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw new UsageException("option " + option + ": not a path: " + e.getMessage());
        }
    }
}
