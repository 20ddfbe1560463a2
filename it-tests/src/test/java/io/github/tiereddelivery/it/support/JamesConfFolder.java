package io.github.tiereddelivery.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;

import org.apache.commons.configuration2.PropertiesConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.commons.configuration2.io.FileHandler;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/** A copy of a James configuration folder that a test edits (XML through DOM) before James reads it. */
final class JamesConfFolder {
    static final String DELIVERY_MAILET = "io.github.tiereddelivery.mailets.TieredRemoteDelivery";

    private final Path directory;

    private JamesConfFolder(Path directory) {
        this.directory = directory;
    }

    static JamesConfFolder copyOf(Path source, Path target) {
        if (!Files.isRegularFile(source.resolve("mailetcontainer.xml"))) {
            throw new IllegalArgumentException(source.toAbsolutePath()
                + " is not a James configuration folder (no mailetcontainer.xml)");
        }
        try (Stream<Path> files = Files.walk(source)) {
            for (Path file : files.collect(Collectors.toList())) {
                Path copy = target.resolve(source.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(copy);
                } else {
                    Files.copy(file, copy);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + source + " to " + target, e);
        }
        return new JamesConfFolder(target);
    }

    Path directory() {
        return directory;
    }

    void write(String fileName, String content) {
        try {
            Files.writeString(directory.resolve(fileName), content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every enabled SMTP listener of smtpserver.xml binds this address ("ip:port"; port 0 = any free port). */
    void bindSmtpListeners(String address) {
        editXml("smtpserver.xml", document -> elements(document.getDocumentElement(), "smtpserver").stream()
            .filter(server -> !"false".equals(server.getAttribute("enabled")))
            .forEach(server -> setChild(server, "bind", address)));
    }

    void setProperty(String fileName, String key, String value) {
        Path file = directory.resolve(fileName);
        PropertiesConfiguration properties = new PropertiesConfiguration();
        FileHandler handler = new FileHandler(properties);
        try {
            handler.load(file.toFile());
            properties.setProperty(key, value);
            handler.save(file.toFile());
        } catch (ConfigurationException e) {
            throw new IllegalStateException("cannot edit " + file, e);
        }
    }

    void setDeliveryMailetParameter(String name, String value) {
        editXml("mailetcontainer.xml", document -> setChild(deliveryMailet(document), name, value));
    }

    void removeDeliveryMailetParameter(String name) {
        editXml("mailetcontainer.xml", document -> {
            Element mailet = deliveryMailet(document);
            List<Element> parameters = children(mailet, name);
            if (parameters.isEmpty()) {
                throw new IllegalArgumentException("the " + DELIVERY_MAILET + " mailet has no parameter '" + name
                    + "' to remove");
            }
            parameters.forEach(mailet::removeChild);
        });
    }

    void editXml(String fileName, Consumer<Document> edit) {
        Path file = directory.resolve(fileName);
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            Document document = factory.newDocumentBuilder().parse(file.toFile());
            edit.accept(document);
            TransformerFactory.newInstance().newTransformer()
                .transform(new DOMSource(document), new StreamResult(file.toFile()));
        } catch (ParserConfigurationException | SAXException | TransformerException e) {
            throw new IllegalStateException("cannot edit " + file, e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Element deliveryMailet(Document document) {
        List<Element> mailets = elements(document.getDocumentElement(), "mailet").stream()
            .filter(mailet -> DELIVERY_MAILET.equals(mailet.getAttribute("class")))
            .collect(Collectors.toList());
        if (mailets.size() != 1) {
            throw new IllegalStateException("mailetcontainer.xml must have exactly one " + DELIVERY_MAILET
                + " mailet for the harness to edit, it has " + mailets.size());
        }
        return mailets.get(0);
    }

    /** Sets the text of the element's only child named {@code name}, adding the child if there is none. */
    private static void setChild(Element parent, String name, String text) {
        List<Element> children = children(parent, name);
        if (children.size() > 1) {
            throw new IllegalStateException("<" + parent.getNodeName() + "> has " + children.size() + " <" + name
                + "> elements, expected at most one");
        }
        if (children.isEmpty()) {
            Element child = parent.getOwnerDocument().createElement(name);
            parent.appendChild(child);
            children = List.of(child);
        }
        children.get(0).setTextContent(text);
    }

    private static List<Element> children(Element parent, String name) {
        NodeList nodes = parent.getChildNodes();
        return IntStream.range(0, nodes.getLength())
            .mapToObj(nodes::item)
            .filter(node -> node.getNodeType() == Node.ELEMENT_NODE && node.getNodeName().equals(name))
            .map(Element.class::cast)
            .collect(Collectors.toList());
    }

    /** Descendant elements by tag name. */
    private static List<Element> elements(Element root, String tagName) {
        NodeList nodes = root.getElementsByTagName(tagName);
        return IntStream.range(0, nodes.getLength())
            .mapToObj(nodes::item)
            .map(Element.class::cast)
            .collect(Collectors.toList());
    }
}
