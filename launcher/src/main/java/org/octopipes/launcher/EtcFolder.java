package org.octopipes.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.stream.Stream;

import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * A distribution's {@code etc/}, as in Karaf: one {@code <pid>.cfg} per configuration, or
 * {@code <factory pid>-<name>.cfg} per factory configuration (an MQTT bridge, say). Every file is
 * put into Config Admin before the Octopipes bundles start, so that they start configured; then
 * FileInstall watches the folder, so that an edit applies within seconds. The configurations carry
 * FileInstall's own file property, so FileInstall takes them as the ones it made from those files.
 */
final class EtcFolder {

    /** The factory PID of FileInstall's watchers beyond its first one. */
    static final String FILEINSTALL_FACTORY_PID = "org.apache.felix.fileinstall";
    /** The property by which FileInstall ties a configuration to its file. */
    private static final String FILEINSTALL_FILENAME = "felix.fileinstall.filename";
    /** How often the folder is scanned for edits, in milliseconds. */
    private static final String POLL_MILLIS = "1000";

    private final Path folder;

    EtcFolder(Path folder) {
        this.folder = folder;
    }

    /** The {@code .cfg} files, by name. */
    List<Path> files() throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(file -> file.getFileName().toString().endsWith(".cfg") && Files.isRegularFile(file)).sorted().toList();
        }
    }

    /**
     * Applies every file through Config Admin, then has FileInstall watch the folder.
     *
     * @return the files applied
     */
    List<Path> applyAndWatch(BundleContext context, Duration timeout) throws IOException, InterruptedException {
        List<Path> applied = new ArrayList<>();
        List<Path> files = files();
        ServerConfigurationPublisher.withConfigurationAdmin(context, timeout, configurationAdmin -> {
            for (Path file : files) {
                apply(configurationAdmin, file);
                applied.add(file);
            }
            watch(configurationAdmin);
        });
        return applied;
    }

    private void apply(ConfigurationAdmin configurationAdmin, Path file) throws IOException {
        String name = file.getFileName().toString();
        String pid = name.substring(0, name.length() - ".cfg".length());
        int dash = pid.indexOf('-');
        Configuration configuration = dash > 0
                ? configurationAdmin.getFactoryConfiguration(pid.substring(0, dash), pid.substring(dash + 1), ServerConfigurationPublisher.ANY_LOCATION)
                : configurationAdmin.getConfiguration(pid, ServerConfigurationPublisher.ANY_LOCATION);
        Dictionary<String, Object> properties = read(file);
        properties.put(FILEINSTALL_FILENAME, file.toAbsolutePath().toUri().toString());
        configuration.update(properties);
    }

    private static Dictionary<String, Object> read(Path file) throws IOException {
        try {
            return new Hashtable<>(PropertiesFile.read(file));
        } catch (IOException e) {
            throw new IOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** A second FileInstall watcher, for {@code .cfg} files only: bundles belong in {@code deploy/}. */
    private void watch(ConfigurationAdmin configurationAdmin) throws IOException {
        Configuration watcher = configurationAdmin.getFactoryConfiguration(FILEINSTALL_FACTORY_PID, "etc", ServerConfigurationPublisher.ANY_LOCATION);
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put("felix.fileinstall.dir", folder.toString());
        properties.put("felix.fileinstall.filter", ".*\\.cfg");
        properties.put("felix.fileinstall.poll", POLL_MILLIS);
        properties.put("felix.fileinstall.noInitialDelay", "true");
        properties.put("felix.fileinstall.log.default", "jul");
        // Read only: the files are the operator's (see the framework property of the same name).
        properties.put("felix.fileinstall.enableConfigSave", "false");
        watcher.update(properties);
    }

    @Override
    public String toString() {
        return folder.toString();
    }
}
