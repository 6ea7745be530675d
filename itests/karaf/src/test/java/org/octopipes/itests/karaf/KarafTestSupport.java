package org.octopipes.itests.karaf;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.ops4j.pax.exam.CoreOptions.environment;
import static org.ops4j.pax.exam.CoreOptions.maven;
import static org.ops4j.pax.exam.CoreOptions.mavenBundle;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.keepRuntimeFolder;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.logLevel;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.replaceConfigurationFile;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivilegedActionException;
import java.security.PrivilegedExceptionAction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.inject.Inject;
import javax.security.auth.Subject;
import org.apache.karaf.features.Feature;
import org.apache.karaf.features.FeaturesService;
import org.apache.karaf.jaas.boot.principal.RolePrincipal;
import org.apache.karaf.jaas.boot.principal.UserPrincipal;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.junit.Before;
import org.octopipes.api.transport.Transport;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.karaf.options.LogLevelOption;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;

/**
 * A stock Karaf 4.4 distribution, one per test class, into which the class's first test installs
 * Octopipes the way the README tells a Karaf user to. This build's features repository and bundles are copied
 * into the distribution's {@code system/} folder, Karaf's own Maven repository, which it searches
 * before any other: the {@code mvn:} URLs a user types then resolve to the files of this build,
 * with no {@code mvn install} and no stale copy from the local repository.
 *
 * <p>The Karaf process runs with {@code OCTOPIPES_CAP} pointing into a new temporary folder, so
 * that even the configuration the feature ships (the CAP left empty: the server's own default)
 * puts every FIFO there.
 */
public abstract class KarafTestSupport {

    static final Duration PATIENCE = Duration.ofSeconds(60);

    static final String FEATURES_REPOSITORY = "mvn:org.octopipes/octopipes-features/" + System.getProperty("octopipes.version") + "/xml/features";

    /** The server's bundles, in the order the features list them. */
    static final List<String> SERVER_BUNDLES = List.of(
            "org.octopipes.codec", "org.octopipes.api", "org.octopipes.posix", "org.octopipes.router", "org.octopipes.sessions",
            "org.octopipes.transport.fifo");

    @Inject
    protected BundleContext context;

    @Inject
    protected SessionFactory sessionFactory;

    @Inject
    protected FeaturesService features;

    /** Runs in the test's JVM, before Karaf starts; the tests themselves run inside Karaf. */
    @Configuration
    public Option[] configuration() throws IOException {
        String karafVersion = System.getProperty("octopipes.karaf.version");
        Path run = Files.createTempDirectory("octopipes-karaf-it-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        List<Option> options = new ArrayList<>(List.of(
                karafDistributionConfiguration()
                        .frameworkUrl(maven("org.apache.karaf", "apache-karaf").version(karafVersion).type("tar.gz"))
                        .karafVersion(karafVersion)
                        .name("Apache Karaf")
                        .unpackDirectory(new File(System.getProperty("octopipes.karaf.unpack")))
                        .useDeployFolder(false),
                // No console on standard input and no ssh server (a fixed port); the tests open sessions themselves.
                configureConsole().ignoreLocalConsole().ignoreRemoteShell(),
                environment("OCTOPIPES_CAP=" + run.resolve("cap.fifo")),
                editConfigurationFilePut("etc/system.properties", "octopipes.it.run", run.toString()),
                editConfigurationFilePut("etc/system.properties", "octopipes.version", System.getProperty("octopipes.version")),
                editConfigurationFilePut("etc/system.properties", "octopipes.client.jar", System.getProperty("octopipes.client.jar")),
                editConfigurationFilePut("etc/system.properties", "octopipes.policy.echo.jar", System.getProperty("octopipes.policy.echo.jar")),
                mavenBundle("org.hamcrest", "hamcrest", System.getProperty("hamcrest.version")),
                mavenBundle("org.awaitility", "awaitility", System.getProperty("awaitility.version"))));
        options.addAll(intoKarafSystemRepository(Path.of(System.getProperty("octopipes.karaf.system"))));
        options.addAll(beforeInstall(run));
        if (Boolean.getBoolean("octopipes.karaf.keep")) {
            // -Doctopipes.karaf.keep=true keeps each Karaf under target/karaf, with an INFO log in data/log/karaf.log.
            options.add(keepRuntimeFolder());
            options.add(logLevel(LogLevelOption.LogLevel.INFO));
        }
        return options.toArray(new Option[0]);
    }

    /** Options of a test class for the Karaf it gets, e.g. a configuration in place before the feature is installed. */
    protected List<Option> beforeInstall(Path run) {
        return List.of();
    }

    /** For {@link #beforeInstall}: the server's CAP and clients folder in {@code run}, in its configuration file. */
    protected static List<Option> fifosIn(Path run) {
        return List.of(
                editConfigurationFilePut("etc/org.octopipes.server.cfg", "cap.path", run.resolve("cap.fifo").toString()),
                editConfigurationFilePut("etc/org.octopipes.server.cfg", "clients.dir", run.resolve("clients").toString()));
    }

    /** The temporary folder of this Karaf's FIFOs; {@code $OCTOPIPES_CAP} is {@code cap.fifo} in it. */
    protected static Path run() {
        return Path.of(System.getProperty("octopipes.it.run"));
    }

    /** Every file of a folder laid out as a Maven repository, copied to the same place under Karaf's system/. */
    private static List<Option> intoKarafSystemRepository(Path repository) throws IOException {
        List<Option> copies = new ArrayList<>();
        try (Stream<Path> files = Files.walk(repository)) {
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                String relative = repository.relativize(file).toString().replace(File.separatorChar, '/');
                copies.add(replaceConfigurationFile("system/" + relative, file.toFile()));
            }
        }
        if (copies.isEmpty()) {
            throw new IllegalStateException("no artifacts under " + repository + ": run the build through mvn verify");
        }
        return copies;
    }

    /** The README's lines, typed before the class's first test; its other tests find them done. */
    @Before
    public void installOctopipes() throws Exception {
        Feature installed = features.getFeature("octopipes");
        if (installed == null || !features.isInstalled(installed)) {
            execute("feature:repo-add " + FEATURES_REPOSITORY);
            execute("feature:install octopipes");
        }
    }

    /**
     * Runs a command line in a new Karaf shell session and returns what it printed, with its
     * result if it returned one, as an administrator at the console would see it.
     */
    protected String execute(String commandLine) {
        Execution execution = run(commandLine);
        if (execution.failure != null) {
            throw new AssertionError("'" + commandLine + "' failed: " + execution.failure + "; it printed: " + execution.printed, execution.failure);
        }
        return execution.printed;
    }

    /**
     * Runs a command line until it succeeds and returns what it printed: a command is missing for
     * a moment whenever the service behind it restarts, e.g. when the configuration changes.
     */
    protected String awaitCommand(String commandLine) {
        return await("'" + commandLine + "' runs").atMost(PATIENCE).until(() -> run(commandLine), execution -> execution.failure == null).printed;
    }

    /** Runs a command line that must fail, and returns what the user sees: the failure's message and what was printed. */
    protected String executeFailing(String commandLine) {
        Execution execution = run(commandLine);
        if (execution.failure == null) {
            throw new AssertionError("'" + commandLine + "' succeeded; it printed: " + execution.printed);
        }
        return execution.failure.getMessage() + "\n" + execution.printed;
    }

    private record Execution(String printed, Exception failure) {
    }

    /**
     * Karaf checks each command against its ACLs (etc/org.apache.karaf.command.acl.*.cfg) for the
     * subject running it, and calls a command the subject may not run "not found". So the session
     * runs as the administrator Karaf's users.properties describes (commented out in 4.4).
     */
    private Execution run(String commandLine) {
        Subject administrator = new Subject();
        administrator.getPrincipals().add(new UserPrincipal("karaf"));
        for (String role : List.of("admin", "manager", "viewer", "systembundles")) {
            administrator.getPrincipals().add(new RolePrincipal(role));
        }
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(printed, true, UTF_8);
        Session session = sessionFactory.create(new ByteArrayInputStream(new byte[0]), out, out);
        try {
            Object result = Subject.doAs(administrator, (PrivilegedExceptionAction<Object>) () -> session.execute(commandLine));
            if (result != null) {
                out.println(result);
            }
            return new Execution(printed.toString(UTF_8), null);
        } catch (PrivilegedActionException e) {
            return new Execution(printed.toString(UTF_8), e.getException());
        } catch (RuntimeException e) {
            // Subject.doAs wraps only checked exceptions; a command's own failure may be unchecked.
            return new Execution(printed.toString(UTF_8), e);
        } finally {
            session.close();
        }
    }

    /** Waits until a FIFO transport serves this CAP. */
    protected void awaitTransportAt(Path cap) {
        String filter = "(&(" + Constants.OBJECTCLASS + "=" + Transport.class.getName() + ")(" + Transport.TRANSPORT_ADDRESS + "=" + cap + "))";
        await("a FIFO transport at " + cap).atMost(PATIENCE).until(() -> context.getServiceReferences((String) null, filter) != null);
    }

    protected Bundle bundle(String symbolicName) {
        for (Bundle bundle : context.getBundles()) {
            if (symbolicName.equals(bundle.getSymbolicName())) {
                return bundle;
            }
        }
        return null;
    }

    protected void assertActive(String symbolicName) {
        Bundle bundle = bundle(symbolicName);
        assertNotNull(symbolicName + " is installed", bundle);
        assertEquals(symbolicName + " is active", Bundle.ACTIVE, bundle.getState());
    }
}
