package org.octopipes.itests.e2e;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * The configurations our bundles describe in their metatypes ({@code OSGI-INF/metatype/*.xml}),
 * read from the built jars: what the distribution's {@code etc/} and the manual's configuration
 * reference are checked against, so that neither can drift from the code.
 */
final class Metatypes {

    /** One property: its id and its default as the metatype writes it (empty if it has none). */
    record Property(String id, String defaultValue) {
    }

    /** One configuration a bundle describes: its PID, or its factory PID when {@code factory}. */
    record Configuration(String bundle, String pid, boolean factory, List<Property> properties) {
    }

    private Metatypes() {
    }

    /** The configurations of the Octopipes bundles that the launcher jar embeds ({@code bundles/org.octopipes.*}). */
    static List<Configuration> ofLauncher(Path launcherJar) throws IOException {
        List<Configuration> configurations = new ArrayList<>();
        try (ZipFile launcher = new ZipFile(launcherJar.toFile())) {
            for (ZipEntry bundle : Collections.list(launcher.entries())) {
                if (bundle.getName().startsWith("bundles/org.octopipes.")) {
                    configurations.addAll(read(bundle.getName(), launcher.getInputStream(bundle)));
                }
            }
        }
        return configurations;
    }

    /** The configurations one bundle jar describes. */
    static List<Configuration> ofBundle(Path bundleJar) throws IOException {
        try (InputStream in = Files.newInputStream(bundleJar)) {
            return read(bundleJar.getFileName().toString(), in);
        }
    }

    private static List<Configuration> read(String bundle, InputStream jarBytes) throws IOException {
        List<Configuration> configurations = new ArrayList<>();
        ZipInputStream jar = new ZipInputStream(jarBytes);
        for (ZipEntry entry; (entry = jar.getNextEntry()) != null; ) {
            if (entry.getName().startsWith("OSGI-INF/metatype/") && entry.getName().endsWith(".xml")) {
                configurations.add(parse(bundle, jar.readAllBytes()));
            }
        }
        return configurations;
    }

    private static Configuration parse(String bundle, byte[] metatype) throws IOException {
        Document document;
        try {
            document = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new ByteArrayInputStream(metatype));
        } catch (ParserConfigurationException | SAXException e) {
            throw new IOException("the metatype of " + bundle + " cannot be read", e);
        }
        Element designate = (Element) document.getElementsByTagName("Designate").item(0);
        String pid = designate.getAttribute("pid");
        boolean factory = pid.isEmpty();
        List<Property> properties = new ArrayList<>();
        NodeList definitions = document.getElementsByTagName("AD");
        for (int i = 0; i < definitions.getLength(); i++) {
            Element definition = (Element) definitions.item(i);
            properties.add(new Property(definition.getAttribute("id"), definition.getAttribute("default")));
        }
        return new Configuration(bundle, factory ? designate.getAttribute("factoryPid") : pid, factory, List.copyOf(properties));
    }
}
