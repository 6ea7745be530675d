package org.octopipes.launcher;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.SortedMap;
import java.util.TreeMap;

/** A properties file of configuration values: the launcher's {@code --config}, or a {@code .cfg} of {@code --etc}. */
final class PropertiesFile {

    private PropertiesFile() {
    }

    /**
     * Its properties, each value stripped of the blanks around it. UTF-8, as FileInstall reads
     * {@code .cfg} files, rather than the properties format's historical ISO-8859-1: paths may hold
     * any character.
     *
     * @throws IOException if it cannot be read ({@link java.nio.file.NoSuchFileException} if it is
     *         not there), or is not a properties file, with the reason as the message
     */
    static SortedMap<String, String> read(Path file) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
        SortedMap<String, String> values = new TreeMap<>();
        properties.stringPropertyNames().forEach(key -> values.put(key, properties.getProperty(key).strip()));
        return values;
    }
}
