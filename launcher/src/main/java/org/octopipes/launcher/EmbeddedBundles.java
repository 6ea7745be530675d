package org.octopipes.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.wiring.BundleRevision;

/**
 * The bundles the build copied into the launcher jar's {@code bundles/} folder: installs each
 * with the start level it belongs to and marks it to start when the framework reaches that level.
 */
final class EmbeddedBundles {

    /** Config Admin, SCR, Log, FileInstall and the other infrastructure. */
    static final int INFRASTRUCTURE_START_LEVEL = 1;
    /** Our bundles, and plugins from the deploy folder: they start once their configuration is in place. */
    static final int OCTOPIPES_START_LEVEL = 2;
    /** The Gogo shell, last, so that every command exists before a script or a person uses it. */
    static final int SHELL_START_LEVEL = 3;

    private static final String FOLDER = "bundles";
    /** The HTTP service, the Web Console, and what serves through them: installed only with --http. */
    private static final String HTTP_FOLDER = "http-bundles";
    private static final String OCTOPIPES_PREFIX = "org.octopipes.";
    private static final String GOGO_SHELL = "org.apache.felix.gogo.shell";

    /** Our transport bundles are named {@code org.octopipes.transport.<transport name>}. */
    private static final String TRANSPORT_PREFIX = OCTOPIPES_PREFIX + "transport.";
    /** Transport bundles that announce no transport of their own. */
    private static final Set<String> NOT_TRANSPORTS = Set.of(TRANSPORT_PREFIX + "handover", TRANSPORT_PREFIX + "support");

    private EmbeddedBundles() {
    }

    /** The names of the transports the installed transport bundles serve, "fifo" and "unix" in the launcher. */
    static Set<String> transportNames(BundleContext context) {
        Set<String> names = new TreeSet<>();
        for (Bundle bundle : context.getBundles()) {
            String symbolicName = bundle.getSymbolicName();
            if (symbolicName != null && symbolicName.startsWith(TRANSPORT_PREFIX) && !NOT_TRANSPORTS.contains(symbolicName)) {
                names.add(symbolicName.substring(TRANSPORT_PREFIX.length()));
            }
        }
        return names;
    }

    /** Installs the server's bundles, and with {@code http} those that serve HTTP too. */
    static void installAll(BundleContext context, boolean http) throws IOException, BundleException {
        Path launcher = launcherLocation();
        if (Files.isDirectory(launcher)) {
            // Run from target/classes, e.g. in an IDE.
            installAll(launcher, context, http);
        } else {
            try (FileSystem jar = FileSystems.newFileSystem(launcher)) {
                installAll(jar.getPath("/"), context, http);
            }
        }
    }

    private static void installAll(Path root, BundleContext context, boolean http) throws IOException, BundleException {
        installFrom(root.resolve(FOLDER), context);
        if (http) {
            installFrom(root.resolve(HTTP_FOLDER), context);
        }
    }

    static int startLevelOf(Bundle bundle) {
        String symbolicName = bundle.getSymbolicName();
        if (GOGO_SHELL.equals(symbolicName)) {
            return SHELL_START_LEVEL;
        }
        return symbolicName != null && symbolicName.startsWith(OCTOPIPES_PREFIX)
                ? OCTOPIPES_START_LEVEL
                : INFRASTRUCTURE_START_LEVEL;
    }

    private static void installFrom(Path folder, BundleContext context) throws IOException, BundleException {
        List<Path> jars;
        try (Stream<Path> files = Files.list(folder)) {
            jars = files.filter(file -> file.getFileName().toString().endsWith(".jar")).sorted().toList();
        }
        if (jars.isEmpty()) {
            throw new IllegalStateException("the launcher holds no bundles under " + folder + "/");
        }
        for (Path jar : jars) {
            Bundle bundle;
            try (InputStream content = Files.newInputStream(jar)) {
                bundle = context.installBundle(jar.toUri().toString(), content);
            }
            bundle.adapt(BundleStartLevel.class).setStartLevel(startLevelOf(bundle));
            if (!isFragment(bundle)) {
                bundle.start();
            }
        }
    }

    private static boolean isFragment(Bundle bundle) {
        return (bundle.adapt(BundleRevision.class).getTypes() & BundleRevision.TYPE_FRAGMENT) != 0;
    }

    private static Path launcherLocation() throws IOException {
        try {
            return Path.of(EmbeddedBundles.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IOException("cannot tell where the launcher runs from", e);
        }
    }
}
