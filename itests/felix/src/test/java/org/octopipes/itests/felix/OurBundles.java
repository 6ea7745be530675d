package org.octopipes.itests.felix;

import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.composite;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.mavenBundle;

import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.ops4j.pax.exam.Option;

/**
 * The one list of our bundles that the Felix tests install, and the framework they run in. The
 * pom copies every org.octopipes dependency into the folder named by {@code octopipes.bundles};
 * a bundle added here must be a dependency there too.
 */
final class OurBundles {

    static final String[] SYMBOLIC_NAMES = {
        "org.octopipes.codec", "org.octopipes.api", "org.octopipes.posix", "org.octopipes.router", "org.octopipes.sessions", "org.octopipes.transport.fifo",
        "org.octopipes.jmx", "org.octopipes.client", "org.octopipes.shell"};

    /**
     * The routing plugins: in the same folder, but not installed by {@link #inFelix()}, since a
     * started plugin outranks the default policy; tests install them at runtime from {@link #location}.
     */
    static final String[] POLICY_PLUGINS = {"org.octopipes.policy.anycast", "org.octopipes.policy.echo", "org.octopipes.policy.acl"};

    /** System property that hands a test class's private folder to its probe. */
    private static final String RUN_FOLDER = "octopipes.it.run";

    private OurBundles() {
    }

    /** Awaitility, for the probe's waits; it needs Hamcrest 2, beside the 1.3 that JUnit 4 brings. */
    static Option awaitility() {
        return composite(mavenBundle("org.hamcrest", "hamcrest", "2.2"), mavenBundle("org.awaitility", "awaitility", "4.3.0"));
    }

    /** A new folder only this user can use, for a test class's FIFOs, handed to its probe; see {@link #runFolder()}. */
    static Option newRunFolder(String prefix) throws IOException {
        Path run = Files.createTempDirectory(prefix, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        return systemProperty(RUN_FOLDER).value(run.toString());
    }

    /** In the probe: the folder that {@link #newRunFolder} made. */
    static Path runFolder() {
        return Path.of(System.getProperty(RUN_FOLDER));
    }

    /** Where a bundle of ours lies, as a location to install it from. */
    static String location(String symbolicName) {
        return new File(System.getProperty("octopipes.bundles"), symbolicName + ".jar").toURI().toString();
    }

    /**
     * Our bundles on top of SCR, Config Admin, Metatype, the OSGi Log service and the Gogo runtime
     * (for the shell's commands; no console), with JUnit for the probe.
     */
    static Option inFelix() {
        String folder = System.getProperty("octopipes.bundles");
        Option[] ours = new Option[SYMBOLIC_NAMES.length];
        for (int i = 0; i < SYMBOLIC_NAMES.length; i++) {
            ours[i] = bundle(new File(folder, SYMBOLIC_NAMES[i] + ".jar").toURI().toString());
        }
        return composite(
                junitBundles(),
                mavenBundle("org.osgi", "org.osgi.util.function", "1.2.0"),
                mavenBundle("org.osgi", "org.osgi.util.promise", "1.3.0"),
                mavenBundle("org.osgi", "org.osgi.service.component", "1.5.1"),
                mavenBundle("org.apache.felix", "org.apache.felix.scr", "2.2.18"),
                mavenBundle("org.apache.felix", "org.apache.felix.configadmin", "1.9.26"),
                mavenBundle("org.apache.felix", "org.apache.felix.log", "1.3.0"),
                mavenBundle("org.apache.felix", "org.apache.felix.metatype", "1.2.4"),
                mavenBundle("org.apache.felix", "org.apache.felix.gogo.runtime", "1.1.6"),
                composite(ours));
    }
}
